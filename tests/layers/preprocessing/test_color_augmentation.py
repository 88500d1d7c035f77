"""Colour and intensity image layers: NumPy references of each transform at settings where
the random draw does not matter, identity at inference, per-image randomness and seeds,
data formats, configs, errors, and use inside models (predict, symbolic build, .keras)."""

import colorsys

import numpy as np
import pytest

import cornu
from cornu import layers, ops

RNG = np.random.default_rng(0)
IMG = RNG.uniform(0, 255, (2, 5, 5, 3)).astype("float32")
LUMA = np.array([0.2989, 0.5870, 0.1140], "float32")


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


def gray(x):
    return np.repeat((x @ LUMA)[..., None], 3, axis=-1)


def random_layers():
    return {
        "degeneration": layers.RandomColorDegeneration(0.5, seed=1),
        "jitter": layers.RandomColorJitter(brightness_factor=0.2, contrast_factor=0.3,
                                           saturation_factor=0.4, hue_factor=0.5, seed=2),
        "grayscale": layers.RandomGrayscale(0.5, seed=3),
        "hue": layers.RandomHue(0.5, seed=4),
        "invert": layers.RandomInvert(seed=5),
        "posterization": layers.RandomPosterization(4, seed=6),
        "saturation": layers.RandomSaturation(0.5, seed=7),
        "sharpness": layers.RandomSharpness(0.5, seed=8),
        "solarization": layers.Solarization(0.5, 0.5, seed=9),
        "blur": layers.RandomGaussianBlur(seed=10),
        "equalization": layers.Equalization(),
    }  # fmt: skip


@pytest.mark.parametrize("name", list(random_layers()))
def test_random_layers_identity_at_inference_and_reproducible(name):
    layer = random_layers()[name]
    np.testing.assert_allclose(to_np(layer(IMG, training=False)), IMG)
    batch = np.concatenate([IMG] * 8)  # enough images that some are changed
    out = to_np(layer(batch, training=True))
    assert out.shape == batch.shape and out.dtype == np.float32
    assert not np.allclose(out, batch)
    again = to_np(random_layers()[name](batch, training=True))
    np.testing.assert_allclose(out, again, rtol=1e-5, atol=1e-4)  # same seed, same draws
    assert layer.compute_output_shape((None, 5, 5, 3)) == (None, 5, 5, 3)
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


def test_auto_contrast_stretches_each_channel_in_training_and_inference():
    low, high = IMG.min((1, 2), keepdims=True), IMG.max((1, 2), keepdims=True)
    expected = (IMG - low) / (high - low) * 255
    layer = layers.AutoContrast()
    np.testing.assert_allclose(to_np(layer(IMG, training=False)), expected, atol=1e-3)
    np.testing.assert_allclose(to_np(layer(IMG)), expected, atol=1e-3)
    shifted = to_np(layers.AutoContrast(value_range=(20, 10))(IMG / 25.5 + 10))
    np.testing.assert_allclose(shifted, expected / 25.5 + 10, atol=1e-4)
    flat = np.full((1, 2, 2, 3), 7.0, "float32")
    np.testing.assert_allclose(to_np(layer(flat)), flat)


def test_equalization_maps_through_the_cumulative_histogram():
    few = np.array([0, 0, 0, 0, 10, 10, 20, 200], "float32").reshape(1, 2, 4, 1)
    out = to_np(layers.Equalization()(few, training=True)).ravel()
    np.testing.assert_allclose(out, [0, 0, 0, 0, 128, 128, 191, 255])
    ramp = np.arange(16, dtype="float32").reshape(1, 4, 4, 1) * 10
    coarse = to_np(layers.Equalization(bins=4)(ramp, training=True)).ravel()
    np.testing.assert_allclose(coarse, [0] * 9 + [255] * 7)
    # Each image is equalized alone: a batch gives the same result as one image at a time.
    both = to_np(layers.Equalization()(IMG, training=True))
    one = to_np(layers.Equalization()(IMG[1:], training=True))
    np.testing.assert_allclose(both[1:], one)


