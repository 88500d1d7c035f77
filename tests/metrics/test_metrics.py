"""Metrics: values against scikit-learn or NumPy, sample weights, reset_state, the stateless
API, configs and identifiers."""

import numpy as np
import pytest
from sklearn import metrics as skm

from cornu import backend, metrics, ops

RNG = np.random.default_rng(7)
ATOL = 1e-4


def np_(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def _binary(n=200):
    y_true = RNG.integers(0, 2, size=(n,)).astype("float32")
    y_pred = np.clip(0.35 * y_true + 0.65 * RNG.random(n), 0, 1).astype("float32")
    weight = RNG.random(n).astype("float32")
    return y_true, y_pred, weight


# -- confusion counts, precision, recall ------------------------------------------------------


def test_confusion_counts_match_sklearn():
    y_true, y_pred, w = _binary()
    tn, fp, fn, tp = skm.confusion_matrix(y_true, y_pred > 0.5, sample_weight=w).ravel()
    for cls, expected in [
        (metrics.TruePositives, tp),
        (metrics.FalsePositives, fp),
        (metrics.TrueNegatives, tn),
        (metrics.FalseNegatives, fn),
    ]:
        m = cls()
        m.update_state(y_true[:100], y_pred[:100], sample_weight=w[:100])
        m.update_state(y_true[100:], y_pred[100:], sample_weight=w[100:])
        np.testing.assert_allclose(np_(m.result()), expected, rtol=1e-5)


def test_counts_with_several_thresholds():
    y_true, y_pred, _ = _binary()
    m = metrics.TruePositives(thresholds=[0.2, 0.5, 0.8])
    m.update_state(y_true, y_pred)
    expected = [np.sum((y_pred > t) & (y_true == 1)) for t in (0.2, 0.5, 0.8)]
    np.testing.assert_allclose(np_(m.result()), expected)


def test_precision_recall_match_sklearn():
    y_true, y_pred, w = _binary()
    for cls, fn in [(metrics.Precision, skm.precision_score), (metrics.Recall, skm.recall_score)]:
        m = cls()
        m.update_state(y_true, y_pred, sample_weight=w)
        expected = fn(y_true, y_pred > 0.5, sample_weight=w)
        np.testing.assert_allclose(np_(m.result()), expected, atol=ATOL)
        m.reset_state()
        assert float(np_(m.result())) == 0.0


def test_precision_class_id_and_top_k():
    y_true = np.eye(4, dtype="float32")[RNG.integers(0, 4, 40)]
    y_pred = RNG.random((40, 4)).astype("float32")
    m = metrics.Recall(class_id=2)
    m.update_state(y_true, y_pred)
    expected = skm.recall_score(y_true[:, 2], y_pred[:, 2] > 0.5)
    np.testing.assert_allclose(np_(m.result()), expected, atol=ATOL)
    # top_k: only the best-scored class of each row can be a positive prediction
    m = metrics.Precision(top_k=1)
    m.update_state(y_true, y_pred)
    expected = np.mean(y_true[np.arange(40), y_pred.argmax(-1)])
    np.testing.assert_allclose(np_(m.result()), expected, atol=ATOL)
    # ties go to the first index
    m = metrics.Precision(top_k=2)
    m.update_state([[0, 0, 1, 1]], [[1, 1, 1, 1]])
    assert float(np_(m.result())) == 0.0


# -- AUC and X-at-Y ---------------------------------------------------------------------------


def test_auc_roc_matches_sklearn():
    y_true, y_pred, w = _binary()
    m = metrics.AUC(num_thresholds=200)
    m.update_state(y_true, y_pred, sample_weight=w)
    expected = skm.roc_auc_score(y_true, y_pred, sample_weight=w)
    np.testing.assert_allclose(np_(m.result()), expected, atol=3e-3)


def test_auc_pr_and_summation_methods():
    y_true, y_pred, _ = _binary()
    expected = skm.average_precision_score(y_true, y_pred)
    pr = metrics.AUC(num_thresholds=200, curve="PR")
    pr.update_state(y_true, y_pred)
    np.testing.assert_allclose(np_(pr.result()), expected, atol=0.03)
    roc = skm.roc_auc_score(y_true, y_pred)
    lo, hi = metrics.AUC(summation_method="minoring"), metrics.AUC(summation_method="majoring")
    lo.update_state(y_true, y_pred)
    hi.update_state(y_true, y_pred)
    assert float(np_(lo.result())) <= roc + 1e-6 <= float(np_(hi.result())) + 2e-6


def test_auc_multi_label_and_logits():
    y_true = RNG.integers(0, 2, size=(80, 3)).astype("float32")
    logits = (2 * y_true - 1 + 1.5 * RNG.standard_normal((80, 3))).astype("float32")
    m = metrics.AUC(num_thresholds=200, multi_label=True, from_logits=True)
    m.update_state(y_true, logits)
    expected = np.mean([skm.roc_auc_score(y_true[:, i], logits[:, i]) for i in range(3)])
    np.testing.assert_allclose(np_(m.result()), expected, atol=5e-3)


def test_auc_stateless_api_and_errors():
    y_true, y_pred, _ = _binary()
    m = metrics.AUC(num_thresholds=200)
    state = m.stateless_reset_state()
    state = m.stateless_update_state(state, y_true, y_pred)
    expected = skm.roc_auc_score(y_true, y_pred)
    np.testing.assert_allclose(np_(m.stateless_result(state)), expected, atol=5e-3)
    assert float(np_(m.result())) == 0.0
    with pytest.raises(ValueError, match="curve must be 'ROC' or 'PR'"):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match="thresholds must be floats in"):
        metrics.Precision(thresholds=[1.5])


