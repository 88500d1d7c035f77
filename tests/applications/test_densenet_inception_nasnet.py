"""DenseNet 121/169/201, Inception-v3, Inception-ResNet-v2, Xception, NASNet Mobile/Large:
(structure: test_structure.py) each family's argument errors, the ImageNet files, the
residual scale layer, and the module functions."""

import numpy as np
import pytest

from cornu import backend, config, layers
from cornu.applications import (
    densenet,
    imagenet_utils,
    inception_resnet_v2,
    inception_v3,
    nasnet,
    weight_files,
    xception,
)
from cornu.models import Model

# (builder, message of a bad `weights`, message of imagenet with 10 classes, minimum side):
# each family words these its own way in Keras.
FAMILIES = [
    (densenet.DenseNet121, "`imagenet` \\(pre-training", "`weights` as `\"imagenet\"`", 32),
    (inception_v3.InceptionV3, "to be loaded; Received: weights=nope",
     'Received classes=10', 75),
    (inception_resnet_v2.InceptionResNetV2, "`imagenet` \\(pre-training",
     "`include_top=True`, `classes` should be 1000. Received", 75),
    (xception.Xception, "'imagenet' \\(pre-training", "1000.  Received classes=10", 71),
    (nasnet.NASNetMobile, "`imagenet` \\(pre-training", "`include_top` as true", 32),
    (nasnet.NASNetLarge, "`imagenet` \\(pre-training", "`include_top` as true", 32),
]  # fmt: skip


@pytest.mark.parametrize("build, weights_msg, classes_msg, min_side", FAMILIES,
                         ids=lambda v: getattr(v, "__name__", None))  # fmt: skip
def test_argument_errors(build, weights_msg, classes_msg, min_side):
    with pytest.raises(ValueError, match=weights_msg):
        build(weights="nope")
    with pytest.raises(ValueError, match=classes_msg):
        build(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match=f"at least {min_side}x{min_side}; Received"):
        build(weights=None, include_top=False, input_shape=(min_side - 1, min_side - 1, 3))
    with pytest.raises(ValueError, match="Only `None` and `softmax` activations"):
        build(weights="imagenet", classifier_activation="relu")
    with pytest.raises(ValueError, match="must be a KerasTensor"):
        build(weights=None, include_top=False, input_tensor=np.zeros((1, 80, 80, 3)))


def test_nasnet_own_checks():
    with pytest.raises(ValueError, match="must be static \\(no None entries\\)"):
        nasnet.NASNetMobile(weights="imagenet", include_top=False, input_shape=(None, None, 3))
    previous = config.image_data_format()
    config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="NASNet does not support the `channels_first`"):
            nasnet.NASNetMobile(weights=None)
    finally:
        config.set_image_data_format(previous)


def test_nasnet_builds_at_default_size_without_top():
    # Unlike the other families, no input_shape means the default size even without the top.
    shape = nasnet.B.input_shape_for(None, default_size=224, min_size=32, weights=None,
                                     include_top=False, require_flatten=True)  # fmt: skip
    assert shape == (224, 224, 3)


class _Requested(Exception):
    pass


@pytest.mark.parametrize(
    "build, kwargs, fname, url",
    [
        (densenet.DenseNet121, {"include_top": False, "input_shape": (32, 32, 3)},
         "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5",
         "densenet/densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5"),
        (nasnet.NASNetMobile, {"include_top": False, "input_shape": (32, 32, 3)},
         "nasnet_mobile_no_top.h5", "nasnet/NASNet-mobile-no-top.h5"),
    ],
    ids=["densenet121_notop", "nasnet_mobile_notop"],
)  # fmt: skip
def test_imagenet_files(monkeypatch, build, kwargs, fname, url):
    requested = []

    def get_file(name, origin, **kw):
        requested.append((name, origin, kw.get("cache_subdir")))
        raise _Requested

    monkeypatch.setattr(weight_files, "get_file", get_file)
    with pytest.raises(_Requested):
        build(weights="imagenet", **kwargs)
    base = "https://storage.googleapis.com/tensorflow/keras-applications/"
    assert requested == [(fname, base + url, "models")]


def test_imagenet_file_names():
    # The files of the builders not built above, by the names Keras requests.
    assert densenet.BASE_WEIGHTS_PATH.endswith("/keras-applications/densenet/")
    assert inception_v3.WEIGHTS_FILE == "inception_v3_weights_tf_dim_ordering_tf_kernels"
    assert inception_resnet_v2.WEIGHTS_FILE == (
        "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels"
    )
    assert xception.WEIGHTS_FILE == "xception_weights_tf_dim_ordering_tf_kernels"
    assert nasnet.WEIGHTS_FILES[("large", True)] == ("NASNet-large.h5", "nasnet_large.h5")


def test_custom_scale_layer():
    layer = inception_resnet_v2.CustomScaleLayer(0.17, name="scale")
    a = np.arange(6, dtype="float32").reshape(2, 3)
    b = np.ones((2, 3), dtype="float32")
    np.testing.assert_allclose(backend.convert_to_numpy(layer([a, b])), a + 0.17, rtol=1e-6)
    config_ = layer.get_config()
    assert config_["scale"] == 0.17
    clone = inception_resnet_v2.CustomScaleLayer.from_config(config_)
    assert clone.scale == 0.17 and clone.name == "scale"
    x, y = layers.Input((4, 5, 3)), layers.Input((4, 5, 3))
    assert Model([x, y], layer([x, y])).output_shape == (None, 4, 5, 3)


@pytest.mark.parametrize(
    "module, mode",
    [(densenet, "torch"), (inception_v3, "tf"), (inception_resnet_v2, "tf"), (xception, "tf"),
     (nasnet, "tf")],
    ids=["densenet", "inception_v3", "inception_resnet_v2", "xception", "nasnet"],
)  # fmt: skip
def test_module_functions(module, mode):
    images = np.random.default_rng(0).uniform(0, 255, (2, 3, 4, 3)).astype("float32")
    np.testing.assert_allclose(
        module.preprocess_input(images.copy()),
        imagenet_utils.preprocess_input(images.copy(), mode=mode),
    )
    assert module.decode_predictions.__code__.co_varnames[:2] == ("preds", "top")
    with pytest.raises(ValueError):
        module.decode_predictions(np.zeros((2, 10)))
