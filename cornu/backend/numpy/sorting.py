"""NumPy sorting, searching and set kernels (index outputs are int32).

`searchsorted`, `sort_descending` and `isin` are shared with jax (`common/array_kernels.py`).
"""

import numpy as np

from cornu.backend.common import array_kernels
from cornu.backend.numpy.core import to_32_bit

globals().update(array_kernels.sorting(np))


def sort(x, axis):
    return np.sort(x, axis=axis, kind="stable")


def argsort(x, axis):
    return np.argsort(x, axis=axis, kind="stable").astype("int32")


def bincount(x, weights, minlength, length, dtype):
    """Counts per value of the non-negative ints `x` (1-D, or per row of 2-D `x`).

    `length` fixes the output length (all values must be below it); None uses
    max(max(x) + 1, minlength).
    """
    if x.size and x.min() < 0:
        raise ValueError(f"bincount: `x` must be non-negative; its minimum is {x.min()}.")
    if length is None:
        length = max(minlength, int(x.max()) + 1 if x.size else 0)
    if x.ndim == 1:
        out = np.bincount(x, weights, minlength=length)
    else:
        rows = [
            np.bincount(row, None if weights is None else w, minlength=length)
            for row, w in zip(x, x if weights is None else weights)
        ]
        out = np.stack(rows) if rows else np.zeros((0, length))
    return out.astype(dtype)


def unique(x, axis, size=None, fill_value=None):
    """(values, first index, inverse, counts), sorted; index outputs int32.

    `size`/`fill_value` are applied by the front end (padding/truncation).
    """
    # int64/float64 data gives int32/float32 uniques, as under Keras's numpy backend (and JAX).
    x = to_32_bit(x)
    values, index, inverse, counts = np.unique(
        x, return_index=True, return_inverse=True, return_counts=True, axis=axis
    )
    if axis is None:
        inverse = inverse.reshape(x.shape)
    else:
        inverse = inverse.reshape(-1)
    return values, index.astype("int32"), inverse.astype("int32"), counts.astype("int32")
