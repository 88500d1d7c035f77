"""Colour and intensity image layers (AutoContrast, Equalization, CLAHE, RandomGrayscale,
RandomInvert, Solarization, RandomPosterization, RandomColorDegeneration, RandomSaturation,
RandomHue, RandomSharpness, RandomGaussianBlur, RandomColorJitter): outputs at settings where
the random draw does not matter, identity at inference, shapes, dtypes, configs and errors."""

import numpy as np

from tests.parity.case import ALL, case


def _images(shape=(2, 6, 6, 3), seed=0):
    return np.random.default_rng(seed).uniform(0, 255, shape).astype("float32")


@case(backends=ALL, rtol=1e-4, atol=1e-3, timeout=300)
def case_color_deterministic_outputs(keras, H):
    L = keras.layers
    x = _images()
    unit = x / 255.0
    ramp = np.arange(16, dtype="float32").reshape(1, 4, 4, 1) * 10.0
    few = np.array([0, 0, 0, 0, 10, 10, 20, 200], "float32").reshape(1, 2, 4, 1)
    return {
        "auto_contrast": L.AutoContrast()(x),
        "auto_contrast_unit": L.AutoContrast(value_range=(0, 1))(unit),
        "auto_contrast_flat": L.AutoContrast()(np.full((1, 2, 2, 3), 7.0, "float32")),
        "equalize_ramp": L.Equalization()(ramp, training=True),
        "equalize_bins": L.Equalization(bins=4)(ramp, training=True),
        "equalize_few": L.Equalization()(few, training=True),
        "equalize_unit": L.Equalization(value_range=(0, 1))(few / 255.0, training=True),
        "grayscale": L.RandomGrayscale(1.0)(x, training=True),
        "grayscale_never": L.RandomGrayscale(0.0)(x, training=True),
        "invert": L.RandomInvert((1.0, 1.0))(x, training=True),
        "invert_unit": L.RandomInvert((1.0, 1.0), value_range=(0, 1))(unit, training=True),
        "solarize_all": L.Solarization()(x, training=True),
        "posterize": [L.RandomPosterization((b, b))(x, training=True) for b in (1, 2, 4, 8)],
        "posterize_unit": L.RandomPosterization((2, 2), value_range=(0, 1))(unit),
        "degenerate": [L.RandomColorDegeneration((f, f))(x) for f in (0.0, 0.3, 1.0)],
        "saturation": [L.RandomSaturation((f, f))(x) for f in (0.0, 0.25, 0.5)],
        "saturation_unit": L.RandomSaturation((0.75, 0.75), value_range=(0, 1))(unit),
        "hue_half_turn": L.RandomHue((1.0, 1.0))(x),
        "hue_none": L.RandomHue((0.0, 0.0))(x),
        "sharpness": [L.RandomSharpness((f, f))(x) for f in (0.0, 0.25, 0.5, 1.0)],
        "blur": L.RandomGaussianBlur((1.0, 1.0), sigma=(1.0, 1.0))(x),
        "blur_5": L.RandomGaussianBlur((1.0, 1.0), kernel_size=5, sigma=(0.5, 0.5))(x),
        "blur_never": L.RandomGaussianBlur((0.0, 0.0))(x),
        "jitter_brightness": L.RandomColorJitter(brightness_factor=(0.5, 0.5))(x),
    }


# Keras 3.15 on torch returns floor(images) from this layer (no equalization at all).
@case(backends=("jax", "tensorflow", "numpy"), rtol=1e-4, atol=1e-3, timeout=300)
def case_color_clahe(keras, H):
    clahe = keras.layers.ContrastLimitedAdaptiveHistogramEqualization
    x = _images((1, 8, 8, 3))
    odd = _images((2, 16, 12, 3), seed=1)
    return {
        "grid_2": clahe(tile_grid_size=(2, 2))(x),
        "unclipped": clahe(tile_grid_size=(2, 2), clip_limit=1000.0)(x),
        "one_tile": clahe(tile_grid_size=(1, 1), clip_limit=0.5)(x),
        "padded": clahe()(odd),
        "padded_3x2": clahe(tile_grid_size=(3, 2), clip_limit=2.0)(odd, training=False),
        "unit": clahe(value_range=(0, 1), tile_grid_size=(2, 2))(x / 255.0),
        "first": clahe(tile_grid_size=(2, 2), data_format="channels_first")(
            np.transpose(x, (0, 3, 1, 2))
        ),
    }


@case(backends=ALL, rtol=1e-4, atol=1e-3, timeout=300)
def case_color_channels_first_and_unbatched(keras, H):
    L = keras.layers
    x = _images()
    first = np.transpose(x, (0, 3, 1, 2))
    return {
        "gray_first": L.RandomGrayscale(1.0, data_format="channels_first")(first),
        "sharp_first": L.RandomSharpness((0.0, 0.0), data_format="channels_first")(first),
        "degen_first": L.RandomColorDegeneration((1.0, 1.0), data_format="channels_first")(first),
        # Keras pools the histogram over the batch (cornu equalizes each image): one image.
        "eq_first": L.Equalization(data_format="channels_first")(first[:1], training=True),
        "unbatched": [
            L.RandomGrayscale(1.0)(x[0]),
            L.RandomInvert((1.0, 1.0))(x[0]),
            L.AutoContrast()(x[0]),
            L.RandomSharpness((0.0, 0.0))(x[0]),
        ],  # fmt: skip
    }


