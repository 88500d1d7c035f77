"""Metrics: results, sample weights, reset, the stateless API, names and configs."""

import numpy as np

from tests.parity.case import ALL, case
from tests.parity.cases.case_losses import _np, _p, _r


def _run(keras, metric, *batches):
    """Results after each batch of (y_true, y_pred[, sample_weight])."""
    out = []
    for batch in batches:
        metric.update_state(*batch)
        out.append(_np(keras, metric.result()))
    return out


@case(backends=ALL)
def case_accuracy_metrics(keras, H):
    M = keras.metrics
    labels = np.array([0, 1, 2, 1, 0, 2])
    probs = _p(6, 3, seed=1)
    one_hot = np.eye(3, dtype="float32")[labels]
    binary_true = (_p(6, 1, seed=2) > 0.5).astype("float32")
    binary_pred = _p(6, 1, seed=3)
    sw = np.array([1, 0, 2, 1, 1, 0.5], "float32")
    return {
        "accuracy": _run(keras, M.Accuracy(), (labels, np.argmax(probs, -1))),
        "binary": _run(
            keras,
            M.BinaryAccuracy(),
            (binary_true, binary_pred),
            (binary_true, 1 - binary_pred, sw),
        ),
        "binary_threshold": _run(
            keras, M.BinaryAccuracy(threshold=0.7), (binary_true, binary_pred)
        ),
        "categorical": _run(
            keras, M.CategoricalAccuracy(), (one_hot, probs), (one_hot, probs[::-1], sw)
        ),
        "sparse": _run(
            keras, M.SparseCategoricalAccuracy(), (labels, probs), (labels[:, None], probs, sw)
        ),
        "top_k": _run(keras, M.TopKCategoricalAccuracy(k=2), (one_hot, probs)),
        "sparse_top_k": _run(keras, M.SparseTopKCategoricalAccuracy(k=2), (labels, probs, sw)),
    }


@case(backends=ALL)
def case_confusion_count_metrics(keras, H):
    M = keras.metrics
    y_true = np.array([0, 1, 1, 0, 1, 0, 1, 1], "float32")
    y_pred = np.array([0.1, 0.6, 0.4, 0.8, 0.9, 0.2, 0.55, 0.3], "float32")
    sw = np.array([1, 2, 1, 1, 0.5, 1, 1, 3], "float32")
    return {
        "tp": _run(keras, M.TruePositives(), (y_true, y_pred), (y_true, y_pred, sw)),
        "fp_thresholds": _run(
            keras, M.FalsePositives(thresholds=[0.3, 0.5, 0.7]), (y_true, y_pred)
        ),
        "tn": _run(keras, M.TrueNegatives(thresholds=0.25), (y_true, y_pred, sw)),
        "fn": _run(keras, M.FalseNegatives(), (y_true, y_pred)),
        "precision": _run(keras, M.Precision(), (y_true, y_pred), (y_true, y_pred, sw)),
        "recall_thresholds": _run(keras, M.Recall(thresholds=[0.3, 0.6]), (y_true, y_pred)),
    }


@case(backends=ALL)
def case_precision_recall_top_k_and_class_id(keras, H):
    M = keras.metrics
    y_true = np.array([[0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 1, 1]], "float32")
    y_pred = np.array(
        [[0.2, 0.7, 0.6, 0.1], [0.8, 0.3, 0.4, 0.9], [0.1, 0.2, 0.3, 0.95]], "float32"
    )
    return {
        "precision_top2": _run(keras, M.Precision(top_k=2), (y_true, y_pred)),
        "recall_class2": _run(keras, M.Recall(class_id=2), (y_true, y_pred)),
        "precision_class3_thr": _run(
            keras, M.Precision(class_id=3, thresholds=0.5), (y_true, y_pred)
        ),
    }


