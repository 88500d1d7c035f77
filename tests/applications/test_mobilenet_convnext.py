"""MobileNet, MobileNetV2, MobileNetV3Small/Large and ConvNeXt: structure against Keras's
fixtures, the family arguments and their errors, the ImageNet files, LayerScale and
StochasticDepth, and the modules' preprocess_input/decode_predictions."""

import os

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.applications import (
    convnext,
    mobilenet,
    mobilenet_v2,
    mobilenet_v3,
    weight_files,
)
from tests.conftest import requires_training


def test_module_exports():
    import cornu.applications as applications

    for module in (mobilenet, mobilenet_v2, mobilenet_v3, convnext):
        assert getattr(applications, module.__name__.rsplit(".", 1)[1]) is module
        for name in module.__all__:
            assert callable(getattr(module, name)), name
            if name[0].isupper():
                assert getattr(applications, name) is getattr(module, name)
    for name in convnext.__all__[:5]:
        assert getattr(convnext, name).__name__ == name


# --- model names and arguments -------------------------------------------------------------


@pytest.mark.parametrize(
    "builder,kwargs,name",
    [
        (mobilenet.MobileNet, {"alpha": 0.25, "input_shape": (32, 40, 3)}, "mobilenet_0.25_32"),
        (mobilenet.MobileNet, {"alpha": 0.3, "input_shape": (None, None, 3)}, "mobilenet_0.30_None"),
        (mobilenet_v2.MobileNetV2, {"alpha": 0.35, "input_shape": (33, 33, 3)}, "mobilenetv2_0.35_33"),
        (mobilenet_v2.MobileNetV2, {"alpha": 0.35, "name": "mine", "input_shape": (32, 32, 3)}, "mine"),
        (mobilenet_v3.MobileNetV3Small, {"alpha": 0.5}, "MobileNetV3Small"),
        (mobilenet_v3.MobileNetV3Small, {"alpha": 0.5, "name": None}, "functional"),
    ],
    ids=["v1_rows", "v1_unknown", "v2", "v2_named", "v3_default", "v3_none"],
)  # fmt: skip
def test_model_names(builder, kwargs, name):
    backend.clear_session()  # "functional" counts from zero
    model = builder(weights=None, include_top=False, **kwargs)
    assert model.name == name


def test_mobilenet_v2_takes_the_shape_of_input_tensor():
    tensor = cornu.Input((40, 40, 3))
    model = mobilenet_v2.MobileNetV2(weights=None, alpha=0.35, input_tensor=tensor)
    assert model.name == "mobilenetv2_0.35_40"
    assert model.input_shape == (None, 40, 40, 3)


def test_mobilenet_v3_input_shape_defaults_to_any_size():
    model = mobilenet_v3.MobileNetV3Small(weights=None, alpha=0.5, include_top=False)
    assert model.input_shape == (None, None, None, 3)
    out = backend.convert_to_numpy(model(np.zeros((1, 64, 48, 3), "float32")))
    # The stride-2 pads were fixed for an even side: a side of 3 loses its last column.
    assert out.shape == (1, 2, 1, 288)