def _clahe_reference(img, grid, clip):
    """A loop-per-pixel CLAHE (Zuiderveld 1994) with the conventions documented on the layer."""
    h, w, c = img.shape
    th, tw = -(-h // grid[0]), -(-w // grid[1])
    lv = np.clip(np.floor(img), 0, 255).astype(int)
    pad = np.pad(lv, ((0, grid[0] * th - h), (0, grid[1] * tw - w), (0, 0)), mode="symmetric")
    luts = np.zeros(grid + (c, 256))
    for i in range(grid[0]):
        for j in range(grid[1]):
            for k in range(c):
                tile = pad[i * th : (i + 1) * th, j * tw : (j + 1) * tw, k].ravel()
                hist = np.bincount(tile, minlength=256).astype(float)
                limit = clip * th * tw / 256
                hist = np.minimum(hist, limit) + np.maximum(hist - limit, 0).sum() / 256
                cdf = np.cumsum(hist)
                luts[i, j, k] = (cdf - cdf[0]) / (th * tw - cdf[0]) * 255
    out = np.zeros(img.shape)
    for y in range(h):
        for x in range(w):
            (y0, y1, wy), (x0, x1, wx) = ((int(np.clip(np.floor(p), 0, g - 1)),
                                           min(int(np.clip(np.floor(p), 0, g - 1)) + 1, g - 1),
                                           np.clip(p - np.clip(np.floor(p), 0, g - 1), 0, 1))
                                          for p, g in ((y / th - 0.5, grid[0]),
                                                       (x / tw - 0.5, grid[1])))  # fmt: skip
            for k in range(c):
                v = lv[y, x, k]
                top = luts[y0, x0, k, v] * (1 - wx) + luts[y0, x1, k, v] * wx
                bottom = luts[y1, x0, k, v] * (1 - wx) + luts[y1, x1, k, v] * wx
                out[y, x, k] = top * (1 - wy) + bottom * wy
    return out


def test_clahe_matches_a_loop_reference_and_runs_at_inference():
    img = RNG.uniform(0, 255, (1, 10, 7, 2)).astype("float32")
    layer = layers.ContrastLimitedAdaptiveHistogramEqualization(
        clip_limit=2.0, tile_grid_size=(3, 2)
    )
    expected = _clahe_reference(img[0], (3, 2), 2.0)
    np.testing.assert_allclose(to_np(layer(img, training=False))[0], expected, atol=1e-3)
    first = layers.ContrastLimitedAdaptiveHistogramEqualization(
        clip_limit=2.0, tile_grid_size=(3, 2), data_format="channels_first"
    )
    out = to_np(first(np.transpose(img, (0, 3, 1, 2))))
    np.testing.assert_allclose(np.transpose(out, (0, 2, 3, 1))[0], expected, atol=1e-3)  # fmt: skip


def test_grayscale_invert_solarize_posterize_degenerate():
    np.testing.assert_allclose(to_np(layers.RandomGrayscale(1.0)(IMG)), gray(IMG), atol=1e-3)
    np.testing.assert_allclose(to_np(layers.RandomGrayscale(0.0)(IMG)), IMG)
    np.testing.assert_allclose(to_np(layers.RandomInvert((1.0, 1.0))(IMG)), 255 - IMG)
    np.testing.assert_allclose(to_np(layers.Solarization()(IMG)), 255 - IMG, atol=1e-4)
    # add 0.2 of the range, then invert what is at or above half of it
    out = to_np(layers.Solarization((0.2, 0.2), (0.5, 0.5), value_range=(0, 1))(IMG / 255))
    shifted = np.clip(IMG / 255 + 0.2, 0, 1)
    np.testing.assert_allclose(out, np.where(shifted >= 0.5, 1 - shifted, shifted), atol=1e-5)
    for bits in (1, 3, 8):
        out = to_np(layers.RandomPosterization((bits, bits))(IMG))
        expected = (IMG.astype("uint8") >> (8 - bits)) << (8 - bits)
        np.testing.assert_array_equal(out, expected.astype("float32"))
    for f in (0.0, 0.3, 1.0):
        out = to_np(layers.RandomColorDegeneration((f, f))(IMG))
        np.testing.assert_allclose(out, f * gray(IMG) + (1 - f) * IMG, atol=1e-3)


def _hsv(pixels):
    return np.array([colorsys.rgb_to_hsv(*p) for p in pixels.reshape(-1, 3) / 255.0])


def test_hue_and_saturation_in_hsv():
    pixel = np.array([200.0, 50.0, 100.0], "float32").reshape(1, 1, 1, 3)
    many = np.repeat(pixel, 32, axis=0)
    shifts = (_hsv(to_np(layers.RandomHue((0.4, 0.4), seed=1)(many)))[:, 0]
              - _hsv(pixel)[0, 0]) % 1.0  # fmt: skip
    np.testing.assert_allclose(np.minimum(shifts, 1 - shifts), 0.2, atol=1e-4)  # +-0.4 / 2
    assert 0 < np.sum(np.isclose(shifts, 0.2, atol=1e-4)) < 32  # the sign is random
    for factor, saturation in ((0.0, 0.0), (0.25, 0.25), (0.5, 0.75), (0.75, 1.0)):
        out = to_np(layers.RandomSaturation((factor, factor))(pixel))
        np.testing.assert_allclose(_hsv(out)[0, 1], saturation, atol=1e-4)
        np.testing.assert_allclose(_hsv(out)[0, 2], 200 / 255, atol=1e-4)


def _smooth(x):
    pad = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    box = sum(pad[:, i : i + x.shape[1], j : j + x.shape[2]] for i in range(3) for j in range(3))
    return (box + 4 * x) / 13


def _gaussian(x, sigma, size=3):
    taps = np.exp(-((np.arange(size) - size // 2) ** 2) / (2 * sigma**2))
    taps /= taps.sum()
    k = size // 2
    pad = np.pad(x, ((0, 0), (k, k), (k, k), (0, 0)))
    return sum(taps[i] * taps[j] * pad[:, i:i + x.shape[1], j:j + x.shape[2]]
               for i in range(size) for j in range(size))  # fmt: skip


def test_sharpness_and_gaussian_blur():
    for f in (0.0, 0.25, 0.5, 1.0):
        out = to_np(layers.RandomSharpness((f, f))(IMG))
        smooth = _smooth(IMG)
        np.testing.assert_allclose(out, np.clip(smooth + 2 * f * (IMG - smooth), 0, 255),
                                   atol=1e-3)  # fmt: skip
    blur = layers.RandomGaussianBlur((1.0, 1.0), kernel_size=5, sigma=(0.7, 0.7))
    np.testing.assert_allclose(to_np(blur(IMG)), _gaussian(IMG, 0.7, 5), atol=1e-3)
    np.testing.assert_allclose(to_np(layers.RandomGaussianBlur((0.0, 0.0))(IMG)), IMG)


def test_probabilities_are_per_image():
    many = np.repeat(IMG[:1], 200, axis=0)
    converted = np.all(np.isclose(to_np(layers.RandomGrayscale(0.5, seed=2)(many)),
                                  gray(many), atol=1e-3), axis=(1, 2, 3))  # fmt: skip
    assert 60 < converted.sum() < 140
    inverted = np.all(np.isclose(to_np(layers.RandomInvert(seed=3)(many)), 255 - many),
                      axis=(1, 2, 3))  # fmt: skip
    assert 60 < inverted.sum() < 140  # p ~ U(0, 1), so 1/2 overall
    posterized = to_np(layers.RandomPosterization((2, 4), seed=4)(many))
    kept = [np.array_equal(p, ((many[0].astype("uint8") >> s) << s).astype("float32"))
            for p in posterized for s in (5, 6)]  # fmt: skip
    assert sum(kept) == 200 and 0 < sum(kept[::2]) < 200  # 3 or 2 bits: upper end excluded


def test_channels_first_and_unbatched_images():
    first = np.transpose(IMG, (0, 3, 1, 2))
    for make in (lambda df: layers.RandomGrayscale(1.0, data_format=df),
                 lambda df: layers.RandomSharpness((0.0, 0.0), data_format=df),
                 lambda df: layers.RandomHue((0.3, 0.3), data_format=df, seed=1),
                 lambda df: layers.RandomSaturation((0.2, 0.2), data_format=df),
                 lambda df: layers.Equalization(data_format=df),
                 lambda df: layers.AutoContrast(data_format=df)):  # fmt: skip
        last = to_np(make("channels_last")(IMG, training=True))
        out = to_np(make("channels_first")(first, training=True))
        np.testing.assert_allclose(np.transpose(out, (0, 2, 3, 1)), last, atol=1e-3)
        single = to_np(make("channels_last")(IMG[0], training=True))
        np.testing.assert_allclose(single, last[0], atol=1e-3)


def test_color_jitter_applies_each_given_step():
    bright = to_np(layers.RandomColorJitter(brightness_factor=(0.5, 0.5))(IMG))
    np.testing.assert_allclose(bright, np.clip(IMG + 127.5, 0, 255), atol=1e-4)
    hue = to_np(layers.RandomColorJitter(hue_factor=(0.0, 0.0))(IMG))
    np.testing.assert_allclose(hue, IMG, atol=1e-3)
    out = to_np(layers.RandomColorJitter(value_range=(0, 1), brightness_factor=0.2,
                                         contrast_factor=0.3, saturation_factor=0.4,
                                         hue_factor=0.5, seed=3)(IMG / 255))  # fmt: skip
    assert out.min() >= 0 and out.max() <= 1


def test_outputs_stay_in_value_range():
    for layer in random_layers().values():
        if isinstance(layer, layers.RandomInvert):
            continue
        out = to_np(layer(IMG, training=True))
        assert out.min() >= -1e-3 and out.max() <= 255 + 1e-3, type(layer).__name__


def test_configs_keep_keras_forms():
    assert layers.RandomHue(0.3).get_config()["factor"] == (0, 0.3)
    assert layers.RandomSaturation(-0.3).get_config()["factor"] == (-0.3, 0.3)
    assert layers.RandomPosterization(4).get_config()["factor"] == (1, 4)
    assert layers.Solarization(0.2).get_config()["addition_factor"] == (0, 0.2)
    assert layers.AutoContrast(value_range=(1, 0)).get_config()["value_range"] == [0, 1]
    config = layers.RandomGaussianBlur(kernel_size=5, sigma=0.5).get_config()
    assert config["kernel_size"] == (5, 5) and config["sigma"] == (0, 0.5)
    assert "seed" not in layers.RandomGrayscale().get_config()


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: layers.RandomHue(1.5), r"factor must be a number .* in the range \[0, 1\]"),
        (lambda: layers.RandomColorDegeneration(-1.5), r"in the range \[-1, 1\]"),
        (lambda: layers.RandomPosterization(9), r"in the range \[1, 8\]"),
        (lambda: layers.Solarization(0.0, (-0.2, 0.3)), "threshold_factor must be"),
        (lambda: layers.RandomGaussianBlur(kernel_size=4), "kernel_size must be an odd"),
        (lambda: layers.RandomGrayscale(1.5), r"factor must be in \[0, 1\]"),
        (lambda: layers.RandomInvert(value_range=(1, 0)), "value_range must be a pair"),
        (lambda: layers.AutoContrast(value_range=(0, 1, 2)), "value_range must be a pair"),
        (lambda: layers.Equalization(bins=1), "bins must be an int >= 2"),
        (lambda: layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(0, 2)),
         "tile_grid_size must be a pair of positive ints"),
        (lambda: layers.RandomColorJitter(hue_factor=1.5), "RandomHue: factor"),
    ],
    ids=["hue", "degeneration", "posterization", "solarization", "kernel", "grayscale",
         "invert_range", "contrast_range", "bins", "grid", "jitter"],
)  # fmt: skip
def test_bad_arguments_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_grayscale_factor_type_and_channels_errors():
    with pytest.raises(TypeError, match="factor must be a number in"):
        layers.RandomGrayscale((0.2, 0.3))
    with pytest.raises(ValueError, match="expects RGB images with 3 channels"):
        layers.RandomHue(0.5)(IMG[..., :2])


