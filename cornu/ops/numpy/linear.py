"""Linear-algebra products of the NumPy API: matmul, ..."""

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, kernels, op, promote

_k = kernels("linear")

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


@op(spec=_matmul_spec)
def matmul(x1, x2):
    """Matrix product with NumPy's rules (1-D operands, broadcast batch dimensions).

    Small integer and bool inputs compute in int32.
    """
    x1, x2 = promote(x1, x2, dtype=_matmul_dtype(x1, x2))
    _matmul_shape(tuple(x1.shape), tuple(x2.shape))
    return _k.matmul(x1, x2)
