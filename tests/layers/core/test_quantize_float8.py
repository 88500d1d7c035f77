"""`quantize("float8")` and "float8_from_*" policies on Dense and EinsumDense: variables,
the exact float8 rounding, outputs, delayed scaling in training, saving, and `.keras` files
passing both ways with real Keras (run in a subprocess)."""

import importlib.util
import os
import warnings

import numpy as np
import pytest

import cornu
from cornu.layers.core import quantized_float8
from tests.conftest import requires_training
from tests.helpers import keras_report

L = cornu.layers
RNG = np.random.default_rng(0)
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
_FLOAT8 = ["inputs_scale", "inputs_amax_history", "kernel_scale", "kernel_amax_history",
           "outputs_grad_scale", "outputs_grad_amax_history"]  # fmt: skip


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _names(layer):
    return [v.path.split("/")[-1] for v in layer.weights]


def _optimizer_overwrites_with_gradient():
    """Whether optimizers assign the "gradient" of `overwrite_with_gradient` variables (what
    float8 training needs to update its scales and amax histories)."""
    try:
        variable = cornu.Variable(np.zeros((), "float32"), name="probe")
        variable.overwrite_with_gradient = True
        cornu.optimizers.SGD(1.0).apply([np.float32(3.0)], [variable])
        return float(_np(variable)) == 3.0
    except Exception:
        return False


requires_overwrite = pytest.mark.skipif(
    not _optimizer_overwrites_with_gradient(),
    reason="the optimizer does not honour overwrite_with_gradient yet (cornu/optimizers/"
    "optimizer.py), so float8 scales cannot be updated in training",
)


# -- the float8 rounding ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["float8_e4m3fn", "float8_e5m2"])
def test_rounding_matches_ml_dtypes(name):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    dtype = getattr(ml_dtypes, name)
    grid = np.arange(256, dtype="uint8").view(dtype).astype("float32")
    grid = np.unique(grid[np.isfinite(grid)])
    mids = (grid[1:] + grid[:-1]) / 2  # ties: to even
    x = np.concatenate([grid, mids, np.nextafter(mids, 0), np.nextafter(mids, np.inf),
                        RNG.uniform(-grid.max(), grid.max(), 500).astype("float32")])  # fmt: skip
    x = x.astype("float32")
    got = _np(quantized_float8.quantize_dequantize(cornu.ops.convert_to_tensor(x), 1.0, name))
    np.testing.assert_array_equal(got, x.astype(dtype).astype("float32"))
    fmax = {"float8_e4m3fn": quantized_float8.E4M3_MAX, "float8_e5m2": quantized_float8.E5M2_MAX}
    assert fmax[name] == float(grid.max())


def test_quantize_dequantize_saturates():
    x = np.array([-1e6, -3.0, 0.0, 1.1, 1e6], "float32")
    got = _np(quantized_float8.quantize_dequantize(cornu.ops.convert_to_tensor(x), 0.5,
                                                   "float8_e4m3fn"))  # fmt: skip
    np.testing.assert_array_equal(got, [-224.0, -3.0, 0.0, 1.125, 224.0])


def test_delayed_scale_and_history():
    history = np.array([1.0, 0.0, 0.0, 0.0], "float32")
    for amax, want in [(2.0, [2, 0, 0, 1]), (3.0, [3, 0, 1, 2]), (4.0, [4, 1, 2, 3])]:
        history = _np(quantized_float8.pushed(cornu.ops.convert_to_tensor(history), amax))
        np.testing.assert_array_equal(history, want)
    scale = quantized_float8.next_scale(cornu.ops.convert_to_tensor(history), 0.5, 448.0)
    np.testing.assert_allclose(_np(scale), 4.0 / 448.0, rtol=1e-7)
    for bad in (0.0, np.inf, np.nan):  # no usable amax: the scale stays
        history = cornu.ops.convert_to_tensor(np.array([bad, 0.0], "float32"))
        assert float(_np(quantized_float8.next_scale(history, 0.25, 448.0))) == 0.25


# -- variables, policies, configs ------------------------------------------------------------