def _random_layers(L):
    return [
        L.RandomColorDegeneration(0.5, seed=1),
        L.RandomColorJitter(
            brightness_factor=0.2,
            contrast_factor=0.3,
            saturation_factor=0.4,
            hue_factor=0.5,
            seed=2,
        ),  # fmt: skip
        L.RandomGrayscale(0.5, seed=3),
        L.RandomHue(0.5, seed=4),
        L.RandomInvert(seed=5),
        L.RandomPosterization(4, seed=6),
        L.RandomSaturation(0.5, seed=7),
        L.RandomSharpness(0.5, seed=8),
        L.Solarization(0.5, 0.5, seed=9),
        L.RandomGaussianBlur(seed=10),
        L.Equalization(),
    ]


@case(backends=ALL, rtol=1e-4, atol=1e-3, timeout=300)
def case_color_inference_identity_and_shapes(keras, H):
    L = keras.layers
    x = _images()
    layers = _random_layers(L)
    return {
        "eager": [layer(x, training=False) for layer in layers],
        "train_shapes": [tuple(layer(x, training=True).shape) for layer in layers],
        "train_dtypes": [str(layer(x, training=True).dtype) for layer in layers],
        "out_shapes": [layer.compute_output_shape((None, 6, 6, 3)) for layer in layers],
        "always_applied": [
            L.AutoContrast()(x, training=False),
            L.ContrastLimitedAdaptiveHistogramEqualization()(x).shape,
        ],  # fmt: skip
    }


@case(backends=ALL, rtol=1e-4, atol=1e-3, timeout=300)
def case_color_predict_in_sequential(keras, H):
    L = keras.layers
    x = _images()
    # Equalization is left out: in Keras 3.15 it cannot be placed after an Input (its
    # symbolic call returns its input, and Functional reports a cycle).
    layers = [layer for layer in _random_layers(L) if type(layer).__name__ != "Equalization"]
    model = keras.Sequential([keras.Input((6, 6, 3))] + layers)
    always = keras.Sequential([keras.Input((6, 6, 3)), L.RandomHue(0.5), L.AutoContrast()])
    return {"predict": model.predict(x, verbose=0), "auto_contrast": always.predict(x, verbose=0)}


@case(backends=ALL, timeout=300)
def case_color_configs(keras, H):
    L = keras.layers

    def config(layer):
        found = layer.get_config()
        found.pop("name")
        found.pop("dtype")
        return found

    default = [
        L.AutoContrast(), L.Equalization(), L.ContrastLimitedAdaptiveHistogramEqualization(),
        L.RandomColorDegeneration(0.5), L.RandomColorJitter(), L.RandomGrayscale(),
        L.RandomHue(0.5), L.RandomInvert(), L.RandomPosterization(4), L.RandomSaturation(0.5),
        L.RandomSharpness(0.5), L.Solarization(), L.RandomGaussianBlur(),
    ]  # fmt: skip
    custom = [
        L.AutoContrast(value_range=(1, 0)),
        L.Equalization(value_range=(0, 1), bins=10, data_format="channels_first"),
        L.ContrastLimitedAdaptiveHistogramEqualization(
            value_range=[0, 1], clip_limit=2, tile_grid_size=[2, 2]
        ),  # fmt: skip
        L.RandomColorDegeneration((0.3, 0.2), seed=1),
        L.RandomColorDegeneration(-0.3),
        L.RandomColorJitter(
            value_range=(0, 1),
            brightness_factor=0.2,
            contrast_factor=0.3,
            saturation_factor=(0.4, 0.6),
            hue_factor=0.5,
            seed=2,
        ),  # fmt: skip
        L.RandomGrayscale(0.3, seed=4),
        L.RandomHue((0.2, 0.3), value_range=[0, 1]),
        L.RandomHue(0.0),
        L.RandomHue(0),
        L.RandomInvert(0.5, value_range=(0, 1), seed=3),
        L.RandomPosterization((5, 2), value_range=(0, 1)),
        L.RandomSaturation((0.2, 0.3)),
        L.RandomSaturation(1),
        L.RandomSharpness([0.2, 0.3]),
        L.Solarization(0.5, (0.3, 0.4), value_range=(0, 1), seed=3),
        L.RandomGaussianBlur(0.5, kernel_size=(3, 5), sigma=(0.5, 1.5), value_range=(0, 1)),
        L.RandomGaussianBlur(kernel_size=5, sigma=0.5),
    ]
    return {"default": [config(layer) for layer in default],
            "custom": [config(layer) for layer in custom]}  # fmt: skip


@case(backends=ALL, timeout=300)
def case_color_errors(keras, H):
    L = keras.layers
    return [
        H.raises(L.RandomColorDegeneration, 1.5),
        H.raises(L.RandomHue, -0.3),
        H.raises(L.RandomHue, 1.5),
        H.raises(L.RandomInvert, 1.5),
        H.raises(L.RandomSaturation, -1.5),
        H.raises(L.RandomSharpness, 1.5),
        H.raises(L.RandomPosterization, 9),
        H.raises(L.RandomPosterization, 0),
        H.raises(L.Solarization, 1.5),
        H.raises(L.Solarization, 0.0, (-0.2, 0.3)),
        H.raises(L.RandomGaussianBlur, 1.5),
        H.raises(L.RandomGaussianBlur, 1.0, 4),
        H.raises(L.RandomGrayscale, 1.5),
        H.raises(L.RandomGrayscale, (0.2, 0.3)),
        H.raises(L.RandomHue, (0.1, 0.2, 0.3)),
        H.raises(L.AutoContrast, (0, 1, 2)),
        H.raises(L.RandomColorJitter, brightness_factor=1.5),
        H.raises(L.RandomColorJitter, hue_factor=1.5),
    ]
