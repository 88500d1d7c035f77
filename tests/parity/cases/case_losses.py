"""Losses: values, accepted y_true/y_pred shapes, reductions, sample weights, configs."""

import numpy as np

from tests.parity.case import ALL, case


def _r(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _p(*shape, seed=0):
    return np.random.default_rng(seed).random(shape).astype("float32")


def _np(keras, value):
    return keras.ops.convert_to_numpy(value)


@case()  # Keras 3.15 on numpy crashes in CosineSimilarity(axis=0) (a broadcasting error); cornu computes it
def case_regression_losses_values(keras, H):
    L = keras.losses
    yt, yp = _r(8, 4, seed=1), _r(8, 4, seed=2)
    pt, pp = _p(8, 4, seed=3), _p(8, 4, seed=4)
    out = {}
    if keras.backend.backend() != "numpy":  # (Keras's numpy backend fails on a non-last axis)
        out["cosine_axis0"] = _np(keras, L.CosineSimilarity(axis=0)(yt, yp))
    return out | {
        "mse": _np(keras, L.MeanSquaredError()(yt, yp)),
        "mae": _np(keras, L.MeanAbsoluteError()(yt, yp)),
        "mape": _np(keras, L.MeanAbsolutePercentageError()(yt, yp)),
        "msle": _np(keras, L.MeanSquaredLogarithmicError()(pt, pp)),
        "huber": _np(keras, L.Huber(delta=0.5)(yt, yp)),
        "log_cosh": _np(keras, L.LogCosh()(yt, yp)),
        "cosine": _np(keras, L.CosineSimilarity()(yt, yp)),
        "poisson": _np(keras, L.Poisson()(pt, pp)),
        "kld": _np(keras, L.KLDivergence()(pt, pp)),
    }


@case(backends=ALL)
def case_hinge_losses_values(keras, H):
    L = keras.losses
    y01 = (_r(8, 4, seed=1) > 0).astype("float32")
    logits = _r(8, 4, seed=2)
    one_hot = np.eye(4, dtype="float32")[[0, 1, 2, 3, 0, 1, 2, 3]]
    return {
        "hinge_01": _np(keras, L.Hinge()(y01, logits)),
        "hinge_pm1": _np(keras, L.Hinge()(2 * y01 - 1, logits)),
        "squared_hinge": _np(keras, L.SquaredHinge()(y01, logits)),
        "categorical_hinge": _np(keras, L.CategoricalHinge()(one_hot, logits)),
    }


@case(backends=ALL)
def case_crossentropy_values(keras, H):
    L = keras.losses
    probs = _p(6, 3, seed=1)
    probs = probs / probs.sum(-1, keepdims=True)
    labels = np.array([0, 1, 2, 1, 0, 2])
    one_hot = np.eye(3, dtype="float32")[labels]
    logits = _r(6, 3, seed=2)
    return {
        "bce": _np(keras, L.BinaryCrossentropy()(one_hot, probs)),
        "bce_logits_smooth": _np(
            keras, L.BinaryCrossentropy(from_logits=True, label_smoothing=0.1)(one_hot, logits)
        ),
        "cce": _np(keras, L.CategoricalCrossentropy()(one_hot, probs)),
        "cce_unnormalized": _np(keras, L.CategoricalCrossentropy()(one_hot, probs * 4)),
        "cce_smooth_logits": _np(
            keras, L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2)(one_hot, logits)
        ),
        "scce": _np(keras, L.SparseCategoricalCrossentropy()(labels, probs)),
        "scce_column_labels": _np(keras, L.SparseCategoricalCrossentropy()(labels[:, None], probs)),
        "scce_float_labels": _np(
            keras, L.SparseCategoricalCrossentropy()(labels.astype("float32"), probs)
        ),
        "scce_logits_none": _np(
            keras, L.SparseCategoricalCrossentropy(from_logits=True, reduction=None)(labels, logits)
        ),
    }


@case(backends=ALL)
def case_scce_ignore_class_averages_over_kept_labels(keras, H):
    L = keras.losses
    probs = _p(4, 3, seed=5)
    labels = np.array([0, 1, 2, 1])
    sw = np.array([1.0, 2.0, 3.0, 4.0], dtype="float32")
    return {
        reduction: _np(
            keras,
            L.SparseCategoricalCrossentropy(ignore_class=1, reduction=reduction)(labels, probs),
        )
        for reduction in (None, "sum", "sum_over_batch_size", "mean")
    } | {
        "weighted": _np(
            keras, L.SparseCategoricalCrossentropy(ignore_class=1)(labels, probs, sample_weight=sw)
        ),
        "minus_one": _np(
            keras, L.SparseCategoricalCrossentropy(ignore_class=-1)(np.array([0, -1, 2, -1]), probs)
        ),
        "function": _np(keras, L.sparse_categorical_crossentropy(labels, probs, ignore_class=1)),
    }


