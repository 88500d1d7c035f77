"""The cross-entropy and absolute-error function forms against NumPy and scikit-learn, the
`Loss` base and `LossFunctionWrapper`, `reduce_weighted_values`, and bad labels."""

import numpy as np
import pytest
from sklearn import metrics as skm

from cornu import losses, ops

RNG = np.random.default_rng(5)
EPS = 1e-7


def np_(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


LOGITS = RNG.normal(size=(6, 4)).astype("float32")
LABELS = np.array([0, 3, 1, 2, 3, 1])
ONE_HOT = np.eye(4, dtype="float32")[LABELS]
BIN_T = RNG.integers(0, 2, size=(6, 3)).astype("float32")
BIN_P = RNG.uniform(0.05, 0.95, size=(6, 3)).astype("float32")
REAL_T = RNG.normal(size=(6, 3)).astype("float32")
REAL_P = RNG.normal(size=(6, 3)).astype("float32")


def ref_bce(t, p, from_logits=False, label_smoothing=0.0):
    t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    p = _sigmoid(p) if from_logits else np.clip(p, EPS, 1 - EPS)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p), -1)


def ref_cce(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    t = t * (1 - label_smoothing) + label_smoothing / t.shape[axis]
    p = _softmax(p, axis) if from_logits else p / p.sum(axis, keepdims=True)
    return -np.sum(t * np.log(np.clip(p, EPS, 1)), axis)


@pytest.mark.parametrize(
    "from_logits,label_smoothing",
    [(False, 0.0), (True, 0.0), (True, 0.2), (False, 0.1)],
    ids=["probs", "logits", "logits-smoothed", "probs-smoothed"],
)
def test_binary_crossentropy_function(from_logits, label_smoothing):
    p = REAL_P if from_logits else BIN_P
    got = losses.binary_crossentropy(
        BIN_T, p, from_logits=from_logits, label_smoothing=label_smoothing
    )
    expected = ref_bce(BIN_T, p.astype("float64"), from_logits, label_smoothing)
    np.testing.assert_allclose(np_(got), expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    "from_logits,label_smoothing,axis",
    [(False, 0.0, -1), (True, 0.0, -1), (True, 0.1, -1), (True, 0.0, 0)],
    ids=["probs", "logits", "logits-smoothed", "axis0"],
)
def test_categorical_crossentropy_function(from_logits, label_smoothing, axis):
    t = ONE_HOT if axis == -1 else ONE_HOT.T.copy()
    logits = LOGITS if axis == -1 else LOGITS.T.copy()
    p = logits if from_logits else _softmax(logits, axis).astype("float32")
    got = losses.categorical_crossentropy(
        t, p, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis
    )
    expected = ref_cce(t.astype("float64"), p.astype("float64"), from_logits, label_smoothing, axis)
    np.testing.assert_allclose(np_(got), expected, rtol=1e-4, atol=1e-6)


def test_sparse_categorical_crossentropy_function_and_ignore_class():
    expected = -np.log(_softmax(LOGITS.astype("float64"))[np.arange(6), LABELS])
    got = losses.sparse_categorical_crossentropy(LABELS, LOGITS, from_logits=True)
    np.testing.assert_allclose(np_(got), expected, rtol=1e-5)
    got = losses.sparse_categorical_crossentropy(LABELS[:, None], LOGITS, from_logits=True)
    np.testing.assert_allclose(np_(got), expected, rtol=1e-5)
    ignored = np.where(LABELS == 3, -1, LABELS)
    got = losses.sparse_categorical_crossentropy(ignored, LOGITS, from_logits=True, ignore_class=-1)
    np.testing.assert_allclose(np_(got), np.where(LABELS == 3, 0.0, expected), rtol=1e-5)


def test_crossentropy_losses_equal_sklearn_log_loss():
    probs = _softmax(LOGITS.astype("float64")).astype("float32")
    expected = skm.log_loss(LABELS, probs, labels=[0, 1, 2, 3])
    dense = losses.CategoricalCrossentropy()(ONE_HOT, probs)
    sparse = losses.SparseCategoricalCrossentropy()(LABELS, probs)
    assert float(np_(dense)) == pytest.approx(expected, rel=1e-4)
    assert float(np_(sparse)) == pytest.approx(expected, rel=1e-4)
    y, p = BIN_T[:, 0], BIN_P[:, 0]
    w = RNG.random(6).astype("float32")
    loss = losses.BinaryCrossentropy(reduction="mean_with_sample_weight")
    got = loss(y[:, None], p[:, None], sample_weight=w)
    assert float(np_(got)) == pytest.approx(skm.log_loss(y, p, sample_weight=w), rel=1e-4)


def test_mean_absolute_error_function_and_class():
    per_sample = np.mean(np.abs(REAL_T - REAL_P), -1)
    got = losses.mean_absolute_error(REAL_T, REAL_P)
    np.testing.assert_allclose(np_(got), per_sample, rtol=1e-5)
    w = np.array([1.0, 0.0, 2.0, 0.5, 1.0, 3.0], "float32")
    got = losses.MeanAbsoluteError(reduction="sum")(REAL_T, REAL_P, sample_weight=w)
    assert float(np_(got)) == pytest.approx(np.sum(per_sample * w), rel=1e-5)
    got = losses.MeanAbsoluteError()(REAL_T, REAL_P)
    assert float(np_(got)) == pytest.approx(per_sample.mean(), rel=1e-5)
    assert losses.MeanAbsoluteError().get_config() == {
        "name": "mean_absolute_error",
        "reduction": "sum_over_batch_size",
    }
    with pytest.raises(ValueError, match="incompatible shapes"):
        losses.mean_absolute_error(np.zeros((2, 3)), np.zeros((3, 2)))


def test_reduce_weighted_values():
    values = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], "float32")
    weights = np.array([1.0, 0.0, 2.0], "float32")
    weighted = values * weights[:, None]
    for reduction, expected in [
        ("sum", weighted.sum()),
        ("sum_over_batch_size", weighted.mean()),
        ("mean", weighted.mean()),
        ("mean_with_sample_weight", weighted.sum() / 6.0),
    ]:
        got = losses.reduce_weighted_values(values, weights, reduction, "float32")
        assert float(np_(got)) == pytest.approx(expected), reduction
    got = losses.reduce_weighted_values(values, weights, "none", "float32")
    np.testing.assert_allclose(np_(got), weighted)
    assert float(np_(losses.reduce_weighted_values(values, None, "sum", "float32"))) == 21.0


