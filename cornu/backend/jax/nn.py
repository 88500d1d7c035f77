"""JAX kernels for `cornu.ops.nn` (inputs already promoted to one dtype by the front end).

Most nn ops are composed in the front end from the small primitives here; conv and pooling
live in `nn_conv.py`.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend.common.variables import VariableBase

_ARRAY_TYPES = (jax.Array, np.ndarray)

exp = jnp.exp
expm1 = jnp.expm1
log = jnp.log
log1p = jnp.log1p
tanh = jnp.tanh
sqrt = jnp.sqrt
absolute = jnp.absolute
sign = jnp.sign
cos = jnp.cos
sin = jnp.sin
erf = jax.lax.erf
sigmoid = jax.nn.sigmoid
softplus = jax.nn.softplus

add = jnp.add
subtract = jnp.subtract
multiply = jnp.multiply
divide = jnp.divide
maximum = jnp.maximum
minimum = jnp.minimum
power = jnp.power
greater = jnp.greater
greater_equal = jnp.greater_equal
less = jnp.less
less_equal = jnp.less_equal
equal = jnp.equal
logical_and = jnp.logical_and
where = jnp.where
not_equal = jnp.not_equal
logical_not = jnp.logical_not


def sum(x, axis=None, keepdims=False):
    return jnp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def max(x, axis=None, keepdims=False):
    return jnp.max(x, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    return jnp.mean(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def any(x, axis=None, keepdims=False):
    return jnp.any(x, axis=axis, keepdims=keepdims)


def reshape(x, shape):
    return jnp.reshape(x, shape)


def transpose(x, axes):
    return jnp.transpose(x, axes)


def slice(x, index):
    return x[index]


def concatenate(xs, axis):
    return jnp.concatenate(xs, axis=axis)


def pad(x, pad_width, constant_value):
    return jnp.pad(x, pad_width, constant_values=jnp.asarray(constant_value, x.dtype))


def arange(n, dtype):
    return jnp.arange(n, dtype=dtype)


def ones(shape, dtype):
    return jnp.ones(shape, dtype)


def zeros(shape, dtype):
    return jnp.zeros(shape, dtype)


def sort_descending(x, axis):
    return jnp.flip(jnp.sort(x, axis=axis), axis=axis)


def cumsum(x, axis):
    return jnp.cumsum(x, axis=axis, dtype=x.dtype)


def take_along_axis(x, indices, axis):
    return jnp.take_along_axis(x, indices, axis=axis)


def einsum(subscripts, *operands):
    return jnp.einsum(subscripts, *operands)


stop_gradient = jax.lax.stop_gradient


def complex_from_parts(real, imag):
    return jax.lax.complex(real, imag)


def argmax(x, axis):
    return jnp.argmax(x, axis=axis).astype(jnp.int32)


def expand_dims(x, axis):
    return jnp.expand_dims(x, axis)


def flip(x, axes):
    return jnp.flip(x, axis=tuple(axes))


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
