"""jax creation kernels (dtypes arrive as cornu dtype names).

`zeros`, `ones`, `eye`, `tril`, ... are shared with numpy (`common/array_kernels.py`).
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend.common import array_kernels
from cornu.backend.jax.core import to_framework_dtype as _dt

globals().update(array_kernels.creation(jnp, _dt))


def full(shape, fill_value):
    return jnp.broadcast_to(fill_value, shape)


def full_like(x, fill_value):
    return jnp.broadcast_to(fill_value, x.shape)


# Constant-only results are computed with NumPy: no XLA compilation per shape.
def arange(start, stop, step=None, length=None, dtype=None):
    """`length` values `start + i * step` of `dtype` (a cornu name).

    The nn front end calls it as `arange(n, dtype)`: 0, 1, ..., n - 1.
    """
    if step is None:
        start, step, length, dtype = 0, 1, start, stop
    dtype = _dt(dtype)
    if np.issubdtype(dtype, np.integer) and all(isinstance(v, int) for v in (start, step)):
        values = np.arange(length, dtype=np.int64) * step + start
    else:
        values = np.arange(length, dtype=np.float64) * step + start
    return jnp.asarray(values.astype(dtype))


def _linspace0(start, stop, num, endpoint):
    """Samples along a new leading axis (start + i * step, the endpoint exact), and the step."""
    start, stop = jnp.broadcast_arrays(start, stop)
    div = num - 1 if endpoint else num
    delta = stop - start
    step = delta / div if div > 0 else jnp.full_like(delta, jnp.nan)
    index = jnp.arange(num, dtype=start.dtype).reshape((num,) + (1,) * start.ndim)
    samples = start + index * (step if div > 0 else delta)
    if endpoint and num > 1:
        samples = samples.at[-1].set(stop)
    return samples, step


@functools.partial(jax.jit, static_argnums=(2, 3, 4))
def linspace(start, stop, num, endpoint, axis):
    samples, step = _linspace0(start, stop, num, endpoint)
    return jnp.moveaxis(samples, 0, axis), step


@functools.partial(jax.jit, static_argnums=(2, 3, 4, 5))
def logspace(start, stop, num, endpoint, base, axis):
    samples, _ = _linspace0(start, stop, num, endpoint)
    return jnp.moveaxis(jnp.power(jnp.asarray(base, start.dtype), samples), 0, axis)


def cast_values(x, dtype):
    dtype = _dt(dtype)
    if jnp.issubdtype(dtype, jnp.integer) and jnp.issubdtype(x.dtype, jnp.floating):
        x = jnp.floor(x)
    return x.astype(dtype)


def vander(x, n, increasing):
    return jnp.vander(x, n, increasing=increasing).astype(x.dtype)
