"""EfficientNet B0-B7 and EfficientNetV2 B0-B3/S/M/L: structure against Keras's fixtures,
arguments and errors, padding, channels-first, the ImageNet files, and the module functions."""

import numpy as np
import pytest

from cornu import backend, config, layers
from cornu.applications import _blocks, _builder, efficientnet, efficientnet_v2, weight_files


def test_module_exports():
    assert efficientnet.__all__[:8] == [f"EfficientNetB{i}" for i in range(8)]
    for module in (efficientnet, efficientnet_v2):
        for name in module.__all__:
            assert callable(getattr(module, name)), name
    import cornu.applications as applications

    assert applications.EfficientNetV2L is efficientnet_v2.EfficientNetV2L
    assert applications.efficientnet_v2 is efficientnet_v2
    assert efficientnet.EfficientNetB3.__name__ == "EfficientNetB3"


@pytest.mark.parametrize(
    "side,kernel,expected",
    [
        ("even", 3, ((0, 1), (0, 1))),
        ("odd", 3, ((1, 1), (1, 1))),
        ("even", 5, ((1, 2), (1, 2))),
        ("odd", 5, ((2, 2), (2, 2))),
        ("unknown", 3, ((0, 1), (0, 1))),
    ],
)
def test_correct_pad(side, kernel, expected):
    size = {"even": 32, "odd": 33, "unknown": None}[side]
    x = layers.Input((size, size, 3))
    assert _blocks.correct_pad(x, kernel) == expected


def test_round_filters():
    # V1 never rounds more than 10% down; V2 rounds to the nearest multiple of 8.
    assert efficientnet._round_filters(16, 1.2) == 24
    assert efficientnet_v2._round_filters(16, 1.2) == 16
    assert efficientnet._round_filters(32, 2.0) == 64
    assert efficientnet._round_repeats(3, 3.1) == 10


def test_channels_first():
    previous = config.image_data_format()
    config.set_image_data_format("channels_first")
    try:
        model = efficientnet.EfficientNetB0(
            weights=None, include_top=False, input_shape=(3, 33, 64)
        )
        v2 = efficientnet_v2.EfficientNetV2B0(
            weights=None, include_top=False, input_shape=(3, 32, 32)
        )
    finally:
        config.set_image_data_format(previous)
    assert model.layers[2].get_config()["axis"] == (1,)
    assert tuple(model.get_layer("stem_conv_pad").padding) == ((1, 1), (0, 1))
    assert model.get_layer("block1a_se_reshape").get_config()["target_shape"] == (32, 1, 1)
    assert tuple(model.get_layer("block2b_drop").get_config()["noise_shape"]) == (None, 1, 1, 1)
    assert model.get_layer("stem_bn").get_config()["axis"] == 1
    assert tuple(model.output.shape) == (None, 1280, 2, 2)
    assert v2.get_layer("block4a_se_reshape").get_config()["target_shape"] == (192, 1, 1)
    assert tuple(v2.output.shape) == (None, 1280, 1, 1)


@pytest.mark.parametrize(
    "builder,kwargs,match",
    [
        ("B0", {"weights": "bad"}, r"or the path to the weights file to be loaded\.$"),
        ("V2B0", {"weights": "bad"}, r"to be loaded\.Received: weights=bad$"),
        ("B0", {"weights": "imagenet", "classes": 10}, "`classes` should be 1000$"),
        ("V2B0", {"weights": "imagenet", "classes": 10}, "`classes` should be 1000$"),
        (
            "B0",
            {"weights": "imagenet", "classifier_activation": "relu"},
            "Only `None` and `softmax` activations are allowed",
        ),
        (
            "V2B0",
            {"weights": "imagenet", "input_shape": (64, 64, 3)},
            r"should be \(224, 224, 3\)",
        ),
        (
            "B0",
            {"weights": None, "include_top": False, "input_shape": (16, 16, 3)},
            "Input size must be at least 32x32",
        ),
        (
            "V2B0",
            {"weights": None, "input_tensor": np.zeros((1, 32, 32, 3))},
            "must be a KerasTensor",
        ),
    ],
)
def test_argument_errors(builder, kwargs, match):
    module = efficientnet if builder.startswith("B") else efficientnet_v2
    with pytest.raises(ValueError, match=match):
        getattr(module, f"EfficientNet{builder}")(**kwargs)


