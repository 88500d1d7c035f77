"""Helpers shared by the `cornu.ops.core` modules: finding KerasTensors at any depth of the
pytrees that control flow passes around, and NumPy dtypes of cornu dtype names.
"""

import ml_dtypes
import numpy as np

from cornu import tree
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops.define import op_decorator


def _deep_symbolic(*structures):
    return any(isinstance(x, KerasTensor) for x in tree.flatten(structures))


def _nested_op(spec=None):
    """Like `@op`, but finds KerasTensors at any depth (carries and xs are pytrees)."""
    return op_decorator(spec, _deep_symbolic)


def _numpy_dtype(name):
    return np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)
