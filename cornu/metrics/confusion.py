"""Threshold-based metrics: confusion counts, Precision, Recall, AUC and the
X-at-Y metrics (SensitivityAtSpecificity, PrecisionAtRecall, ...).

Every update is branch-free on tensor values: predictions are compared against all thresholds
at once (a `(num_thresholds, num_values)` comparison) and the weighted counts are summed.
"""

import numpy as np

from cornu import backend, ops
from cornu.metrics.metric import Metric, add_state_variables, build_state_once


def _as_float(x, dtype):
    return ops.cast(ops.convert_to_tensor(x), dtype)


def _broadcast_weight(sample_weight, like, dtype):
    """`sample_weight` expanded on the right and broadcast to the shape of `like`."""
    if sample_weight is None:
        return ops.ones_like(like)
    weight = _as_float(sample_weight, dtype)
    while len(weight.shape) < len(like.shape):
        weight = ops.expand_dims(weight, -1)
    return weight * ops.ones_like(like)


def _check_thresholds(thresholds, name):
    values = list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds]
    for t in values:
        if not isinstance(t, (int, float)) or not 0.0 <= float(t) <= 1.0:
            raise ValueError(
                f"{name}: thresholds must be floats in [0, 1]; received {thresholds!r}."
            )
    return [float(t) for t in values]


def _prepare(y_true, y_pred, sample_weight, dtype, top_k=None, class_id=None, label_weights=None):
    """Float labels, predictions and weights, all of the same shape."""
    y_pred = _as_float(y_pred, dtype)
    y_true = _as_float(y_true, dtype)
    if len(y_true.shape) == len(y_pred.shape) - 1:
        y_true = ops.expand_dims(y_true, -1)
    y_true = y_true * ops.ones_like(y_pred)
    if top_k is not None:
        # predictions outside the top k of each row never count as positive
        # a value's rank: the values above it plus its equals at lower indices (ties go to
        # the lower index, the same on every backend)
        classes = y_pred.shape[-1]
        rows = ops.expand_dims(y_pred, -1)
        cols = ops.expand_dims(y_pred, -2)
        lower = ops.convert_to_tensor(np.tril(np.ones((classes, classes)), -1), dtype=dtype)
        rank = ops.sum(ops.cast(ops.greater(cols, rows), dtype), axis=-1) + ops.sum(
            ops.cast(ops.equal(cols, rows), dtype) * lower, axis=-1
        )
        y_pred = ops.where(ops.less(rank, float(top_k)), y_pred, ops.full_like(y_pred, -1e30))
    weight = _broadcast_weight(sample_weight, y_pred, dtype)
    if label_weights is not None:
        weight = weight * _as_float(label_weights, dtype)
    if class_id is not None:
        y_true = y_true[..., class_id]
        y_pred = y_pred[..., class_id]
        weight = weight[..., class_id]
    return y_true, y_pred, weight


def _confusion_counts(y_true, y_pred, weight, thresholds, dtype, multi_label=False):
    """Weighted (tp, fp, tn, fn), each of shape (T,) or (T, num_labels) when `multi_label`."""
    if multi_label:
        labels = y_true.shape[-1]
        y_true = ops.reshape(y_true, (-1, labels))
        y_pred = ops.reshape(y_pred, (-1, labels))
        weight = ops.reshape(weight, (-1, labels))
        thr = ops.reshape(_as_float(thresholds, dtype), (-1, 1, 1))
        axis = 1
    else:
        y_true = ops.reshape(y_true, (-1,))
        y_pred = ops.reshape(y_pred, (-1,))
        weight = ops.reshape(weight, (-1,))
        thr = ops.reshape(_as_float(thresholds, dtype), (-1, 1))
        axis = 1
    predicted = ops.cast(ops.greater(ops.expand_dims(y_pred, 0), thr), dtype)
    positive = ops.expand_dims(y_true * weight, 0)
    negative = ops.expand_dims((1.0 - y_true) * weight, 0)
    tp = ops.sum(predicted * positive, axis=axis)
    fp = ops.sum(predicted * negative, axis=axis)
    fn = ops.sum((1.0 - predicted) * positive, axis=axis)
    tn = ops.sum((1.0 - predicted) * negative, axis=axis)
    return tp, fp, tn, fn


