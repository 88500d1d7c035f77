"""Linear-algebra products of the NumPy API: matmul, dot, einsum, tensordot, inner, outer,
kron, cross, vdot, slogdet, correlate."""

from cornu import backend
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import (
    canonicalize_axis,
    dtype_of,
    float_dtype_of,
    kernels,
    op,
    promote,
    to_tensor,
)
from cornu.ops.numpy.elementwise import add

_k = kernels()

__all__ = ["matmul"]


def _matmul_shape(shape1, shape2):
    if not shape1 or not shape2:
        raise ValueError(
            f"matmul: inputs must have rank >= 1; received shapes {shape1} and {shape2}."
        )
    a = (1,) + shape1 if len(shape1) == 1 else shape1
    b = shape2 + (1,) if len(shape2) == 1 else shape2
    if a[-1] is not None and b[-2] is not None and a[-1] != b[-2]:
        raise ValueError(
            f"matmul: the last dimension of x1 ({a[-1]}) must equal the second-to-last "
            f"dimension of x2 ({b[-2]}); received shapes {shape1} and {shape2}."
        )
    batch = rules.broadcast_shapes(a[:-2], b[:-2], "matmul")
    out = batch + (a[-2], b[-1])
    if len(shape1) == 1:
        out = out[:-2] + out[-1:]
    if len(shape2) == 1:
        out = out[:-1]
    return out


def _matmul_dtype(x1, x2):
    dtype = dtypes.result_type(dtype_of(x1), dtype_of(x2))
    return "int32" if dtype in ("bool", "int8", "int16", "uint8", "uint16") else dtype


def _matmul_spec(x1, x2):
    return KerasTensor(
        _matmul_shape(rules.shape_of(x1), rules.shape_of(x2)), dtype=_matmul_dtype(x1, x2)
    )


_SMALL_INTS = frozenset(("bool", "int8", "int16", "uint8", "uint16"))


def affine(x, kernel, bias):
    """`matmul(x, kernel) + bias`: one kernel for float tensors where the framework has one
    (torch: addmm), else the two ops. Used by Dense; not a Keras op, so not exported."""
    if (
        isinstance(x, KerasTensor)
        or dtype_of(x) not in dtypes.FLOAT_TYPES
        or dtype_of(kernel) not in dtypes.FLOAT_TYPES
    ):
        return add(matmul(x, kernel), bias)
    return _k.affine(*promote(x, kernel, bias))


@op(spec=_matmul_spec)
def matmul(x1, x2):
    """Matrix product with NumPy's rules (1-D operands, broadcast batch dimensions).

    Small integer and bool inputs compute in int32.
    """
    x1, x2 = promote(x1, x2)
    if dtypes.standardize_dtype(x1.dtype) in _SMALL_INTS:
        x1, x2 = promote(x1, x2, dtype="int32")
    try:
        return _k.matmul(x1, x2)
    except Exception:
        _matmul_shape(tuple(x1.shape), tuple(x2.shape))  # raises the clear error if shapes clash
        raise


# --- products beyond matmul ------------------------------------------------------------------

__all__ += [
    "dot",
    "einsum",
    "tensordot",
    "inner",
    "outer",
    "kron",
    "cross",
    "vdot",
    "slogdet",
    "correlate",
]


def _product_inputs(x1, x2):
    """Promotes product operands like `matmul` (small ints and bool compute in int32)."""
    return promote(x1, x2, dtype=_matmul_dtype(x1, x2))


def _product_dtype_n(xs):
    dtype = dtypes.result_type(*(dtype_of(x) for x in xs))
    return "int32" if dtype in ("bool", "int8", "int16", "uint8", "uint16") else dtype


def _dim_mismatch(name, d1, d2, shape1, shape2, what):
    if d1 is not None and d2 is not None and d1 != d2:
        raise ValueError(
            f"{name}: {what} must match; received shapes {tuple(shape1)} and {tuple(shape2)}."
        )


@op()
def dot(x1, x2):
    """NumPy's `dot`: scalars multiply; otherwise sums over the last axis of `x1` and the
    second-to-last axis of `x2` (its only axis when 1-D)."""
    x1, x2 = _product_inputs(x1, x2)
    s1, s2 = tuple(x1.shape), tuple(x2.shape)
    if s1 and s2:
        other = s2[0] if len(s2) == 1 else s2[-2]
        _dim_mismatch("dot", s1[-1], other, s1, s2, "the contracted dimensions")
    return _k.dot(x1, x2)