@pytest.mark.parametrize(
    "call,error",
    [
        (lambda: mobilenet.MobileNet(weights=None, input_shape=(16, 16, 3), include_top=False),
         r"Input size must be at least 32x32; Received: input_shape=\(16, 16, 3\)"),
        (lambda: mobilenet.MobileNet(weights="imagenet", alpha=0.3),
         r"alpha can be one of`0.25`, `0.50`, `0.75` or `1.0` only.  Received alpha=0.3"),
        (lambda: mobilenet.MobileNet(weights="imagenet", depth_multiplier=2),
         r"depth multiplier must be 1.  Received depth_multiplier=2"),
        (lambda: mobilenet.MobileNet(weights="imagenet", input_shape=(130, 130, 3)),
         r"`input_shape` should be \(224, 224, 3\).  Received: input_shape=\(130, 130, 3\)"),
        (lambda: mobilenet_v2.MobileNetV2(weights="imagenet", alpha=0.3),
         r"alpha must be one of `0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received "
         r"`alpha=0.3`"),
        (lambda: mobilenet_v2.MobileNetV2(weights=None, input_shape=(None, None, 3)),
         r"you should specify a static `input_shape`"),
        (lambda: mobilenet_v2.MobileNetV2(weights=None, input_tensor=cornu.Input((64, 64, 3)),
                                          input_shape=(64, 32, 3)),
         r"input_tensor.shape\[2\] must equal input_shape\[1\]; Received "
         r"`input_tensor.shape=\(None, 64, 64, 3\)`, `input_shape=\(64, 32, 3\)`"),
        (lambda: mobilenet_v3.MobileNetV3Small(weights="imagenet", alpha=0.5),
         r"alpha can be one of `0.75`, `1.0` for non minimalistic or `1.0` for minimalistic"),
        (lambda: mobilenet_v3.MobileNetV3Large(weights="imagenet", alpha=0.75, minimalistic=True),
         r"or `1.0` for minimalistic only."),
        (lambda: mobilenet_v3.MobileNetV3Small(weights="imagenet", classes=10),
         r'If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000.'),
        (lambda: mobilenet_v3.MobileNetV3Small(weights="nope"),
         r"`imagenet` \(pre-training on ImageNet\), or the path to the weights file to be "
         r"loaded.  Received weights=nope"),
        (lambda: mobilenet_v3.MobileNetV3Small(weights=None, input_shape=(20, 64, 3)),
         r"Input size must be at least 32x32; Received `input_shape=\(20, 64, 3\)`"),
        (lambda: mobilenet_v3.MobileNetV3Small(weights=None, input_tensor=np.zeros((1, 32, 32, 3))),
         r"Argument `input_tensor` must be a KerasTensor"),
        (lambda: mobilenet_v3.MobileNetV3Small(weights=None, input_tensor=cornu.Input((64, 64, 3)),
                                               input_shape=(64, 32, 3)),
         r"input_shape\[1\] must equal input_tensor.shape\[2\].  Received input_shape=\(64, 32, "
         r"3\), input_tensor.shape=\(None, 64, 64, 3\)"),
        (lambda: convnext.ConvNeXtTiny(weights="imagenet", input_shape=(64, 64, 3)),
         r"`input_shape` should be \(224, 224, 3\).  Received: input_shape=\(64, 64, 3\)"),
        (lambda: convnext.ConvNeXtTiny(weights=None, input_shape=(31, 31, 3), include_top=False),
         r"Input size must be at least 32x32"),
    ],
    ids=["v1_small", "v1_alpha", "v1_depth", "v1_top_size", "v2_alpha", "v2_dynamic_top",
         "v2_tensor_shape", "v3_alpha", "v3_minimalistic_alpha", "v3_classes", "v3_weights",
         "v3_small", "v3_numpy_tensor", "v3_tensor_width", "convnext_top_size",
         "convnext_small"],
)  # fmt: skip
def test_argument_errors(call, error):
    with pytest.raises(ValueError, match=error):
        call()


def test_mobilenet_v3_takes_the_height_of_input_tensor():
    # Keras compares only the widths of `input_shape` and `input_tensor`.
    tensor = cornu.Input((64, 48, 3))
    model = mobilenet_v3.MobileNetV3Small(
        weights=None, alpha=0.5, input_tensor=tensor, input_shape=(32, 48, 3), include_top=False
    )
    assert model.input_shape == (None, 64, 48, 3)


# --- the ImageNet files --------------------------------------------------------------------


class _Fetched(Exception):
    pass


@pytest.fixture
def fetched(monkeypatch):
    """The (file name, url) a builder asks `get_file` for; nothing is downloaded."""

    def fake_get_file(fname, origin, cache_subdir=None, file_hash=None):
        assert cache_subdir == "models"
        raise _Fetched(fname, origin)

    monkeypatch.setattr(weight_files, "get_file", fake_get_file)

    def run(builder, **kwargs):
        with pytest.raises(_Fetched) as info:
            builder(**kwargs)
        return info.value.args

    return run


