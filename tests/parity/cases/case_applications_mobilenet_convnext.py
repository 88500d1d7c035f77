"""MobileNet, MobileNetV2, MobileNetV3 and ConvNeXt (keras.applications): outputs with equal
weights, the builders' model names and errors, and the modules' preprocess_input."""

import numpy as np

from tests.parity.case import ALL, case
from tests.parity.cases import applications_support as support


def _images(n=2, side=32, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, side, side, 3)) * np.linspace(60, 250, n)[:, None, None, None]
    return x.astype("float32")


# atol 1e-4: outputs are of order 1 and float32 sums over 17+ blocks differ by ~2e-5
# between convolution kernels (Keras's and cornu's), which a near-zero logit shows.


def _outputs(keras, builder, **kwargs):
    """The predictions of `builder` (32x32 RGB inputs, no weights file) with weights set alike."""
    model = getattr(support.applications(keras), builder)(
        weights=None, input_shape=(32, 32, 3), **kwargs
    )
    support.set_weights_by_shape(model)
    return model.predict(_images(), verbose=0)


@case(backends=ALL, rtol=1e-4, atol=1e-4, timeout=300)
def case_mobilenet_v2_outputs(keras, H):
    return _outputs(keras, "MobileNetV2", alpha=0.35, classes=10, classifier_activation=None)


@case(backends=ALL, rtol=1e-4, atol=1e-4, timeout=300)
def case_mobilenet_v3_small_outputs(keras, H):
    return _outputs(keras, "MobileNetV3Small", classes=10, classifier_activation=None)


@case(backends=ALL, rtol=1e-4, atol=1e-4, timeout=300)
def case_mobilenet_outputs(keras, H):
    return _outputs(keras, "MobileNet", alpha=0.25, include_top=False, pooling="avg")


@case(backends=ALL, rtol=1e-4, atol=1e-4, timeout=300)
def case_convnext_tiny_outputs(keras, H):
    return _outputs(keras, "ConvNeXtTiny", classes=10, classifier_activation=None)


@case(backends=("numpy",))
def case_mobilenet_convnext_names_and_errors(keras, H):
    apps = support.applications(keras)
    names = [
        apps.MobileNet(weights=None, alpha=0.75, input_shape=(40, 48, 3), include_top=False).name,
        apps.MobileNetV2(weights=None, alpha=1.3, input_shape=(None, None, 3), include_top=False).name,
        apps.MobileNetV3Large(weights=None, alpha=0.75, include_top=False).name,
        apps.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3), include_top=False, name="x").name,
    ]  # fmt: skip
    errors = [
        support.error_of(apps.MobileNet, weights="imagenet", alpha=0.3),
        support.error_of(apps.MobileNet, weights="imagenet", depth_multiplier=2),
        support.error_of(apps.MobileNet, weights="imagenet", input_shape=(130, 130, 3)),
        support.error_of(apps.MobileNet, weights=None, input_shape=(16, 16, 3), include_top=False),
        support.error_of(apps.MobileNetV2, weights="imagenet", alpha=0.3),
        support.error_of(apps.MobileNetV2, weights=None, input_shape=(None, None, 3)),
        support.error_of(apps.MobileNetV2, weights=None, input_shape=(64, 32, 3),
               input_tensor=keras.Input((64, 64, 3))),
        support.error_of(apps.MobileNetV3Small, weights="imagenet", alpha=0.5),
        support.error_of(apps.MobileNetV3Small, weights="imagenet", classes=10),
        support.error_of(apps.MobileNetV3Small, weights="nope"),
        support.error_of(apps.MobileNetV3Small, weights="imagenet", classifier_activation="relu",
               input_shape=(224, 224, 3)),
        support.error_of(apps.MobileNetV3Small, weights=None, input_shape=(20, 64, 3)),
        support.error_of(apps.MobileNetV3Large, weights=None, input_shape=(64, 32, 3),
               input_tensor=keras.Input((64, 64, 3))),
        support.error_of(apps.ConvNeXtTiny, weights="imagenet", input_shape=(64, 64, 3)),
        support.error_of(apps.ConvNeXtTiny, weights="imagenet", input_shape=(64, 64, 1), include_top=False),
        support.error_of(apps.ConvNeXtTiny, weights=None, input_shape=(31, 31, 3), include_top=False),
    ]  # fmt: skip
    return {"names": names, "errors": errors}


@case(backends=ALL)
def case_mobilenet_convnext_preprocess_input(keras, H):
    apps = support.applications(keras)
    x = np.linspace(0, 255, 2 * 2 * 2 * 3).reshape(2, 2, 2, 3).astype("float32")
    return {
        name: getattr(apps, name).preprocess_input(x.copy())
        for name in ("mobilenet", "mobilenet_v2", "mobilenet_v3", "convnext")
    }