def test_dense_quantize_float8_variables():
    layer = L.Dense(3, name="d")
    layer.build((None, 4))
    kernel = _np(layer.kernel)
    layer.quantize("float8")
    assert _names(layer) == ["kernel", "bias"] + _FLOAT8
    for v in layer.weights:
        assert v.dtype == "float32" and v.trainable, v.path
    assert tuple(layer.inputs_amax_history.shape) == (1024,)
    assert tuple(layer.inputs_scale.shape) == ()
    np.testing.assert_array_equal(_np(layer.kernel), kernel)  # the kernel stays float
    assert float(_np(layer.outputs_grad_scale)) == 1.0
    assert not _np(layer.kernel_amax_history).any()
    policy = layer.dtype_policy
    assert type(policy).__name__ == "QuantizedFloat8DTypePolicy"
    assert (policy.name, policy.amax_history_length) == ("float8_from_float32", 1024)
    assert len(layer.trainable_weights) == 8
    config = layer.get_config()
    assert config["dtype"]["class_name"] == "QuantizedFloat8DTypePolicy"
    assert config["dtype"]["config"] == {
        "mode": "float8", "source_name": "float32", "amax_history_length": 1024,
    }  # fmt: skip
    assert config["quantization_config"]["class_name"] == "Float8QuantizationConfig"
    with pytest.raises(ValueError, match="already quantized with dtype_policy='float8_from"):
        layer.quantize("float8")


def test_quantized_variables_take_the_model_path():
    layer = L.Dense(2, name="d")
    cornu.Sequential([cornu.Input((3,)), layer], name="seq")
    layer.quantize("float8")
    assert [v.path for v in layer.weights] == [f"seq/d/{n}" for n in ["kernel", "bias"] + _FLOAT8]


def test_built_under_float8_policy():
    policy = cornu.dtype_policies.QuantizedFloat8DTypePolicy(
        "float8", "float32", amax_history_length=7
    )
    layer = L.Dense(3, dtype=policy, name="d")
    layer.build((None, 4))
    assert _names(layer) == _FLOAT8 + ["kernel", "bias"]  # Keras's creation order
    assert [v.path.split("/")[-1] for v in layer._own_weights()] == ["kernel", "bias"] + _FLOAT8
    assert tuple(layer.kernel_amax_history.shape) == (7,)
    assert layer.quantization_config is None
    assert layer.get_config()["dtype"]["config"]["amax_history_length"] == 7
    clone = L.Dense.from_config(layer.get_config())
    clone.build((None, 4))
    assert tuple(clone.outputs_grad_amax_history.shape) == (7,)
    einsum = L.EinsumDense("ab,bc->ac", output_shape=3, dtype="float8_from_float32")
    einsum.build((None, 4))
    assert _names(einsum) == _FLOAT8 + ["kernel"]