_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"


@pytest.mark.parametrize(
    "builder,kwargs,fname",
    [
        (mobilenet.MobileNet, {}, "mobilenet/mobilenet_1_0_224_tf.h5"),
        (mobilenet.MobileNet, {"alpha": 0.25, "input_shape": (128, 128, 3)},
         "mobilenet/mobilenet_2_5_128_tf.h5"),
        (mobilenet.MobileNet, {"alpha": 0.5, "input_shape": (192, 192, 3), "include_top": False},
         "mobilenet/mobilenet_5_0_192_tf_no_top.h5"),
        (mobilenet_v2.MobileNetV2, {"alpha": 1.3}, "mobilenet_v2/"
         "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_224.h5"),
        (mobilenet_v2.MobileNetV2, {"alpha": 0.35, "input_shape": (96, 96, 3), "include_top": False},
         "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"),
        (mobilenet_v2.MobileNetV2, {"input_tensor": "160"},
         "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160.h5"),
        (mobilenet_v3.MobileNetV3Small, {"input_shape": (224, 224, 3)},
         "mobilenet_v3/weights_mobilenet_v3_small_224_1.0_float.h5"),
        (mobilenet_v3.MobileNetV3Small, {"input_shape": (224, 224, 3), "minimalistic": True,
                                         "include_top": False},
         "mobilenet_v3/weights_mobilenet_v3_small_minimalistic_224_1.0_float_no_top_v2.h5"),
        (mobilenet_v3.MobileNetV3Large, {"input_shape": (224, 224, 3), "alpha": 0.75,
                                         "include_top": False},
         "mobilenet_v3/weights_mobilenet_v3_large_224_0.75_float_no_top_v2.h5"),
        (convnext.ConvNeXtTiny, {"include_top": False, "input_shape": (32, 32, 3)},
         "convnext/convnext_tiny_notop.h5"),
    ],
    ids=["v1", "v1_128", "v1_notop", "v2", "v2_notop", "v2_tensor", "v3s", "v3s_min",
         "v3l_075", "convnext"],
)  # fmt: skip
def test_imagenet_files(fetched, recwarn, builder, kwargs, fname):
    if kwargs.get("input_tensor") == "160":
        kwargs = dict(kwargs, input_tensor=cornu.Input((160, 160, 3)))
    name, url = fetched(builder, **kwargs)
    assert (name, url) == (fname.split("/")[1], _BASE + fname)
    assert not [w for w in recwarn if "Weights for input shape" in str(w.message)]


@pytest.mark.parametrize(
    "builder,kwargs,fname,rows",
    [
        (mobilenet.MobileNet, {"input_shape": (130, 130, 3)}, "mobilenet_1_0_224_tf_no_top.h5",
         "in [128, 160, 192, 224]"),
        (mobilenet_v2.MobileNetV2, {"input_shape": (96, 128, 3)},
         "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5",
         "in [96, 128, 160, 192, 224]"),
        (mobilenet_v3.MobileNetV3Large, {"input_shape": (224, 96, 3)},
         "weights_mobilenet_v3_large_224_1.0_float_no_top_v2.h5", "224"),
    ],
    ids=["v1", "v2", "v3"],
)  # fmt: skip
def test_imagenet_default_size_warning(fetched, builder, kwargs, fname, rows):
    with pytest.warns(
        UserWarning, match="non-square, or `rows` is not " + rows.replace("[", r"\[")
    ):
        name, _ = fetched(builder, include_top=False, **kwargs)
    assert name == fname


# --- LayerScale, StochasticDepth, saving -----------------------------------------------------


def _tiny_convnext(**kwargs):
    return convnext.ConvNeXt(depths=(1, 1, 1, 1), projection_dims=(8, 8, 8, 8), name="cn",
                             input_shape=(32, 32, 3), classes=3, **kwargs)  # fmt: skip


