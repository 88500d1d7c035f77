"""The `@op` helper: one definition per op, eager on tensors, symbolic on KerasTensors.

    @op(spec=rules.binary)
    def add(x1, x2):
        x1, x2 = promote(x1, x2)
        return _k.add(x1, x2)

Called on real tensors, `add` runs its body directly (one extra call and one scan of the
arguments). Called with any KerasTensor, it records an `OpCall` node and returns the output
spec: from the `spec` rule when given (see rules.py), else by evaluating the body on abstract
values through the backend (`backend.compute_output_spec`).
"""

import functools

from cornu import backend, config
from cornu.backend.common import dtypes
from cornu.backend.common.kernel_namespace import KernelNamespace
from cornu.graph.keras_tensor import KerasTensor, any_symbolic_tensors
from cornu.graph.operation import OpCall

_PYTHON_SCALARS = (bool, int, float, complex)


def op(spec=None):
    """Decorator turning an eager function into a public op (see module docstring).

    Args:
        spec: optional `(*args, **kwargs) -> KerasTensor(s)` rule for symbolic inputs.
    """

    return op_decorator(spec, any_symbolic_tensors)


def op_decorator(spec, is_symbolic):
    """`@op` with its own test `is_symbolic(args, kwargs)` of whether a call is symbolic."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if is_symbolic(args, kwargs):
                return OpCall(fn, spec).symbolic_call(*args, **kwargs)
            return fn(*args, **kwargs)

        wrapper.eager = fn
        wrapper.spec = spec
        return wrapper

    return decorate


_namespace = None


def kernels():
    """The chosen backend's kernels: one flat namespace, loaded on the first op call (see
    `cornu/backend/common/kernel_namespace.py`; `backend/interface.py` lists the names)."""
    global _namespace
    if _namespace is None:
        _namespace = KernelNamespace(f"cornu.backend.{config.backend()}")
    return _namespace


def dtype_of(x):
    """cornu dtype name of a tensor, Variable, KerasTensor, NumPy array or Python value."""
    if isinstance(x, _PYTHON_SCALARS):
        return type(x)
    dtype = getattr(x, "dtype", None)
    if dtype is not None:
        return dtypes.standardize_dtype(dtype)
    return dtypes.standardize_dtype(backend.convert_to_tensor(x).dtype)


_PY_TYPES = frozenset((bool, int, float, complex))
# (dtype or Python type of each argument) -> promoted dtype name; cleared with floatx changes.
_promotion_cache = {}
config._floatx_listeners.append(_promotion_cache.clear)


def promote(*values, dtype=None):
    """Converts `values` to tensors of one dtype: `dtype`, else their promoted `result_type`.

    Python scalars are weak (`int8_tensor + 1` stays int8). On the hot path (arguments whose
    dtypes were seen before) this is a tuple build, a dict lookup and one conversion each.
    """
    if dtype is None:
        key = []
        for v in values:
            cls = v.__class__
            key.append(cls if cls in _PY_TYPES else getattr(v, "dtype", None))
        key = tuple(key)
        dtype = _promotion_cache.get(key)
        if dtype is None:
            dtype = dtypes.result_type(*[dtype_of(v) for v in values])
            if None not in key:
                _promotion_cache[key] = dtype
    convert = backend.convert_operand
    if len(values) == 2:
        return convert(values[0], dtype), convert(values[1], dtype)
    return tuple([convert(v, dtype) for v in values])


def to_tensor(x, dtype=None):
    """`backend.convert_operand` (`convert_to_tensor` for values inside op bodies)."""
    return backend.convert_operand(x, dtype)


def float_dtype_of(*values):
    """The promoted dtype of `values`, turned to a float dtype if it is int or bool."""
    dtype = dtypes.result_type(*(dtype_of(v) for v in values))
    if dtype in dtypes.FLOAT_TYPES or dtype in dtypes.COMPLEX_TYPES:
        return dtype
    return dtypes.result_type(dtype, float)


def canonicalize_axis(axis, ndim, op_name, arg="axis"):
    """Returns `axis` in `[0, ndim)`, or raises a ValueError naming the op."""
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise TypeError(f"{op_name}: `{arg}` must be an int; received {axis!r}.")
    if not -ndim <= axis < max(ndim, 1):
        raise ValueError(f"{op_name}: `{arg}`={axis} is out of range for an input of rank {ndim}.")
    return axis % ndim if ndim else 0


def is_symbolic(x):
    return isinstance(x, KerasTensor)
