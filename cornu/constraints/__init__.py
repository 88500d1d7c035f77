"""`cornu.constraints`: projections applied to weights after each update."""

from cornu.constraints.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from cornu.utils import identifiers

_TABLE = identifiers.build_table(
    [MaxNorm, MinMaxNorm, NonNeg, UnitNorm],
    aliases={
        "max_norm": MaxNorm,
        "min_max_norm": MinMaxNorm,
        "non_neg": NonNeg,
        "unit_norm": UnitNorm,
    },
)

# Keras's lower-case aliases of the classes.
max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm


def get(identifier):
    """A Constraint from a name ("non_neg"), a config dict, an instance or a callable."""
    return identifiers.resolve(identifier, _TABLE, "constraint", base=Constraint)


def serialize(constraint):
    return {
        "module": "keras.constraints",
        "class_name": type(constraint).__name__,
        "config": constraint.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects=None):
    table = dict(_TABLE, **(custom_objects or {}))
    return identifiers.resolve(config, table, "constraint", base=Constraint)
