"""Helpers shared by the `cornu.ops.nn` topic modules: float conversion, constants in a
tensor's dtype, axes, and the softmax and one-hot steps several ops are built from.
"""

from cornu import backend
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, float_dtype_of, kernels, to_tensor

_k = kernels()


def _float(x):
    """`x` as a tensor of its float dtype (int/bool -> floatx)."""
    dtype = getattr(x, "dtype", None)
    if dtype is not None and backend.is_tensor(x) and dtypes.is_float_dtype(dtype):
        return x
    return to_tensor(x, float_dtype_of(x))


def _c(value, like):
    """A 0-d tensor holding `value` in `like`'s dtype (keeps every primitive single-dtype)."""
    return to_tensor(value, dtype_of(like))


def _ndim(x):
    return len(rules.shape_of(x))


def _axes(axis, ndim, op_name, arg="axis"):
    """`axis` (int or sequence of ints) as a sorted tuple of distinct non-negative axes."""
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = tuple(sorted({canonicalize_axis(a, ndim, op_name, arg) for a in axes}))
    if len(out) != len(axes):
        raise ValueError(f"{op_name}: `{arg}` has repeated axes; received {axis!r}.")
    return out


def _float_spec(x, *args, **kwargs):
    return KerasTensor(rules.shape_of(x), dtype=float_dtype_of(x))


def _relu(x):
    return _k.relu(x)


def _compute_dtype(dtype):
    """float16/bfloat16 statistics are computed in float32."""
    return "float32" if dtype in ("float16", "bfloat16") else dtype


def _log_softmax(x, axes):
    shifted = _k.subtract(x, _k.stop_gradient(_k.max(x, axis=axes, keepdims=True)))
    return _k.subtract(shifted, _k.log(_k.sum(_k.exp(shifted), axis=axes, keepdims=True)))


def _softmax(x, axes):
    shifted = _k.exp(_k.subtract(x, _k.stop_gradient(_k.max(x, axis=axes, keepdims=True))))
    return _k.divide(shifted, _k.sum(shifted, axis=axes, keepdims=True))


def _check_int_labels(x, op_name, arg):
    """Labels may be ints, or floats/bools holding whole numbers (cast to int32 later)."""
    dtype = dtype_of(x)
    if dtype in dtypes.COMPLEX_TYPES or dtype == "string":
        raise TypeError(f"{op_name}: `{arg}` must hold integer labels; received dtype {dtype}.")


def _one_hot(x, num_classes, position, dtype):
    ndim = _ndim(x)
    x = to_tensor(x, "int64" if dtype_of(x) in ("int64", "uint32", "uint64") else "int32")
    # (float labels are truncated toward zero by the cast)
    classes_shape = [1] * (ndim + 1)
    classes_shape[position] = num_classes
    classes = _k.reshape(_k.arange(num_classes, dtype_of(x)), classes_shape)
    hot = _k.equal(_k.expand_dims(x, position), classes)
    return to_tensor(hot, dtype)
