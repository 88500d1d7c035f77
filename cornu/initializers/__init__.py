"""`cornu.initializers`: initial values for weights, and `get`/`serialize`/`deserialize`."""

from cornu.backend.common import variables as _variables
from cornu.initializers.constant import Constant, Identity, Ones, Zeros
from cornu.initializers.initializer import Initializer
from cornu.initializers.random import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
)
from cornu.initializers.stft import STFTInitializer
from cornu.utils import identifiers

_TABLE = identifiers.build_table(
    [
        Constant, Identity, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
        LecunNormal, LecunUniform, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal,
        VarianceScaling, STFTInitializer,
    ],
    aliases={
        "uniform": RandomUniform, "normal": RandomNormal, "constant": Constant,
        "IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
        "STFT": STFTInitializer, "stft": STFTInitializer,
    },
)  # fmt: skip


def get(identifier):
    """An Initializer from a name ("glorot_uniform"), a config dict, an instance or a callable."""
    return identifiers.resolve(identifier, _TABLE, "initializer", base=Initializer)


def serialize(initializer):
    """The Keras-format config dict of `initializer`."""
    return {
        "module": "keras.initializers",
        "class_name": type(initializer).__name__,
        "config": initializer.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects=None):
    """The initializer a `serialize` dict describes."""
    table = dict(_TABLE, **(custom_objects or {}))
    return identifiers.resolve(config, table, "initializer", base=Initializer)


# Keras's lower-case aliases of the classes.
IdentityInitializer = identity = Identity
OrthogonalInitializer = orthogonal = Orthogonal
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling = VarianceScaling
glorot_normal, glorot_uniform = GlorotNormal, GlorotUniform
he_normal, he_uniform, lecun_normal, lecun_uniform = HeNormal, HeUniform, LecunNormal, LecunUniform
STFT = stft = STFTInitializer


# `cornu.Variable("zeros", shape=...)` resolves initializer names here, a floor above the
# Variable's: the backend asks through this registration instead of importing upward.
_variables.register_initializer_lookup(get)
