"""Helpers shared by the `cornu.ops.math` modules: compute dtypes (float16/bfloat16 compute in
float32 and are cast back) and static shapes.
"""

from cornu import backend
from cornu.ops import rules

_HALF = ("float16", "bfloat16")


def _compute_dtype(dtype):
    """Half precision computes in float32 (FFT and friends lack half kernels)."""
    return "float32" if dtype in _HALF else dtype


def _cast_back(out, dtype):
    if dtype not in _HALF:
        return out
    if isinstance(out, tuple):
        return tuple(backend.cast(o, dtype) for o in out)
    return backend.cast(out, dtype)


def _shape(x):
    return tuple(rules.shape_of(x))
