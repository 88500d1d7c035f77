"""Helpers shared by the `cornu.ops.linalg` modules: compute dtypes (int and bool -> floatx,
float16/bfloat16 -> float32, cast back at the end) and matrix shape checks and specs.
"""

from cornu import backend
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import float_dtype_of, to_tensor

_HALF = ("float16", "bfloat16")


COMPLEX_OF = {"float32": "complex64", "float64": "complex128"}


def result_dtype(*values):
    """The float dtype an op returns for `values` (ints and bools give floatx)."""
    return float_dtype_of(*values)


def compute_dtype(dtype):
    """Half precision computes in float32 (the frameworks lack half linalg kernels)."""
    return "float32" if dtype in _HALF else dtype


def prepare(x, dtype):
    return to_tensor(x, compute_dtype(dtype))


def finish(out, dtype):
    """Casts `out` (a tensor or tuple) back to `dtype` when a half dtype computed in float32."""
    if dtype not in _HALF:
        return out
    if isinstance(out, tuple):
        return tuple(finish(o, dtype) for o in out)
    return backend.cast(out, dtype)


def real_dtype(dtype):
    return {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)


def check_matrix(shape, op_name, arg="x", square=True):
    """Raises unless `shape` is a (batch of) matrix, square when asked."""
    if len(shape) < 2:
        raise ValueError(
            f"{op_name}: `{arg}` must have rank >= 2 (a matrix or a batch of matrices); "
            f"received shape {tuple(shape)}."
        )
    m, n = shape[-2], shape[-1]
    if square and m is not None and n is not None and m != n:
        raise ValueError(
            f"{op_name}: `{arg}` must be square in its last two dimensions; "
            f"received shape {tuple(shape)}."
        )
    return tuple(shape)


def prepared_matrix(x, op_name, square=True):
    """`(x, dtype)`: `x` as a tensor of its compute dtype, checked to be a (batch of) matrix
    (square when asked), and the dtype the op returns (`finish` casts back to it)."""
    dtype = result_dtype(x)
    x = prepare(x, dtype)
    check_matrix(static_shape(x), op_name, square=square)
    return x, dtype


def same_spec(op_name, square=True):
    def spec(x, *args, **kwargs):
        shape = check_matrix(rules.shape_of(x), op_name, square=square)
        return KerasTensor(shape, dtype=result_dtype(x))

    return spec


def batch_spec(op_name):
    def spec(x, *args, **kwargs):
        shape = check_matrix(rules.shape_of(x), op_name)
        return KerasTensor(shape[:-2], dtype=result_dtype(x))

    return spec


def static_shape(x):
    return tuple(rules.shape_of(x))
