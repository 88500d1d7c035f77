"""`run_layer_test` passes a correct layer and catches each kind of broken one."""

import numpy as np
import pytest

import cornu
from cornu import layers, ops
from cornu.testing import run_layer_test


class Scale(cornu.Layer):
    """A correct layer: `x * factor * w`, with one trainable weight per feature."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="random_normal", name="w")

    def call(self, x):
        return x * self.factor * self.w

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class ForgetsFactor(Scale):
    """get_config loses `factor`."""

    def get_config(self):
        config = super().get_config()
        del config["factor"]
        return config


class ConfigDrifts(Scale):
    """Stores a transformed argument, so each round trip changes the config."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(factor + 1.0, **kwargs)


class UnserializableConfig(Scale):
    def get_config(self):
        return {**super().get_config(), "factor": object()}


class WrongOutputShape(Scale):
    """compute_output_shape disagrees with what call returns."""

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (1,)


class AlwaysFloat32(Scale):
    """Ignores mixed precision: always returns float32."""

    def call(self, x):
        return ops.cast(super().call(x), "float32")


def test_correct_layer_passes_and_returns_the_output():
    out = run_layer_test(
        Scale,
        {"factor": 3.0},
        input_shape=(2, 4),
        expected_output_shape=(2, 4),
        expected_output_dtype="float32",
        expected_num_trainable_weights=1,
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=0,
        supports_masking=False,
    )
    assert ops.shape(out) == (2, 4)


def test_builtin_dense_passes():
    run_layer_test(layers.Dense, {"units": 3}, input_shape=(2, 4), expected_output_shape=(2, 3))


def test_given_input_data_is_used():
    data = np.arange(6, dtype="float32").reshape(2, 3)
    out = run_layer_test(layers.Activation, {"activation": "relu"}, input_data=data)
    np.testing.assert_array_equal(ops.convert_to_numpy(out), data)


@pytest.mark.parametrize(
    "layer_cls, kwargs, match",
    [
        (ForgetsFactor, {"factor": 3.0}, "the revived layer's output differs"),
        (ConfigDrifts, {"factor": 3.0}, r"from_config\(get_config\(\)\) gives a different config"),
        (UnserializableConfig, {}, "get_config.. is not JSON serializable"),
        (WrongOutputShape, {}, r"compute_output_shape\(\(2, 4\)\) = \(2, 1\)"),
        (AlwaysFloat32, {}, "mixed_float16 output dtype float32, expected float16"),
        (Scale, {"expected_output_shape": (2, 5)}, r"eager output shape \(2, 4\), expected \(2, 5\)"),
        (Scale, {"expected_output_dtype": "float16"}, "eager output dtype float32, expected float16"),
        (Scale, {"expected_num_trainable_weights": 2}, "1 trainable weights, expected 2"),
        (Scale, {"expected_num_non_trainable_weights": 1}, "0 non-trainable weights, expected 1"),
        (Scale, {"expected_num_seed_generators": 1}, "0 seed generators, expected 1"),
        (Scale, {"supports_masking": True}, "supports_masking is False, expected True"),
    ],
    ids=[
        "config_loses_argument", "config_drifts", "config_not_json", "wrong_output_shape", "ignores_mixed_precision",
        "expected_shape", "expected_dtype", "trainable_count", "non_trainable_count",
        "seed_generators", "masking_flag",
    ],
)  # fmt: skip
def test_broken_layers_are_caught(layer_cls, kwargs, match):
    checks = {k: v for k, v in kwargs.items() if k.startswith(("expected", "supports"))}
    init_kwargs = {k: v for k, v in kwargs.items() if k not in checks}
    with pytest.raises(AssertionError, match=match):
        run_layer_test(layer_cls, init_kwargs, input_shape=(2, 4), **checks)


def test_symbolic_shape_mismatch_is_caught():
    class EagerOnlyShape(cornu.Layer):
        """The symbolic path (abstract evaluation) is fine, but compute_output_spec lies."""

        def call(self, x):
            return x

        def compute_output_spec(self, x):
            return cornu.KerasTensor(tuple(x.shape[:-1]) + (7,), dtype=x.dtype)

    with pytest.raises(AssertionError, match=r"symbolic output shape \(2, 7\)"):
        run_layer_test(EagerOnlyShape, input_shape=(2, 4))


def test_needs_input_shape_or_data():
    with pytest.raises(AssertionError, match="give input_shape or input_data"):
        run_layer_test(Scale)
