"""EfficientNet and EfficientNetV2 (keras.applications): outputs with equal weights, the
builders' arguments and errors, and the modules' preprocess_input/decode_predictions."""

import numpy as np

from tests.parity.case import ALL, case
from tests.parity.cases import applications_support as support


def _images(n=2, side=32, channels=3, seed=1):
    # Images of different brightness and contrast, so the pooled outputs differ per image.
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, side, side, channels))
    x = x * np.linspace(60, 250, n)[:, None, None, None] + np.linspace(0, 5, n)[:, None, None, None]
    return x.astype("float32")


_FUNCTIONS = ("preprocess_input", "decode_predictions")


def _logits_and_features(keras, builder, variance):
    """The logits and the top activation of `builder` (32x32 inputs, 10 classes) with weights
    set alike (BatchNorm variances in `variance`)."""
    model = getattr(support.applications(keras), builder)(
        weights=None, input_shape=(32, 32, 3), classes=10, classifier_activation=None
    )
    support.set_weights_by_shape(model, variance=variance)
    features = keras.Model(model.input, model.get_layer("top_activation").output)
    x = _images()
    return {"logits": model.predict(x, verbose=0), "features": features.predict(x, verbose=0)}


@case(backends=ALL, rtol=1e-4, atol=1e-5, timeout=600)
def case_efficientnet_b0_outputs(keras, H):
    return _logits_and_features(keras, "EfficientNetB0", variance=(0.4, 1.2))


@case(backends=ALL, rtol=1e-4, atol=1e-5, timeout=600)
def case_efficientnet_v2b0_outputs(keras, H):
    return _logits_and_features(keras, "EfficientNetV2B0", variance=(0.8, 2.0))


# Outputs of order 1-20 with a few near zero after cancellation: atol 1e-4.
@case(backends=ALL, rtol=1e-4, atol=1e-4, timeout=300)
def case_efficientnet_v2_no_preprocessing_and_odd_sides(keras, H):
    # V2 without its rescaling layer, on one channel; V1 on odd sides (asymmetric padding).
    A = support.applications(keras)
    v2 = A.EfficientNetV2B0(weights=None, include_top=False, pooling="avg",
                            input_shape=(33, 35, 1), include_preprocessing=False)  # fmt: skip
    v1 = A.EfficientNetB0(weights=None, include_top=False, pooling="max",
                          input_shape=(33, 35, 3))  # fmt: skip
    support.set_weights_by_shape(v2, variance=(0.8, 2.0))
    support.set_weights_by_shape(v1, variance=(0.4, 1.2))
    return {
        # Without its rescaling layer the model gets [0, 1] inputs, as a user would give it.
        "v2": v2.predict(_images(side=35, channels=1)[:, :33] / 255.0, verbose=0),
        "v1": v1.predict(_images(side=35)[:, :33], verbose=0),
    }


@case(backends=("numpy",))
def case_efficientnet_builder_arguments(keras, H):
    A = support.applications(keras)

    def layers_of(model):
        return [(layer.name, type(layer).__name__) for layer in model.layers]

    gray = A.EfficientNetV2B0(weights=None, include_top=False, input_shape=(64, 64, 1))
    plain = A.EfficientNetV2B0(weights=None, include_top=False, include_preprocessing=False)
    tensor = keras.Input((64, 64, 3))
    chained = A.EfficientNetB0(weights=None, include_top=False, pooling="max",
                               input_tensor=keras.layers.Rescaling(2.0, name="pre")(tensor))  # fmt: skip
    pads = []
    for shape in ((33, 35, 3), (None, None, 3)):
        model = A.EfficientNetB0(weights=None, include_top=False, input_shape=shape)
        pads.append(
            [tuple(map(tuple, model.get_layer(name).get_config()["padding"]))
             for name in ("stem_conv_pad", "block2a_dwconv_pad", "block3a_dwconv_pad")]
            + [layers_of(model)[-1], tuple(model.output.shape)]
        )  # fmt: skip
    return {
        "gray": layers_of(gray)[:4] + [gray.layers[1].get_config()["scale"]],
        "plain": layers_of(plain)[:3],
        "chained": layers_of(chained)[:4] + layers_of(chained)[-2:],
        "chained_shapes": [tuple(t.shape) for t in chained.inputs + [chained.output]],
        "pads": pads,
        "avg": layers_of(A.EfficientNetV2B0(weights=None, include_top=False, pooling="avg"))[-2:],
        "classes": A.EfficientNetV2B1(weights=None, classes=7, classifier_activation=None)
        .get_layer("predictions")
        .get_config(),
    }


@case(backends=("numpy",))
def case_efficientnet_errors(keras, H):
    A = support.applications(keras)
    out = {}
    for builder in (A.EfficientNetB0, A.EfficientNetV2B0):
        out[builder.__name__] = [
            support.error_of(builder, weights="bad"),
            support.error_of(builder, weights="imagenet", classes=10),
            support.error_of(builder, weights="imagenet", classifier_activation="relu"),
            support.error_of(
                builder, weights="imagenet", classifier_activation="relu", input_shape=(16, 16, 3)
            ),  # fmt: skip
            support.error_of(builder, weights="imagenet", input_shape=(64, 64, 3)),
            support.error_of(
                builder, weights="imagenet", include_top=False, input_shape=(64, 64, 1)
            ),
            support.error_of(builder, weights=None, include_top=False, input_shape=(16, 16, 3)),
            support.error_of(builder, weights=None, include_top=False, input_shape=(31, 64, 3)),
            support.error_of(builder, weights=None, input_shape=(64, 64)),
            support.error_of(builder, weights=None, input_shape=(None, None, 3)),
            support.error_of(builder, weights=None, input_tensor=np.zeros((1, 32, 32, 3))),
        ]
    return out


@case(backends=ALL)
def case_efficientnet_preprocess_input(keras, H):
    x = _images(1, 4)
    out = {}
    for module in (
        support.applications(keras).efficientnet,
        support.applications(keras).efficientnet_v2,
    ):
        out[module.__name__.rsplit(".", 1)[-1]] = {
            "same_object": module.preprocess_input(x) is x,
            "channels_first": module.preprocess_input(x, data_format="channels_first") is x,
            "list": module.preprocess_input([1, 2]),
            "public": sorted(n for n in dir(module) if n[0].isupper() or n in _FUNCTIONS),
        }
    return out
