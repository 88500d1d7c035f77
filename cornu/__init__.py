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
from cornu import activations, constraints, dtype_policies, initializers, layers, regularizers
from cornu import callbacks, export, losses, metrics, models, optimizers, saving
from cornu import mixed_precision, preprocessing
from cornu import datasets  # NumPy and the standard library only: cheap to import eagerly
from cornu.backend import StatelessScope, SymbolicScope, Variable, device, name_scope
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.operation import Operation
from cornu.layers import Input, InputSpec, Layer
from cornu.models import Model, Sequential
from cornu.losses import Loss
from cornu.metrics import Metric
from cornu.optimizers import Optimizer
from cornu.dtype_policies import DTypePolicy, FloatDTypePolicy
from cornu.initializers import Initializer
from cornu.regularizers import Regularizer

__version__ = "0.1.0"


def version():
    """cornu's version string."""
    return __version__
