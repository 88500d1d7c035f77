"""NumPy reduction kernels. Results are what NumPy returns: a reduction to 0-d gives a NumPy
scalar (`np.float32`), as under Keras's numpy backend.

`sum`, `max`, `argmax`, `cumsum`, ... are shared with jax (`common/array_kernels.py`); the ones
below are NumPy's own, quiet where NumPy would warn about empty or all-NaN slices (the results
are NaN). `axes` is None or a non-empty tuple of canonical axes; the front end has already
chosen the compute dtype, so every kernel keeps it.
"""

import warnings

import numpy as np

from cornu.backend.common import array_kernels

globals().update(array_kernels.reduction(np))


def _quiet(fn):
    """Runs `fn` silencing NumPy's empty-slice / all-NaN RuntimeWarnings (results are NaN)."""

    def wrapped(*args, **kwargs):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)

    return wrapped


@_quiet
def mean(x, axis=None, keepdims=False):
    # (`axis`, with defaults: the nn front end calls `mean(x, axis=..., keepdims=...)` too.)
    return np.mean(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


@_quiet
def var(x, axes, keepdims):
    return np.var(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


@_quiet
def quantile(x, q, axes, method, keepdims, ignore_nan):
    fn = np.nanquantile if ignore_nan else np.quantile
    return fn(x, q, axis=axes, method=method, keepdims=keepdims).astype(x.dtype)


@_quiet
def corrcoef(x):
    return np.corrcoef(x, dtype=x.dtype).astype(x.dtype)
