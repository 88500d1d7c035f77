"""`cornu.metrics`: metric classes and functions, and `get`/`serialize`/`deserialize`."""

from cornu.losses.losses import (
    binary_crossentropy,
    categorical_crossentropy,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_crossentropy,
)
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
from cornu.metrics.confusion import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from cornu.metrics.f_score import F1Score, FBetaScore
from cornu.metrics.iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from cornu.metrics.metric import Mean, MeanMetricWrapper, Metric, Sum
from cornu.metrics.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SparseTopKCategoricalAccuracy,
    SquaredHinge,
    TopKCategoricalAccuracy,
    binary_focal_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    kl_divergence,
    poisson,
    sparse_top_k_categorical_accuracy,
    squared_hinge,
    top_k_categorical_accuracy,
)
from cornu.metrics.regression import (
    ConcordanceCorrelation,
    CosineSimilarity,
    LogCoshError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    PearsonCorrelation,
    R2Score,
    RootMeanSquaredError,
    concordance_correlation,
    huber,
    log_cosh,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    pearson_correlation,
)
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
    AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall, RecallAtPrecision,
    SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives, TruePositives,
    F1Score, FBetaScore, BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU,
    BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, Hinge, KLDivergence, Poisson,
    SparseCategoricalCrossentropy, SparseTopKCategoricalAccuracy, SquaredHinge,
    TopKCategoricalAccuracy, ConcordanceCorrelation, CosineSimilarity, LogCoshError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, PearsonCorrelation, R2Score,
    RootMeanSquaredError, MeanMetricWrapper,
]  # fmt: skip
_TABLE = identifiers.build_table(
    _CLASSES,
    aliases={
        "mse": MeanSquaredError, "mae": MeanAbsoluteError, "MSE": MeanSquaredError,
        "MAE": MeanAbsoluteError, "MAPE": MeanAbsolutePercentageError,
        "MSLE": MeanSquaredLogarithmicError, "bce": BinaryCrossentropy,
        "mean_squared_error": MeanSquaredError, "mean_absolute_error": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError, "msle": MeanSquaredLogarithmicError,
        "rmse": RootMeanSquaredError, "acc": Accuracy, "logcosh": LogCoshError,
        "log_cosh": LogCoshError, "kld": KLDivergence, "binary_iou": BinaryIoU,
        "r2": R2Score, "f1": F1Score,
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
