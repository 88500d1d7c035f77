"""`cornu.regularizers`: weight penalties, and `get`/`serialize`/`deserialize`."""

from cornu.regularizers.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer
from cornu.utils import identifiers

_TABLE = identifiers.build_table(
    [L1, L1L2, L2, OrthogonalRegularizer],
    aliases={"l1": L1, "l2": L2, "l1_l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer},
)

# Keras's lower-case aliases of the classes.
l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer


def get(identifier):
    """A Regularizer from a name ("l2"), a config dict, an instance or a callable."""
    return identifiers.resolve(identifier, _TABLE, "regularizer", base=Regularizer)


def serialize(regularizer):
    return {
        "module": "keras.regularizers",
        "class_name": type(regularizer).__name__,
        "config": regularizer.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects=None):
    table = dict(_TABLE, **(custom_objects or {}))
    return identifiers.resolve(config, table, "regularizer", base=Regularizer)