def test_models_predict_build_symbolically_and_save(tmp_path):
    stack = [layer for name, layer in random_layers().items()]
    model = cornu.Sequential([cornu.Input((5, 5, 3))] + stack + [layers.AutoContrast()])
    expected = to_np(layers.AutoContrast()(IMG))
    np.testing.assert_allclose(np.asarray(model.predict(IMG, verbose=0)), expected, atol=1e-3)
    inputs = cornu.Input((5, 5, 3))
    outputs = layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))(
        layers.RandomHue(0.5)(inputs)
    )
    assert tuple(outputs.shape) == (None, 5, 5, 3)
    functional = cornu.Model(inputs, outputs)
    path = str(tmp_path / "color.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded.predict(IMG, verbose=0)), expected, atol=1e-3)
    assert [type(layer).__name__ for layer in loaded.layers] == [
        type(layer).__name__ for layer in model.layers
    ]
    assert functional.predict(IMG, verbose=0).shape == IMG.shape


def test_dict_inputs_pass_masks_boxes_and_labels_through():
    masks = np.random.default_rng(1).integers(0, 3, (2, 5, 5, 1)).astype("float32")
    boxes = {"boxes": np.array([[[1, 1, 4, 4]]] * 2, "float32"),
             "labels": np.array([[1]] * 2, "float32")}  # fmt: skip
    data = {"images": IMG, "segmentation_masks": masks, "bounding_boxes": boxes,
            "labels": np.array([0, 1])}  # fmt: skip
    for layer in (layers.RandomInvert((1.0, 1.0), bounding_box_format="xyxy"),
                  layers.AutoContrast(bounding_box_format="xyxy")):  # fmt: skip
        for training in (True, False):
            out = layer(data, training=training)
            np.testing.assert_allclose(to_np(out["segmentation_masks"]), masks)
            np.testing.assert_allclose(to_np(out["bounding_boxes"]["boxes"]), boxes["boxes"])
            np.testing.assert_array_equal(to_np(out["labels"]), [0, 1])
    inverted = layers.RandomInvert((1.0, 1.0))({"images": IMG, "segmentation_masks": masks})
    np.testing.assert_allclose(to_np(inverted["images"]), 255 - IMG)


@pytest.mark.parametrize(
    "make",
    [
        lambda: layers.RandomBrightness(0.2, seed=1, bounding_box_format="xyxy"),
        lambda: layers.RandomContrast(0.2, seed=1, bounding_box_format="xyxy"),
        lambda: layers.RandomHue(0.3, seed=1, bounding_box_format="xyxy"),
        lambda: layers.RandomGrayscale(1.0, seed=1, bounding_box_format="xyxy"),
    ],
    ids=["brightness", "contrast", "hue", "grayscale"],
)
def test_pixel_layers_leave_boxes_and_masks_as_given(make):
    # As Keras: a box reaching past the image (x2 = 7 on a 6-wide image) is not clipped, as
    # no pixel moved. (Keras 3.15.1's RandomGrayscale fails on dict inputs; cornu does not.)
    images = np.random.default_rng(0).random((2, 6, 6, 3)).astype("float32") * 255
    boxes = {"boxes": np.array([[[1, 1, 7, 5]], [[0, 0, 3, 3]]], "float32"),
             "labels": np.array([[1], [2]], "int32")}  # fmt: skip
    masks = np.ones((2, 6, 6, 1), "float32")
    out = make()({"images": images, "bounding_boxes": boxes, "segmentation_masks": masks},
                 training=True)  # fmt: skip
    np.testing.assert_array_equal(ops.convert_to_numpy(out["bounding_boxes"]["boxes"]),
                                  boxes["boxes"])  # fmt: skip
    np.testing.assert_array_equal(ops.convert_to_numpy(out["segmentation_masks"]), masks)
    assert not np.allclose(ops.convert_to_numpy(out["images"]), images)
