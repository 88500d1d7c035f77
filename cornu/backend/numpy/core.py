"""NumPy backend core: tensors are `np.ndarray`; bfloat16 comes from ml_dtypes."""

import contextlib

import ml_dtypes
import numpy as np

from cornu import tree
from cornu.backend.common import abstract, dtypes
from cornu.backend.common.loops import eager_control_flow
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

    def _symbolic_placeholder(self):
        return np.zeros(self._shape, to_framework_dtype(self._dtype))


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


cond, fori_loop, while_loop, scan = eager_control_flow(convert_to_tensor, np.stack)


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
