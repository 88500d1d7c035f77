"""MobileNet, MobileNetV2, MobileNetV3 and ConvNeXt (keras.applications): outputs with equal
weights, the builders' model names and errors, and the modules' preprocess_input."""

import importlib
import os
import re
import tempfile

import numpy as np

from tests.parity.case import ALL, case


def _set_weights(model, seed=0):
    """Every weight from one NumPy generator in `model.weights` order: He-normal kernels,
    scales and variances near 1, small offsets (LayerScale's too)."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        shape = tuple(w.shape)
        if w.path.endswith("variance"):
            value = rng.uniform(0.5, 1.5, shape)
        elif w.path.endswith("gamma"):
            value = rng.uniform(0.5, 1.5, shape)
        elif len(shape) == 4:
            fan_in = np.prod(shape[:2]) * (1 if shape[3] == 1 else shape[2])
            value = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
        elif len(shape) == 2:
            value = rng.normal(0.0, np.sqrt(1.0 / shape[0]), shape)
        else:
            value = rng.normal(0.0, 0.1, shape)
        w.assign(value.astype(w.dtype))
    # Keras's Normalization reads its statistics when weights are loaded: a save/load round
    # trip makes both libraries use them.
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.weights.h5")
        model.save_weights(path)
        model.load_weights(path)
    return model


def _applications(keras):
    return importlib.import_module(keras.__name__ + ".applications")


def _images(n=2, side=32, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, side, side, 3)) * np.linspace(60, 250, n)[:, None, None, None]
    return x.astype("float32")


def _error(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except Exception as exc:
        return type(exc).__name__, re.sub(r" at 0x[0-9a-f]+", "", str(exc))
    return "no exception"


# atol 1e-4: outputs are of order 1 and float32 sums over 17+ blocks differ by ~2e-5
# between convolution kernels (Keras's and cornu's), which a near-zero logit shows.


def _outputs(keras, model):
    _set_weights(model)
    return model.predict(_images(), verbose=0)


@case(backends=ALL, rtol=1e-4, atol=1e-4, timeout=300)
def case_mobilenet_v2_outputs(keras, H):
    model = _applications(keras).MobileNetV2(
        weights=None, alpha=0.35, input_shape=(32, 32, 3), classes=10, classifier_activation=None
    )
    return _outputs(keras, model)


@case(backends=ALL, rtol=1e-4, atol=1e-4, timeout=300)
def case_mobilenet_v3_small_outputs(keras, H):
    model = _applications(keras).MobileNetV3Small(
        weights=None, input_shape=(32, 32, 3), classes=10, classifier_activation=None
    )
    return _outputs(keras, model)


@case(backends=ALL, rtol=1e-4, atol=1e-4, timeout=300)
def case_mobilenet_outputs(keras, H):
    model = _applications(keras).MobileNet(
        weights=None, alpha=0.25, input_shape=(32, 32, 3), include_top=False, pooling="avg"
    )
    return _outputs(keras, model)


@case(backends=ALL, rtol=1e-4, atol=1e-4, timeout=300)
def case_convnext_tiny_outputs(keras, H):
    model = _applications(keras).ConvNeXtTiny(
        weights=None, input_shape=(32, 32, 3), classes=10, classifier_activation=None
    )
    return _outputs(keras, model)


@case(backends=("numpy",))
def case_mobilenet_convnext_names_and_errors(keras, H):
    apps = _applications(keras)
    names = [
        apps.MobileNet(weights=None, alpha=0.75, input_shape=(40, 48, 3), include_top=False).name,
        apps.MobileNetV2(weights=None, alpha=1.3, input_shape=(None, None, 3), include_top=False).name,
        apps.MobileNetV3Large(weights=None, alpha=0.75, include_top=False).name,
        apps.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3), include_top=False, name="x").name,
    ]  # fmt: skip
    errors = [
        _error(apps.MobileNet, weights="imagenet", alpha=0.3),
        _error(apps.MobileNet, weights="imagenet", depth_multiplier=2),
        _error(apps.MobileNet, weights="imagenet", input_shape=(130, 130, 3)),
        _error(apps.MobileNet, weights=None, input_shape=(16, 16, 3), include_top=False),
        _error(apps.MobileNetV2, weights="imagenet", alpha=0.3),
        _error(apps.MobileNetV2, weights=None, input_shape=(None, None, 3)),
        _error(apps.MobileNetV2, weights=None, input_shape=(64, 32, 3),
               input_tensor=keras.Input((64, 64, 3))),
        _error(apps.MobileNetV3Small, weights="imagenet", alpha=0.5),
        _error(apps.MobileNetV3Small, weights="imagenet", classes=10),
        _error(apps.MobileNetV3Small, weights="nope"),
        _error(apps.MobileNetV3Small, weights="imagenet", classifier_activation="relu",
               input_shape=(224, 224, 3)),
        _error(apps.MobileNetV3Small, weights=None, input_shape=(20, 64, 3)),
        _error(apps.MobileNetV3Large, weights=None, input_shape=(64, 32, 3),
               input_tensor=keras.Input((64, 64, 3))),
        _error(apps.ConvNeXtTiny, weights="imagenet", input_shape=(64, 64, 3)),
        _error(apps.ConvNeXtTiny, weights="imagenet", input_shape=(64, 64, 1), include_top=False),
        _error(apps.ConvNeXtTiny, weights=None, input_shape=(31, 31, 3), include_top=False),
    ]  # fmt: skip
    return {"names": names, "errors": errors}


@case(backends=ALL)
def case_mobilenet_convnext_preprocess_input(keras, H):
    apps = _applications(keras)
    x = np.linspace(0, 255, 2 * 2 * 2 * 3).reshape(2, 2, 2, 3).astype("float32")
    return {
        name: getattr(apps, name).preprocess_input(x.copy())
        for name in ("mobilenet", "mobilenet_v2", "mobilenet_v3", "convnext")
    }
