"""Reshaping layers: the standard battery per config (both data formats), NumPy references,
argument errors."""

import numpy as np
import pytest

from cornu import layers, ops
from tests.helpers import layer_battery_test

RNG = np.random.default_rng(0)
CF = "channels_first"
CL = "channels_last"

CASES = [
    ("permute", layers.Permute, {"dims": (2, 1)},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 4, 3)}),
    ("permute_3", layers.Permute, {"dims": (3, 1, 2)},
     {"input_shape": (2, 3, 4, 5), "expected_output_shape": (2, 5, 3, 4)}),
    ("repeat_vector", layers.RepeatVector, {"n": 3},
     {"input_shape": (2, 4), "expected_output_shape": (2, 3, 4)}),
    ("cropping1d", layers.Cropping1D, {"cropping": (1, 2)},
     {"input_shape": (2, 6, 3), "expected_output_shape": (2, 3, 3)}),
    ("cropping1d_int", layers.Cropping1D, {"cropping": 1},
     {"input_shape": (2, 4, 3), "expected_output_shape": (2, 2, 3)}),
    ("cropping2d", layers.Cropping2D, {"cropping": ((0, 1), (1, 0))},
     {"input_shape": (2, 4, 5, 3), "expected_output_shape": (2, 3, 4, 3)}),
    ("cropping2d_cf", layers.Cropping2D, {"cropping": (1, 2), "data_format": CF},
     {"input_shape": (2, 3, 4, 5), "expected_output_shape": (2, 3, 2, 1)}),
    ("cropping3d", layers.Cropping3D, {"cropping": 1},
     {"input_shape": (1, 4, 4, 3, 2), "expected_output_shape": (1, 2, 2, 1, 2)}),
    ("cropping3d_cf", layers.Cropping3D, {"cropping": ((1, 0), (0, 1), (1, 1)), "data_format": CF},
     {"input_shape": (1, 2, 3, 3, 4), "expected_output_shape": (1, 2, 2, 2, 2)}),
    ("zero_padding1d", layers.ZeroPadding1D, {"padding": (1, 2)},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 6, 4)}),
    ("zero_padding1d_cf", layers.ZeroPadding1D, {"padding": 1, "data_format": CF},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 6)}),
    ("zero_padding2d", layers.ZeroPadding2D, {"padding": ((1, 0), (0, 1))},
     {"input_shape": (2, 3, 3, 2), "expected_output_shape": (2, 4, 4, 2)}),
    ("zero_padding2d_cf", layers.ZeroPadding2D, {"padding": (1, 2), "data_format": CF},
     {"input_shape": (2, 2, 3, 3), "expected_output_shape": (2, 2, 5, 7)}),
    ("zero_padding3d", layers.ZeroPadding3D, {},
     {"input_shape": (1, 2, 2, 2, 3), "expected_output_shape": (1, 4, 4, 4, 3)}),
    ("zero_padding3d_cf", layers.ZeroPadding3D, {"padding": (1, 0, 2), "data_format": CF},
     {"input_shape": (1, 3, 2, 2, 2), "expected_output_shape": (1, 3, 4, 2, 6)}),
    ("up_sampling1d", layers.UpSampling1D, {"size": 3},
     {"input_shape": (2, 4, 5), "expected_output_shape": (2, 12, 5)}),
    ("up_sampling2d", layers.UpSampling2D, {"size": (2, 3)},
     {"input_shape": (2, 2, 3, 2), "expected_output_shape": (2, 4, 9, 2)}),
    ("up_sampling2d_cf", layers.UpSampling2D, {"size": 2, "data_format": CF},
     {"input_shape": (2, 2, 3, 3), "expected_output_shape": (2, 2, 6, 6)}),
    ("up_sampling2d_bilinear", layers.UpSampling2D, {"interpolation": "bilinear"},
     {"input_shape": (2, 3, 3, 2), "expected_output_shape": (2, 6, 6, 2)}),
    ("up_sampling2d_bilinear_cf", layers.UpSampling2D,
     {"size": (2, 3), "interpolation": "bilinear", "data_format": CF},
     {"input_shape": (2, 2, 3, 3), "expected_output_shape": (2, 2, 6, 9)}),
    ("up_sampling3d", layers.UpSampling3D, {"size": (1, 2, 3)},
     {"input_shape": (1, 2, 2, 2, 3), "expected_output_shape": (1, 2, 4, 6, 3)}),
    ("up_sampling3d_cf", layers.UpSampling3D, {"size": 2, "data_format": CF},
     {"input_shape": (1, 3, 2, 2, 2), "expected_output_shape": (1, 3, 4, 4, 4)}),
]  # fmt: skip