class _ConfusionMatrixCount(Metric):
    _auto_named = True  # unnamed ones are numbered, as Keras does
    _which = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._thresholds_given = thresholds
        self._thresholds = _check_thresholds(0.5 if thresholds is None else thresholds, self.name)
        self._single = not isinstance(thresholds, (list, tuple))
        self.accumulator = self.add_variable((len(self._thresholds),), name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred, weight = _prepare(y_true, y_pred, sample_weight, self.dtype)
        counts = _confusion_counts(y_true, y_pred, weight, self._thresholds, self.dtype)
        self.accumulator.assign_add(counts[self._which])

    def result(self):
        # A copy: a result must not change when later updates add to the state in place.
        value = ops.copy(self.accumulator.value)
        return value[0] if self._single else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self._thresholds_given}


class TruePositives(_ConfusionMatrixCount):
    """The (weighted) number of true positives at each threshold."""

    _which = 0


class FalsePositives(_ConfusionMatrixCount):
    """The (weighted) number of false positives at each threshold."""

    _which = 1


class TrueNegatives(_ConfusionMatrixCount):
    """The (weighted) number of true negatives at each threshold."""

    _which = 2


class FalseNegatives(_ConfusionMatrixCount):
    """The (weighted) number of false negatives at each threshold."""

    _which = 3


class _PrecisionRecall(Metric):
    _auto_named = True  # unnamed ones are numbered, as Keras does

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        if thresholds is None:
            # with top_k alone, "in the top k" is the whole test
            self.thresholds = [0.5] if top_k is None else [-1e29]
        else:
            self.thresholds = _check_thresholds(thresholds, self.name)
        self._single = not isinstance(thresholds, (list, tuple))
        n = len(self.thresholds)
        self.true_positives = self.add_variable((n,), name="true_positives")
        self._other = self.add_variable((n,), name=self._other_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred, weight = _prepare(
            y_true, y_pred, sample_weight, self.dtype, self.top_k, self.class_id
        )
        tp, fp, _, fn = _confusion_counts(y_true, y_pred, weight, self.thresholds, self.dtype)
        self.true_positives.assign_add(tp)
        self._other.assign_add(fp if self._other_name == "false_positives" else fn)

    def result(self):
        tp = ops.convert_to_tensor(self.true_positives.value)
        value = ops.divide_no_nan(tp, tp + self._other.value)
        return value[0] if self._single else value

    def get_config(self):
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id,
        }  # fmt: skip


class Precision(_PrecisionRecall):
    """tp / (tp + fp) at each threshold (optionally among the top k, or for one class)."""

    _other_name = "false_positives"

    @property
    def false_positives(self):
        return self._other


class Recall(_PrecisionRecall):
    """tp / (tp + fn) at each threshold (optionally among the top k, or for one class)."""

    _other_name = "false_negatives"

    @property
    def false_negatives(self):
        return self._other


def _even_thresholds(num_thresholds):
    """0 - eps, (1 .. n-2)/(n-1), 1 + eps: every prediction in [0, 1] falls between two."""
    eps = backend.epsilon()
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - eps] + inner + [1.0 + eps]


class _ConfusionCurve(Metric):
    """Shared state for metrics over many thresholds: tp, fp, tn, fn per threshold."""

    _auto_named = True  # unnamed ones are numbered, as Keras does

    def __init__(self, num_thresholds, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if num_thresholds <= 1:
            raise ValueError(
                f"{type(self).__name__}: num_thresholds must be > 1; received {num_thresholds}."
            )
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        self.thresholds = _even_thresholds(num_thresholds)
        for name_ in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, name_, self.add_variable((num_thresholds,), name=name_))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred, weight = _prepare(
            y_true, y_pred, sample_weight, self.dtype, class_id=self.class_id
        )
        tp, fp, tn, fn = _confusion_counts(y_true, y_pred, weight, self.thresholds, self.dtype)
        self.true_positives.assign_add(tp)
        self.false_positives.assign_add(fp)
        self.true_negatives.assign_add(tn)
        self.false_negatives.assign_add(fn)

    def _counts(self):
        return tuple(
            ops.convert_to_tensor(v.value)
            for v in (self.true_positives, self.false_positives,
                      self.true_negatives, self.false_negatives)
        )  # fmt: skip

    @staticmethod
    def _max_where(feasible, values):
        return ops.max(ops.where(feasible, values, ops.zeros_like(values)))

    def get_config(self):
        return {
            **super().get_config(), "num_thresholds": self.num_thresholds,
            "class_id": self.class_id,
        }  # fmt: skip