def test_model_quantize_float8_skips_embedding_with_a_warning():
    ids = cornu.Input((3,), dtype="int32")
    model = cornu.Model(ids, L.Dense(2)(L.Embedding(7, 4)(ids)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.quantize("float8")
    assert any("quantization_mode=float8" in str(w.message) for w in caught)
    assert [layer.dtype_policy.name for layer in model.layers] == [
        "float32", "float32", "float8_from_float32",
    ]  # fmt: skip
    embedding = L.Embedding(7, 4)
    embedding.build()
    with pytest.raises(NotImplementedError, match="Expected one of"):
        embedding.quantize("float8")


# -- outputs ---------------------------------------------------------------------------------


def _e4m3(x, scale=1.0):
    """NumPy's e4m3 (via ml_dtypes) with a saturating scale, as Keras observes it."""
    ml_dtypes = pytest.importorskip("ml_dtypes")
    values = np.clip(np.asarray(x, "float32") / np.float32(scale), -448, 448)
    return values.astype(ml_dtypes.float8_e4m3fn).astype("float32") * np.float32(scale)


def _bfloat16(x):
    bits = np.asarray(x, "float32").view("uint32")
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000  # round to nearest even
    return rounded.astype("uint32").view("float32")


def test_dense_float8_output():
    layer = L.Dense(3, activation="relu")
    layer.build((None, 4))
    layer.bias.assign(RNG.standard_normal(3).astype("float32") * 0.1)
    x = (RNG.standard_normal((5, 4)) * 3).astype("float32")
    before = _np(layer(x))
    kernel, bias = _np(layer.kernel), _np(layer.bias)
    layer.quantize("float8")
    layer.inputs_scale.assign(0.05)
    # Keras's float8 path: e4m3 operands with their scales, and the bias in bfloat16.
    want = np.maximum(_e4m3(x, 0.05) @ _e4m3(kernel) + _bfloat16(bias), 0)
    out = _np(layer(x))
    np.testing.assert_allclose(out, want, rtol=1e-6, atol=1e-6)
    # e4m3 keeps 3 mantissa bits: each operand is off by at most 1/16 of itself, so the
    # product by at most about 1/8 of |x| @ |kernel|, plus half the subnormal spacing (2**-10)
    # for tiny kernel entries: a bound that holds for any draw.
    bound = 0.14 * (np.abs(x) @ (np.abs(kernel) + 2.0**-9)) + 0.01
    assert (np.abs(out - before) <= bound).all()
    out = _np(layer(x, training=True))  # calls alone never change the float8 variables
    assert float(_np(layer.inputs_scale)) == np.float32(0.05)
    assert not _np(layer.inputs_amax_history).any()


@pytest.mark.parametrize(
    "equation, output_shape, bias_axes, input_shape",
    [
        ("ab,bc->ac", 5, "c", (3, 6)),
        ("abc,cde->abde", (2, 3, 4), "de", (3, 2, 6)),
        ("abcd,cde->abe", (2, 4), None, (3, 2, 3, 6)),
    ],
    ids=["dense_like", "two_output_letters", "two_contracted"],
)
def test_einsum_dense_float8_output(equation, output_shape, bias_axes, input_shape):
    layer = L.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes)
    layer.build((None,) + input_shape[1:])
    x = RNG.standard_normal(input_shape).astype("float32")
    kernel = _np(layer.kernel)
    bias = 0 if layer.bias is None else _bfloat16(_np(layer.bias))
    layer.quantize("float8")
    assert _names(layer) == ["kernel"] + (["bias"] if bias_axes else []) + _FLOAT8
    want = np.einsum(equation, _e4m3(x), _e4m3(kernel)) + bias
    np.testing.assert_allclose(_np(layer(x)), want, rtol=1e-5, atol=1e-6)


# -- training --------------------------------------------------------------------------------


@requires_training
@requires_overwrite
def test_fit_updates_scales_with_delayed_scaling():
    policy = cornu.dtype_policies.QuantizedFloat8DTypePolicy(
        "float8", "float32", amax_history_length=3
    )
    layer = L.Dense(2, dtype=policy)
    model = cornu.Sequential([cornu.Input((4,)), layer])
    model.compile(cornu.optimizers.SGD(0.0), "mse")
    kernel = _np(layer.kernel)
    x = (RNG.standard_normal((2, 4)) * 5).astype("float32")
    y = np.zeros((2, 2), "float32")
    amaxes = []
    for step in range(3):
        model.fit(x * (step + 1), y, batch_size=2, epochs=1, verbose=0, shuffle=False)
        amaxes.append(np.float32(np.abs(x * (step + 1)).max()))
        # The scale used in a step was computed at the previous one (ones at first).
        want_scale = 1.0 if step == 0 else np.float32(1) / (np.float32(448) / max(amaxes[:-1]))
        np.testing.assert_allclose(_np(layer.inputs_scale), want_scale, rtol=1e-6)
        want_scale = 1.0 if step == 0 else np.abs(kernel).max() / 448  # jit: within an ulp
        np.testing.assert_allclose(_np(layer.kernel_scale), want_scale, rtol=1e-6)
    np.testing.assert_allclose(_np(layer.inputs_amax_history), [amaxes[2], amaxes[0], amaxes[1]])
    assert _np(layer.outputs_grad_amax_history).min() > 0
    np.testing.assert_array_equal(_np(layer.kernel), kernel)  # learning rate 0


@requires_training
@pytest.mark.skipif(_optimizer_overwrites_with_gradient(), reason="float8 training is supported")
def test_float8_training_refused_until_optimizers_overwrite():
    model = cornu.Sequential([cornu.Input((4,)), L.Dense(2)])
    model.quantize("float8")
    model.compile(cornu.optimizers.SGD(0.1), "mse")
    x = np.ones((2, 4), "float32")
    with pytest.raises(NotImplementedError, match="float8 training needs optimizers"):
        model.fit(x, np.zeros((2, 2), "float32"), verbose=0)
    assert _np(model.predict(x, verbose=0)).shape == (2, 2)  # inference works


@requires_training
@requires_overwrite
def test_small_mlp_trains_under_float8():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 8)).astype("float32")
    y = (x @ rng.standard_normal((8, 1)) + 0.1).astype("float32")
    cornu.utils.set_random_seed(0)
    model = cornu.Sequential([cornu.Input((8,)), L.Dense(16, activation="relu"), L.Dense(1)])
    model.quantize("float8")
    model.compile(cornu.optimizers.Adam(0.03), "mse")
    history = model.fit(x, y, batch_size=32, epochs=6, verbose=0).history["loss"]
    assert history[-1] < 0.6 * history[0], history
    assert float(_np(model.layers[0].inputs_scale)) != 1.0