test_layer_battery = layer_battery_test(CASES)


def _run(layer, x):
    return ops.convert_to_numpy(layer(x))


def test_permute_and_repeat_vector_match_numpy():
    x = RNG.normal(size=(2, 3, 4, 5)).astype("float32")
    np.testing.assert_array_equal(_run(layers.Permute((3, 1, 2)), x), x.transpose(0, 3, 1, 2))
    v = RNG.normal(size=(2, 4)).astype("float32")
    np.testing.assert_array_equal(
        _run(layers.RepeatVector(3), v), np.repeat(v[:, None, :], 3, axis=1)
    )


@pytest.mark.parametrize("data_format", [CL, CF])
def test_cropping_and_padding_match_numpy(data_format):
    x = RNG.normal(size=(2, 5, 6, 4)).astype("float32")
    axes2 = (2, 3) if data_format == CF else (1, 2)
    spatial = [slice(None)] * 4
    pad = [(0, 0)] * 4
    for axis, (a, b), widths in zip(axes2, ((1, 0), (0, 2)), ((1, 0), (2, 3))):
        spatial[axis] = slice(a, x.shape[axis] - b)
        pad[axis] = widths
    np.testing.assert_array_equal(
        _run(layers.Cropping2D(((1, 0), (0, 2)), data_format=data_format), x), x[tuple(spatial)]
    )
    np.testing.assert_array_equal(
        _run(layers.ZeroPadding2D(((1, 0), (2, 3)), data_format=data_format), x), np.pad(x, pad)
    )
    v = RNG.normal(size=(2, 3, 4, 5, 2)).astype("float32")
    crop3 = layers.Cropping3D(((1, 1), (0, 2), (1, 0)), data_format=data_format)
    axes = (2, 3, 4) if data_format == CF else (1, 2, 3)
    index = [slice(None)] * 5
    for axis, (a, b) in zip(axes, ((1, 1), (0, 2), (1, 0))):
        index[axis] = slice(a, v.shape[axis] - b)
    np.testing.assert_array_equal(_run(crop3, v), v[tuple(index)])
    widths = [(0, 0)] * 5
    for axis, pair in zip(axes, ((1, 0), (0, 1), (2, 2))):
        widths[axis] = pair
    pad3 = layers.ZeroPadding3D(((1, 0), (0, 1), (2, 2)), data_format=data_format)
    np.testing.assert_array_equal(_run(pad3, v), np.pad(v, widths))


def test_cropping1d_and_padding1d_match_numpy():
    x = RNG.normal(size=(2, 6, 3)).astype("float32")
    np.testing.assert_array_equal(_run(layers.Cropping1D((2, 1)), x), x[:, 2:5])
    np.testing.assert_array_equal(
        _run(layers.ZeroPadding1D((1, 2)), x), np.pad(x, ((0, 0), (1, 2), (0, 0)))
    )
    np.testing.assert_array_equal(
        _run(layers.ZeroPadding1D(1, data_format=CF), x), np.pad(x, ((0, 0), (0, 0), (1, 1)))
    )


@pytest.mark.parametrize("data_format", [CL, CF])
def test_nearest_up_sampling_matches_numpy(data_format):
    x = RNG.normal(size=(2, 2, 3, 4)).astype("float32")
    axes = (2, 3) if data_format == CF else (1, 2)
    expected = np.repeat(np.repeat(x, 2, axis=axes[0]), 3, axis=axes[1])
    np.testing.assert_array_equal(
        _run(layers.UpSampling2D((2, 3), data_format=data_format), x), expected
    )
    v = RNG.normal(size=(1, 2, 2, 2, 2)).astype("float32")
    axes3 = (2, 3, 4) if data_format == CF else (1, 2, 3)
    expected = v
    for axis, factor in zip(axes3, (2, 1, 3)):
        expected = np.repeat(expected, factor, axis=axis)
    np.testing.assert_array_equal(
        _run(layers.UpSampling3D((2, 1, 3), data_format=data_format), v), expected
    )
    s = RNG.normal(size=(2, 3, 4)).astype("float32")
    np.testing.assert_array_equal(_run(layers.UpSampling1D(2), s), np.repeat(s, 2, axis=1))