@case(backends=ALL, rtol=1e-4, atol=1e-5)
def case_auc_variants(keras, H):
    M = keras.metrics
    y_true = (_p(40, seed=4) > 0.5).astype("float32")
    y_pred = np.clip(0.6 * y_true + 0.5 * _p(40, seed=5), 0, 1).astype("float32")
    sw = _p(40, seed=6)
    multi_true = (_p(20, 3, seed=7) > 0.5).astype("float32")
    multi_pred = _p(20, 3, seed=8)
    return {
        "roc": _run(keras, M.AUC(), (y_true, y_pred), (y_true[::-1], y_pred, sw)),
        "pr": _run(keras, M.AUC(curve="PR"), (y_true, y_pred)),
        "minoring": _run(
            keras, M.AUC(summation_method="minoring", num_thresholds=50), (y_true, y_pred)
        ),
        "majoring": _run(
            keras, M.AUC(summation_method="majoring", num_thresholds=50), (y_true, y_pred)
        ),
        "thresholds": _run(keras, M.AUC(thresholds=[0.25, 0.5, 0.75]), (y_true, y_pred)),
        "logits": _run(keras, M.AUC(from_logits=True), (y_true, y_pred * 4 - 2)),
        "multi_label": _run(keras, M.AUC(multi_label=True), (multi_true, multi_pred)),
        "multi_label_weights": _run(
            keras,
            M.AUC(multi_label=True, num_labels=3, label_weights=[1.0, 2.0, 0.0]),
            (multi_true, multi_pred),
        ),
    }


@case(backends=ALL, rtol=1e-4, atol=1e-5)
def case_at_metrics(keras, H):
    M = keras.metrics
    y_true = (_p(50, seed=9) > 0.4).astype("float32")
    y_pred = np.clip(0.5 * y_true + 0.6 * _p(50, seed=10), 0, 1).astype("float32")
    return {
        "sens_at_spec": _run(keras, M.SensitivityAtSpecificity(0.7), (y_true, y_pred)),
        "spec_at_sens": _run(
            keras, M.SpecificityAtSensitivity(0.8, num_thresholds=100), (y_true, y_pred)
        ),
        "prec_at_recall": _run(keras, M.PrecisionAtRecall(0.6), (y_true, y_pred)),
        "recall_at_prec": _run(keras, M.RecallAtPrecision(0.8), (y_true, y_pred)),
    }


@case(backends=ALL, rtol=1e-4, atol=1e-5)
def case_regression_and_probabilistic_metrics(keras, H):
    M = keras.metrics
    yt, yp = _r(10, 3, seed=1), _r(10, 3, seed=2)
    pt, pp = _p(10, 3, seed=3), _p(10, 3, seed=4)
    sw = _p(10, seed=5)
    return {
        "mse": _run(keras, M.MeanSquaredError(), (yt, yp), (yt, yp * 2, sw)),
        "mae": _run(keras, M.MeanAbsoluteError(), (yt, yp, sw)),
        "rmse": _run(keras, M.RootMeanSquaredError(), (yt, yp), (yt, yp, sw)),
        "mape": _run(keras, M.MeanAbsolutePercentageError(), (yt, yp)),
        "msle": _run(keras, M.MeanSquaredLogarithmicError(), (pt, pp)),
        "cosine": _run(keras, M.CosineSimilarity(), (yt, yp)),
        "logcosh": _run(keras, M.LogCoshError(), (yt, yp)),
        "bce": _run(keras, M.BinaryCrossentropy(), (pt > 0.5, pp)),
        "cce": _run(
            keras, M.CategoricalCrossentropy(), (np.eye(3)[[0, 1, 2, 0, 1, 2, 0, 1, 2, 0]], pp)
        ),
        "scce": _run(
            keras, M.SparseCategoricalCrossentropy(from_logits=True), (np.arange(10) % 3, yp)
        ),
        "kld": _run(keras, M.KLDivergence(), (pt, pp)),
        "poisson": _run(keras, M.Poisson(), (pt, pp)),
        "hinge": _run(keras, M.Hinge(), (pt > 0.5, yp)),
        "squared_hinge": _run(keras, M.SquaredHinge(), (pt > 0.5, yp)),
        "categorical_hinge": _run(
            keras, M.CategoricalHinge(), (np.eye(3)[[0, 1, 2, 0, 1, 2, 0, 1, 2, 0]], yp)
        ),
    }


@case(backends=ALL, rtol=1e-4, atol=1e-5)
def case_score_metrics(keras, H):
    M = keras.metrics
    yt, yp = _r(12, 2, seed=1), _r(12, 2, seed=2)
    labels = (_p(12, 3, seed=3) > 0.5).astype("float32")
    scores = _p(12, 3, seed=4)
    return {
        "r2": _run(keras, M.R2Score(), (yt, yt + 0.3 * yp)),
        "r2_raw": _run(keras, M.R2Score(class_aggregation=None), (yt, yt + 0.3 * yp)),
        # (one output: with several, Keras counts every value as a sample in the adjustment)
        "r2_adjusted": _run(
            keras, M.R2Score(num_regressors=1), (yt[:, :1], yt[:, :1] + 0.3 * yp[:, :1])
        ),
        "pearson": _run(keras, M.PearsonCorrelation(), (yt, yt + yp)),
        "concordance": _run(keras, M.ConcordanceCorrelation(), (yt, yt + yp)),
        "f1_none": _run(keras, M.F1Score(), (labels, scores)),
        "f1_macro": _run(keras, M.F1Score(average="macro", threshold=0.5), (labels, scores)),
        "f1_micro": _run(keras, M.F1Score(average="micro", threshold=0.5), (labels, scores)),
        "fbeta_weighted": _run(
            keras, M.FBetaScore(average="weighted", beta=2.0, threshold=0.4), (labels, scores)
        ),
    }


