"""The function forms of cornu.metrics (per-sample values) against NumPy, the MeanMetricWrapper
classes not covered elsewhere (Accuracy, MeanSquaredError, MeanAbsoluteError), Sum, a custom
Metric subclass, and log loss against scikit-learn."""

import numpy as np
import pytest
from sklearn import metrics as skm

from cornu import metrics, ops

RNG = np.random.default_rng(11)
EPS = 1e-7


def np_(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


REAL_T = RNG.normal(size=(5, 4)).astype("float32")
REAL_P = RNG.normal(size=(5, 4)).astype("float32")
POS_T = RNG.uniform(0.1, 2.0, size=(5, 4)).astype("float32")
POS_P = RNG.uniform(0.1, 2.0, size=(5, 4)).astype("float32")
BIN_T = RNG.integers(0, 2, size=(5, 4)).astype("float32")
BIN_P = RNG.uniform(0.05, 0.95, size=(5, 4)).astype("float32")
LABELS = np.array([0, 3, 1, 2, 3])
ONE_HOT = np.eye(4, dtype="float32")[LABELS]
PROBS = _softmax(RNG.normal(size=(5, 4))).astype("float32")
SIGNED = np.where(BIN_T > 0, 1.0, -1.0).astype("float32")


def _hinge_parts(t, p):
    return np.maximum(1 - t * p, 0)


def _corr(t, p):
    return np.array([np.corrcoef(a, b)[0, 1] for a, b in zip(t, p)])


def _ccc(t, p):
    cov = np.mean((t - t.mean(-1, keepdims=True)) * (p - p.mean(-1, keepdims=True)), -1)
    return 2 * cov / (t.var(-1) + p.var(-1) + (t.mean(-1) - p.mean(-1)) ** 2)


def _huber(t, p, delta=1.0):
    e = np.abs(p - t)
    return np.mean(np.where(e <= delta, 0.5 * e**2, delta * e - 0.5 * delta**2), -1)


# (id, function, kwargs, y_true, y_pred, NumPy per-sample reference)
ROWS = [
    ("mean_squared_error", metrics.mean_squared_error, {}, REAL_T, REAL_P,
     lambda t, p: np.mean((t - p) ** 2, -1)),
    ("mean_absolute_error", metrics.mean_absolute_error, {}, REAL_T, REAL_P,
     lambda t, p: np.mean(np.abs(t - p), -1)),
    ("mean_absolute_percentage_error", metrics.mean_absolute_percentage_error, {}, POS_T, POS_P,
     lambda t, p: 100 * np.mean(np.abs((t - p) / t), -1)),
    ("mean_squared_logarithmic_error", metrics.mean_squared_logarithmic_error, {}, POS_T, POS_P,
     lambda t, p: np.mean((np.log1p(p) - np.log1p(t)) ** 2, -1)),
    ("log_cosh", metrics.log_cosh, {}, REAL_T, REAL_P,
     lambda t, p: np.mean(np.log(np.cosh(p - t)), -1)),
    ("huber", metrics.huber, {}, REAL_T, REAL_P, _huber),
    ("huber_delta", metrics.huber, {"delta": 0.4}, REAL_T, REAL_P,
     lambda t, p: _huber(t, p, 0.4)),
    ("pearson_correlation", metrics.pearson_correlation, {}, REAL_T, REAL_P, _corr),
    ("concordance_correlation", metrics.concordance_correlation, {}, REAL_T, REAL_P, _ccc),
    ("poisson", metrics.poisson, {}, POS_T, POS_P,
     lambda t, p: np.mean(p - t * np.log(p + EPS), -1)),
    ("kl_divergence", metrics.kl_divergence, {}, PROBS[::-1].copy(), PROBS,
     lambda t, p: np.sum(t * np.log(t / p), -1)),
    ("hinge", metrics.hinge, {}, SIGNED, REAL_P, lambda t, p: np.mean(_hinge_parts(t, p), -1)),
    ("hinge_binary_labels", metrics.hinge, {}, BIN_T, REAL_P,
     lambda t, p: np.mean(_hinge_parts(2 * t - 1, p), -1)),
    ("squared_hinge", metrics.squared_hinge, {}, SIGNED, REAL_P,
     lambda t, p: np.mean(_hinge_parts(t, p) ** 2, -1)),
    ("categorical_hinge", metrics.categorical_hinge, {}, ONE_HOT, REAL_P,
     lambda t, p: np.maximum(np.max((1 - t) * p, -1) - np.sum(t * p, -1) + 1, 0)),
    ("binary_crossentropy", metrics.binary_crossentropy, {}, BIN_T, BIN_P,
     lambda t, p: -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p), -1)),
    ("binary_crossentropy_logits_smoothing", metrics.binary_crossentropy,
     {"from_logits": True, "label_smoothing": 0.2}, BIN_T, REAL_P,
     lambda t, p: -np.mean((0.8 * t + 0.1) * np.log(1 / (1 + np.exp(-p)))
                           + (1 - (0.8 * t + 0.1)) * np.log(1 - 1 / (1 + np.exp(-p))), -1)),
    ("categorical_crossentropy", metrics.categorical_crossentropy, {}, ONE_HOT, PROBS,
     lambda t, p: -np.sum(t * np.log(p), -1)),
    ("categorical_crossentropy_logits_smoothing", metrics.categorical_crossentropy,
     {"from_logits": True, "label_smoothing": 0.1}, ONE_HOT, REAL_P,
     lambda t, p: -np.sum((0.9 * t + 0.1 / 4) * np.log(_softmax(p)), -1)),
    ("sparse_categorical_crossentropy", metrics.sparse_categorical_crossentropy, {}, LABELS, PROBS,
     lambda t, p: -np.log(p[np.arange(5), t.astype(int)])),
    ("sparse_categorical_crossentropy_logits", metrics.sparse_categorical_crossentropy,
     {"from_logits": True}, LABELS, REAL_P,
     lambda t, p: -np.log(_softmax(p)[np.arange(5), t.astype(int)])),
    ("accuracy", metrics.accuracy, {}, np.array([1, 2, 3, 4]), np.array([1, 0, 3, 0]),
     lambda t, p: (t == p).astype(float)),
    ("binary_accuracy", metrics.binary_accuracy, {}, BIN_T, BIN_P,
     lambda t, p: np.mean((p > 0.5) == t, -1)),
    ("binary_accuracy_threshold", metrics.binary_accuracy, {"threshold": 0.3}, BIN_T, BIN_P,
     lambda t, p: np.mean((p > 0.3) == t, -1)),
    ("categorical_accuracy", metrics.categorical_accuracy, {}, ONE_HOT, PROBS,
     lambda t, p: (t.argmax(-1) == p.argmax(-1)).astype(float)),
    ("sparse_categorical_accuracy", metrics.sparse_categorical_accuracy, {}, LABELS, PROBS,
     lambda t, p: (t == p.argmax(-1)).astype(float)),
    ("sparse_top_k_categorical_accuracy", metrics.sparse_top_k_categorical_accuracy, {"k": 2},
     LABELS, PROBS,
     lambda t, p: np.array([t[i] in np.argsort(-p[i])[:2] for i in range(len(t))], float)),
    ("top_k_categorical_accuracy", metrics.top_k_categorical_accuracy, {"k": 3}, ONE_HOT, PROBS,
     lambda t, p: np.array([t[i].argmax() in np.argsort(-p[i])[:3] for i in range(len(t))],
                           float)),
]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_metric_functions_match_numpy(row):
    _, fn, kwargs, t, p, reference = row
    expected = reference(np.asarray(t, "float64"), np.asarray(p, "float64"))
    np.testing.assert_allclose(np_(fn(t, p, **kwargs)), expected, rtol=2e-4, atol=2e-5)