@case(backends=ALL)
def case_focal_and_segmentation_losses(keras, H):
    L = keras.losses
    labels = np.array([0, 1, 2, 1])
    one_hot = np.eye(3, dtype="float32")[labels]
    probs = _p(4, 3, seed=6)
    mask = (_p(2, 4, 4, 1, seed=7) > 0.5).astype("float32")
    return {
        "binary_focal": _np(keras, L.BinaryFocalCrossentropy(gamma=2.0)(one_hot, probs)),
        "binary_focal_balanced": _np(
            keras, L.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3)(one_hot, probs)
        ),
        "categorical_focal": _np(keras, L.CategoricalFocalCrossentropy()(one_hot, probs)),
        "generalized_ce": _np(keras, L.CategoricalGeneralizedCrossEntropy(q=0.3)(labels, probs)),
        "dice": _np(keras, L.Dice()(mask, _p(2, 4, 4, 1, seed=8))),
        "tversky_half": _np(keras, L.Tversky()(mask, _p(2, 4, 4, 1, seed=8))),
    }


@case(backends=ALL)
def case_shapes_keras_accepts(keras, H):
    mse = keras.losses.MeanSquaredError(reduction=None)

    def shape_of(a, b, loss=mse):
        return tuple(_np(keras, loss(np.ones(a, "float32"), np.zeros(b, "float32"))).shape)

    bce = keras.losses.BinaryCrossentropy(reduction=None)
    return {
        "(8,) vs (8,1)": shape_of((8,), (8, 1)),
        "(8,1) vs (8,)": shape_of((8, 1), (8,)),
        "(8,4) vs (8,1)": shape_of((8, 4), (8, 1)),
        "(8,1) vs (8,4)": shape_of((8, 1), (8, 4)),
        "(2,3,1) vs (2,3)": shape_of((2, 3, 1), (2, 3)),
        "(8,1,1) vs (8,)": shape_of((8, 1, 1), (8,)),
        "bce (8,) vs (8,1)": shape_of((8,), (8, 1), bce),
        "bce (8,1) vs (8,)": shape_of((8, 1), (8,), bce),
        "mae fn": tuple(
            _np(keras, keras.losses.mean_absolute_error(np.ones((8, 4)), np.zeros((8, 1)))).shape
        ),
    }


@case(backends=ALL)
def case_broadcast_values(keras, H):
    yt, yp = _r(8, 4, seed=1), _r(8, 1, seed=2)
    return {
        "mse": _np(keras, keras.losses.MeanSquaredError()(yt, yp)),
        "mae_rank1": _np(keras, keras.losses.MeanAbsoluteError()(yt[:, 0], yp)),
    }


@case(backends=ALL)
def case_shapes_keras_rejects(keras, H):
    # (shapes that do not broadcast raise the backend's own error type under Keras; cornu
    # raises ValueError on every backend, so they are left out here)
    L = keras.losses
    return {
        "bce (8,4) vs (8,1)": H.raises(
            L.BinaryCrossentropy(), np.ones((8, 4), "float32"), np.full((8, 1), 0.3, "float32")
        ),
        "cce (8,3) vs (8,4)": H.raises(L.CategoricalCrossentropy(), _p(8, 3), _p(8, 4)),
        "bad reduction": H.raises(L.MeanSquaredError, reduction="avg"),
    }


@case(backends=ALL)
def case_reductions(keras, H):
    yt, yp = _r(8, 4, seed=1), _r(8, 4, seed=2)
    sw = _p(8, seed=3)
    return {
        reduction: _np(
            keras, keras.losses.MeanSquaredError(reduction=reduction)(yt, yp, sample_weight=sw)
        )
        for reduction in (
            "sum_over_batch_size",
            "sum",
            "mean",
            "mean_with_sample_weight",
            "none",
            None,
        )
    } | {
        "unweighted_mws": _np(
            keras, keras.losses.MeanSquaredError(reduction="mean_with_sample_weight")(yt, yp)
        )
    }


