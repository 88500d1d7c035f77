"""The backend-neutral half of `cornu.Variable`.

Each backend subclasses `VariableBase` with five hooks: `_to_storage(value)` (wrap a tensor in
the framework's variable type), `_direct_assign(value)`, `_storage_value()` (the tensor behind
the storage), `_convert(value, dtype)` and `_symbolic_placeholder()`. Everything else (scopes,
shape checks, paths, autocast) lives here once. The Python operators (`v + 1`, `v[0]`) are
installed by cornu.ops (see `operators.py`); string initializers (`Variable("zeros", ...)`)
are resolved by the lookup cornu.initializers registers (`register_initializer_lookup`).
"""

import numpy as np

from cornu.backend.common import distribution_state, dtypes, scopes

# `name -> initializer`, registered by the floor that defines initializers (it sits above).
_initializer_lookup = []


def register_initializer_lookup(get):
    """Makes Variables resolve string initializers (`"zeros"`, `"glorot_uniform"`) with `get`."""
    _initializer_lookup[:] = [get]


def _initializer_from_name(name, variable_name):
    if not _initializer_lookup:
        raise ValueError(
            f"Variable '{variable_name}': the initializer {name!r} is a name, but no initializer "
            "lookup is registered (cornu.initializers registers one when it is imported). "
            "Import cornu, or pass an initializer object or a value."
        )
    return _initializer_lookup[0](name)


