"""cornu: one deep-learning API (Keras 3's) on JAX, PyTorch, TensorFlow and NumPy.

    import cornu as keras

The backend is chosen at import (see `cornu.config`); only its framework is imported.
"""

from cornu import config
from cornu import backend
from cornu import tree
from cornu import ops
from cornu import random
from cornu import utils
from cornu.backend import StatelessScope, SymbolicScope, Variable, device, name_scope
from cornu.graph.input import Input
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.operation import Operation

__version__ = "0.1.0"


def version():
    """cornu's version string."""
    return __version__