@pytest.mark.skipif(backend.backend() != "jax", reason="jax.jit check")
def test_auc_under_jax_jit():
    import jax

    y_true, y_pred, _ = _binary()
    m = metrics.AUC(num_thresholds=200)
    step = jax.jit(lambda s, t, p: m.stateless_update_state(s, t, p))
    state = step(m.stateless_reset_state(), y_true, y_pred)
    eager = metrics.AUC(num_thresholds=200)
    eager.update_state(y_true, y_pred)
    np.testing.assert_allclose(np_(m.stateless_result(state)), np_(eager.result()), atol=1e-6)


def _roc_points(y_true, y_pred, thresholds):
    tpr = np.array([np.mean(y_pred[y_true == 1] > t) for t in thresholds])
    fpr = np.array([np.mean(y_pred[y_true == 0] > t) for t in thresholds])
    return tpr, 1 - fpr


def test_x_at_y_metrics_follow_their_definitions():
    y_true, y_pred, _ = _binary()
    m = metrics.SensitivityAtSpecificity(0.7, num_thresholds=200)
    m.update_state(y_true, y_pred)
    thresholds = m.thresholds
    sens, spec = _roc_points(y_true, y_pred, thresholds)
    np.testing.assert_allclose(np_(m.result()), np.max(sens[spec >= 0.7]), atol=ATOL)
    m = metrics.SpecificityAtSensitivity(0.8, num_thresholds=200)
    m.update_state(y_true, y_pred)
    np.testing.assert_allclose(np_(m.result()), np.max(spec[sens >= 0.8]), atol=ATOL)
    prec = np.array(
        [np.sum((y_pred > t) & (y_true == 1)) / max(np.sum(y_pred > t), 1) for t in thresholds]
    )
    m = metrics.PrecisionAtRecall(0.6, num_thresholds=200)
    m.update_state(y_true, y_pred)
    np.testing.assert_allclose(np_(m.result()), np.max(prec[sens >= 0.6]), atol=ATOL)
    m = metrics.RecallAtPrecision(0.6, num_thresholds=200)
    m.update_state(y_true, y_pred)
    np.testing.assert_allclose(np_(m.result()), np.max(sens[prec >= 0.6]), atol=ATOL)
    with pytest.raises(ValueError, match="`specificity` must be in"):
        metrics.SensitivityAtSpecificity(2.0)


# -- F scores ---------------------------------------------------------------------------------


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
def test_f1_matches_sklearn(average):
    labels = RNG.integers(0, 3, 50)
    y_true = np.eye(3, dtype="float32")[labels]
    y_pred = RNG.random((50, 3)).astype("float32")
    m = metrics.F1Score(average=average)
    m.update_state(y_true, y_pred)
    expected = skm.f1_score(labels, y_pred.argmax(-1), average=average)
    np.testing.assert_allclose(np_(m.result()), expected, atol=ATOL)