class VariableBase:
    """A mutable tensor that holds model state.

    Args:
        initializer: a value (array, tensor, scalar, nested list) or a callable
            `initializer(shape, dtype)` (e.g. an initializer object or its name's instance).
        shape: required with a callable initializer; checked against a value.
        dtype: dtype name; defaults to the value's dtype, else `floatx()`.
        trainable: whether gradients update it.
        autocast: whether mixed-precision scopes cast it when read.
        aggregation: how distributed replicas combine it ("none", "mean", "sum",
            "only_first_replica").
        synchronization: accepted for Keras compatibility ("auto", "none", "on_read",
            "on_write").
        name: a name without "/"; the path is the enclosing name scopes plus the name.

    Example:
        >>> v = cornu.Variable(np.ones((2, 3)), name="kernel")
        >>> v.assign(v * 2.0)
        >>> v.numpy().sum()
        12.0
    """

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable=True,
        autocast=True,
        aggregation="none",
        synchronization="auto",
        name=None,
        **kwargs,
    ):
        # A TensorLayout placing the value on a device mesh (an optimizer slot may pass its
        # reference variable's); without one, the current distribution's layout is used.
        layout = kwargs.pop("layout", None)
        if kwargs:
            raise TypeError(f"Variable got unexpected arguments: {sorted(kwargs)}.")
        if not name:  # variable, variable_1, ... as Keras numbers them
            uid = scopes.get_uid("variable") - 1
            name = f"variable_{uid}" if uid else "variable"
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                f"Variable name must be a string without '/'; received {name!r}. "
                "Use cornu.name_scope to build paths."
            )
        if aggregation not in ("none", "mean", "sum", "only_first_replica"):
            raise ValueError(
                "aggregation must be one of 'none', 'mean', 'sum', 'only_first_replica'; "
                f"received {aggregation!r}."
            )
        if synchronization not in ("auto", "none", "on_read", "on_write"):
            raise ValueError(
                "synchronization must be one of 'auto', 'none', 'on_read', 'on_write'; "
                f"received {synchronization!r}."
            )
        self.name = name
        parent = scopes.current_path()
        self.path = f"{parent}/{name}" if parent else name
        self._trainable = bool(trainable)
        self._autocast = bool(autocast)
        self.aggregation = aggregation
        self.synchronization = synchronization
        self._storage = None
        self._initializer = None
        self._layout = layout

        if isinstance(initializer, str):  # an initializer's name, as Keras accepts
            initializer = _initializer_from_name(initializer, name)
        if callable(initializer) and not hasattr(initializer, "shape"):
            if shape is None:
                raise ValueError(
                    f"Variable '{name}': a callable initializer needs `shape`; received "
                    f"initializer={initializer!r} and shape=None."
                )
            self._shape = _standardize_shape(shape, name)
            self._dtype = dtypes.standardize_dtype(dtype)
            self._initializer = initializer
            scope = scopes.current_stateless_scope()
            if scope is not None and scope.initialize_variables:
                # Inside a traced function the initial value would be a tracer; make it later.
                scope.add_uninitialized_variable(self)
            else:
                self._deferred_initialize()
        else:
            if dtype is None:
                dtype = _infer_dtype(initializer)
            self._dtype = dtypes.standardize_dtype(dtype)
            value = self._convert(initializer, self._dtype)
            self._shape = tuple(int(d) for d in value.shape)
            if shape is not None and _standardize_shape(shape, name) != self._shape:
                raise ValueError(
                    f"Variable '{name}': shape={tuple(shape)} does not match the initial "
                    f"value's shape {self._shape}."
                )
            value = distribution_state.distribute_variable(self, value, self._layout)
            self._storage = self._to_storage(value)

    def _deferred_initialize(self):
        if self._storage is not None:
            return
        value = self._initializer(self._shape, dtype=self._dtype)
        value = self._convert(value, self._dtype)
        self._check_shape(value, what="initializer output")
        value = distribution_state.distribute_variable(self, value, self._layout)
        self._storage = self._to_storage(value)
        self._initializer = None

    # -- reading -----------------------------------------------------------------------

    @property
    def value(self):
        """The current tensor: the StatelessScope's value when one is active, else the stored one."""
        if not scopes.active[0] and self._storage is not None:
            return self._storage_value()
        scope = scopes.current_stateless_scope()
        if scope is not None:
            current = scope.get_current_value(self)
            if current is not None:
                return self._maybe_autocast(current)
        if self._storage is None and scopes.in_symbolic_scope():
            # Shape inference (a sub-layer built while its parent's output spec is computed)
            # needs only the shape and dtype; zeros draw nothing from the random streams.
            return self._maybe_autocast(self._symbolic_placeholder())
        if self._storage is None:
            raise ValueError(
                f"Variable '{self.path}' is not initialized yet: it was created inside a "
                "StatelessScope and is initialized when that scope exits."
            )
        return self._maybe_autocast(self._storage_value())

    def _symbolic_placeholder(self):
        """A stand-in of the right shape and dtype for shape inference (zeros, or torch's
        "meta" tensors): each backend provides it."""
        raise NotImplementedError(f"{type(self).__name__} must define _symbolic_placeholder.")

    def _maybe_autocast(self, value):
        target = scopes.current_autocast_dtype()
        if target is not None and self._autocast and self._dtype in dtypes.FLOAT_TYPES:
            if target != self._dtype:
                return self._convert(value, target)
        return value

    def numpy(self):
        """The value as a NumPy array (a copy: later updates of the variable do not show)."""
        # lazy: cornu.backend imports the backend's core, whose Variable subclasses this class
        from cornu.backend import convert_to_numpy

        return np.array(convert_to_numpy(self.value), copy=True)

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        if not scopes.active[0]:
            return self._dtype
        target = scopes.current_autocast_dtype()
        if target is not None and self._autocast and self._dtype in dtypes.FLOAT_TYPES:
            return target
        return self._dtype

    @property
    def ndim(self):
        return len(self._shape)

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        self._on_trainable_change()

    def _on_trainable_change(self):
        pass

    # -- writing -----------------------------------------------------------------------

    def _check_shape(self, value, what="value"):
        shape = tuple(value.shape)
        if shape != self._shape:
            raise ValueError(
                f"Variable '{self.path}' has shape {self._shape}; the {what} has shape "
                f"{tuple(int(d) if d is not None else None for d in shape)}."
            )

    def assign(self, value):
        """Sets the variable's value (same shape; cast to the variable's dtype)."""
        value = self._convert(value, self._dtype)
        self._check_shape(value)
        scope = scopes.current_stateless_scope()
        if scope is not None:
            scope.add_update(self, value)
        else:
            self._direct_assign(value)
        return value

    def assign_add(self, value):
        """Adds `value` to the variable."""
        if not scopes.active[0] and self._add_in_place(value, 1):
            return self._storage
        return self.assign(self + value)  # (`+` is cornu.ops.add on the value)

    def assign_sub(self, value):
        """Subtracts `value` from the variable."""
        if not scopes.active[0] and self._add_in_place(value, -1):
            return self._storage
        return self.assign(self - value)  # (`-` is cornu.ops.subtract on the value)

    def _add_in_place(self, value, sign):
        """Adds `sign * value` to the stored tensor in place where the framework can and the
        result equals `assign(value + self)`; returns False otherwise (the default)."""
        return False

    # -- Python protocols ----------------------------------------------------------------

    def __repr__(self):
        value = (
            "<uninitialized>"
            if self._storage is None
            else np.array2string(np.asarray(self.numpy()), threshold=20, separator=", ")
        )
        return (
            f"<Variable path={self.path}, shape={self._shape}, dtype={self._dtype}, value={value}>"
        )

    def __array__(self, dtype=None, copy=None):
        array = np.asarray(self.numpy())
        return array.astype(dtype) if dtype is not None else array

    def __bool__(self):
        raise TypeError(
            f"The truth value of Variable '{self.path}' is ambiguous; use "
            "cornu.ops.any/all or compare its numpy() value."
        )

    def __len__(self):
        if not self._shape:
            raise TypeError(f"len() of scalar Variable '{self.path}'.")
        return self._shape[0]

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __index__(self):
        return int(self.numpy())

    def __pos__(self):
        return self.value


def _standardize_shape(shape, name):
    try:
        result = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"Variable '{name}': shape must be a tuple of non-negative ints; received {shape!r}."
        ) from None
    if any(d < 0 for d in result):
        raise ValueError(
            f"Variable '{name}': shape must be a tuple of non-negative ints; received {shape!r}."
        )
    return result


def _infer_dtype(value):
    """The dtype a Variable made from `value` gets when none is given."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int32"
    if isinstance(value, float):
        return None  # floatx
    dtype = getattr(value, "dtype", None)
    if dtype is not None:
        return dtypes.standardize_dtype(dtype)
    array = np.asarray(value)
    if array.dtype.kind == "f":
        return None
    if array.dtype.kind in "iu":
        return "int32"
    return array.dtype