def test_classes_checked_before_input_shape():
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        efficientnet.EfficientNetB0(weights="imagenet", classes=3, input_shape=(8, 8, 3))


class _Fetched(Exception):
    pass


@pytest.mark.parametrize(
    "builder,include_top,url",
    [
        ("B0", True, "https://storage.googleapis.com/keras-applications/efficientnetb0.h5"),
        (
            "B0",
            False,
            "https://storage.googleapis.com/keras-applications/efficientnetb0_notop.h5",
        ),
        (
            "V2S",
            False,
            "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
            "efficientnetv2-s_notop.h5",
        ),
        (
            "V2B0",
            True,
            "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
            "efficientnetv2-b0.h5",
        ),
    ],
)
def test_imagenet_weights_files(monkeypatch, builder, include_top, url):
    seen = {}

    def fake_get_file(fname, origin, **kwargs):
        seen.update(fname=fname, origin=origin, **kwargs)
        raise _Fetched

    monkeypatch.setattr(weight_files, "get_file", fake_get_file)
    module = efficientnet if builder.startswith("B") else efficientnet_v2
    with pytest.raises(_Fetched):
        getattr(module, f"EfficientNet{builder}")(
            include_top=include_top, input_shape=None if include_top else (32, 32, 3)
        )
    assert seen["origin"] == url
    assert seen["fname"] == url.rsplit("/", 1)[1]
    assert seen["cache_subdir"] == "models"


def test_imagenet_v1_adds_stddev_rescaling(monkeypatch):
    # Keras divides once more by sqrt(std) after the Normalization layer for ImageNet weights.
    built = []

    def fake_load_weights(model, weights, **kwargs):
        built.append(model)
        return model

    monkeypatch.setattr(_builder, "load_weights", fake_load_weights)
    model = efficientnet.EfficientNetB0(include_top=False, input_shape=(32, 32, 3))
    rescale = built[0].layers[3]
    assert model is built[0]
    assert isinstance(rescale, layers.Rescaling)
    np.testing.assert_allclose(
        rescale.get_config()["scale"], [1 / np.sqrt(s) for s in (0.229, 0.224, 0.225)]
    )
    assert isinstance(model.layers[4], layers.ZeroPadding2D)


def test_normalization_statistics():
    v1 = efficientnet.EfficientNetB0(weights=None, include_top=False, input_shape=(32, 32, 3))
    norm = v1.layers[2]
    assert [w.path.split("/")[-1] for w in norm.weights] == ["mean", "variance", "count"]
    np.testing.assert_array_equal(backend.convert_to_numpy(norm.weights[1].value), [1, 1, 1])
    v2 = efficientnet_v2.EfficientNetV2B0(weights=None, include_top=False, input_shape=(32, 32, 3))
    config_ = v2.layers[2].get_config()
    assert config_["mean"] == [0.485, 0.456, 0.406]
    np.testing.assert_allclose(config_["variance"], [0.229**2, 0.224**2, 0.225**2])
    assert v2.layers[2].weights == []


def test_preprocess_input_is_identity():
    x = np.arange(12.0).reshape(1, 2, 2, 3)
    for module in (efficientnet, efficientnet_v2):
        assert module.preprocess_input(x) is x
        assert module.preprocess_input(x, data_format="channels_first") is x


def test_decode_predictions_is_imagenet_utils():
    from cornu.applications import imagenet_utils

    for module in (efficientnet, efficientnet_v2):
        assert module.decode_predictions is imagenet_utils.decode_predictions
