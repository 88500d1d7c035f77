"""imagenet_utils: preprocess_input (modes, layouts, dtypes, in-place NumPy) and
decode_predictions (a small class index in a temporary cache, no network)."""

import hashlib
import json

import numpy as np
import pytest

import cornu.applications  # noqa: F401  (cornu's top level may not import it eagerly)
from cornu import config, ops
from cornu.applications import (
    imagenet_utils,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
    weight_files,
)

_BGR_MEAN = np.array([103.939, 116.779, 123.68])
_MEAN = np.array([0.485, 0.456, 0.406])
_STD = np.array([0.229, 0.224, 0.225])


def _expected(x, mode, layout):
    """Written from the definitions, channels last; `layout` moves the channel axis."""
    x = np.array(x, "float64")  # a copy
    if layout == "channels_first":
        x = np.moveaxis(x, 1 if x.ndim == 4 else 0, -1)
    if mode == "caffe":
        y = x[..., ::-1] - _BGR_MEAN
    elif mode == "tf":
        y = x / 127.5 - 1.0
    else:
        y = (x / 255.0 - _MEAN) / _STD
    if layout == "channels_first":
        y = np.moveaxis(y, -1, 1 if y.ndim == 4 else 0)
    return y


def _images(shape, dtype="float32"):
    return np.random.default_rng(0).uniform(0, 255, shape).astype(dtype)


_SHAPES = {"channels_last": (2, 3, 4, 3), "channels_first": (2, 3, 3, 4)}
_CASES = [(m, f) for m in ("caffe", "tf", "torch") for f in _SHAPES]


@pytest.mark.parametrize("mode,layout", _CASES, ids=[f"{m}-{f}" for m, f in _CASES])
def test_numpy_values_and_dtypes(mode, layout):
    for dtype, out_dtype in [("uint8", "float32"), ("int64", "float32"), ("float64", "float64")]:
        x = _images(_SHAPES[layout], dtype)
        want = _expected(x, mode, layout)  # before: float input is scaled in place
        y = imagenet_utils.preprocess_input(x, data_format=layout, mode=mode)
        assert isinstance(y, np.ndarray) and y.dtype == out_dtype, (dtype, y.dtype)
        np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("mode,layout", _CASES, ids=[f"{m}-{f}" for m, f in _CASES])
def test_tensor_values_and_dtypes(mode, layout):
    x = _images(_SHAPES[layout])
    want = _expected(x, mode, layout)  # before: on numpy the tensor is the array itself
    y = imagenet_utils.preprocess_input(ops.convert_to_tensor(x), data_format=layout, mode=mode)
    assert ops.is_tensor(y) and ops.dtype(y) == "float32"
    np.testing.assert_allclose(ops.convert_to_numpy(y), want, atol=1e-4)


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
def test_integer_tensors_become_floatx(mode):
    # Keras keeps an integer tensor's dtype: "caffe" truncates (uint8 wraps around) and
    # tf/torch fail on torch/tensorflow. A float result is the only correct one.
    x = _images((1, 2, 2, 3), "uint8")
    y = imagenet_utils.preprocess_input(ops.convert_to_tensor(x), mode=mode)
    assert ops.dtype(y) == config.floatx()
    np.testing.assert_allclose(
        ops.convert_to_numpy(y), _expected(x, mode, "channels_last"), atol=1e-4
    )


def test_float16_caffe_is_finite():
    # Keras 3.15 returns -inf for every float16 "caffe" value; the true values fit float16.
    x = _images((1, 2, 2, 3), "float16")
    y = imagenet_utils.preprocess_input(x.copy(), mode="caffe")
    assert y.dtype == np.float16
    np.testing.assert_allclose(y, _expected(x, "caffe", "channels_last"), atol=0.1)
    t = imagenet_utils.preprocess_input(ops.convert_to_tensor(x), mode="caffe")
    assert ops.dtype(t) == "float16"
    np.testing.assert_allclose(ops.convert_to_numpy(t), y, atol=0.1)


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
def test_float_numpy_is_scaled_in_place_integers_are_not(mode):
    x = _images((1, 2, 2, 3))
    original = x.copy()
    y = imagenet_utils.preprocess_input(x, mode=mode)
    np.testing.assert_allclose(y, _expected(original, mode, "channels_last"), atol=1e-4)
    assert not np.allclose(x, original)  # documented: float input is overwritten
    ints = _images((1, 2, 2, 3), "int32")
    kept = ints.copy()
    imagenet_utils.preprocess_input(ints, mode=mode)
    np.testing.assert_array_equal(ints, kept)