def test_fbeta_threshold_and_weights():
    y_true = RNG.integers(0, 2, size=(60, 3)).astype("float32")
    y_pred = RNG.random((60, 3)).astype("float32")
    w = RNG.random(60).astype("float32")
    m = metrics.FBetaScore(beta=2.0, threshold=0.4, average="macro")
    m.update_state(y_true, y_pred, sample_weight=w)
    expected = skm.fbeta_score(y_true, y_pred > 0.4, beta=2.0, average="macro", sample_weight=w)
    np.testing.assert_allclose(np_(m.result()), expected, atol=ATOL)
    with pytest.raises(ValueError, match="average must be one of"):
        metrics.F1Score(average="samples")


# -- regression -------------------------------------------------------------------------------


@pytest.mark.parametrize("aggregation", ["uniform_average", "variance_weighted_average", None])
def test_r2_matches_sklearn(aggregation):
    y_true = RNG.standard_normal((40, 3)).astype("float32")
    y_pred = (y_true + 0.5 * RNG.standard_normal((40, 3))).astype("float32")
    w = RNG.random(40).astype("float32")
    m = metrics.R2Score(class_aggregation=aggregation)
    m.update_state(y_true[:20], y_pred[:20], sample_weight=w[:20])
    m.update_state(y_true[20:], y_pred[20:], sample_weight=w[20:])
    expected = skm.r2_score(
        y_true,
        y_pred,
        sample_weight=w,
        multioutput={"variance_weighted_average": "variance_weighted"}.get(
            aggregation, aggregation or "raw_values"
        ),
    )
    np.testing.assert_allclose(np_(m.result()), expected, atol=ATOL)


def test_r2_adjusted():
    y_true = RNG.standard_normal(30).astype("float32")
    y_pred = (y_true + 0.3 * RNG.standard_normal(30)).astype("float32")
    m = metrics.R2Score(num_regressors=2)
    m.update_state(y_true, y_pred)
    r2 = skm.r2_score(y_true, y_pred)
    np.testing.assert_allclose(np_(m.result()), 1 - (1 - r2) * 29 / 27, atol=ATOL)


Y_T = RNG.random((6, 4)).astype("float32") + 0.1
Y_P = RNG.random((6, 4)).astype("float32") + 0.1
W = RNG.random(6).astype("float32")


def _cos(t, p):
    return np.sum(t * p, -1) / np.linalg.norm(t, axis=-1) / np.linalg.norm(p, axis=-1)


def _pearson(t, p):
    return np.array([np.corrcoef(a, b)[0, 1] for a, b in zip(t, p)])


def _ccc(t, p):
    cov = np.mean((t - t.mean(-1, keepdims=True)) * (p - p.mean(-1, keepdims=True)), -1)
    return 2 * cov / (t.var(-1) + p.var(-1) + (t.mean(-1) - p.mean(-1)) ** 2)


def _bce(t, p):
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p), -1)


def _kld(t, p):
    return np.sum(t * np.log(t / p), -1)


def _mape(t, p):
    return 100 * np.mean(np.abs((t - p) / t), -1)


def _hinge(t, p):
    return np.maximum(1 - t * p, 0)


MEAN_ROWS = [  # inputs are in (0.1, 0.95], so no clipping is involved
    ("mape", metrics.MeanAbsolutePercentageError, _mape),
    (
        "msle",
        metrics.MeanSquaredLogarithmicError,
        lambda t, p: np.mean((np.log1p(p) - np.log1p(t)) ** 2, -1),
    ),
    ("logcosh", metrics.LogCoshError, lambda t, p: np.mean(np.log(np.cosh(p - t)), -1)),
    ("cosine", metrics.CosineSimilarity, _cos),
    ("pearson", metrics.PearsonCorrelation, _pearson),
    ("concordance", metrics.ConcordanceCorrelation, _ccc),
    ("kld", metrics.KLDivergence, _kld),
    ("poisson", metrics.Poisson, lambda t, p: np.mean(p - t * np.log(p + 1e-7), -1)),
    ("hinge", metrics.Hinge, lambda t, p: np.mean(_hinge(t, p), -1)),
    ("squared_hinge", metrics.SquaredHinge, lambda t, p: np.mean(_hinge(t, p) ** 2, -1)),
    (
        "categorical_hinge",
        metrics.CategoricalHinge,
        lambda t, p: np.maximum(np.max((1 - t) * p, -1) - np.sum(t * p, -1) + 1, 0),
    ),
    ("bce", metrics.BinaryCrossentropy, _bce),
]


