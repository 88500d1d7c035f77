"""`cornu.losses`: loss classes and functions, and `get`/`serialize`/`deserialize`."""

from cornu.losses.loss import Loss, LossFunctionWrapper, reduce_weighted_values
from cornu.losses.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    categorical_crossentropy,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_crossentropy,
)
from cornu.losses.probabilistic import (
    CTC,
    BinaryFocalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    Circle,
    Dice,
    Tversky,
    binary_focal_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    circle,
    ctc,
    dice,
    tversky,
)
from cornu.losses.regression import (
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    Poisson,
    SquaredHinge,
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    poisson,
    squared_hinge,
)
from cornu.utils import identifiers

_CLASSES = [
    BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
    CategoricalFocalCrossentropy, CategoricalGeneralizedCrossEntropy, CategoricalHinge, Circle,
    CosineSimilarity, CTC, Dice, Hinge, Huber, KLDivergence, LogCosh, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError, Poisson,
    SparseCategoricalCrossentropy, SquaredHinge, Tversky,
]  # fmt: skip
_FUNCTIONS = {
    f.__name__: f
    for f in (
        binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
        categorical_focal_crossentropy, categorical_generalized_cross_entropy,
        categorical_hinge, circle, cosine_similarity, ctc, dice, hinge, huber, kl_divergence,
        log_cosh, mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
        mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy,
        squared_hinge, tversky,
    )
}  # fmt: skip
_ALIASES = {
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
    "kld": kl_divergence, "KLD": kl_divergence, "kullback_leibler_divergence": kl_divergence,
    "logcosh": log_cosh, "huber_loss": huber, "bce": binary_crossentropy,
    "BCE": binary_crossentropy,
}  # fmt: skip
_TABLE = {**{c.__name__: c for c in _CLASSES}, **_FUNCTIONS, **_ALIASES}


def get(identifier):
    """A loss from a name ("mse", "sparse_categorical_crossentropy", "MeanSquaredError"), a
    config dict, a Loss or a callable."""
    # A class name gives an instance, a function name the function (as in Keras).
    return identifiers.resolve(identifier, _TABLE, "loss", base=Loss)


def serialize(loss):
    """A config dict for a Loss instance, or the name of a loss function."""
    if isinstance(loss, Loss):
        return {
            "module": "keras.losses",
            "class_name": type(loss).__name__,
            "config": loss.get_config(),
            "registered_name": None,
        }
    return getattr(loss, "__name__", None)


def deserialize(name, custom_objects=None):
    """The loss a name or config dict (from `serialize`) describes."""
    table = dict(_TABLE, **(custom_objects or {}))
    found = identifiers.resolve(name, table, "loss", base=Loss, instantiate=False)
    return found() if isinstance(found, type) else found