@op()
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation over `operands` described by `subscripts` (e.g. "ij,jk->ik").

    Operands are promoted to one dtype (small ints and bool compute in int32).
    """
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: `subscripts` must be a string; received {subscripts!r}.")
    if not operands:
        raise ValueError("einsum: at least one operand is needed.")
    operands = promote(*operands, dtype=_product_dtype_n(operands))
    return _k.einsum(subscripts, *operands)


def _tensordot_axes(axes, ndim1, ndim2):
    if isinstance(axes, int) and not isinstance(axes, bool):
        if not 0 <= axes <= min(ndim1, ndim2):
            raise ValueError(
                f"tensordot: `axes`={axes} must be between 0 and the smaller rank "
                f"({min(ndim1, ndim2)})."
            )
        return tuple(range(ndim1 - axes, ndim1)), tuple(range(axes))
    try:
        a1, a2 = axes
    except (TypeError, ValueError):
        raise ValueError(
            f"tensordot: `axes` must be an int or a pair of axis lists; received {axes!r}."
        ) from None
    a1 = (a1,) if isinstance(a1, int) else tuple(a1)
    a2 = (a2,) if isinstance(a2, int) else tuple(a2)
    if len(a1) != len(a2):
        raise ValueError(
            f"tensordot: the two axis lists must have the same length; received {axes!r}."
        )
    a1 = tuple(canonicalize_axis(a, ndim1, "tensordot", "axes") for a in a1)
    a2 = tuple(canonicalize_axis(a, ndim2, "tensordot", "axes") for a in a2)
    return a1, a2


@op()
def tensordot(x1, x2, axes=2):
    """Sum of products over the given axes.

    Args:
        axes: an int N (the last N axes of `x1` with the first N of `x2`) or a pair of axis
            lists `(axes_of_x1, axes_of_x2)`.
    """
    x1, x2 = _product_inputs(x1, x2)
    s1, s2 = tuple(x1.shape), tuple(x2.shape)
    a1, a2 = _tensordot_axes(axes, len(s1), len(s2))
    for i, j in zip(a1, a2):
        _dim_mismatch("tensordot", s1[i], s2[j], s1, s2, "the contracted dimensions")
    return _k.tensordot(x1, x2, (list(a1), list(a2)))


@op()
def inner(x1, x2):
    """Inner product over the last axes (scalars multiply)."""
    x1, x2 = _product_inputs(x1, x2)
    s1, s2 = tuple(x1.shape), tuple(x2.shape)
    if s1 and s2:
        _dim_mismatch("inner", s1[-1], s2[-1], s1, s2, "the last dimensions")
    return _k.inner(x1, x2)


@op()
def outer(x1, x2):
    """Outer product of the flattened inputs: shape `(x1.size, x2.size)`."""
    x1, x2 = _product_inputs(x1, x2)
    return _k.outer(x1, x2)


@op()
def kron(x1, x2):
    """Kronecker product (the smaller-rank input gains leading unit axes)."""
    x1, x2 = _product_inputs(x1, x2)
    return _k.kron(x1, x2)


@op()
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-element vectors, broadcast over the other axes.

    Args:
        axisa, axisb: axes of `x1`/`x2` holding the vectors.
        axisc: axis of the result holding the vectors (absent when both inputs are 2-D
            vectors: the result is then the scalar z component).
        axis: if given, overrides `axisa`, `axisb` and `axisc`.
    """
    x1, x2 = promote(x1, x2, dtype=_product_dtype_n((x1, x2)))
    if axis is not None:
        axisa = axisb = axisc = axis
    s1, s2 = tuple(x1.shape), tuple(x2.shape)
    axisa = canonicalize_axis(axisa, len(s1), "cross", "axisa")
    axisb = canonicalize_axis(axisb, len(s2), "cross", "axisb")
    if s1[axisa] not in (2, 3) or s2[axisb] not in (2, 3):
        raise ValueError(
            "cross: the vector axes must have 2 or 3 elements; received shapes "
            f"{s1} (axisa={axisa}) and {s2} (axisb={axisb})."
        )
    out_ndim = len(
        rules.broadcast_shapes(
            tuple(d for i, d in enumerate(s1) if i != axisa),
            tuple(d for i, d in enumerate(s2) if i != axisb),
            "cross",
        )
    )
    if s1[axisa] == 3 or s2[axisb] == 3:
        axisc = canonicalize_axis(axisc, out_ndim + 1, "cross", "axisc")
    else:
        axisc = None
    return _k.cross(x1, x2, axisa, axisb, axisc)