def _check_fraction(value, what, owner):
    if not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{owner}: `{what}` must be in [0, 1]; received {value!r}.")
    return float(value)


def _sensitivity(tp, fp, tn, fn):
    return ops.divide_no_nan(tp, tp + fn)


# Each rate at every threshold, from the counts (tp, fp, tn, fn).
_RATES = {
    "sensitivity": _sensitivity,
    "recall": _sensitivity,
    "specificity": lambda tp, fp, tn, fn: ops.divide_no_nan(tn, tn + fp),
    "precision": lambda tp, fp, tn, fn: ops.divide_no_nan(tp, tp + fp),
}


class _BestRateWhere(_ConfusionCurve):
    """The best `_objective` rate among the thresholds whose `_constraint` rate is at least
    the target: the constructor's first argument, named (and stored) as the constraint."""

    _objective = None
    _constraint = None

    def __init__(self, target, num_thresholds, class_id, name, dtype):
        target = _check_fraction(target, self._constraint, type(self).__name__)
        setattr(self, self._constraint, target)
        super().__init__(num_thresholds, class_id, name, dtype)

    def result(self):
        counts = self._counts()
        feasible = ops.greater_equal(
            _RATES[self._constraint](*counts), getattr(self, self._constraint)
        )
        return self._max_where(feasible, _RATES[self._objective](*counts))

    def get_config(self):
        return {**super().get_config(), self._constraint: getattr(self, self._constraint)}


