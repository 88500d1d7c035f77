"""JAX kernels for cornu.ops.image: small array primitives the front end composes."""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from cornu import config


def einsum(subscripts, *operands):
    return jnp.einsum(subscripts, *operands)


def take(x, indices, axis):
    return jnp.take(x, jnp.asarray(indices), axis=axis, mode="clip")


def pad(x, pad_width, constant_value):
    return jnp.pad(x, pad_width, constant_values=np.asarray(constant_value, x.dtype))


transpose = jnp.transpose
reshape = jnp.reshape
floor = jnp.floor
where = jnp.where
minimum = jnp.minimum
abs = jnp.abs


def concatenate(xs, axis):
    return jnp.concatenate(xs, axis=axis)


def stack(xs, axis):
    return jnp.stack(xs, axis=axis)


def clip(x, lo, hi):
    return jnp.clip(x, lo, hi).astype(x.dtype)


def round_half_away(x):
    return (jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5)).astype(x.dtype)


def reduce_max(x, axis, keepdims=False):
    return jnp.max(x, axis=axis, keepdims=keepdims)


def reduce_min(x, axis, keepdims=False):
    return jnp.min(x, axis=axis, keepdims=keepdims)


def reduce_mean(x, axis, keepdims=False):
    return jnp.mean(x, axis=axis, keepdims=keepdims).astype(x.dtype)


def solve(a, b):
    return jnp.linalg.solve(a, b)


_COMPILED = {}
_MAX_COMPILED = 512


def _freeze(value):
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def compiled(fn, *tensors, **static):
    """`jax.jit(fn)` over `tensors` with `static` keyword arguments baked in (cached).

    One XLA program per image op instead of dozens of eagerly dispatched primitives; falls
    back to eager execution when a static value is unhashable.
    """
    static = {name: _freeze(value) for name, value in static.items()}
    key = (fn, config.floatx(), tuple(sorted(static.items())))
    try:
        jitted = _COMPILED.get(key)
    except TypeError:
        return fn(*tensors, **static)
    if jitted is None:
        if len(_COMPILED) >= _MAX_COMPILED:
            _COMPILED.clear()
        jitted = _COMPILED[key] = jax.jit(functools.partial(fn, **static))
    return jitted(*tensors)


def batch_offsets(x, step):
    """(batch, 1, 1) int32: i * step for each item i of `x`'s leading axis."""
    return (jnp.arange(x.shape[0], dtype="int32") * step).reshape(-1, 1, 1)
