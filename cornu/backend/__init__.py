"""The backend in use, behind one interface (see `interface.py`), plus `keras.backend`'s names.

Importing this module imports only the chosen framework.
"""

import gc
import importlib

from cornu import config
from cornu.backend import interface
from cornu.backend.common import dtypes, scopes, session, symbolic
from cornu.backend.common.dtypes import (
    is_float_dtype,
    is_int_dtype,
    result_type,
    standardize_dtype,
)
from cornu.backend.common.scopes import (
    AutocastScope,
    StatelessScope,
    SymbolicScope,
    get_uid,
    in_stateless_scope,
    in_symbolic_scope,
    name_scope,
)
from cornu.config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)

_impl = importlib.import_module(f"cornu.backend.{config.backend()}")
random = _impl.random

# The interface's capabilities and core functions live in each backend's `core` module;
# the layer base (`LayerMixin`) in its package.
_core = _impl.core
IS_DIFFERENTIABLE = _core.IS_DIFFERENTIABLE
SUPPORTS_SPARSE = _core.SUPPORTS_SPARSE
SEED_DTYPE = _core.SEED_DTYPE
Variable = _core.Variable
LayerMixin = _impl.LayerMixin
convert_to_tensor = _core.convert_to_tensor
# What op bodies convert their values with; a backend may keep more types than the public
# `convert_to_tensor` gives (numpy keeps NumPy scalars, as NumPy's own functions return them).
convert_operand = getattr(_core, "convert_operand", _core.convert_to_tensor)
convert_to_numpy = _core.convert_to_numpy
is_tensor = _core.is_tensor
shape = _core.shape
cast = _core.cast
to_framework_dtype = _core.to_framework_dtype
cond = _core.cond
while_loop = _core.while_loop
scan = _core.scan
fori_loop = _core.fori_loop
stop_gradient = _core.stop_gradient
vectorized_map = _core.vectorized_map
device_scope = _core.device_scope
compute_output_spec = _core.compute_output_spec
no_grad = _core.no_grad
# Optional: multi-tensor versions of built-in optimizers' update steps (torch).
MULTI_TENSOR_UPDATE_STEPS = getattr(_impl, "MULTI_TENSOR_UPDATE_STEPS", {})


def is_keras_tensor(x):
    """True when `x` is a symbolic `KerasTensor`."""
    return symbolic.is_symbolic_tensor(x)


def standardize_tensor_dtype(x):
    """cornu's dtype name of a tensor, Variable or KerasTensor."""
    return standardize_dtype(x.dtype)


def clear_session(free_memory=True):
    """Resets generated names (`dense`, `dense_1`, ...) and the global random state.

    Args:
        free_memory: also run Python's garbage collector.

    JAX's compilation caches are kept on purpose: a model's compiled steps die with the model,
    and clearing the caches would make every later model recompile each op it runs eagerly
    (about 2 s more per small model on CPU).
    """
    scopes.reset_uids()
    session.run_reset_hooks()  # (the global SeedGenerator: cornu.random registers its reset)
    if free_memory:
        gc.collect()


def device(device_name):
    """Context manager placing tensors made inside on `device_name` ("cpu:0", "gpu:1", ...)."""
    if not isinstance(device_name, str):
        raise TypeError(f"device expects a string like 'cpu:0'; received {device_name!r}.")
    return device_scope(device_name)