def test_layer_scale():
    layer = convnext.LayerScale(0.5, 4, name="ls")
    x = np.arange(8, dtype="float32").reshape(2, 4)
    np.testing.assert_allclose(backend.convert_to_numpy(layer(x)), x * 0.5)
    assert [w.path for w in layer.weights] == ["ls/variable"] or layer.weights[0].shape == (4,)
    config = layer.get_config()
    assert (config["init_values"], config["projection_dim"]) == (0.5, 4)
    again = convnext.LayerScale.from_config(config)
    assert (again.init_values, again.projection_dim, again.name) == (0.5, 4, "ls")


def test_stochastic_depth():
    layer = convnext.StochasticDepth(0.5, name="sd")
    x = np.ones((64, 2, 2, 3), "float32")
    np.testing.assert_array_equal(backend.convert_to_numpy(layer(x)), x)
    out = backend.convert_to_numpy(layer(x, training=True))
    per_sample = out.reshape(64, -1)
    # Whole samples are dropped or kept (and scaled by 1 / keep probability).
    assert set(np.unique(per_sample)) <= {0.0, 2.0}
    assert (per_sample == per_sample[:, :1]).all()
    assert 0 < (per_sample[:, 0] == 0).sum() < 64
    assert convnext.StochasticDepth.from_config(layer.get_config()).drop_path_rate == 0.5


def test_convnext_drop_path_and_layer_scale_arguments():
    model = _tiny_convnext(drop_path_rate=0.3, layer_scale_init_value=None)
    names = [layer.name for layer in model.layers]
    assert "cn_stage_0_block_0_identity" in names  # the first block's rate is 0
    assert "cn_stage_3_block_0_stochastic_depth" in names
    assert not [n for n in names if n.endswith("layer_scale")]
    rates = [layer.drop_path_rate for layer in model.layers
             if isinstance(layer, convnext.StochasticDepth)]  # fmt: skip
    np.testing.assert_allclose(rates, [0.1, 0.2, 0.3])


@pytest.mark.parametrize("builder", ["convnext", "mobilenet_v3"])
def test_keras_file_round_trip(tmp_path, builder):
    if builder == "convnext":
        model = _tiny_convnext(drop_path_rate=0.2, layer_scale_init_value=0.5)
    else:
        model = mobilenet_v3.MobileNetV3Small(weights=None, alpha=0.5, minimalistic=True,
                                              input_shape=(32, 32, 3), classes=3)  # fmt: skip
    x = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    expected = backend.convert_to_numpy(model(x))
    path = os.path.join(tmp_path, "model.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    # As in Keras, a loaded Sequential's weights lose its name as a path prefix.
    assert [tuple(w.shape) for w in loaded.weights] == [tuple(w.shape) for w in model.weights]
    assert [type(layer).__name__ for layer in loaded.layers] == [
        type(layer).__name__ for layer in model.layers
    ]
    got = backend.convert_to_numpy(loaded(x))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@requires_training
def test_convnext_trains_with_stochastic_depth():
    model = _tiny_convnext(drop_path_rate=0.5, include_preprocessing=False)
    # Eager: one step does not repay a compilation.
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", run_eagerly=True)
    x = np.random.default_rng(0).normal(size=(4, 32, 32, 3)).astype("float32")
    history = model.fit(x, np.array([0, 1, 2, 0]), epochs=1, batch_size=2, verbose=0)
    assert np.isfinite(history.history["loss"][0])


# --- preprocess_input / decode_predictions -------------------------------------------------


def test_preprocess_input():
    x = np.array([[[[0.0, 127.5, 255.0]]]], "float32")
    for module in (mobilenet, mobilenet_v2):
        np.testing.assert_allclose(module.preprocess_input(x.copy()), [[[[-1.0, 0.0, 1.0]]]])
    for module in (mobilenet_v3, convnext):
        assert module.preprocess_input(x) is x


def test_decode_predictions_is_imagenet_utils():
    from cornu.applications import imagenet_utils

    for module in (mobilenet, mobilenet_v2, mobilenet_v3, convnext):
        assert module.decode_predictions is imagenet_utils.decode_predictions