class ScaledError(losses.Loss):
    """A custom loss: scale * |y_true - y_pred| per sample."""

    def __init__(self, scale=2.0, name="scaled_error", reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.scale = scale

    def call(self, y_true, y_pred):
        return self.scale * ops.mean(ops.absolute(y_true - y_pred), axis=-1)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def test_custom_loss_subclass_and_function_wrapper():
    per_sample = 3.0 * np.mean(np.abs(REAL_T - REAL_P), -1)
    loss = ScaledError(scale=3.0, reduction="sum")
    assert float(np_(loss(REAL_T, REAL_P))) == pytest.approx(per_sample.sum(), rel=1e-5)
    clone = ScaledError.from_config(loss.get_config())
    assert clone.scale == 3.0 and clone.reduction == "sum"

    def cubed_error(y_true, y_pred, power=3):
        return ops.mean(ops.absolute(y_true - y_pred) ** power, axis=-1)

    wrapped = losses.LossFunctionWrapper(cubed_error, reduction="none", name="cubed", power=2)
    expected = np.mean((REAL_T - REAL_P) ** 2, -1)
    np.testing.assert_allclose(np_(wrapped(REAL_T, REAL_P)), expected, rtol=1e-5)
    assert wrapped.get_config() == {"name": "cubed", "reduction": "none", "power": 2}
    with pytest.raises(ValueError, match="Invalid reduction 'weighted'"):
        losses.LossFunctionWrapper(cubed_error, reduction="weighted")


def test_sparse_labels_out_of_range_raise():
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 4\).*received label 4"):
        losses.sparse_categorical_crossentropy(np.array([0, 4]), LOGITS[:2], from_logits=True)
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 4\).*received label -2"):
        losses.SparseCategoricalCrossentropy(ignore_class=-1)(np.array([-1, -2]), LOGITS[:2])
    with pytest.raises(ValueError, match="`target` must have the shape of `output` without `axis`"):
        losses.sparse_categorical_crossentropy(np.array([0, 1, 2]), LOGITS[:2])