@case(backends=ALL)
def case_sample_weight_shapes(keras, H):
    mse = keras.losses.MeanSquaredError()
    yt, yp = _r(8, 4, seed=1), _r(8, 4, seed=2)
    yt3, yp3 = _r(2, 3, 4, seed=3), _r(2, 3, 4, seed=4)
    return {
        "(8,)": _np(keras, mse(yt, yp, sample_weight=_p(8, seed=5))),
        "(8,1)": _np(keras, mse(yt, yp, sample_weight=_p(8, 1, seed=5))),
        "scalar": _np(keras, mse(yt, yp, sample_weight=2.0)),
        "rank3 (2,3)": _np(keras, mse(yt3, yp3, sample_weight=_p(2, 3, seed=6))),
        "zeros": _np(keras, mse(yt, yp, sample_weight=np.zeros(8, "float32"))),
    }


@case(backends=ALL)
def case_loss_dtypes(keras, H):
    mse = keras.losses.MeanSquaredError()
    return {
        "int_y_true": _np(keras, mse(np.array([[1], [2]]), np.array([[1.5], [2.5]], "float32"))),
        "float64_inputs": _np(keras, mse(np.ones((2, 2)), np.zeros((2, 2)))),
        "list_inputs": _np(keras, mse([[1.0, 2.0]], [[1.5, 2.5]])),
        "float16": _np(
            keras, keras.losses.MeanSquaredError(dtype="float16")(_r(2, 2), _r(2, 2, seed=1))
        ),
    }


@case(backends=ALL)
def case_loss_configs(keras, H):
    L = keras.losses
    losses = [
        L.MeanSquaredError(), L.MeanAbsoluteError(reduction="sum", name="l1"),
        L.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
        L.CategoricalCrossentropy(label_smoothing=0.2, axis=-1),
        L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=3),
        L.BinaryFocalCrossentropy(gamma=3.0), L.CategoricalFocalCrossentropy(alpha=0.5),
        L.KLDivergence(), L.LogCosh(), L.Poisson(), L.Hinge(), L.SquaredHinge(),
        L.CategoricalHinge(), L.MeanAbsolutePercentageError(), L.MeanSquaredLogarithmicError(),
        L.Dice(), L.Tversky(alpha=0.2, beta=0.8), L.CTC(), L.Circle(),
        L.CategoricalGeneralizedCrossEntropy(q=0.7),
    ]  # fmt: skip
    out = {}
    for loss in losses:
        config = loss.get_config()
        out[type(loss).__name__] = (config, type(loss).from_config(config).get_config() == config)
    return out


@case(backends=ALL)
def case_loss_get_and_serialize(keras, H):
    L = keras.losses

    def describe(obj):
        if isinstance(obj, L.Loss):
            return ("Loss", type(obj).__name__, obj.name)
        return ("function", getattr(obj, "__name__", None))

    names = ["mse", "MAE", "mape", "msle", "kld", "bce", "binary_crossentropy", "huber",
             "log_cosh", "MeanSquaredError", "categorical_crossentropy", "hinge", "poisson"]  # fmt: skip
    return {
        "get": {name: describe(L.get(name)) for name in names},
        "unknown": H.raises(L.get, "no_such_loss"),
        "serialize": L.serialize(L.Huber(name="h")),
        "deserialize": describe(
            L.deserialize({"class_name": "MeanAbsoluteError", "config": {"name": "m"}})
        ),
        "deserialize_str": describe(L.deserialize("mean_squared_error")),
        "default_names": [
            L.MeanSquaredError().name,
            L.BinaryCrossentropy().name,
            L.Huber().name,
            L.LogCosh().name,
        ],
    }


@case()
def case_losses_in_fit_with_sample_weight_and_class_weight(keras, H):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((24, 4)).astype("float32")
    y = rng.integers(0, 3, (24,)).astype("int32")
    sw = np.linspace(0.2, 1.0, 24).astype("float32")
    out = {}
    for label, kwargs in (
        ("sample_weight", {"sample_weight": sw}),
        ("class_weight", {"class_weight": {0: 1.0, 1: 2.0, 2: 0.5}}),
    ):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        H.det_weights(model)
        model.compile(
            keras.optimizers.SGD(0.1),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            weighted_metrics=["sparse_categorical_accuracy"],
        )
        history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0, **kwargs)
        out[label] = (H.rounded(history), H.weights(model))
    return out


@case()
def case_custom_loss_subclass_and_reduction_in_fit(keras, H):
    class ScaledMSE(keras.losses.Loss):
        def __init__(self, scale=2.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)

    x, y = _r(16, 4, seed=1), _r(16, 1, seed=2)
    out = {}
    for reduction in ("sum_over_batch_size", "sum"):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        H.det_weights(model)
        model.compile(
            keras.optimizers.SGD(0.01), loss=ScaledMSE(reduction=reduction, name="scaled")
        )
        history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        out[reduction] = (H.rounded(history), H.weights(model))
    out["config"] = ScaledMSE(name="s").get_config()
    return out