def test_accuracy_mse_mae_classes_with_sample_weights():
    w = RNG.random(5).astype("float32")
    for cls, per_sample in [
        (metrics.MeanSquaredError, np.mean((REAL_T - REAL_P) ** 2, -1)),
        (metrics.MeanAbsoluteError, np.mean(np.abs(REAL_T - REAL_P), -1)),
    ]:
        m = cls()
        m.update_state(REAL_T[:2], REAL_P[:2], sample_weight=w[:2])
        m.update_state(REAL_T[2:], REAL_P[2:], sample_weight=w[2:])
        np.testing.assert_allclose(np_(m.result()), np.sum(per_sample * w) / w.sum(), rtol=1e-5)
    m = metrics.Accuracy()
    m.update_state([[1], [2], [3], [4]], [[1], [0], [3], [0]], sample_weight=[1.0, 2.0, 3.0, 4.0])
    assert float(np_(m.result())) == pytest.approx((1 + 3) / 10)
    m.reset_state()
    assert float(np_(m.result())) == 0.0


def test_sum_metric():
    m = metrics.Sum()
    m.update_state([1.0, 2.0, 3.0])
    m.update_state([[4.0, 5.0]], sample_weight=[0.5])
    assert float(np_(m.result())) == pytest.approx(6 + 4.5)
    state = m.stateless_update_state(
        m.stateless_reset_state(), [2.0, 2.0], sample_weight=[1.0, 3.0]
    )
    assert float(np_(m.stateless_result(state))) == pytest.approx(8.0)
    assert float(np_(m.result())) == pytest.approx(10.5)
    m.reset_state()
    assert float(np_(m.result())) == 0.0
    assert metrics.deserialize(metrics.serialize(metrics.Sum(name="s"))).name == "s"


