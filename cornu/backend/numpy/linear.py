"""numpy linear-algebra product kernels."""

import functools

import ml_dtypes
import numpy as np

_TENSORS = (np.ndarray, np.generic)  # (op bodies keep NumPy scalars: see core.convert_operand)


def _in_float32_for_bfloat16(fn):
    """NumPy has no bfloat16 kernels (ml_dtypes): compute in float32 and cast back."""

    @functools.wraps(fn)
    def kernel(*args, **kwargs):
        arrays = [a for a in args if isinstance(a, _TENSORS)]
        dtype = arrays[0].dtype if arrays else None
        if dtype != ml_dtypes.bfloat16:
            out = fn(*args, **kwargs)
            if dtype is None or isinstance(out, tuple):
                return out
            return out.astype(dtype, copy=False)  # (a NumPy scalar stays one: np.dot of vectors)
        args = [a.astype(np.float32) if isinstance(a, _TENSORS) else a for a in args]
        out = fn(*args, **kwargs)
        if isinstance(out, tuple):
            return tuple(o.astype(dtype) for o in out)
        return out.astype(dtype)

    return kernel


matmul = _in_float32_for_bfloat16(np.matmul)
dot = _in_float32_for_bfloat16(np.dot)
tensordot = _in_float32_for_bfloat16(np.tensordot)
inner = _in_float32_for_bfloat16(np.inner)
outer = _in_float32_for_bfloat16(np.outer)
kron = _in_float32_for_bfloat16(np.kron)
vdot = _in_float32_for_bfloat16(np.vdot)


@_in_float32_for_bfloat16
def einsum(subscripts, *operands):
    return np.einsum(subscripts, *operands)


@_in_float32_for_bfloat16
def cross(x1, x2, axisa, axisb, axisc):
    a = np.moveaxis(x1, axisa, -1)
    b = np.moveaxis(x2, axisb, -1)
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    # (NumPy deprecates 2-element vectors in np.cross: give them a zero z component.)
    if a.shape[-1] == 2:
        a = np.concatenate([a, np.zeros_like(a[..., :1])], -1)
    if b.shape[-1] == 2:
        b = np.concatenate([b, np.zeros_like(b[..., :1])], -1)
    return np.cross(a, b, axisc=axisc)


@_in_float32_for_bfloat16
def correlate_full(x1, x2):
    return np.correlate(x1, x2, mode="full")


def affine(x, kernel, bias):
    """`x @ kernel + bias` (the framework fuses the two, or they run as written)."""
    return matmul(x, kernel) + bias
