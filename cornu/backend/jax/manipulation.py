"""jax shape-manipulation kernels.

`reshape`, `transpose`, `concatenate`, `pad`, `split`, ... are shared with numpy
(`common/array_kernels.py`); the ones below are JAX's own.
"""

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend.common import array_kernels
from cornu.backend.jax.core import to_framework_dtype

globals().update(array_kernels.manipulation(jnp))

broadcast_to = jnp.broadcast_to


def repeat(x, repeats, axis):
    if isinstance(repeats, tuple):  # static counts: a gather with precomputed indices
        index = np.repeat(np.arange(x.shape[axis], dtype=np.int32), repeats)
        return jnp.take(x, index, axis=axis)
    return jnp.repeat(x, repeats, axis=axis)


def view(x, dtype, shape):
    """Bit reinterpretation with NumPy's rule: the last axis rescales by the size ratio."""
    target = to_framework_dtype(dtype)
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.uint8)
    out_bool = target == jnp.bool_
    if out_bool:
        target = jnp.uint8
    old, new = jnp.dtype(x.dtype).itemsize, jnp.dtype(target).itemsize
    if old < new:
        x = x.reshape(x.shape[:-1] + (x.shape[-1] * old // new, new // old))
    out = jax.lax.bitcast_convert_type(x, target)
    out = out.reshape(shape)
    return out != 0 if out_bool else out