@pytest.mark.parametrize("cls,reference", [r[1:] for r in MEAN_ROWS], ids=[r[0] for r in MEAN_ROWS])
def test_mean_metrics_match_numpy(cls, reference):
    t, p = np.minimum(Y_T, 0.95), np.minimum(Y_P, 0.95)
    m = cls()
    m.update_state(t, p, sample_weight=W)
    expected = np.sum(reference(t.astype("float64"), p.astype("float64")) * W) / np.sum(W)
    np.testing.assert_allclose(np_(m.result()), expected, rtol=1e-4, atol=1e-4)
    m.reset_state()
    assert float(np_(m.result())) == 0.0


def test_rmse_and_crossentropies_match_sklearn():
    m = metrics.RootMeanSquaredError()
    m.update_state(Y_T, Y_P, sample_weight=W)
    expected = np.sqrt(np.sum((Y_T - Y_P) ** 2 * W[:, None]) / (4 * np.sum(W)))
    np.testing.assert_allclose(np_(m.result()), expected, rtol=1e-5)
    labels = RNG.integers(0, 4, 6)
    probs = Y_P / Y_P.sum(-1, keepdims=True)
    cce = metrics.CategoricalCrossentropy()
    cce.update_state(np.eye(4, dtype="float32")[labels], probs)
    expected = skm.log_loss(labels, probs, labels=[0, 1, 2, 3])
    np.testing.assert_allclose(np_(cce.result()), expected, rtol=1e-4)
    scce = metrics.SparseCategoricalCrossentropy()
    scce.update_state(labels, probs)
    np.testing.assert_allclose(np_(scce.result()), expected, rtol=1e-4)


def test_top_k_accuracies():
    labels = np.array([0, 1, 2, 3])
    scores = np.array(
        [[0.9, 0.1, 0.0, 0.0], [0.5, 0.3, 0.2, 0.0], [0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]],
        dtype="float32",
    )
    m = metrics.SparseTopKCategoricalAccuracy(k=2)
    m.update_state(labels, scores)
    assert float(np_(m.result())) == 0.75
    m = metrics.TopKCategoricalAccuracy(k=3)
    m.update_state(np.eye(4, dtype="float32")[labels], scores)
    assert float(np_(m.result())) == 0.75
    ids = np.argsort(-scores, axis=-1)
    m = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    m.update_state(labels, ids)
    assert float(np_(m.result())) == 0.75
    np.testing.assert_allclose(
        np_(metrics.top_k_categorical_accuracy(np.eye(4)[labels], scores, k=1)), [1, 0, 0, 0]
    )


def test_focal_crossentropies_follow_their_definitions():
    t = (Y_T > 0.6).astype("float32")
    p = np.clip(Y_P, 0.05, 0.95).astype("float64")
    bce = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    p_t = t * p + (1 - t) * (1 - p)
    expected = np.mean((t * 0.3 + (1 - t) * 0.7) * (1 - p_t) ** 2 * bce, -1)
    got = metrics.binary_focal_crossentropy(
        t, p.astype("float32"), apply_class_balancing=True, alpha=0.3
    )
    np.testing.assert_allclose(np_(got), expected, rtol=1e-4)
    onehot = np.eye(4, dtype="float32")[RNG.integers(0, 4, 6)]
    probs = p / p.sum(-1, keepdims=True)
    expected = np.sum(-onehot * np.log(probs) * 0.25 * (1 - probs) ** 2, -1)
    got = metrics.categorical_focal_crossentropy(onehot, probs.astype("float32"))
    np.testing.assert_allclose(np_(got), expected, rtol=1e-4)


# -- IoU --------------------------------------------------------------------------------------


