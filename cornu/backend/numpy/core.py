"""NumPy backend core: tensors are `np.ndarray`; bfloat16 comes from ml_dtypes."""

import contextlib

import ml_dtypes
import numpy as np

from cornu import tree
from cornu.backend.common import abstract, dtypes
from cornu.backend.common.variables import VariableBase

IS_DIFFERENTIABLE = False
SUPPORTS_SPARSE = False
SEED_DTYPE = "uint32"

_FRAMEWORK_DTYPES = {
    name: np.dtype(name) for name in dtypes.DTYPES if name not in ("bfloat16", "string")
}
_FRAMEWORK_DTYPES["bfloat16"] = np.dtype(ml_dtypes.bfloat16)
_FRAMEWORK_DTYPES["string"] = np.dtype(object)


def to_framework_dtype(dtype):
    """cornu dtype name -> np.dtype."""
    return _FRAMEWORK_DTYPES[dtypes.standardize_dtype(dtype)]


class Variable(VariableBase):
    def _convert(self, value, dtype):
        return convert_to_tensor(value, dtype)

    def _to_storage(self, value):
        return np.array(value, copy=True)

    def _storage_value(self):
        return self._storage

    def _direct_assign(self, value):
        self._storage = value


_32_BIT = {
    np.dtype(k): np.dtype(v)
    for k, v in (("float64", "float32"), ("int64", "int32"), ("uint64", "uint32"))
}


def to_32_bit(x):
    """`x` with 64-bit data narrowed to 32 bits, as a few Keras numpy-backend ops give it.

    Keras's numpy backend narrows ("canonicalizes", as JAX does by default) the inputs of some
    ops, e.g. `unique` and `scatter`; cornu's `convert_to_tensor` keeps float64 data.
    """
    target = _32_BIT.get(x.dtype)
    return x if target is None else x.astype(target)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Any array-like (or Variable) -> np.ndarray of `dtype` (Python data gets cornu's defaults)."""
    if isinstance(x, np.ndarray):
        if dtype is None:
            return x
        target = _FRAMEWORK_DTYPES.get(dtype) or to_framework_dtype(dtype)
        return x if x.dtype == target else x.astype(target)
    if isinstance(x, Variable):
        x = x.value
        return x if dtype is None else convert_to_tensor(x, dtype)
    abstract.refuse_keras_tensor(x)
    if dtype is None:
        dtype = abstract.python_dtype(x)
    if dtype is None:
        return np.asarray(x)
    return np.asarray(x, dtype=to_framework_dtype(dtype))


def convert_operand(x, dtype=None):
    """`convert_to_tensor` for values inside op bodies: NumPy scalars stay scalars.

    NumPy's ufuncs and full reductions return scalars (`np.float32`), not 0-d arrays, and Keras's
    numpy backend passes them on; keeping them here lets an op's result be whatever NumPy gave.
    The public `ops.convert_to_tensor` and `ops.cast` still give arrays, as `np.asarray` does.
    """
    if dtype is None and isinstance(x, np.ndarray):
        return x
    if isinstance(x, np.generic) and x.dtype.kind not in "OSUV":
        if dtype is None:
            return x
        target = _FRAMEWORK_DTYPES.get(dtype) or to_framework_dtype(dtype)
        return x if x.dtype == target else x.astype(target)
    return convert_to_tensor(x, dtype)


def convert_to_numpy(x):
    """Tensor -> np.ndarray."""
    if isinstance(x, Variable):
        x = x.value
    return np.asarray(x)


def is_tensor(x):
    return isinstance(x, (np.ndarray, np.generic))


def shape(x):
    return tuple(x.shape)


def cast(x, dtype):
    return convert_to_tensor(x, dtype)


def cond(pred, true_fn, false_fn):
    return true_fn() if bool(pred) else false_fn()


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    return python_while_loop(cond, body, loop_vars, maximum_iterations, convert_to_tensor)


def python_while_loop(cond, body, loop_vars, maximum_iterations, convert):
    """A Python-loop while_loop shared by eager backends; `convert` makes the loop tensors."""
    is_tuple = isinstance(loop_vars, (list, tuple))
    # Loop variables become tensors first (a Python 0 comes back as int32, as under Keras).
    state = tree.map_structure(convert, tuple(loop_vars) if is_tuple else (loop_vars,))
    step = 0
    while (maximum_iterations is None or step < maximum_iterations) and bool(cond(*state)):
        state = body(*state)
        state = tuple(state) if isinstance(state, (list, tuple)) else (state,)
        step += 1
    return state if is_tuple else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    value = init_val
    for i in range(int(lower), int(upper)):
        value = body_fun(i, value)
    return value


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return python_scan(f, init, xs, length, reverse, lambda ys: np.stack(ys))


def python_scan(f, init, xs, length, reverse, stack):
    """A Python-loop scan shared by eager backends: `f(carry, x) -> (carry, y)`."""
    flat_xs = tree.flatten(xs) if xs is not None else []
    if length is None:
        if not flat_xs:
            raise ValueError("scan needs `xs` or `length`; both were None.")
        length = int(flat_xs[0].shape[0])
    elif flat_xs and int(flat_xs[0].shape[0]) != length:
        raise ValueError(
            f"scan: length={length} does not match the leading dimension of xs "
            f"({int(flat_xs[0].shape[0])})."
        )
    indices = range(length - 1, -1, -1) if reverse else range(length)
    carry, outputs = init, []
    for i in indices:
        x = None if xs is None else tree.map_structure(lambda a, i=i: a[i], xs)
        carry, y = f(carry, x)
        outputs.append(y)
    if reverse:
        outputs.reverse()
    if not outputs or outputs[0] is None:
        return carry, None
    return carry, tree.map_structure(lambda *ys: stack(list(ys)), *outputs)


def stop_gradient(x):
    return x


def vectorized_map(function, elements):
    flat = tree.flatten(elements)
    results = [
        function(tree.map_structure(lambda a, i=i: a[i], elements)) for i in range(len(flat[0]))
    ]
    return tree.map_structure(lambda *ys: np.stack(ys), *results)


@contextlib.contextmanager
def device_scope(device_name):
    name = str(device_name).lower()
    if not name.startswith("cpu"):
        raise ValueError(
            f"The numpy backend runs on the CPU only; received device {device_name!r}."
        )
    yield


def _make_abstract(shape, dtype):
    return np.zeros(shape, dtype=to_framework_dtype(dtype))


def _evaluate(fn, args, kwargs):
    with np.errstate(all="ignore"):
        return fn(*args, **kwargs)


def compute_output_spec(fn, *args, **kwargs):
    """Runs `fn` on zero arrays standing in for the KerasTensors (NumPy has no abstract mode)."""
    return abstract.compute_output_spec(fn, args, kwargs, _make_abstract, _evaluate)


def no_grad():
    """A context in which updates are not recorded for gradients (nothing to do here)."""
    return contextlib.nullcontext()
