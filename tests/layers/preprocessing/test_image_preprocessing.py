"""Resizing and CenterCrop: the standard battery, NumPy comparisons (block averages for
bilinear downsampling, slicing for crops), aspect-ratio options, both data formats, config
and errors."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu.testing import run_layer_test

RNG = np.random.default_rng(0)


def block_mean(x, fh, fw):
    """Bilinear downsampling by integer factors 2 (half-pixel centres) is a 2x2 block mean."""
    n, h, w, c = x.shape
    return x.reshape(n, h // fh, fh, w // fw, fw, c).mean(axis=(2, 4))


@pytest.mark.parametrize(
    "init_kwargs, input_shape, output_shape",
    [
        ({"height": 3, "width": 2}, (2, 6, 4, 3), (2, 3, 2, 3)),
        (
            {"height": 4, "width": 4, "interpolation": "nearest", "crop_to_aspect_ratio": True},
            (2, 3, 6, 2),
            (2, 4, 4, 2),
        ),
        (
            {"height": 4, "width": 4, "pad_to_aspect_ratio": True, "fill_value": 1.0},
            (2, 3, 6, 2),
            (2, 4, 4, 2),
        ),
        (
            {"height": 3, "width": 5, "data_format": "channels_first", "antialias": True},
            (2, 2, 6, 4),
            (2, 2, 3, 5),
        ),
        ({"height": 2, "width": 2, "interpolation": "area"}, (2, 6, 4, 3), (2, 2, 2, 3)),
    ],
    ids=["bilinear", "nearest_crop", "pad", "channels_first_antialias", "area"],
)
def test_resizing_battery(init_kwargs, input_shape, output_shape):
    run_layer_test(layers.Resizing, init_kwargs, input_shape=input_shape,
                   expected_output_shape=output_shape, expected_num_trainable_weights=0,
                   expected_num_non_trainable_weights=0)  # fmt: skip


@pytest.mark.parametrize(
    "init_kwargs, input_shape, output_shape",
    [
        ({"height": 3, "width": 2}, (2, 6, 5, 3), (2, 3, 2, 3)),
        ({"height": 2, "width": 4, "data_format": "channels_first"}, (2, 3, 5, 6), (2, 3, 2, 4)),
        ({"height": 8, "width": 4}, (2, 4, 6, 1), (2, 8, 4, 1)),
    ],
    ids=["crop", "channels_first", "smaller_than_target"],
)
def test_center_crop_battery(init_kwargs, input_shape, output_shape):
    run_layer_test(layers.CenterCrop, init_kwargs, input_shape=input_shape,
                   expected_output_shape=output_shape, expected_num_trainable_weights=0,
                   expected_num_non_trainable_weights=0)  # fmt: skip


def test_resizing_matches_numpy():
    x = RNG.normal(size=(2, 4, 8, 3)).astype("float32")
    out = ops.convert_to_numpy(layers.Resizing(2, 4)(x))
    np.testing.assert_allclose(out, block_mean(x, 2, 2), rtol=1e-5, atol=1e-6)
    # crop_to_aspect_ratio: the central 4x4 window, then halved.
    out = ops.convert_to_numpy(layers.Resizing(2, 2, crop_to_aspect_ratio=True)(x))
    np.testing.assert_allclose(out, block_mean(x[:, :, 2:6], 2, 2), rtol=1e-5, atol=1e-6)
    # pad_to_aspect_ratio to a square: one row of fill above and below, no resampling.
    small = RNG.normal(size=(1, 2, 4, 1)).astype("float32")
    out = ops.convert_to_numpy(layers.Resizing(4, 4, pad_to_aspect_ratio=True,
                                               fill_value=7.0)(small))  # fmt: skip
    expected = np.pad(small, ((0, 0), (1, 1), (0, 0), (0, 0)), constant_values=7.0)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    # nearest upsampling by 2 repeats pixels; channels_first gives the transposed result.
    ints = np.arange(8, dtype="uint8").reshape(1, 2, 4, 1)
    out = layers.Resizing(4, 8, interpolation="nearest")(ints)
    assert backend.standardize_dtype(out.dtype) == "float32"
    np.testing.assert_array_equal(ops.convert_to_numpy(out),
                                  ints.repeat(2, 1).repeat(2, 2).astype("float32"))  # fmt: skip
    unbatched = ops.convert_to_numpy(layers.Resizing(2, 4)(x[0]))
    np.testing.assert_allclose(unbatched, block_mean(x, 2, 2)[0], rtol=1e-5, atol=1e-6)
    first = layers.Resizing(2, 4, data_format="channels_first")(x.transpose(0, 3, 1, 2))
    np.testing.assert_allclose(ops.convert_to_numpy(first).transpose(0, 2, 3, 1),
                               block_mean(x, 2, 2), rtol=1e-5, atol=1e-6)  # fmt: skip


def test_center_crop_matches_numpy():
    x = RNG.normal(size=(2, 7, 6, 3)).astype("float32")
    out = ops.convert_to_numpy(layers.CenterCrop(3, 4)(x))
    np.testing.assert_array_equal(out, x[:, 2:5, 1:5])
    first = layers.CenterCrop(4, 3, data_format="channels_first")(x.transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(ops.convert_to_numpy(first), x[:, 1:5, 1:4].transpose(0, 3, 1, 2))
    ints = layers.CenterCrop(1, 1)(np.arange(9, dtype="int32").reshape(3, 3, 1))
    assert backend.standardize_dtype(ints.dtype) == "float32"
    np.testing.assert_array_equal(ops.convert_to_numpy(ints), [[[4.0]]])
    # Smaller than the target: the largest centred 2:1 window (2x4 of 4x4), then upsampled.
    small = RNG.normal(size=(1, 4, 4, 1)).astype("float32")
    out = ops.convert_to_numpy(layers.CenterCrop(4, 8)(small))
    expected = ops.convert_to_numpy(ops.image.resize(small[:, 1:3], (4, 8)))
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_symbolic_use_in_a_model():
    inputs = cornu.Input((None, None, 3), dtype="uint8")
    x = layers.Resizing(8, 8)(inputs)
    outputs = layers.CenterCrop(4, 4)(x)
    assert x.shape == (None, 8, 8, 3) and outputs.shape == (None, 4, 4, 3)
    model = cornu.Model(inputs, outputs)
    images = RNG.integers(0, 255, size=(2, 16, 16, 3)).astype("uint8")
    out = ops.convert_to_numpy(model(images))
    np.testing.assert_allclose(out, block_mean(images.astype("float32"), 2, 2)[:, 2:6, 2:6],
                               rtol=1e-5)  # fmt: skip


def test_configs():
    config = layers.Resizing(3, 4).get_config()
    assert {
        k: config[k]
        for k in (
            "height",
            "width",
            "interpolation",
            "data_format",
            "crop_to_aspect_ratio",
            "pad_to_aspect_ratio",
            "fill_mode",
            "fill_value",
            "antialias",
        )
    } == {  # fmt: skip
        "height": 3,
        "width": 4,
        "interpolation": "bilinear",
        "data_format": cornu.config.image_data_format(),
        "crop_to_aspect_ratio": False,
        "pad_to_aspect_ratio": False,
        "fill_mode": "constant",
        "fill_value": 0.0,
        "antialias": False,
    }
    config = layers.CenterCrop(3, 4, data_format="channels_first").get_config()
    assert (config["height"], config["width"], config["data_format"]) == (3, 4, "channels_first")


def test_errors():
    with pytest.raises(ValueError, match="Resizing: height must be a positive int.*height=0"):
        layers.Resizing(0, 2)
    with pytest.raises(ValueError, match="Resizing: interpolation must be one of"):
        layers.Resizing(2, 2, interpolation="cubic")
    with pytest.raises(ValueError, match="crop_to_aspect_ratio and pad_to_aspect_ratio"):
        layers.Resizing(2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="Resizing: fill_mode must be 'constant'"):
        layers.Resizing(2, 2, fill_mode="reflect")
    with pytest.raises(ValueError, match="CenterCrop: width must be a positive int.*'2'"):
        layers.CenterCrop(2, "2")
    with pytest.raises(ValueError, match="CenterCrop: data_format must be"):
        layers.CenterCrop(2, 2, data_format="NHWC")
    with pytest.raises(ValueError, match=r"expects 3D \(unbatched\) or 4D.*\(2, 3\)"):
        layers.CenterCrop(1, 1)(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"Resizing layer .* expects 3D.*\(1, 2, 3, 4, 5\)"):
        layers.Resizing(1, 1)(cornu.Input(batch_shape=(1, 2, 3, 4, 5)))