@op()
def vdot(x1, x2):
    """Dot product of the flattened inputs (the first is conjugated when complex)."""
    x1, x2 = _product_inputs(x1, x2)
    n1 = _size(tuple(x1.shape))
    n2 = _size(tuple(x2.shape))
    if n1 is not None and n2 is not None and n1 != n2:
        raise ValueError(
            f"vdot: inputs must have the same number of elements; received shapes "
            f"{tuple(x1.shape)} and {tuple(x2.shape)}."
        )
    return _k.vdot(x1, x2)


def _size(shape):
    """Number of elements, or None when a dimension is unknown (during tracing)."""
    n = 1
    for d in shape:
        if d is None:
            return None
        n *= d
    return n


def _slogdet_spec(x):
    shape = rules.shape_of(x)
    _check_square("slogdet", shape)
    dtype = float_dtype_of(x)
    return KerasTensor(shape[:-2], dtype=dtype), KerasTensor(shape[:-2], dtype=dtype)


def _check_square(name, shape):
    if len(shape) < 2:
        raise ValueError(f"{name}: `x` must have rank >= 2; received shape {tuple(shape)}.")
    if shape[-1] is not None and shape[-2] is not None and shape[-1] != shape[-2]:
        raise ValueError(
            f"{name}: `x` must be square in its last two dimensions; received shape {tuple(shape)}."
        )


@op(spec=_slogdet_spec)
def slogdet(x):
    """Sign and natural log of the absolute determinant of each square matrix.

    Returns:
        `(sign, logabsdet)`, float (ints give floatx); `det = sign * exp(logabsdet)`.
    """
    dtype = float_dtype_of(x)
    compute = "float32" if dtype in ("float16", "bfloat16") else dtype
    x = to_tensor(x, compute)
    _check_square("slogdet", tuple(x.shape))
    sign, logdet = _k.slogdet(x)
    if compute != dtype:
        sign, logdet = backend.cast(sign, dtype), backend.cast(logdet, dtype)
    return sign, logdet


def _correlate_len(n, m, mode):
    if mode == "full":
        return 0, n + m - 1
    if mode == "same":
        length = max(n, m)
        start = (m - 1) // 2 if n >= m else n + m - 1 - ((n - 1) // 2 + length)
        return start, length
    return min(n, m) - 1, max(n, m) - min(n, m) + 1


def _correlate_spec(x1, x2, mode="valid"):
    s1, s2 = rules.shape_of(x1), rules.shape_of(x2)
    _check_correlate(s1, s2, mode)
    if s1[0] is None or s2[0] is None:
        length = None
    else:
        length = _correlate_len(s1[0], s2[0], mode)[1]
    return KerasTensor((length,), dtype=float_dtype_of(x1, x2))


def _check_correlate(s1, s2, mode):
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: `mode` must be 'valid', 'same' or 'full'; received {mode!r}.")
    if len(s1) != 1 or len(s2) != 1:
        raise ValueError(f"correlate: inputs must be 1-D; received shapes {s1} and {s2}.")
    if s1[0] == 0 or s2[0] == 0:
        raise ValueError(f"correlate: inputs must not be empty; received shapes {s1} and {s2}.")


@op(spec=_correlate_spec)
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D sequences, `c[k] = sum_n x1[n + k] * x2[n]`, like NumPy.

    Integer and bool inputs compute in floatx (float32).

    Args:
        mode: "valid" (length `max(N, M) - min(N, M) + 1`), "same" (length `max(N, M)`) or
            "full" (length `N + M - 1`).
    """
    x1, x2 = promote(x1, x2, dtype=float_dtype_of(x1, x2))
    s1, s2 = tuple(x1.shape), tuple(x2.shape)
    _check_correlate(s1, s2, mode)
    start, length = _correlate_len(s1[0], s2[0], mode)
    full = _k.correlate_full(x1, x2)
    return full[start : start + length]
