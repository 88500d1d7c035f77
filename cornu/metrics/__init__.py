"""`cornu.metrics`: metric classes and functions, and `get`/`serialize`/`deserialize`."""

from cornu.losses.losses import mean_absolute_error, mean_squared_error
from cornu.metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
)
from cornu.metrics.metric import Mean, MeanMetricWrapper, Metric, Sum
from cornu.utils import identifiers


class MeanSquaredError(MeanMetricWrapper):
    """The mean of squared errors."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of absolute errors."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


_CLASSES = [
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, Mean, Sum,
    MeanSquaredError, MeanAbsoluteError,
]  # fmt: skip
_TABLE = identifiers.build_table(
    _CLASSES,
    aliases={
        "mse": MeanSquaredError, "mae": MeanAbsoluteError,
        "mean_squared_error": MeanSquaredError, "mean_absolute_error": MeanAbsoluteError,
    },
)  # fmt: skip


def get(identifier):
    """A Metric from a name ("sparse_categorical_accuracy", "mse"), a config dict, a Metric,
    or a function `fn(y_true, y_pred)` (wrapped in MeanMetricWrapper)."""
    found = identifiers.resolve(identifier, _TABLE, "metric", base=Metric)
    if callable(found) and not isinstance(found, Metric):
        return MeanMetricWrapper(found, name=getattr(found, "__name__", None))
    return found


def serialize(metric):
    return {
        "module": "keras.metrics",
        "class_name": type(metric).__name__,
        "config": metric.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects=None):
    table = dict(_TABLE, **(custom_objects or {}))
    return identifiers.resolve(config, table, "metric", base=Metric)
