"""NumPy reduction kernels. `axes` is None or a non-empty tuple of canonical axes; the front end
has already chosen the compute dtype, so every kernel keeps it. Results are what NumPy returns:
a reduction to 0-d gives a NumPy scalar (`np.float32`), as under Keras's numpy backend."""

import warnings

import numpy as np


def _quiet(fn):
    """Runs `fn` silencing NumPy's empty-slice / all-NaN RuntimeWarnings (results are NaN)."""

    def wrapped(*args, **kwargs):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)

    return wrapped


def sum(x, axes, keepdims):
    return np.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


def prod(x, axes, keepdims):
    return np.prod(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


def max(x, axes, keepdims):
    return np.max(x, axis=axes, keepdims=keepdims)


def min(x, axes, keepdims):
    return np.min(x, axis=axes, keepdims=keepdims)


def all(x, axes, keepdims):
    return np.all(x, axis=axes, keepdims=keepdims)


def any(x, axes, keepdims):
    return np.any(x, axis=axes, keepdims=keepdims)


@_quiet
def mean(x, axes, keepdims):
    return np.mean(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


@_quiet
def var(x, axes, keepdims):
    return np.var(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


def argmax(x, axis, keepdims):
    return np.argmax(x, axis=axis, keepdims=keepdims).astype("int32")


def argmin(x, axis, keepdims):
    return np.argmin(x, axis=axis, keepdims=keepdims).astype("int32")


def cumsum(x, axis):
    return np.cumsum(x, axis=axis, dtype=x.dtype)


def cumprod(x, axis):
    return np.cumprod(x, axis=axis, dtype=x.dtype)


@_quiet
def quantile(x, q, axes, method, keepdims, ignore_nan):
    fn = np.nanquantile if ignore_nan else np.quantile
    return fn(x, q, axis=axes, method=method, keepdims=keepdims).astype(x.dtype)


def maximum(x1, x2):
    return np.maximum(x1, x2)


def minimum(x1, x2):
    return np.minimum(x1, x2)


def isnan(x):
    return np.isnan(x)


def where(condition, x1, x2):
    return np.where(condition, x1, x2)


@_quiet
def sqrt(x):
    return np.sqrt(x)


def slice_axis(x, axis, start, stop):
    index = [slice(None)] * x.ndim
    index[axis] = slice(start, stop)
    return x[tuple(index)]


@_quiet
def corrcoef(x):
    return np.corrcoef(x, dtype=x.dtype).astype(x.dtype)


# Elementwise helpers used by composite reductions (inputs share one dtype).
reshape = np.reshape
add = np.add
subtract = _quiet(np.subtract)
multiply = _quiet(np.multiply)
divide = _quiet(np.true_divide)
absolute = np.absolute
equal = np.equal
not_equal = np.not_equal
less_equal = np.less_equal
logical_and = np.logical_and
logical_or = np.logical_or
logical_not = np.logical_not
expand_dims = np.expand_dims
