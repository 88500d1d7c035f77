"""jax indexing kernels (`get_item`, `trace` and `unravel_index` are shared with numpy)."""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend.common import array_kernels

globals().update(array_kernels.indexing(jnp))


def diagonal(x, offset, axis1, axis2, length):
    return jnp.diagonal(x, offset, axis1, axis2)


def nonzero(x):
    if isinstance(x, jax.core.Tracer):  # data-dependent shape: jnp raises its own clear error
        return tuple(i.astype(jnp.int32) for i in jnp.nonzero(x))
    return tuple(jnp.asarray(i.astype(np.int32)) for i in np.nonzero(np.asarray(x)))


def _wrap(indices, n):
    return jnp.where(indices < 0, indices + n, indices)


@functools.partial(jax.jit, static_argnums=2)
def _take(x, indices, axis):
    return jnp.take(x, _wrap(indices, x.shape[axis]), axis=axis)


def _check_in_range(indices, n, axis):
    # jnp.take fills out-of-range reads with NaN; concrete (eager) indices get torch's and
    # NumPy's IndexError instead. Traced indices cannot be checked without a host sync.
    if isinstance(indices, jax.core.Tracer) or not np.size(indices):
        return
    host = np.asarray(indices)
    low, high = host.min(), host.max()
    if low < -n or high >= n:
        bad = high if high >= n else low
        raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}.")


def take(x, indices, axis):
    _check_in_range(indices, x.shape[axis], axis)
    return _take(x, indices, axis)


@functools.partial(jax.jit, static_argnums=2)
def take_along_axis(x, indices, axis):
    return jnp.take_along_axis(x, _wrap(indices, x.shape[axis]), axis=axis)