def test_single_image_and_lists():
    image = _images((3, 4, 4))  # channels first, no batch axis
    y = imagenet_utils.preprocess_input(image.copy(), data_format="channels_first")
    np.testing.assert_allclose(y, _expected(image, "caffe", "channels_first"), atol=1e-4)
    listed = imagenet_utils.preprocess_input([[[255, 0, 0]]], mode="tf")
    np.testing.assert_allclose(listed, [[[1.0, -1.0, -1.0]]])


def test_default_data_format_follows_config():
    x = _images((1, 3, 2, 2))
    previous = config.image_data_format()
    config.set_image_data_format("channels_first")
    try:
        y = imagenet_utils.preprocess_input(x.copy())
    finally:
        config.set_image_data_format(previous)
    np.testing.assert_allclose(y, _expected(x, "caffe", "channels_first"), atol=1e-4)


def test_symbolic_input():
    y = imagenet_utils.preprocess_input(cornu.Input((8, 8, 3)), mode="torch")
    assert tuple(y.shape) == (None, 8, 8, 3) and y.dtype == "float32"


def test_errors():
    x = _images((1, 2, 2, 3))
    with pytest.raises(ValueError, match="Expected mode to be one of `caffe`, `tf` or `torch`"):
        imagenet_utils.preprocess_input(x, mode="caf")
    with pytest.raises(ValueError, match="Received: data_format=nhwc"):
        imagenet_utils.preprocess_input(x, data_format="nhwc")
    with pytest.raises(ValueError, match=r"must have size 3; received input shape \(1, 2, 2, 4\)"):
        imagenet_utils.preprocess_input(_images((1, 2, 2, 4)))
    with pytest.raises(ValueError, match=r"must have size 3.*\(1, 2, 2, 4\)"):
        imagenet_utils.preprocess_input(ops.convert_to_tensor(_images((1, 2, 2, 4))), mode="torch")
    with pytest.raises(ValueError, match="rank 3 .* or more; received rank 2"):
        imagenet_utils.preprocess_input(_images((3, 2)), data_format="channels_first")


def test_family_modes():
    image = np.full((1, 1, 1, 3), 255.0, "float32")
    caffe = _expected(image, "caffe", "channels_last")
    for module in (resnet, resnet50, vgg16, vgg19):
        np.testing.assert_allclose(module.preprocess_input(image.copy()), caffe, rtol=1e-6)
    np.testing.assert_allclose(resnet_v2.preprocess_input(image.copy()), np.ones_like(image))
    with pytest.raises(TypeError):
        vgg16.preprocess_input(image, mode="tf")
    assert resnet50.preprocess_input is resnet.preprocess_input


@pytest.fixture
def class_index(tmp_path, monkeypatch):
    """A made-up 1000-class index in a temporary KERAS_HOME cache, read instead of Keras's."""
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "imagenet_class_index.json").write_text(json.dumps(index))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(imagenet_utils, "_CLASS_INDEX", None)
    # The made-up file cannot have Keras's digest: check it against its own.
    digest = hashlib.md5((tmp_path / "models" / "imagenet_class_index.json").read_bytes())
    monkeypatch.setitem(weight_files.FILE_HASHES, "imagenet_class_index.json", digest.hexdigest())
    return index


def test_decode_predictions(class_index):
    preds = np.zeros((2, 1000), "float32")
    preds[0, [7, 3, 900]] = [0.5, 0.3, 0.2]
    preds[1, 42] = 1.0
    decoded = imagenet_utils.decode_predictions(preds, top=3)
    assert decoded[0] == [
        ("n00000007", "class_7", np.float32(0.5)),
        ("n00000003", "class_3", np.float32(0.3)),
        ("n00000900", "class_900", np.float32(0.2)),
    ]
    assert decoded[1][0] == ("n00000042", "class_42", 1.0)
    assert isinstance(decoded[0][0][2], np.float32)
    assert [len(d) for d in imagenet_utils.decode_predictions(preds)] == [5, 5]
    from_tensor = vgg19.decode_predictions(ops.convert_to_tensor(preds), top=1)
    assert from_tensor == [[decoded[0][0]], [decoded[1][0]]]


def test_decode_predictions_shape_error(class_index):
    message = r"expects a batch of predictions .* Received array with shape: \(2, 10\)"
    with pytest.raises(ValueError, match=message):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))
    with pytest.raises(ValueError, match=r"shape: \(1000,\)"):
        resnet.decode_predictions(np.zeros(1000))
