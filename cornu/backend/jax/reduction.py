"""JAX reduction kernels. `axes` is None or a non-empty tuple of canonical axes; the front end
has already chosen the compute dtype, so every kernel keeps it."""

import functools

import jax
import jax.numpy as jnp


def sum(x, axes, keepdims):
    return jnp.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


def prod(x, axes, keepdims):
    return jnp.prod(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


def max(x, axes, keepdims):
    return jnp.max(x, axis=axes, keepdims=keepdims)


def min(x, axes, keepdims):
    return jnp.min(x, axis=axes, keepdims=keepdims)


def all(x, axes, keepdims):
    return jnp.all(x, axis=axes, keepdims=keepdims)


def any(x, axes, keepdims):
    return jnp.any(x, axis=axes, keepdims=keepdims)


def mean(x, axes, keepdims):
    return jnp.mean(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


def var(x, axes, keepdims):
    return jnp.var(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


def argmax(x, axis, keepdims):
    return jnp.argmax(x, axis=axis, keepdims=keepdims).astype("int32")


def argmin(x, axis, keepdims):
    return jnp.argmin(x, axis=axis, keepdims=keepdims).astype("int32")


def cumsum(x, axis):
    return jnp.cumsum(x, axis=axis, dtype=x.dtype)


def cumprod(x, axis):
    return jnp.cumprod(x, axis=axis, dtype=x.dtype)


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


maximum = jnp.maximum
minimum = jnp.minimum
isnan = jnp.isnan
where = jnp.where
sqrt = jnp.sqrt


def slice_axis(x, axis, start, stop):
    index = [slice(None)] * x.ndim
    index[axis] = slice(start, stop)
    return x[tuple(index)]


def corrcoef(x):
    return jnp.corrcoef(x).astype(x.dtype)


# Elementwise helpers used by composite reductions (inputs share one dtype).
reshape = jnp.reshape
add = jnp.add
subtract = jnp.subtract
multiply = jnp.multiply
divide = jnp.true_divide
absolute = jnp.absolute
equal = jnp.equal
not_equal = jnp.not_equal
less_equal = jnp.less_equal
logical_and = jnp.logical_and
logical_or = jnp.logical_or
logical_not = jnp.logical_not
expand_dims = jnp.expand_dims