class CountAbove(metrics.Metric):
    """A custom metric: counts predictions above a threshold."""

    def __init__(self, threshold=0.5, name="count_above", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.threshold = threshold
        self.count = self.add_variable((), name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        above = ops.cast(ops.greater(ops.convert_to_tensor(y_pred), self.threshold), self.dtype)
        self.count.assign_add(ops.sum(above))

    def result(self):
        return self.count.value


def test_custom_metric_subclass_state_and_stateless_api():
    m = CountAbove(0.4)
    m.update_state(None, BIN_P)
    m.update_state(None, BIN_P[:2])
    expected = np.sum(BIN_P > 0.4) + np.sum(BIN_P[:2] > 0.4)
    assert float(np_(m.result())) == expected
    state = m.stateless_update_state(m.stateless_reset_state(), None, BIN_P)
    assert float(np_(m.stateless_result(state))) == np.sum(BIN_P > 0.4)
    assert [v.name for v in m.variables] == ["count"]
    m.reset_state()
    assert float(np_(m.result())) == 0.0


def test_binary_crossentropy_metric_is_sklearn_log_loss():
    y_true = RNG.integers(0, 2, size=50).astype("float32")
    y_pred = RNG.uniform(0.02, 0.98, size=50).astype("float32")
    w = RNG.random(50).astype("float32")
    m = metrics.BinaryCrossentropy()
    m.update_state(y_true[:, None], y_pred[:, None], sample_weight=w)
    expected = skm.log_loss(y_true, y_pred, sample_weight=w)
    np.testing.assert_allclose(np_(m.result()), expected, rtol=1e-4)


def test_sparse_metrics_reject_out_of_range_labels():
    m = metrics.SparseCategoricalCrossentropy()
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 4\).*received label 7"):
        m.update_state(np.array([0, 7]), PROBS[:2])


def test_bad_identifiers_and_shapes():
    with pytest.raises(ValueError, match=r"Unknown metric: 'precison'. Did you mean: 'precision'"):
        metrics.get("precison")
    with pytest.raises(ValueError, match="incompatible shapes"):
        metrics.MeanSquaredError().update_state(np.zeros((4, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="incompatible shapes"):
        metrics.mean_absolute_percentage_error(np.ones((2, 3)), np.ones((3, 2)))


def test_mean_metric_wrapper_averages_a_function_with_kwargs():
    def scaled_error(y_true, y_pred, scale=1.0):
        return scale * ops.mean(ops.absolute(y_true - y_pred), axis=-1)

    m = metrics.MeanMetricWrapper(scaled_error, name="scaled", scale=2.0)
    w = np.array([1.0, 0.0, 2.0, 1.0, 0.5], "float32")
    m.update_state(REAL_T, REAL_P, sample_weight=w)
    per_sample = 2.0 * np.mean(np.abs(REAL_T - REAL_P), -1)
    np.testing.assert_allclose(np_(m.result()), np.sum(per_sample * w) / w.sum(), rtol=1e-5)
    assert m.name == "scaled"