def _iou_reference(cm, ids):
    inter = np.diag(cm)[ids]
    union = (cm.sum(0) + cm.sum(1) - np.diag(cm))[ids]
    present = union > 0
    return np.sum(inter[present] / union[present]) / present.sum()


def test_iou_family():
    y_true = RNG.integers(0, 3, size=(4, 5))
    y_pred = RNG.integers(0, 3, size=(4, 5))
    w = RNG.random(4).astype("float32")
    cm = skm.confusion_matrix(
        y_true.ravel(), y_pred.ravel(), labels=[0, 1, 2], sample_weight=np.repeat(w, 5)
    )
    m = metrics.MeanIoU(num_classes=3)
    m.update_state(y_true, y_pred, sample_weight=w)
    np.testing.assert_allclose(np_(m.result()), _iou_reference(cm, [0, 1, 2]), atol=ATOL)
    m = metrics.IoU(num_classes=3, target_class_ids=[0, 2])
    m.update_state(y_true, y_pred, sample_weight=w)
    np.testing.assert_allclose(np_(m.result()), _iou_reference(cm, [0, 2]), atol=ATOL)
    m = metrics.OneHotMeanIoU(num_classes=3)
    m.update_state(np.eye(3)[y_true], np.eye(3)[y_pred] + 0.1, sample_weight=w)
    np.testing.assert_allclose(np_(m.result()), _iou_reference(cm, [0, 1, 2]), atol=ATOL)
    m = metrics.OneHotIoU(num_classes=3, target_class_ids=[1])
    m.update_state(np.eye(3)[y_true], np.eye(3)[y_pred], sample_weight=w)
    np.testing.assert_allclose(np_(m.result()), _iou_reference(cm, [1]), atol=ATOL)


def test_binary_iou_and_ignore_class():
    y_true = np.array([0, 1, 0, 1, 1], dtype="float32")
    y_pred = np.array([0.2, 0.7, 0.6, 0.1, 0.9], dtype="float32")
    m = metrics.BinaryIoU(target_class_ids=[1], threshold=0.5)
    m.update_state(y_true, y_pred)
    assert float(np_(m.result())) == pytest.approx(2 / 4)
    m = metrics.MeanIoU(num_classes=2, ignore_class=1)
    m.update_state([0, 1, 0], [0, 0, 1])
    assert float(np_(m.result())) == pytest.approx(0.5 * (1 / 2 + 0))
    with pytest.raises(ValueError, match="target_class_ids must be in"):
        metrics.IoU(num_classes=2, target_class_ids=[3])


# -- stateless API, configs, identifiers ------------------------------------------------------


def test_stateless_api_on_each_family():
    y_true, y_pred, _ = _binary()
    for metric in [
        metrics.Precision(),
        metrics.MeanIoU(num_classes=2),
        metrics.RootMeanSquaredError(),
        metrics.KLDivergence(),
    ]:
        labels = y_true.astype("int32") if isinstance(metric, metrics.MeanIoU) else y_true
        preds = (y_pred > 0.5).astype("int32") if isinstance(metric, metrics.MeanIoU) else y_pred
        state = metric.stateless_update_state(metric.stateless_reset_state(), labels, preds)
        metric.update_state(labels, preds)
        np.testing.assert_allclose(
            np_(metric.stateless_result(state)), np_(metric.result()), atol=1e-6
        )


CONFIG_ROWS = [
    metrics.Precision(thresholds=[0.3, 0.6], class_id=1),
    metrics.Recall(top_k=2),
    metrics.TruePositives(thresholds=0.3),
    metrics.AUC(num_thresholds=200, curve="PR", multi_label=True, num_labels=2),
    metrics.AUC(thresholds=[0.2, 0.5]),
    metrics.SensitivityAtSpecificity(0.5, num_thresholds=20, class_id=0),
    metrics.F1Score(average="macro", threshold=0.4),
    metrics.FBetaScore(beta=0.5),
    metrics.R2Score(class_aggregation=None, num_regressors=1),
    metrics.IoU(num_classes=3, target_class_ids=[1], ignore_class=0),
    metrics.BinaryIoU(threshold=0.3),
    metrics.OneHotMeanIoU(num_classes=4),
    metrics.CategoricalCrossentropy(label_smoothing=0.1),
    metrics.SparseTopKCategoricalAccuracy(k=3),
    metrics.CosineSimilarity(axis=0),
    metrics.Poisson(),
    metrics.RootMeanSquaredError(),
]


