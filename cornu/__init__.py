"""cornu: one deep-learning API (Keras 3's) on JAX, PyTorch, TensorFlow and NumPy.

Use it as Keras: `import cornu as keras`. The backend is chosen at import (see `cornu.config`);
only its framework is imported.
"""

from cornu import (
    activations,
    applications,
    backend,
    callbacks,
    config,
    constraints,
    datasets,  # NumPy and the standard library only: cheap to import eagerly
    distillation,
    distribution,  # no framework import: the backend's module loads on first use
    dtype_policies,
    export,
    initializers,
    layers,
    legacy,
    losses,
    metrics,
    mixed_precision,
    models,
    ops,
    optimizers,
    preprocessing,
    quantizers,
    random,
    regularizers,
    saving,
    tree,
    utils,
    visualization,  # matplotlib and OpenCV load when a function is first used
    wrappers,  # scikit-learn loads when a wrapper is first used
)
from cornu.backend import StatelessScope, SymbolicScope, Variable, device, name_scope
from cornu.dtype_policies import DTypePolicy, FloatDTypePolicy
from cornu.function import Function
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.operation import Operation
from cornu.initializers import Initializer
from cornu.layers import Input, InputSpec, Layer
from cornu.losses import Loss
from cornu.metrics import Metric
from cornu.models import Model, Sequential
from cornu.optimizers import Optimizer
from cornu.quantizers import Quantizer
from cornu.regularizers import Regularizer
from cornu.rematerialization import RematScope, remat

__version__ = "0.1.0"


def version():
    """cornu's version string."""
    return __version__
