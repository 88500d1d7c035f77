"""Random image augmentation layers: identity at inference, exact transforms at the ends of
their ranges (checked against NumPy), randomness per image, configs and errors."""

import numpy as np
import pytest

import cornu
from cornu import layers, ops

IMG = np.arange(2 * 4 * 4 * 3, dtype="float32").reshape(2, 4, 4, 3)


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize(
    "layer",
    [
        layers.RandomFlip(seed=1),
        layers.RandomRotation(0.2, seed=2),
        layers.RandomZoom(0.3),
        layers.RandomTranslation(0.2, 0.1),
        layers.RandomContrast(0.5),
        layers.RandomBrightness(0.3),
    ],
    ids=["flip", "rotation", "zoom", "translation", "contrast", "brightness"],
)
def test_inference_is_identity_and_training_keeps_shape(layer):
    np.testing.assert_allclose(to_np(layer(IMG, training=False)), IMG)
    assert to_np(layer(IMG, training=True)).shape == IMG.shape
    model = cornu.Sequential([cornu.Input((4, 4, 3)), layer])
    np.testing.assert_allclose(np.asarray(model.predict(IMG, verbose=0)), IMG)


def test_exact_rotations_translation_and_zoom():
    rot180 = layers.RandomRotation((0.5, 0.5), fill_mode="constant")(IMG)
    np.testing.assert_allclose(to_np(rot180), IMG[:, ::-1, ::-1], atol=1e-4)
    rot90 = layers.RandomRotation((0.25, 0.25), fill_mode="constant")(IMG)
    np.testing.assert_allclose(to_np(rot90), np.rot90(IMG, axes=(1, 2)), atol=1e-4)
    down = layers.RandomTranslation((0.25, 0.25), 0.0, fill_mode="constant")(IMG)
    expected = np.concatenate([np.zeros_like(IMG[:, :1]), IMG[:, :-1]], axis=1)
    np.testing.assert_allclose(to_np(down), expected, atol=1e-4)
    zoom_in = to_np(layers.RandomZoom((-0.5, -0.5), fill_mode="constant")(IMG))
    # Zooming in by 2 samples the input at centre + (out - centre) / 2: (0, 0) -> (0.75, 0.75).
    np.testing.assert_allclose(zoom_in[0, 0, 0], IMG[0, :2, :2].reshape(-1, 3).T @ np.array(
        [0.0625, 0.1875, 0.1875, 0.5625]), rtol=1e-5)  # fmt: skip


def test_flip_is_random_per_image():
    many = np.repeat(IMG[:1], 64, axis=0)
    out = to_np(layers.RandomFlip("horizontal", seed=3)(many))
    same = np.all(np.isclose(out, many), axis=(1, 2, 3))
    flipped = np.all(np.isclose(out, many[:, :, ::-1]), axis=(1, 2, 3))
    assert np.all(same | flipped) and 0 < flipped.sum() < 64


def test_brightness_and_contrast_clip_to_value_range():
    pixels = np.full((1, 2, 2, 1), 200.0, "float32")
    np.testing.assert_allclose(to_np(layers.RandomBrightness((0.5, 0.5))(pixels)), 255.0)
    flat = to_np(layers.RandomContrast(0.9, seed=1)(pixels))
    np.testing.assert_allclose(flat, pixels)  # no contrast to change in a flat image


def test_random_crop_training_and_inference():
    big = np.arange(6 * 8, dtype="float32").reshape(1, 6, 8, 1)
    crop = layers.RandomCrop(2, 4, seed=5)
    out = to_np(crop(big, training=True))
    assert out.shape == (1, 2, 4, 1)
    assert any(np.array_equal(out[0], big[0, i:i + 2, j:j + 4]) for i in range(5)
               for j in range(5))  # fmt: skip
    np.testing.assert_array_equal(to_np(crop(big, training=False)), big[:, 2:4, 2:6])
    assert crop.compute_output_shape((None, 6, 8, 1)) == (None, 2, 4, 1)


def test_configs_and_errors():
    config = layers.RandomRotation(0.1, fill_mode="constant", seed=2).get_config()
    assert config["factor"] == (-0.1, 0.1) and config["seed"] == 2
    clone = layers.RandomZoom.from_config(layers.RandomZoom((0.1, 0.2)).get_config())
    assert clone.height_factor == (0.1, 0.2)
    with pytest.raises(ValueError, match="mode must be one of"):
        layers.RandomFlip("diagonal")
    with pytest.raises(ValueError, match=r"in the range \[-1.0, 1.0\]"):
        layers.RandomRotation(2.0)
    with pytest.raises(ValueError, match=r"in the range \(-1.0, 1.0\]"):
        layers.RandomZoom(-1.5)
    with pytest.raises(ValueError, match="fill_mode must be one of"):
        layers.RandomTranslation(0.1, 0.1, fill_mode="mirror")
