"""keras.applications ResNet (v1, v2) and VGG: predictions with equal weights, argument errors,
and imagenet_utils' input scaling (every mode, both layouts, NumPy and tensors, dtypes)."""

import numpy as np

from tests.parity.case import ALL, case
from tests.parity.cases import applications_support as support

_MODES = ("caffe", "tf", "torch")
_LAYOUTS = {"channels_last": (2, 4, 5, 3), "channels_first": (2, 3, 4, 5)}


def _unit_scale(values):
    # Deep residual sums reach the hundreds: compare on a common scale so atol stays meaningful.
    return values / np.abs(values).max()


def _predict(keras, builder, preprocess):
    model = getattr(support.applications(keras), builder)(
        weights=None, input_shape=(32, 32, 3), classes=10
    )
    support.set_weights_by_role(model)
    images = np.random.default_rng(1).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    features = keras.Model(model.input, model.layers[-2].output)
    x = preprocess(images.copy())
    return {
        "predictions": model.predict(x, verbose=0),
        "features": _unit_scale(features.predict(x, verbose=0)),
        "count_params": model.count_params(),
    }


@case(backends=ALL, rtol=1e-4, atol=1e-5, timeout=600)
def case_resnet50_predict(keras, H):
    return _predict(keras, "ResNet50", support.applications(keras).resnet50.preprocess_input)


@case(backends=ALL, rtol=1e-4, atol=1e-5, timeout=600)
def case_resnet50v2_predict(keras, H):
    return _predict(keras, "ResNet50V2", support.applications(keras).resnet_v2.preprocess_input)


@case(backends=ALL, rtol=1e-4, atol=1e-5, timeout=600)
def case_vgg16_predict(keras, H):
    return _predict(keras, "VGG16", support.applications(keras).vgg16.preprocess_input)


def _message(fn):
    try:
        fn()
    except Exception as e:  # the message is what a user reads
        return (type(e).__name__, str(e))
    return "no exception"


@case(backends=ALL)
def case_builder_argument_errors(keras, H):
    A = support.applications(keras)
    out = {}
    for builder in (A.ResNet50, A.ResNet50V2, A.VGG19):
        name = builder.__name__
        out[name] = {
            "weights": _message(lambda b=builder: b(weights="no/such/file.h5")),
            "classes": _message(lambda b=builder: b(weights="imagenet", classes=10)),
            "activation": _message(
                lambda b=builder: b(weights="imagenet", classifier_activation="relu")
            )[0],
            "rank": _message(lambda b=builder: b(weights=None, input_shape=(64, 64))),
            "small": _message(
                lambda b=builder: b(weights=None, include_top=False, input_shape=(31, 40, 3))
            ),
            "channels": _message(
                lambda b=builder: b(weights="imagenet", include_top=False, input_shape=(40, 40, 1))
            ),
            "top_shape": _message(lambda b=builder: b(weights="imagenet", input_shape=(64, 64, 3))),
            "dynamic_top": _message(lambda b=builder: b(weights=None, input_shape=(None, None, 3))),
            "input_tensor": _message(
                lambda b=builder: b(weights=None, include_top=False, input_tensor=np.zeros(3))
            )[0],
        }
    return out


@case(backends=ALL, timeout=300)
def case_vgg_heads_and_input_tensor(keras, H):
    A = support.applications(keras)
    keras.backend.clear_session()
    avg = A.VGG16(weights=None, include_top=False, pooling="avg", input_shape=(32, 32, 3))
    inp = keras.Input((40, 48, 3))
    on_tensor = A.VGG19(weights=None, include_top=False, pooling="max", input_tensor=inp)
    other = A.VGG16(weights=None, include_top=False, pooling="other", input_shape=(64, 32, 3))
    return {
        "avg": (avg.output_shape, [l.name for l in avg.layers[-2:]], avg.name),
        "max": (on_tensor.input_shape, on_tensor.output_shape, on_tensor.layers[-1].name),
        "other": (other.output_shape, other.layers[-1].name),
    }


def _images(shape, dtype):
    return np.random.default_rng(0).uniform(0, 255, shape).astype(dtype)


