"""JAX sorting, searching and set kernels (index outputs are int32).

bincount and unique have data-dependent output sizes: they need concrete (non-traced) inputs
unless a static length / size is given. `searchsorted`, `sort_descending` and `isin` are shared
with numpy (`common/array_kernels.py`).
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend.common import array_kernels

globals().update(array_kernels.sorting(jnp))


def sort(x, axis):
    return jnp.sort(x, axis=axis, stable=True)


def argsort(x, axis):
    return jnp.argsort(x, axis=axis, stable=True).astype("int32")


def bincount(x, weights, minlength, length, dtype):
    """Counts per value of the non-negative ints `x` (1-D, or per row of 2-D `x`)."""
    if length is None:
        concrete = np.asarray(x)  # data-dependent length: raises under jit
        if concrete.size and concrete.min() < 0:
            raise ValueError(
                f"bincount: `x` must be non-negative; its minimum is {concrete.min()}."
            )
        length = max(minlength, int(concrete.max()) + 1 if concrete.size else 0)
    if weights is not None:
        weights = weights.astype(dtype)

    def count(row, w):
        return jnp.bincount(row, w, minlength=length, length=length)

    if x.ndim == 1:
        out = count(x, weights)
    elif weights is None:
        out = jax.vmap(lambda row: count(row, None))(x)
    else:
        out = jax.vmap(count)(x, weights)
    return out.astype(dtype)


def unique(x, axis, size=None, fill_value=None):
    """(values, first index, inverse, counts), sorted; index outputs int32.

    Without `size` the output length depends on the data, so `x` must be concrete (not traced):
    NumPy does the work on the host, which avoids compiling jnp.unique for every new shape.
    With `size`, jnp.unique's static-size form is used (jittable); its padding entries get
    `fill_value` (default 0) and index 0, as on the other backends.
    """
    if size is not None:
        return _unique_sized(x, axis, size, 0 if fill_value is None else fill_value)
    concrete = np.asarray(x)
    values, index, inverse, counts = np.unique(
        concrete, return_index=True, return_inverse=True, return_counts=True, axis=axis
    )
    inverse = inverse.reshape(concrete.shape) if axis is None else inverse.reshape(-1)
    return (
        jnp.asarray(values, dtype=x.dtype),
        jnp.asarray(index, dtype="int32"),
        jnp.asarray(inverse, dtype="int32"),
        jnp.asarray(counts, dtype="int32"),
    )


@functools.partial(jax.jit, static_argnames=("axis", "size"))
def _unique_sized(x, axis, size, fill_value):
    values, index, inverse, counts = jnp.unique(
        x,
        return_index=True,
        return_inverse=True,
        return_counts=True,
        axis=axis,
        size=size,
        fill_value=jnp.asarray(fill_value, dtype=x.dtype),
    )
    index = jnp.where(counts > 0, index, 0)
    inverse = inverse.reshape(x.shape) if axis is None else inverse.reshape(-1)
    return values, index.astype("int32"), inverse.astype("int32"), counts.astype("int32")
