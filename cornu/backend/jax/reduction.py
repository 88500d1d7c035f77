"""JAX reduction kernels. `sum`, `max`, `argmax`, `cumsum`, ... are shared with numpy
(`common/array_kernels.py`); the ones below are JAX's own. `axes` is None or a non-empty tuple of
canonical axes; the front end has already chosen the compute dtype, so every kernel keeps it."""

import functools

import jax
import jax.numpy as jnp

from cornu.backend.common import array_kernels

globals().update(array_kernels.reduction(jnp))


def mean(x, axis=None, keepdims=False):
    # (`axis`, with defaults: the nn front end calls `mean(x, axis=..., keepdims=...)` too.)
    return jnp.mean(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def var(x, axes, keepdims):
    return jnp.var(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


@functools.partial(jax.jit, static_argnames=("axes", "method", "keepdims", "ignore_nan"))
def quantile(x, q, axes, method, keepdims, ignore_nan):
    if not ignore_nan:
        return jnp.quantile(x, q, axis=axes, method=method, keepdims=keepdims).astype(x.dtype)
    return _nanquantile(x, q, axes, method, keepdims)


def _nanquantile(x, q, axes, method, keepdims):
    """Sort-based nanquantile (jnp.nanquantile's "nearest" disagrees with NumPy)."""
    ndim = x.ndim
    axes = tuple(range(ndim)) if axes is None else axes
    kept = [i for i in range(ndim) if i not in axes]
    kept_shape = [x.shape[i] for i in kept]
    rows = jnp.transpose(x, kept + list(axes)).reshape(kept_shape + [-1])
    n = rows.shape[-1]
    nan = jnp.isnan(rows)
    ordered = jnp.sort(jnp.where(nan, jnp.asarray(jnp.inf, x.dtype), rows), axis=-1)
    index_dtype = jnp.result_type(float)  # float64 with x64, else float32
    count = (n - jnp.sum(nan, axis=-1)).astype(index_dtype)
    pos = q.reshape(-1).astype(index_dtype) * (count[..., None] - 1)
    lo, hi = jnp.floor(pos), jnp.ceil(pos)

    def take(index):
        index = jnp.clip(index.astype("int32"), 0, n - 1)
        return jnp.take_along_axis(ordered, index, axis=-1)

    if method == "lower":
        out = take(lo)
    elif method == "higher":
        out = take(hi)
    elif method == "nearest":
        out = take(jnp.round(pos))
    elif method == "midpoint":
        out = (take(lo) + take(hi)) / jnp.asarray(2, x.dtype)
    else:
        v_lo, v_hi = take(lo), take(hi)
        t = (pos - lo).astype(x.dtype)
        out = jnp.where(t > 0, v_lo + (v_hi - v_lo) * t, v_lo)
    out = jnp.where((count == 0)[..., None], jnp.asarray(jnp.nan, x.dtype), out)
    out = jnp.moveaxis(out, -1, 0)
    final = [1 if i in axes else d for i, d in enumerate(x.shape)] if keepdims else kept_shape
    return out.reshape(list(q.shape) + list(final))


def corrcoef(x):
    return jnp.corrcoef(x).astype(x.dtype)
