"""Probabilistic metrics (cross-entropies, KL divergence, Poisson), hinge metrics and top-k
categorical accuracies, as means of per-sample functions."""

from cornu import ops
from cornu.losses import probabilistic as probabilistic_losses
from cornu.losses import regression as regression_losses
from cornu.losses.loss import constructor_arguments
from cornu.losses.losses import (
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
    with_pairing,
)
from cornu.metrics.metric import MeanMetricWrapper
from cornu.metrics.regression import _pair


def _with_metric_pairing(name, losses_module=regression_losses):
    """The metric function `name` of `losses_module`: the loss's math after the metrics' own
    pairing of the inputs (integer predictions become floats; no axis is squeezed)."""
    metric = with_pairing(losses_module.PAIRED_MATH[name], _pair, name)
    metric.__doc__ = getattr(losses_module, name).__doc__
    return metric


kl_divergence = _with_metric_pairing("kl_divergence")
poisson = _with_metric_pairing("poisson")
hinge = _with_metric_pairing("hinge")
squared_hinge = _with_metric_pairing("squared_hinge")
categorical_hinge = _with_metric_pairing("categorical_hinge")
binary_focal_crossentropy = _with_metric_pairing("binary_focal_crossentropy", probabilistic_losses)
categorical_focal_crossentropy = _with_metric_pairing(
    "categorical_focal_crossentropy", probabilistic_losses
)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the k highest predictions."""
    y_pred = ops.convert_to_tensor(y_pred)
    labels = ops.argmax(ops.convert_to_tensor(y_true), axis=-1)
    return sparse_top_k_categorical_accuracy(labels, y_pred, k=k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the k highest predictions.

    With `from_sorted_ids`, `y_pred` holds class ids already sorted by score (best first).
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    y_true = ops.cast(y_true, "int32")
    if from_sorted_ids:
        ids = ops.cast(y_pred[..., :k], "int32")
        return ops.cast(ops.any(ops.equal(ids, ops.expand_dims(y_true, -1)), axis=-1), "float32")
    if not ops.dtype(y_pred).startswith(("float", "bfloat")):
        y_pred = ops.cast(y_pred, "float32")
    # the label's score must beat all but fewer than k others (ties count against it)
    score = ops.take_along_axis(y_pred, ops.expand_dims(y_true, -1), axis=-1)
    better = ops.sum(ops.cast(ops.greater(y_pred, score), "int32"), axis=-1)
    return ops.cast(ops.less(better, k), "float32")


def _simple(cls_name, fn, default_name, doc):
    def __init__(self, name=default_name, dtype=None):
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    cls = type(cls_name, (MeanMetricWrapper,),
               {"__init__": __init__, "get_config": get_config, "__doc__": doc})  # fmt: skip
    cls.__module__ = __name__
    return cls


KLDivergence = _simple("KLDivergence", kl_divergence, "kl_divergence",
                       "The mean Kullback-Leibler divergence of y_true from y_pred.")  # fmt: skip
Poisson = _simple("Poisson", poisson, "poisson", "The mean Poisson deviance-like loss.")
Hinge = _simple("Hinge", hinge, "hinge", "The mean hinge loss.")
SquaredHinge = _simple("SquaredHinge", squared_hinge, "squared_hinge",
                       "The mean squared hinge loss.")  # fmt: skip
CategoricalHinge = _simple("CategoricalHinge", categorical_hinge, "categorical_hinge",
                           "The mean categorical hinge loss.")  # fmt: skip


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary cross-entropy."""

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):  # fmt: skip
        super().__init__(binary_crossentropy, **constructor_arguments(locals()))


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical cross-entropy (one-hot or soft labels)."""

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):  # fmt: skip
        super().__init__(categorical_crossentropy, **constructor_arguments(locals()))


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean cross-entropy against integer labels."""

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):  # fmt: skip
        super().__init__(sparse_categorical_crossentropy, **constructor_arguments(locals()))


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the k highest predictions."""

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, **constructor_arguments(locals()))


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k highest predictions."""

    _unlisted_defaults = {"from_sorted_ids": False}

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):  # fmt: skip
        super().__init__(sparse_top_k_categorical_accuracy, **constructor_arguments(locals()))