@case(backends=ALL)
def case_iou_metrics(keras, H):
    M = keras.metrics
    labels = np.array([0, 1, 2, 1, 0, 2, 2, 1])
    preds = np.array([0, 2, 2, 1, 1, 2, 0, 1])
    one_hot = np.eye(3, dtype="float32")
    # (whole weights: Keras accumulates IoU counts in int32, dropping fractions of a weight)
    sw = np.array([1, 1, 2, 1, 3, 1, 1, 1], "float32")
    return {
        "iou": _run(
            keras,
            M.IoU(num_classes=3, target_class_ids=[0, 2]),
            (labels, preds),
            (labels, preds, sw),
        ),
        "mean_iou": _run(keras, M.MeanIoU(num_classes=3), (labels, preds)),
        "mean_iou_ignore": _run(keras, M.MeanIoU(num_classes=3, ignore_class=0), (labels, preds)),
        "one_hot_iou": _run(
            keras,
            M.OneHotIoU(num_classes=3, target_class_ids=[1]),
            (one_hot[labels], one_hot[preds] * 0.9),
        ),
        "one_hot_mean_iou": _run(
            keras, M.OneHotMeanIoU(num_classes=3), (one_hot[labels], one_hot[preds])
        ),
        "binary_iou": _run(
            keras, M.BinaryIoU(target_class_ids=[1], threshold=0.3), (labels > 0, _p(8, seed=1))
        ),
    }


@case(backends=ALL)
def case_mean_sum_and_wrapper(keras, H):
    M = keras.metrics

    def doubled_error(y_true, y_pred):
        return 2.0 * keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)

    mean = M.Mean()
    mean.update_state([1.0, 2.0, 3.0])
    first = _np(keras, mean.result())
    mean.update_state([[4.0], [5.0]], sample_weight=[0.5, 2.0])
    total = M.Sum()
    total.update_state(np.array([1.0, 2.0, 3.0]), sample_weight=[1.0, 0.0, 2.0])
    wrapper = M.MeanMetricWrapper(fn=doubled_error, name="doubled")
    return {
        "mean": (first, _np(keras, mean.result())),
        "sum": _np(keras, total.result()),
        "wrapper": _run(keras, wrapper, (_r(4, 2, seed=1), _r(4, 2, seed=2))),
        "wrapper_name": wrapper.name,
        "call": _np(keras, M.Mean()(np.array([2.0, 4.0]))),
    }


@case(backends=ALL)
def case_reset_state_and_variables(keras, H):
    M = keras.metrics
    metric = M.Precision(thresholds=[0.3, 0.6])
    metric.update_state([1, 0, 1], [0.9, 0.8, 0.2])
    before = _np(keras, metric.result())
    metric.reset_state()
    after = _np(keras, metric.result())
    auc = M.AUC(num_thresholds=10)
    return {
        "before": before,
        "after": after,
        "variables": [(tuple(v.shape), str(v.dtype)) for v in metric.variables],
        "auc_variables": [tuple(v.shape) for v in auc.variables],
        "mean_variables": len(M.Mean().variables),
        "dtype": _np(keras, M.Mean(dtype="float16")([1.0, 2.0])).dtype.name,
        "result_dtype": _np(keras, M.Accuracy()([1, 2], [1, 3])).dtype.name,
    }


@case(backends=ALL)
def case_stateless_api(keras, H):
    metric = keras.metrics.MeanSquaredError()
    variables = metric.stateless_reset_state()
    for y_true, y_pred in (
        (_r(4, 2, seed=1), _r(4, 2, seed=2)),
        (_r(3, 2, seed=3), _r(3, 2, seed=4)),
    ):
        variables = metric.stateless_update_state(variables, y_true, y_pred)
    stateless = _np(keras, metric.stateless_result(variables))
    untouched = _np(keras, metric.result())
    auc = keras.metrics.AUC(num_thresholds=20)
    auc_vars = auc.stateless_update_state(
        auc.stateless_reset_state(), [0, 1, 1, 0], [0.2, 0.7, 0.4, 0.6]
    )
    return {
        "stateless": stateless,
        "untouched": untouched,
        "values": [_np(keras, v) for v in variables],
        "auc": _np(keras, auc.stateless_result(auc_vars)),
    }


