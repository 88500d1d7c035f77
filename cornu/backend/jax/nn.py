"""JAX kernels used only by `cornu.ops.nn` (inputs already promoted to one dtype by the front
end).

Most nn ops are composed in the front end from the elementwise, reduction and manipulation
kernels (one flat namespace); conv and pooling live in `nn_conv.py`.
"""

import functools

import jax
import numpy as np

from cornu.backend.common.variables import VariableBase
from cornu.backend.jax.core import stop_gradient as stop_gradient
from cornu.backend.jax.indexing import get_item

_ARRAY_TYPES = (jax.Array, np.ndarray)

slice = get_item  # `x[index]`
sigmoid = jax.nn.sigmoid
softplus = jax.nn.softplus


def complex_from_parts(real, imag):
    return jax.lax.complex(real, imag)


def fuse(fn):
    """Runs an op body under one `jax.jit` (cached by its non-array arguments) instead of
    dispatching each primitive eagerly: one XLA compile per op and shape, not one per step.

    Array arguments (jax or NumPy) are traced; every other leaf of the arguments is static.
    Calls whose static arguments are not hashable run eagerly.
    """
    cache = {}

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        leaves, treedef = jax.tree_util.tree_flatten(
            (args, kwargs), is_leaf=lambda v: isinstance(v, VariableBase)
        )
        leaves = [v.value if isinstance(v, VariableBase) else v for v in leaves]
        dynamic = tuple(i for i, v in enumerate(leaves) if isinstance(v, _ARRAY_TYPES))
        static = tuple((i, type(v), v) for i, v in enumerate(leaves) if i not in dynamic)
        key = (treedef, static, dynamic)
        try:
            jitted = cache.get(key)
        except TypeError:
            return fn(*args, **kwargs)
        if jitted is None:
            size = len(leaves)

            def run(values):
                full = [None] * size
                for i, _, v in static:
                    full[i] = v
                for i, v in zip(dynamic, values):
                    full[i] = v
                a, k = jax.tree_util.tree_unflatten(treedef, full)
                return fn(*a, **k)

            jitted = cache[key] = jax.jit(run)
        return jitted([leaves[i] for i in dynamic])

    return wrapped


def relu(x):
    return jax.nn.relu(x)