@pytest.mark.parametrize("metric", CONFIG_ROWS, ids=lambda m: type(m).__name__)
def test_config_round_trip(metric):
    config = metrics.serialize(metric)
    rebuilt = metrics.deserialize(config)
    assert type(rebuilt) is type(metric)
    assert rebuilt.get_config() == metric.get_config()


def test_identifiers():
    for name, cls in [
        ("auc", metrics.AUC),
        ("acc", metrics.Accuracy),
        ("rmse", metrics.RootMeanSquaredError),
        ("mape", metrics.MeanAbsolutePercentageError),
        ("precision", metrics.Precision),
        ("Recall", metrics.Recall),
        ("kl_divergence", metrics.KLDivergence),
        ("f1_score", metrics.F1Score),
        ("r2_score", metrics.R2Score),
        ("logcosh", metrics.LogCoshError),
    ]:
        assert isinstance(metrics.get(name), cls), name


def test_lazily_built_metrics_need_building_before_stateless_use():
    y_true = np.eye(3, dtype="float32")[[0, 1, 2, 1]]
    y_pred = RNG.random((4, 3)).astype("float32")
    for metric in [metrics.F1Score(), metrics.R2Score(), metrics.AUC(multi_label=True)]:
        with pytest.raises(ValueError, match="creates its state on its first update"):
            metric.stateless_update_state(metric.stateless_reset_state(), y_true, y_pred)
        metric._build_for(y_true, y_pred)
        state = metric.stateless_update_state(metric.stateless_reset_state(), y_true, y_pred)
        metric.update_state(y_true, y_pred)
        np.testing.assert_allclose(
            np_(metric.stateless_result(state)), np_(metric.result()), atol=1e-6
        )


def test_metric_add_weight_is_add_variable_with_zeros_default():
    class Total(metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.total = self.add_weight(name="total")

        def update_state(self, y, *args, **kwargs):
            self.total.assign_add(ops.sum(y))

        def result(self):
            return self.total

    metric = Total(name="t")
    metric.update_state(np.ones((3,), "float32"))
    assert [v.name for v in metric.variables] == ["total"]
    assert float(ops.convert_to_numpy(metric.result())) == 3.0


def test_unnamed_threshold_metrics_are_numbered():
    from cornu.backend.common import scopes

    scopes.reset_uids()
    assert [metrics.AUC().name, metrics.AUC().name, metrics.AUC(name="x").name] == [
        "auc",
        "auc_1",
        "x",
    ]
    assert [metrics.Recall().name, metrics.Recall().name] == ["recall", "recall_1"]
    assert metrics.Precision(name="p").name == "p"
    assert (
        metrics.MeanSquaredError().name == metrics.MeanSquaredError().name == "mean_squared_error"
    )


def test_result_is_not_changed_by_later_updates():
    tp = metrics.TruePositives()
    tp.update_state([1, 1, 0], [0.9, 0.8, 0.7])
    first = tp.result()
    first_value = float(np_(first))
    tp.update_state([1], [0.9])
    assert float(np_(first)) == first_value == 2.0
    total = metrics.Sum()
    total.update_state([1.0, 2.0])
    kept = total.result()
    total.update_state([5.0])
    assert float(np_(kept)) == 3.0


def test_configs_leave_out_arguments_keras_leaves_out_at_default():
    assert "axis" not in metrics.CosineSimilarity().get_config()
    assert metrics.CosineSimilarity(axis=0).get_config()["axis"] == 0
    assert "from_sorted_ids" not in metrics.SparseTopKCategoricalAccuracy().get_config()
    assert metrics.SparseTopKCategoricalAccuracy(from_sorted_ids=True).get_config()[
        "from_sorted_ids"
    ]


def test_get_knows_keras_aliases():
    assert isinstance(metrics.get("MAE"), metrics.MeanAbsoluteError)
    assert isinstance(metrics.get("bce"), metrics.BinaryCrossentropy)
