"""PyTorch backend core: tensors are `torch.Tensor`; a Variable is backed by an nn.Parameter."""

import contextlib

import ml_dtypes
import numpy as np
import torch

from cornu.backend.common import abstract, dtypes, scopes
from cornu.backend.common.loops import eager_control_flow
from cornu.backend.common.variables import VariableBase

IS_DIFFERENTIABLE = True
SUPPORTS_SPARSE = False
SEED_DTYPE = "int64"
DEFAULT_DEVICE = "cuda" if torch.cuda.is_available() else "cpu"

_FRAMEWORK_DTYPES = {
    "bool": torch.bool,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
    "float32": torch.float32,
    "float64": torch.float64,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
# torch dtypes stringify as "torch.float32": prime the shared cache with their cornu names.
for _name, _dtype in _FRAMEWORK_DTYPES.items():
    dtypes._STANDARD[_dtype] = _name


def to_framework_dtype(dtype):
    """cornu dtype name -> torch.dtype."""
    name = dtypes.standardize_dtype(dtype)
    try:
        return _FRAMEWORK_DTYPES[name]
    except KeyError:
        raise ValueError(f"The torch backend has no {name!r} tensors.") from None


_device_stack = []


def current_device():
    return _device_stack[-1] if _device_stack else DEFAULT_DEVICE


class Variable(VariableBase):
    def _convert(self, value, dtype):
        return convert_to_tensor(value, dtype)

    def _to_storage(self, value):
        differentiable = value.dtype.is_floating_point or value.dtype.is_complex
        return torch.nn.Parameter(
            value.detach().clone(), requires_grad=self._trainable and differentiable
        )

    def _storage_value(self):
        if scopes.active[0] and scopes.in_symbolic_scope():
            return torch.empty_like(self._storage, device="meta")
        return self._storage

    def _symbolic_placeholder(self):
        return torch.empty(self._shape, dtype=to_framework_dtype(self._dtype), device="meta")

    def _direct_assign(self, value):
        with _outside_autograd():
            self._storage.copy_(value)

    def _add_in_place(self, value, sign):
        storage = self._storage
        if storage is None:
            return False
        if isinstance(value, torch.Tensor):
            if value.dtype != storage.dtype or value.shape != storage.shape:
                return False
        elif not (
            type(value) is float
            and storage.dtype.is_floating_point
            or type(value) is int
            and storage.dtype in _SIGNED_INTS
        ):
            return False
        with _outside_autograd():
            storage.add_(value, alpha=sign)
        return True

    def _on_trainable_change(self):
        storage = self._storage
        if storage is not None and (storage.dtype.is_floating_point or storage.dtype.is_complex):
            storage.requires_grad_(self._trainable)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        def unwrap(x):
            if isinstance(x, Variable):
                return x.value
            if isinstance(x, (list, tuple)):
                return type(x)(unwrap(y) for y in x)
            return x

        return func(*unwrap(args), **{k: unwrap(v) for k, v in (kwargs or {}).items()})


_SIGNED_INTS = (torch.int8, torch.int16, torch.int32, torch.int64)
_NO_CONTEXT = contextlib.nullcontext()


def _outside_autograd():
    """`torch.no_grad()`, or nothing when gradients are already off (as in the train step's
    update, where a nested no_grad would only cost time)."""
    return torch.no_grad() if torch.is_grad_enabled() else _NO_CONTEXT


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Any array-like (or Variable) -> torch.Tensor of `dtype` on the current device."""
    if isinstance(x, torch.Tensor):
        if dtype is None:
            return x
        target = _FRAMEWORK_DTYPES.get(dtype) or to_framework_dtype(dtype)
        return x if x.dtype == target else x.to(target)
    if isinstance(x, Variable):
        x = x.value
        return x if dtype is None else convert_to_tensor(x, dtype)
    abstract.refuse_keras_tensor(x)
    if dtype is None:
        dtype = abstract.python_dtype(x)
    if isinstance(x, (np.ndarray, np.generic)):
        array = np.asarray(x)
        if array.dtype == ml_dtypes.bfloat16:
            tensor = torch.from_numpy(array.astype(np.float32)).to(torch.bfloat16)
        else:
            tensor = torch.from_numpy(np.require(array, requirements="C"))  # keeps 0-d shapes
        tensor = tensor.to(current_device())
        return tensor if dtype is None else convert_to_tensor(tensor, dtype)
    target = None if dtype is None else to_framework_dtype(dtype)
    return torch.as_tensor(x, dtype=target, device=current_device())


def convert_to_numpy(x):
    # A Variable's array is a copy: its tensor is updated in place (optimizers, metrics), and
    # a NumPy view of it would change under the caller's feet.
    copy = isinstance(x, Variable)
    if copy:
        x = x.value
    if isinstance(x, torch.Tensor) and hasattr(x, "full_tensor"):  # a DTensor (ModelParallel)
        # Imported here: model_parallel imports torch.distributed, which few programs need.
        from cornu.backend.torch import model_parallel

        x = model_parallel.host_value(x)
        copy = True
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.dtype == torch.bfloat16:
            return x.float().cpu().numpy().astype(ml_dtypes.bfloat16)
        array = x.cpu().numpy()
        return array.copy() if copy and x.device.type == "cpu" else array
    return np.asarray(x)


def is_tensor(x):
    return isinstance(x, torch.Tensor)


def shape(x):
    return tuple(x.shape)


def cast(x, dtype):
    return convert_to_tensor(x, dtype)


def _stack(values):
    return torch.stack([convert_to_tensor(v) for v in values])


cond, fori_loop, while_loop, scan = eager_control_flow(convert_to_tensor, _stack)


def stop_gradient(x):
    return convert_to_tensor(x).detach()


def vectorized_map(function, elements):
    return torch.vmap(function)(elements)


@contextlib.contextmanager
def device_scope(device_name):
    """Tensors made inside go to `device_name` ("cpu", "cpu:0", "cuda:1", "gpu:0")."""
    name = str(device_name).lower().replace("gpu", "cuda")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise ValueError(f"Unknown device {device_name!r}.") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"Device {device_name!r} was asked for but CUDA is not available.")
    if device.type == "cpu":
        device = torch.device("cpu")
    _device_stack.append(device)
    try:
        yield
    finally:
        _device_stack.pop()


def _make_abstract(shape, dtype):
    return torch.empty(shape, dtype=to_framework_dtype(dtype), device="meta")


def _make_zeros(shape, dtype):
    return torch.zeros(shape, dtype=to_framework_dtype(dtype), device=current_device())


def _evaluate(fn, args, kwargs):
    with torch.no_grad():
        return fn(*args, **kwargs)


def compute_output_spec(fn, *args, **kwargs):
    """Runs `fn` on "meta" tensors; ops without meta kernels fall back to real zeros."""
    try:
        return abstract.compute_output_spec(fn, args, kwargs, _make_abstract, _evaluate)
    except (RuntimeError, NotImplementedError):
        return abstract.compute_output_spec(fn, args, kwargs, _make_zeros, _evaluate)


def no_grad():
    """`torch.no_grad()`: variable updates (optimizers, metrics) must not enter autograd."""
    return torch.no_grad()