# -- saving ----------------------------------------------------------------------------------


def float8_models(lib):
    """The same float8 models under `lib` (cornu or keras), with fixed weights and scales."""
    rng = np.random.default_rng(0)
    dense = lib.Sequential([lib.Input((6,)), lib.layers.Dense(5, activation="relu"),
                            lib.layers.Dense(3)])  # fmt: skip
    inputs = lib.Input((4, 6))
    einsum = lib.Model(inputs, lib.layers.EinsumDense("abc,cd->abd", output_shape=(4, 2),
                                                      bias_axes="d")(inputs))  # fmt: skip
    models = {"dense": dense, "einsum": einsum}
    for model in models.values():
        model.set_weights([rng.standard_normal(w.shape).astype("float32")
                           for w in model.get_weights()])  # fmt: skip
        model.quantize("float8")
        for layer in [lay for lay in model.layers if hasattr(lay, "inputs_scale")]:
            layer.inputs_scale.assign(np.float32(0.02))
            layer.kernel_scale.assign(np.float32(0.005))
            history = np.zeros(layer.inputs_amax_history.shape, "float32")
            history[:2] = [3.5, 1.25]
            layer.inputs_amax_history.assign(history)
    data = {
        "dense": (rng.standard_normal((4, 6)) * 3).astype("float32"),
        "einsum": rng.standard_normal((2, 4, 6)).astype("float32"),
    }
    return models, data


def _variables(model):
    """Per layer, its variables by name (a loaded model is built under its float8 policy,
    which creates the float8 variables before the kernel)."""
    return [sorted([v.path.split("/")[-1], list(v.shape), str(v.dtype), _np(v).tolist()]
                   for v in layer.weights) for layer in model.layers]  # fmt: skip


def test_float8_model_saves_and_loads(tmp_path):
    models, data = float8_models(cornu)
    for name, model in models.items():
        model.save(str(tmp_path / f"{name}.keras"))
        loaded = cornu.saving.load_model(str(tmp_path / f"{name}.keras"))
        assert _variables(loaded) == _variables(model)
        assert loaded.layers[-1].dtype_policy.name == "float8_from_float32"
        np.testing.assert_array_equal(_np(loaded.predict(data[name], verbose=0)),
                                      _np(model.predict(data[name], verbose=0)))  # fmt: skip


_IN_KERAS = """
import json, os, sys
import numpy as np
import keras
folder, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, root)
from tests.layers.core.test_quantize_float8 import float8_models
report = {}
models, data = float8_models(keras)
for name, model in models.items():
    loaded = keras.saving.load_model(os.path.join(folder, "cornu_" + name + ".keras"))
    report[name] = {
        "out": np.asarray(loaded.predict(data[name], verbose=0), "float32").tolist(),
        "variables": [sorted([v.path.split("/")[-1], list(v.shape), str(v.dtype),
                              np.asarray(v.numpy()).tolist()] for v in layer.weights)
                      for layer in loaded.layers],
        "policy": loaded.layers[-1].dtype_policy.name,
    }
    model.save(os.path.join(folder, "keras_" + name + ".keras"))
    np.save(os.path.join(folder, "keras_" + name + ".npy"), model.predict(data[name], verbose=0))
print("REPORT" + json.dumps(report))
"""


@pytest.mark.skipif(importlib.util.find_spec("keras") is None, reason="real Keras is absent")
def test_float8_models_pass_both_ways_with_keras(tmp_path):
    models, data = float8_models(cornu)
    expected = {}
    for name, model in models.items():
        expected[name] = _np(model.predict(data[name], verbose=0))
        model.save(str(tmp_path / f"cornu_{name}.keras"))
    report = keras_report(_IN_KERAS, tmp_path, _ROOT)
    for name, model in models.items():
        # cornu -> Keras: same variables (names, shapes, dtypes, values) and predictions.
        assert report[name]["variables"] == _variables(model), name
        assert report[name]["policy"] == "float8_from_float32"
        np.testing.assert_allclose(report[name]["out"], expected[name], rtol=1e-5, atol=1e-5)
        # Keras -> cornu: loads with Keras's layout and predicts what Keras predicted.
        loaded = cornu.saving.load_model(str(tmp_path / f"keras_{name}.keras"))
        assert _variables(loaded) == _variables(model), name
        np.testing.assert_allclose(_np(loaded.predict(data[name], verbose=0)),
                                   np.load(tmp_path / f"keras_{name}.npy"), rtol=1e-5, atol=1e-5)  # fmt: skip
