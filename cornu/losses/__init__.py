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
from cornu.utils import identifiers

_CLASSES = [
    BinaryCrossentropy, CategoricalCrossentropy, MeanAbsoluteError, MeanSquaredError,
    SparseCategoricalCrossentropy,
]  # fmt: skip
_FUNCTIONS = {
    f.__name__: f
    for f in (
        binary_crossentropy, categorical_crossentropy, mean_absolute_error, mean_squared_error,
        sparse_categorical_crossentropy,
    )
}  # fmt: skip
_ALIASES = {"mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
            "MAE": mean_absolute_error}  # fmt: skip
_TABLE = {**{c.__name__: c for c in _CLASSES}, **_FUNCTIONS, **_ALIASES}


def get(identifier):
    """A loss from a name ("mse", "sparse_categorical_crossentropy", "MeanSquaredError"), a
    config dict, a Loss or a callable."""
    return identifiers.resolve(identifier, _TABLE, "loss", base=Loss, instantiate=False)


def serialize(loss):
    if isinstance(loss, Loss):
        return {
            "module": "keras.losses",
            "class_name": type(loss).__name__,
            "config": loss.get_config(),
            "registered_name": None,
        }
    return getattr(loss, "__name__", None)


def deserialize(config, custom_objects=None):
    table = dict(_TABLE, **(custom_objects or {}))
    found = identifiers.resolve(config, table, "loss", base=Loss, instantiate=False)
    return found() if isinstance(found, type) else found
