"""Activation layers: the standard battery per config, NumPy references, masks, errors."""

import numpy as np
import pytest

import cornu
from cornu import layers, ops
from tests.helpers import layer_battery_test

RNG = np.random.default_rng(0)

CASES = [
    ("relu", layers.ReLU, {},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "supports_masking": True,
      "expected_num_trainable_weights": 0}),
    ("relu_all_args", layers.ReLU, {"max_value": 1.5, "negative_slope": 0.1, "threshold": 0.2},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4)}),
    ("leaky_relu", layers.LeakyReLU, {"negative_slope": 0.2},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "supports_masking": True}),
    ("elu", layers.ELU, {"alpha": 0.5},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "supports_masking": True}),
    ("prelu", layers.PReLU, {},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4),
      "expected_num_trainable_weights": 1}),
    ("prelu_shared", layers.PReLU, {"shared_axes": [1, 2], "alpha_initializer": "ones"},
     {"input_shape": (2, 3, 3, 4), "expected_output_shape": (2, 3, 3, 4),
      "expected_num_trainable_weights": 1}),
    ("prelu_regularized", layers.PReLU, {"alpha_regularizer": "l2", "alpha_constraint": "non_neg"},
     {"input_shape": (2, 5), "expected_output_shape": (2, 5)}),
    ("softmax", layers.Softmax, {},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "supports_masking": True}),
    ("softmax_axes", layers.Softmax, {"axis": (1, 2)},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4)}),
]  # fmt: skip


test_layer_battery = layer_battery_test(CASES)


X = np.array([[-3.0, -0.5, 0.0, 0.1, 0.5, 2.0, 7.0]], "float32")


def _np_relu(x, max_value=None, negative_slope=0.0, threshold=0.0):
    out = np.where(x >= threshold, x, negative_slope * (x - threshold))
    return out if max_value is None else np.minimum(out, max_value)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"max_value": 6.0}, {"negative_slope": 0.1}, {"threshold": 0.3},
     {"max_value": 1.0, "negative_slope": 0.2, "threshold": 0.5}],
)  # fmt: skip
def test_relu_matches_numpy(kwargs):
    out = ops.convert_to_numpy(layers.ReLU(**kwargs)(X))
    np.testing.assert_allclose(out, _np_relu(X, **kwargs), rtol=1e-6, atol=1e-7)


def test_leaky_relu_and_elu_match_numpy():
    out = ops.convert_to_numpy(layers.LeakyReLU()(X))
    np.testing.assert_allclose(out, np.where(X > 0, X, 0.3 * X), rtol=1e-6)
    out = ops.convert_to_numpy(layers.LeakyReLU(alpha=0.05)(X))  # the older argument name
    np.testing.assert_allclose(out, np.where(X > 0, X, 0.05 * X), rtol=1e-6)
    out = ops.convert_to_numpy(layers.ELU(alpha=0.7)(X))
    np.testing.assert_allclose(out, np.where(X > 0, X, 0.7 * (np.exp(X) - 1)), rtol=1e-5)


def test_prelu_matches_numpy_with_own_weights():
    layer = layers.PReLU(alpha_initializer="random_normal", shared_axes=[1])
    x = RNG.normal(size=(2, 3, 4)).astype("float32")
    out = ops.convert_to_numpy(layer(x))
    (alpha,) = layer.get_weights()
    assert alpha.shape == (1, 4)
    assert [v.path for v in layer.weights] == [f"{layer.name}/alpha"]
    np.testing.assert_allclose(out, np.where(x >= 0, x, alpha * x), rtol=1e-6, atol=1e-7)


def test_prelu_default_alpha_shape_and_config():
    layer = layers.PReLU()
    layer(np.zeros((1, 2, 3), "float32"))
    assert tuple(layer.weights[0].shape) == (2, 3)
    config = layer.get_config()
    assert config["shared_axes"] is None
    assert config["alpha_initializer"]["class_name"] == "Zeros"


def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_softmax_matches_numpy():
    x = RNG.normal(size=(2, 3, 4)).astype("float32")
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.Softmax()(x)), _np_softmax(x, -1), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.Softmax(axis=(1, 2))(x)),
        _np_softmax(x, (1, 2)),
        rtol=1e-5,
        atol=1e-6,
    )


def test_softmax_mask_gives_zero_probability():
    x = RNG.normal(size=(2, 3, 4)).astype("float32")
    mask = RNG.random((2, 3, 4)) > 0.4
    mask[0, 0] = False  # a fully masked row: all zeros
    out = ops.convert_to_numpy(layers.Softmax()(x, mask=mask))
    expected = np.where(mask, np.exp(x), 0.0)
    sums = expected.sum(-1, keepdims=True)
    expected = np.divide(expected, sums, out=np.zeros_like(expected), where=sums > 0)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    assert np.all(out[0, 0] == 0)
    # A lower-rank mask (batch, steps) masks whole steps.
    step_mask = np.array([[True, False, True], [True, True, False]])
    out = ops.convert_to_numpy(layers.Softmax()(x, mask=step_mask))
    assert np.all(out[0, 1] == 0) and np.all(out[1, 2] == 0)
    np.testing.assert_allclose(out[0, 0], _np_softmax(x[0, 0], -1), rtol=1e-5)


def test_softmax_in_a_model_uses_the_propagated_mask():
    tokens = np.array([[1, 2, 0], [3, 0, 0]], "int32")
    inputs = cornu.Input((3,), dtype="int32")
    logits = layers.Embedding(5, 3, mask_zero=True)(inputs)
    outputs = layers.Softmax()(logits)
    model = cornu.Model(inputs, outputs)
    out = ops.convert_to_numpy(model(tokens))
    assert np.all(out[0, 2] == 0) and np.all(out[1, 1:] == 0)
    np.testing.assert_allclose(out[0, :2].sum(-1), [1.0, 1.0], rtol=1e-5)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: layers.ReLU(max_value=-1.0), "ReLU: max_value must be a non-negative number"),
        (lambda: layers.ReLU(negative_slope=-0.1), "ReLU: negative_slope"),
        (lambda: layers.ReLU(threshold=-1), "ReLU: threshold"),
        (lambda: layers.LeakyReLU(negative_slope=None), "LeakyReLU: negative_slope"),
        (lambda: layers.ELU(alpha="big"), "ELU: alpha must be a number"),
        (lambda: layers.PReLU(shared_axes=[0]), "PReLU: shared_axes"),
        (lambda: layers.Softmax(axis="last"), "Softmax: axis must be an int"),
    ],
)
def test_argument_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_prelu_shared_axis_out_of_range():
    with pytest.raises(ValueError, match="PReLU layer .* has axis 3"):
        layers.PReLU(shared_axes=[3])(np.zeros((1, 2), "float32"))