def _np_bilinear_axis(x, axis, factor):
    n = x.shape[axis]
    src = np.clip((np.arange(n * factor) + 0.5) / factor - 0.5, 0, n - 1)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    w = src - lo
    shape = [1] * x.ndim
    shape[axis] = -1
    w = w.reshape(shape)
    return np.take(x, lo, axis=axis) * (1 - w) + np.take(x, hi, axis=axis) * w


@pytest.mark.parametrize("data_format", [CL, CF])
def test_bilinear_up_sampling_matches_numpy(data_format):
    x = RNG.normal(size=(2, 3, 4, 2)).astype("float32")
    if data_format == CF:
        x = x.transpose(0, 3, 1, 2)
    axes = (2, 3) if data_format == CF else (1, 2)
    expected = _np_bilinear_axis(_np_bilinear_axis(x, axes[0], 2), axes[1], 3)
    layer = layers.UpSampling2D((2, 3), data_format=data_format, interpolation="bilinear")
    np.testing.assert_allclose(_run(layer, x), expected, rtol=1e-5, atol=1e-5)


def test_configs_match_keras_layout():
    # Tuples, as Keras's get_config gives them (JSON writes them as lists).
    cropping = layers.Cropping2D(((0, 1), (1, 0)), data_format=CL).get_config()["cropping"]
    assert cropping == ((0, 1), (1, 0))
    config = layers.ZeroPadding2D(((1, 0), (0, 1))).get_config()
    assert config["padding"] == ((1, 0), (0, 1)) and config["data_format"] == CL
    config = layers.UpSampling2D().get_config()
    assert config["size"] == (2, 2) and config["interpolation"] == "nearest"
    assert layers.Permute((2, 1)).get_config()["dims"] == (2, 1)
    assert layers.RepeatVector(2).get_config()["n"] == 2
    # The fixture's config form revives.
    layer = layers.ZeroPadding2D.from_config(
        {"name": "zp", "trainable": True, "padding": [[1, 0], [0, 1]], "data_format": CL}
    )
    assert layer.padding == ((1, 0), (0, 1))


def test_unknown_dims_in_output_shapes():
    assert layers.Cropping1D((1, 1)).compute_output_shape((None, None, 3)) == (None, None, 3)
    assert layers.ZeroPadding2D(1).compute_output_shape((None, None, 4, 2)) == (None, None, 6, 2)
    assert layers.UpSampling2D(2).compute_output_shape((None, None, 4, 2)) == (None, None, 8, 2)
    assert layers.Permute((2, 1)).compute_output_shape((None, None, 3)) == (None, 3, None)


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: layers.Permute((1, 3)), ValueError, "Permute: dims must be a permutation"),
        (lambda: layers.RepeatVector(0), TypeError, "RepeatVector: n must be a positive int"),
        (lambda: layers.Cropping2D((1, 2, 3)), ValueError, "Cropping2D: cropping must be"),
        (lambda: layers.Cropping1D(-1), ValueError, "Cropping1D: cropping must be"),
        (lambda: layers.ZeroPadding3D((1, 1)), ValueError, "ZeroPadding3D: padding must be"),
        (lambda: layers.ZeroPadding2D(data_format="nhwc"), ValueError, "ZeroPadding2D: data_format"),
        (lambda: layers.UpSampling2D(0), ValueError, "UpSampling2D: size must be"),
        (lambda: layers.UpSampling2D(interpolation="cubic"), ValueError,
         "UpSampling2D: interpolation must be one of"),
    ],
)  # fmt: skip
def test_argument_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_call_errors():
    with pytest.raises(ValueError, match="Cropping1D layer .* leaves nothing"):
        layers.Cropping1D((2, 2))(np.zeros((1, 4, 2), "float32"))
    with pytest.raises(ValueError, match="Permute layer .* needs inputs of rank 3"):
        layers.Permute((2, 1))(np.zeros((1, 4), "float32"))
