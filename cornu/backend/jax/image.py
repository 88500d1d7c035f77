"""JAX kernels for cornu.ops.image: each image op runs as one compiled XLA program (`compiled`)
of the small primitives here and of the elementwise, manipulation and linear kernels."""

import functools

import jax
import jax.numpy as jnp

from cornu import config
from cornu.backend.common import array_kernels
from cornu.backend.jax import elementwise as _elementwise
from cornu.backend.jax import reduction as _reduction

globals().update(array_kernels.image(jnp))

abs = _elementwise.absolute
reduce_max = _reduction.max
reduce_min = _reduction.min


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