class SensitivityAtSpecificity(_BestRateWhere):
    """The best sensitivity (recall) among thresholds whose specificity is >= `specificity`."""

    _objective, _constraint = "sensitivity", "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_BestRateWhere):
    """The best specificity among thresholds whose sensitivity is >= `sensitivity`."""

    _objective, _constraint = "specificity", "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(_BestRateWhere):
    """The best precision among thresholds whose recall is >= `recall`."""

    _objective, _constraint = "precision", "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_BestRateWhere):
    """The best recall among thresholds whose precision is >= `precision`."""

    _objective, _constraint = "recall", "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from counts at a grid of thresholds.

    Args:
        num_thresholds: the number of evenly spaced thresholds (when `thresholds` is None).
        curve: "ROC" or "PR".
        summation_method: "interpolation" (trapezoids for ROC; the interpolation of Davis &
            Goadrich for PR), "minoring" (left sums) or "majoring" (right sums).
        thresholds: explicit thresholds in [0, 1] (0 - eps and 1 + eps are added).
        multi_label: one curve per label (last axis), averaged (weighted by `label_weights`).
        num_labels: the number of labels when `multi_label` (else found on the first update).
        label_weights: per-label weights.
        from_logits: apply a sigmoid to predictions first.
    """

    _auto_named = True  # unnamed ones are numbered, as Keras does

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):  # fmt: skip
        super().__init__(name=name, dtype=dtype)
        curve_ = str(curve).upper()
        if curve_ not in ("ROC", "PR"):
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR'; received {curve!r}.")
        method = str(summation_method).lower()
        if method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(
                "AUC: summation_method must be 'interpolation', 'minoring' or 'majoring'; "
                f"received {summation_method!r}."
            )
        self.curve = curve_
        self.summation_method = method
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = label_weights
        self._from_logits = from_logits
        if thresholds is not None:
            inner = sorted(_check_thresholds(thresholds, "AUC"))
            eps = backend.epsilon()
            self.thresholds = [0.0 - eps] + inner + [1.0 + eps]
            self.num_thresholds = len(self.thresholds)
            self._init_from_thresholds = True
        else:
            if num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be > 1; received {num_thresholds}.")
            self.thresholds = _even_thresholds(num_thresholds)
            self.num_thresholds = num_thresholds
            self._init_from_thresholds = False
        self._built = False
        if not multi_label:
            self._build(None)
        elif num_labels is not None:
            self._build(num_labels)

    def _build(self, num_labels):
        shape = (self.num_thresholds,) if num_labels is None else (self.num_thresholds, num_labels)
        names = ("true_positives", "false_positives", "true_negatives", "false_negatives")
        add_state_variables(self, shape, dict(zip(names, names)))

    def _build_for(self, y_true, y_pred):
        """Creates the state for predictions shaped like `y_pred` (no-op once built)."""
        if not self._built:
            self._build(int(y_pred.shape[-1]))

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self._built:
            build_state_once(self, int(ops.convert_to_tensor(y_pred).shape[-1]))
        y_pred = _as_float(y_pred, self.dtype)
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        label_weights = None if self.multi_label else self.label_weights
        y_true, y_pred, weight = _prepare(
            y_true, y_pred, sample_weight, self.dtype, label_weights=label_weights
        )
        tp, fp, tn, fn = _confusion_counts(
            y_true, y_pred, weight, self.thresholds, self.dtype, multi_label=self.multi_label
        )
        self.true_positives.assign_add(tp)
        self.false_positives.assign_add(fp)
        self.true_negatives.assign_add(tn)
        self.false_negatives.assign_add(fn)

    def _heights(self, y):
        if self.summation_method == "minoring":
            return ops.minimum(y[:-1], y[1:])
        if self.summation_method == "majoring":
            return ops.maximum(y[:-1], y[1:])
        return (y[:-1] + y[1:]) / 2.0

    def _pr_interpolated(self, tp, fp, fn):
        # Precision varies along a line in "tp vs predicted positives" between two thresholds;
        # integrating it over recall gives a slope term plus a log term.
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = ops.maximum(p[:-1] - p[1:], 0.0)
        slope = ops.divide_no_nan(dtp, dp)
        intercept = tp[1:] - slope * p[1:]
        both = ops.logical_and(ops.greater(p[:-1], 0.0), ops.greater(p[1:], 0.0))
        ratio = ops.where(both, ops.divide_no_nan(p[:-1], p[1:]), ops.ones_like(p[1:]))
        ratio = ops.maximum(ratio, 1e-30)
        pieces = slope * (dtp + intercept * ops.log(ratio))
        per_label = ops.divide_no_nan(pieces, tp[1:] + fn[1:])
        return ops.sum(per_label, axis=0)

    def result(self):
        tp = ops.convert_to_tensor(self.true_positives.value)
        fp = ops.convert_to_tensor(self.false_positives.value)
        tn = ops.convert_to_tensor(self.true_negatives.value)
        fn = ops.convert_to_tensor(self.false_negatives.value)
        if self.curve == "PR" and self.summation_method == "interpolation":
            per_label = self._pr_interpolated(tp, fp, fn)
        else:
            recall = ops.divide_no_nan(tp, tp + fn)
            if self.curve == "ROC":
                x = ops.divide_no_nan(fp, fp + tn)
                y = recall
            else:
                x = recall
                y = ops.divide_no_nan(tp, tp + fp)
            per_label = ops.sum((x[:-1] - x[1:]) * self._heights(y), axis=0)
        if not self.multi_label:
            return per_label
        if self.label_weights is None:
            return ops.mean(per_label)
        weights = _as_float(self.label_weights, self.dtype)
        return ops.divide_no_nan(ops.sum(per_label * weights), ops.sum(weights))

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds, "curve": self.curve,
            "summation_method": self.summation_method, "multi_label": self.multi_label,
            "num_labels": self.num_labels, "label_weights": self.label_weights,
            "from_logits": self._from_logits,
        }  # fmt: skip
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