@case(backends=ALL)
def case_metric_default_names_numbered(keras, H):
    M = keras.metrics
    return {
        "auc": [M.AUC().name, M.AUC().name, M.AUC(name="x").name],
        "precision": [M.Precision().name, M.Precision().name],
        "recall": [M.Recall().name, M.Recall().name],
        "tp": [M.TruePositives().name, M.TruePositives().name],
        "at": [M.SensitivityAtSpecificity(0.5).name, M.SensitivityAtSpecificity(0.5).name],
        "binary_iou": [M.BinaryIoU().name, M.BinaryIoU().name],
        "not_numbered": [M.MeanSquaredError().name, M.MeanSquaredError().name, M.Mean().name,
                         M.Mean().name, M.F1Score().name, M.F1Score().name, M.Accuracy().name],
    }  # fmt: skip


@case(backends=ALL)
def case_metric_configs(keras, H):
    M = keras.metrics
    metrics = [
        M.Accuracy(), M.BinaryAccuracy(threshold=0.3), M.CategoricalAccuracy(),
        M.SparseCategoricalAccuracy(name="acc"), M.TopKCategoricalAccuracy(k=3),
        M.SparseTopKCategoricalAccuracy(k=2), M.MeanSquaredError(), M.MeanAbsoluteError(),
        M.RootMeanSquaredError(), M.MeanAbsolutePercentageError(), M.CosineSimilarity(),
        M.Precision(thresholds=0.4, name="p"), M.Recall(top_k=2, name="r"),
        M.AUC(num_thresholds=50, curve="PR", name="a"), M.TruePositives(name="tp"),
        M.F1Score(average="macro"), M.FBetaScore(beta=2.0), M.R2Score(), M.Mean(name="m"),
        M.Sum(name="s"), M.BinaryCrossentropy(from_logits=True), M.KLDivergence(), M.Hinge(),
        M.SensitivityAtSpecificity(0.5, name="sas"), M.PearsonCorrelation(),
    ]  # fmt: skip
    out = {}
    for metric in metrics:
        config = metric.get_config()
        out[type(metric).__name__] = (
            config,
            type(metric).from_config(config).get_config() == config,
        )
    return out


@case(backends=ALL)
def case_metrics_get(keras, H):
    M = keras.metrics

    def describe(obj):
        return (
            (type(obj).__name__, getattr(obj, "name", None))
            if isinstance(obj, M.Metric)
            else getattr(obj, "__name__", None)
        )

    names = ["mae", "MAE", "mse", "mape", "msle", "accuracy", "binary_accuracy",
             "categorical_accuracy", "sparse_categorical_accuracy", "top_k_categorical_accuracy",
             "binary_crossentropy", "bce", "categorical_crossentropy", "kl_divergence", "hinge",
             "poisson", "cosine_similarity", "r2_score", "f1_score", "squared_hinge", "auc",
             "precision", "recall", "root_mean_squared_error", "MeanAbsoluteError"]  # fmt: skip
    return {
        "get": {name: describe(M.get(name)) for name in names},
        "unknown": H.raises(M.get, "no_such_metric"),
        "serialize": M.serialize(M.Precision(thresholds=0.4, name="p")),
        "deserialize": describe(
            M.deserialize({"class_name": "MeanSquaredError", "config": {"name": "m"}})
        ),
    }


@case()
def case_metrics_in_fit_reset_each_epoch(keras, H):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 4)).astype("float32")
    y = (x[:, :1] + 0.3 * rng.standard_normal((32, 1)) > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    H.det_weights(model)
    model.compile(
        keras.optimizers.SGD(0.5), loss="binary_crossentropy",
        metrics=[keras.metrics.AUC(name="auc"), keras.metrics.Precision(name="p"),
                 keras.metrics.Recall(name="r"), keras.metrics.BinaryAccuracy(name="acc")],
    )  # fmt: skip
    history = model.fit(
        x, y, epochs=3, batch_size=8, shuffle=False, verbose=0, validation_data=(x, y)
    )
    return H.rounded(history), model.evaluate(x, y, verbose=0)