@case(backends=ALL, rtol=1e-5, atol=1e-4)
def case_preprocess_input_numpy(keras, H):
    iu = support.applications(keras).imagenet_utils
    out = {}
    for mode in _MODES:
        for layout, shape in _LAYOUTS.items():
            for dtype in ("uint8", "int32", "int64", "float32", "float64"):
                x = _images(shape, dtype)
                out[mode, layout, dtype] = iu.preprocess_input(x, data_format=layout, mode=mode)
            single = _images(shape[1:], "float32")  # one image, no batch axis
            out[mode, layout, "single"] = iu.preprocess_input(single, data_format=layout, mode=mode)
    return out


@case(backends=ALL, rtol=1e-2, atol=1e-2)
def case_preprocess_input_numpy_float16(keras, H):
    # Keras's "caffe" turns float16 into -inf (see test_imagenet_utils.py); tf/torch are fine.
    iu = support.applications(keras).imagenet_utils
    return {
        (mode, layout): iu.preprocess_input(
            _images(shape, "float16"), data_format=layout, mode=mode
        )
        for mode in ("tf", "torch")
        for layout, shape in _LAYOUTS.items()
    }


@case(backends=ALL, rtol=1e-5, atol=1e-4)
def case_preprocess_input_in_place(keras, H):
    iu = support.applications(keras).imagenet_utils
    out = {}
    for mode in _MODES:
        x = _images((1, 2, 2, 3), "float32")
        result = iu.preprocess_input(x, mode=mode)
        out[mode] = {"input_after": x, "result": result, "same_object": result is x}
        ints = _images((1, 2, 2, 3), "int32")
        kept = ints.copy()
        iu.preprocess_input(ints, mode=mode)
        out[mode]["int_input_kept"] = bool(np.array_equal(ints, kept))
    return out


@case(backends=ALL, rtol=1e-5, atol=1e-4)
def case_preprocess_input_tensors(keras, H):
    # Float tensors only: Keras keeps an integer tensor's dtype (truncating "caffe" results, or
    # failing on torch/tensorflow); cornu returns floatx there (test_imagenet_utils.py).
    iu = support.applications(keras).imagenet_utils
    out = {}
    for mode in _MODES:
        for layout, shape in _LAYOUTS.items():
            x = keras.ops.convert_to_tensor(_images(shape, "float32"))
            out[mode, layout] = iu.preprocess_input(x, data_format=layout, mode=mode)
    return out


@case(backends=ALL)
def case_preprocess_input_symbolic_and_families(keras, H):
    A = support.applications(keras)
    image = np.full((1, 1, 1, 3), 255.0, "float32")
    symbolic = A.imagenet_utils.preprocess_input(keras.Input((8, 8, 3)), mode="torch")
    return {
        "symbolic": (tuple(symbolic.shape), symbolic.dtype),
        "resnet": A.resnet.preprocess_input(image.copy()),
        "resnet50": A.resnet50.preprocess_input(image.copy()),
        "resnet_v2": A.resnet_v2.preprocess_input(image.copy()),
        "vgg16": A.vgg16.preprocess_input(image.copy()),
        "vgg19": A.vgg19.preprocess_input(image.copy(), data_format="channels_last"),
        "bad_mode": _message(lambda: A.imagenet_utils.preprocess_input(image, mode="caf")),
        "bad_format": _message(
            lambda: A.imagenet_utils.preprocess_input(image, data_format="nhwc")
        ),
        "family_mode": _message(lambda: A.vgg16.preprocess_input(image, mode="tf"))[0],
    }


@case(backends=ALL)
def case_decode_predictions_shape_errors(keras, H):
    decode = support.applications(keras).imagenet_utils.decode_predictions
    preds = np.random.default_rng(0).random((2, 1000)).astype("float32")
    return {
        "classes": _message(lambda: decode(preds[:, :10])),
        "rank1": _message(lambda: decode(preds[0])),
        "rank3": _message(lambda: decode(preds[None])),
        "family": _message(
            lambda: support.applications(keras).resnet_v2.decode_predictions(preds[:, :3])
        ),
    }
