"""JAX backend core: tensors are `jax.Array`; a Variable holds one and swaps it on assign.

64-bit dtypes need JAX's own `jax_enable_x64` switch; cornu does not flip it (that would change
the defaults of the user's own JAX code). Without it, JAX stores int64/float64 as 32-bit.
"""

import contextlib

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np

from cornu import tree
from cornu.backend.common import abstract, dtypes, symbolic
from cornu.backend.common.variables import VariableBase

IS_DIFFERENTIABLE = True
SUPPORTS_SPARSE = False
SEED_DTYPE = "uint32"

_FRAMEWORK_DTYPES = {
    name: np.dtype(name) for name in dtypes.DTYPES if name not in ("bfloat16", "string")
}
_FRAMEWORK_DTYPES["bfloat16"] = np.dtype(ml_dtypes.bfloat16)


def to_framework_dtype(dtype):
    """cornu dtype name -> the dtype jax.numpy uses."""
    name = dtypes.standardize_dtype(dtype)
    if name == "string":
        raise ValueError("The jax backend has no string tensors.")
    return _FRAMEWORK_DTYPES[name]


class Variable(VariableBase):
    def _convert(self, value, dtype):
        return convert_to_tensor(value, dtype)

    def _to_storage(self, value):
        return value

    def _storage_value(self):
        return self._storage

    def _direct_assign(self, value):
        if isinstance(value, jax.core.Tracer):
            raise ValueError(
                f"Variable '{self.path}' was assigned a traced value inside a jax "
                "transformation (jit/grad/vmap). Variables cannot change inside traced code: "
                "run it under cornu.StatelessScope (or the layers' stateless_call) and "
                "return the new values."
            )
        self._storage = value

    def _symbolic_placeholder(self):
        return jnp.zeros(self._shape, to_framework_dtype(self._dtype))

    def __jax_array__(self):
        return self.value


# A Variable is a pytree *leaf*, as in Keras: `jax.tree_util.tree_map(lambda v: v.value,
# model.trainable_variables)` sees Variables. Hand jitted JAX code `variable.value`.


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Any array-like (or Variable) -> jax.Array of `dtype` (Python data gets cornu's defaults)."""
    if isinstance(x, jax.Array):
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
    if isinstance(x, (np.ndarray, np.generic)):
        # Cast on the host, then transfer: jnp.asarray(x, dtype) would compile a small
        # conversion program for every new shape.
        array = np.asarray(x) if dtype is None else np.asarray(x, dtype=to_framework_dtype(dtype))
        return jax.device_put(array)
    if dtype is None:
        return jnp.asarray(x)
    return jnp.asarray(x, dtype=to_framework_dtype(dtype))


def convert_to_numpy(x):
    if isinstance(x, Variable):
        x = x.value
    return np.asarray(x)


def is_tensor(x):
    return isinstance(x, jax.Array)


def shape(x):
    return tuple(x.shape)


def cast(x, dtype):
    return convert_to_tensor(x, dtype)


def cond(pred, true_fn, false_fn):
    return jax.lax.cond(pred, true_fn, false_fn)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (list, tuple))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)

    def as_tuple(values):
        return tuple(values) if isinstance(values, (list, tuple)) else (values,)

    if maximum_iterations is None:
        result = jax.lax.while_loop(lambda s: cond(*s), lambda s: as_tuple(body(*s)), state)
    else:
        limit = int(maximum_iterations)
        _, result = jax.lax.while_loop(
            lambda s: jnp.logical_and(s[0] < limit, cond(*s[1])),
            lambda s: (s[0] + 1, as_tuple(body(*s[1]))),
            (0, state),
        )
    return result if is_tuple else result[0]


def fori_loop(lower, upper, body_fun, init_val):
    return jax.lax.fori_loop(lower, upper, body_fun, init_val)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return jax.lax.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def stop_gradient(x):
    return jax.lax.stop_gradient(convert_to_tensor(x))


def vectorized_map(function, elements):
    return jax.vmap(function)(elements)


def device_scope(device_name):
    """`jax.default_device` for a device named like "cpu", "cpu:0", "gpu:1"."""
    name = str(device_name).lower()
    kind, _, index = name.partition(":")
    try:
        device = jax.devices(kind)[int(index or 0)]
    except (RuntimeError, IndexError, ValueError):
        raise ValueError(
            f"Unknown device {device_name!r}; available: "
            f"{[f'{d.platform}:{d.id}' for d in jax.devices()]}."
        ) from None
    return jax.default_device(device)


def _make_abstract(shape, dtype):
    return jax.ShapeDtypeStruct(shape, to_framework_dtype(dtype))


def _evaluate(fn, args, kwargs):
    # Only the abstract leaves are traced; everything else (slices, Python values) is closed over.
    flat = tree.flatten((args, kwargs))
    positions = [i for i, x in enumerate(flat) if isinstance(x, jax.ShapeDtypeStruct)]

    def traced(*abstract_values):
        values = list(flat)
        for i, value in zip(positions, abstract_values):
            values[i] = value
        a, k = tree.pack_sequence_as((args, kwargs), values)
        return fn(*a, **k)

    return jax.eval_shape(traced, *(flat[i] for i in positions))


def compute_output_spec(fn, *args, **kwargs):
    """`jax.eval_shape` over the KerasTensors' shapes and dtypes."""
    return abstract.compute_output_spec(fn, args, kwargs, _make_abstract, _evaluate)


def _refuse_keras_tensor(x):
    x._refuse("a JAX function")


def _never_unflatten(aux, children):  # pragma: no cover - flattening always raises first
    raise TypeError("KerasTensors cannot be rebuilt from JAX pytrees.")


def _register_keras_tensor(keras_tensor_class):
    # Same reason as for Variable: JAX reaches objects as pytrees before __jax_array__.
    jax.tree_util.register_pytree_node(keras_tensor_class, _refuse_keras_tensor, _never_unflatten)


symbolic.when_registered(_register_keras_tensor)  # (cornu.graph registers KerasTensor)


def no_grad():
    """A context in which updates are not recorded for gradients (nothing to do here)."""
    return contextlib.nullcontext()
