"""jax creation kernels (dtypes arrive as cornu dtype names)."""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend.jax.core import to_framework_dtype as _dt


def zeros(shape, dtype):
    return jnp.zeros(shape, _dt(dtype))


def ones(shape, dtype):
    return jnp.ones(shape, _dt(dtype))


def full(shape, fill_value):
    return jnp.broadcast_to(fill_value, shape)


def zeros_like(x, dtype):
    return jnp.zeros_like(x, _dt(dtype))


def ones_like(x, dtype):
    return jnp.ones_like(x, _dt(dtype))


def full_like(x, fill_value):
    return jnp.broadcast_to(fill_value, x.shape)


# Constant-only results are computed with NumPy: no XLA compilation per shape.
def arange(start, stop, step, length, dtype):
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


def geomspace(start, stop, num, endpoint, axis):
    return jnp.geomspace(start, stop, num, endpoint=endpoint, axis=axis).astype(start.dtype)


def cast_values(x, dtype):
    dtype = _dt(dtype)
    if jnp.issubdtype(dtype, jnp.integer) and jnp.issubdtype(x.dtype, jnp.floating):
        x = jnp.floor(x)
    return x.astype(dtype)


reshape = jnp.reshape
broadcast_to = jnp.broadcast_to


def ravel(x):
    return jnp.reshape(x, -1)


def eye(N, M, k, dtype):
    return jnp.asarray(np.eye(N, M, k, dtype=_dt(dtype)))


def tri(N, M, k, dtype):
    return jnp.asarray(np.tri(N, M, k, dtype=_dt(dtype)))


def tril(x, k):
    return jnp.tril(x, k)


def triu(x, k):
    return jnp.triu(x, k)


def diag_matrix(x, k):
    return jnp.diag(x, k)


def diag_part(x, k, length):
    return jnp.diag(x, k)


def vander(x, n, increasing):
    return jnp.vander(x, n, increasing=increasing).astype(x.dtype)
