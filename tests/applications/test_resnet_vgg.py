"""ResNet50/101/152 (v1, v2) and VGG16/19: (structure: test_structure.py) the
argument checks, and loading weights from a Keras 2 (`*_tf_kernels.h5`) file."""

import hashlib

import h5py
import numpy as np
import pytest

import cornu
import cornu.applications  # noqa: F401  (cornu's top level may not import it eagerly)
from cornu import backend, config
from cornu.applications import resnet, resnet_v2, vgg16, vgg19, weight_files

_BUILDERS = [
    resnet.ResNet50,
    resnet.ResNet101,
    resnet.ResNet152,
    resnet_v2.ResNet50V2,
    resnet_v2.ResNet101V2,
    resnet_v2.ResNet152V2,
    vgg16.VGG16,
    vgg19.VGG19,
]
_IDS = [b.__name__ for b in _BUILDERS]


def test_exports():
    A = cornu.applications
    for builder in _BUILDERS:
        assert getattr(A, builder.__name__) is builder
    assert A.resnet50.ResNet50 is A.resnet.ResNet50 is A.ResNet50
    for module in ("imagenet_utils", "resnet", "resnet50", "resnet_v2", "vgg16", "vgg19"):
        assert hasattr(getattr(A, module), "preprocess_input")


@pytest.mark.parametrize("builder", _BUILDERS, ids=_IDS)
def test_argument_errors(builder):
    # All raised before any layer is built, so cheap for every builder.
    with pytest.raises(ValueError, match="The `weights` argument should be either `None`"):
        builder(weights="no/such/file.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000.  Received classes=10"):
        builder(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="Only `None` and `softmax` activations are allowed"):
        builder(weights="imagenet", classifier_activation="relu")
    with pytest.raises(ValueError, match="`input_shape` must be a tuple of three integers"):
        builder(weights=None, input_shape=(64, 64))
    with pytest.raises(ValueError, match=r"at least 32x32; Received: input_shape=\(31, 40, 3\)"):
        builder(weights=None, include_top=False, input_shape=(31, 40, 3))
    with pytest.raises(ValueError, match="The input must have 3 channels"):
        builder(weights="imagenet", include_top=False, input_shape=(40, 40, 1))
    with pytest.raises(ValueError, match="you should specify a static `input_shape`"):
        builder(weights=None, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="Argument `input_tensor` must be a KerasTensor"):
        builder(weights=None, include_top=False, input_tensor=np.zeros((1, 32, 32, 3)))


class _Requested(Exception):
    pass


_FILES = [
    (resnet.ResNet101, True, "resnet/resnet101_weights_tf_dim_ordering_tf_kernels.h5"),
    (resnet_v2.ResNet50V2, False, "resnet/resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    (vgg19.VGG19, False, "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"),
]


@pytest.mark.parametrize("builder,top,url", _FILES, ids=[f[0].__name__ for f in _FILES])
def test_imagenet_weight_urls(builder, top, url, monkeypatch):
    # The files Keras downloads (seen in its "Downloading data from" lines), cached in "models".
    if backend.backend() != "numpy":
        pytest.skip("large build: the file choice does not depend on the backend")

    def fake_get_file(fname, origin, cache_subdir, file_hash):
        raise _Requested(fname, origin, cache_subdir)

    monkeypatch.setattr(weight_files, "get_file", fake_get_file)
    with pytest.raises(_Requested) as requested:
        builder(weights="imagenet", include_top=top, input_shape=None if top else (32, 32, 3))
    base = "https://storage.googleapis.com/tensorflow/keras-applications/"
    assert requested.value.args == (url.split("/")[1], base + url, "models")


def test_channels_first():
    previous = config.image_data_format()
    config.set_image_data_format("channels_first")
    try:
        model = vgg16.VGG16(weights=None, include_top=False, input_shape=(3, 32, 48))
        assert model.output_shape == (None, 512, 1, 1)
        assert resnet.batch_norm("bn").axis == 1
    finally:
        config.set_image_data_format(previous)
    assert resnet.batch_norm("bn").axis == 3


# Keras 2's `save_weights` layout: `layer_names` on the root, one group per layer with
# `weight_names` ("<layer>/kernel:0"), each weight a dataset at that path inside the group.
_VGG16_LAYERS = [
    ["input_1"],
    ["block1_conv1", "block1_conv2", "block1_pool"],
    ["block2_conv1", "block2_conv2", "block2_pool"],
    ["block3_conv1", "block3_conv2", "block3_conv3", "block3_pool"],
    ["block4_conv1", "block4_conv2", "block4_conv3", "block4_pool"],
    ["block5_conv1", "block5_conv2", "block5_conv3", "block5_pool"],
]


def _write_keras2_vgg16_notop(path):
    """A Keras 2 `vgg16_..._notop.h5` with made-up values; returns {layer: (kernel, bias)}."""
    rng = np.random.default_rng(0)
    names = [name for block in _VGG16_LAYERS for name in block]
    values, channels = {}, 3
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([n.encode() for n in names])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for name in names:
            group = f.create_group(name)
            if "conv" not in name:
                group.attrs["weight_names"] = np.array([], dtype="S1")
                continue
            filters = {"1": 64, "2": 128, "3": 256}.get(name[5], 512)
            kernel = rng.random((3, 3, channels, filters), dtype=np.float32)
            bias = rng.random((filters,), dtype=np.float32)
            channels = filters
            weight_names = [f"{name}/kernel:0", f"{name}/bias:0"]
            group.attrs["weight_names"] = np.array([n.encode() for n in weight_names])
            group[weight_names[0]] = kernel
            group[weight_names[1]] = bias
            values[name] = (kernel, bias)
    return values


def _assert_loaded(model, values):
    for name, (kernel, bias) in values.items():
        layer = model.get_layer(name)
        np.testing.assert_array_equal(np.asarray(layer.kernel.numpy()), kernel, err_msg=name)
        np.testing.assert_array_equal(np.asarray(layer.bias.numpy()), bias, err_msg=name)


def test_vgg16_loads_keras2_weights_from_path_and_cache(tmp_path, monkeypatch):
    path = tmp_path / "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    values = _write_keras2_vgg16_notop(path)
    model = vgg16.VGG16(weights=str(path), include_top=False, input_shape=(32, 32, 3))
    _assert_loaded(model, values)

    # weights="imagenet" finds the same file under Keras's name in the cache (no download).
    (tmp_path / "home" / "models").mkdir(parents=True)
    path.rename(tmp_path / "home" / "models" / path.name)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    # The file written here is not Keras's published one: check it against its own digest.
    digest = hashlib.md5((tmp_path / "home" / "models" / path.name).read_bytes()).hexdigest()
    monkeypatch.setitem(weight_files.FILE_HASHES, path.name, digest)
    model = vgg16.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    _assert_loaded(model, values)
    out = model.predict(np.zeros((1, 32, 32, 3), "float32"), verbose=0)
    assert out.shape == (1, 1, 1, 512)
