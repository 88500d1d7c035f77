"""`KerasTensor`: a symbolic tensor (shape with `None` dimensions, dtype), with operators.

Calling an op or a layer on KerasTensors computes nothing: it returns new KerasTensors with the
inferred shape and dtype and records the graph node that made them. The operators (`x + 1`,
`x[0]`) and the `reshape`/`squeeze` methods call cornu.ops, the floor above this one, which
installs them when it is imported (cornu/ops/operators.py).
"""

from cornu.backend.common import dtypes, scopes, symbolic


def standardize_shape(shape):
    """Returns `shape` as a tuple of ints and Nones, or raises a ValueError saying why."""
    if shape is None:
        raise ValueError("A shape is required; received None.")
    if hasattr(shape, "as_list"):  # tf.TensorShape
        shape = shape.as_list()
    if isinstance(shape, int):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(f"Shape must be a tuple of ints or None; received {shape!r}.") from None
    result = []
    for d in dims:
        if d is None:
            result.append(None)
            continue
        if isinstance(d, bool) or not hasattr(d, "__index__"):
            raise ValueError(
                f"Shape must be a tuple of ints or None; received {shape!r} "
                f"(dimension {d!r} is a {type(d).__name__})."
            )
        d = int(d)
        if d < 0:
            raise ValueError(f"Shape dimensions must be non-negative; received {tuple(dims)!r}.")
        result.append(d)
    return tuple(result)


class KerasHistory:
    """Where a KerasTensor came from: `(operation, node_index, tensor_index)`."""

    __slots__ = ("operation", "node_index", "tensor_index")

    def __init__(self, operation, node_index, tensor_index):
        self.operation = operation
        self.node_index = node_index
        self.tensor_index = tensor_index

    def __iter__(self):
        return iter((self.operation, self.node_index, self.tensor_index))


class KerasTensor:
    """A symbolic tensor: a shape (with `None` for unknown dimensions) and a dtype.

    Args:
        shape: tuple of ints or None.
        dtype: dtype name.
        sparse: whether it stands for a sparse tensor.
        ragged: whether it stands for a ragged tensor.
        record_history: whether ops on it record graph nodes.
        name: a name; generated when None.

    Example:
        >>> x = cornu.KerasTensor((None, 3))
        >>> (x * 2 + 1).shape
        (None, 3)
    """

    def __init__(
        self,
        shape,
        dtype="float32",
        sparse=False,
        ragged=False,
        record_history=True,
        name=None,
        **kwargs,
    ):
        if kwargs:
            raise TypeError(f"KerasTensor got unexpected arguments: {sorted(kwargs)}.")
        self._shape = standardize_shape(shape)
        self._dtype = dtypes.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.record_history = record_history
        if name is None:  # keras_tensor, keras_tensor_1, ... as Keras numbers them
            uid = scopes.get_uid("keras_tensor") - 1
            name = f"keras_tensor_{uid}" if uid else "keras_tensor"
        self.name = name
        self._keras_history = None

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def ndim(self):
        return len(self._shape)

    def __repr__(self):
        return (
            f"<KerasTensor shape={self._shape}, dtype={self._dtype}, sparse={self.sparse}, "
            f"ragged={self.ragged}, name={self.name}>"
        )

    # -- refusing to be turned into a concrete tensor --------------------------------

    def _refuse(self, what):
        raise TypeError(
            f"A KerasTensor ({self.name}, shape={self._shape}) is a symbolic placeholder and "
            f"cannot be passed to {what}. Use cornu.ops functions on it, or put the framework "
            "code inside a Layer's call() (which receives real tensors)."
        )

    def __array__(self, *args, **kwargs):
        self._refuse("NumPy (np.asarray / np.* functions)")

    def __jax_array__(self):
        self._refuse("a JAX function")

    def __tf_tensor__(self, dtype=None, name=None):
        self._refuse("a TensorFlow function")

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", str(func))
        raise TypeError(
            f"A KerasTensor is a symbolic placeholder and cannot be passed to torch function "
            f"'{name}'. Use cornu.ops functions on it, or put the framework code inside a "
            "Layer's call() (which receives real tensors)."
        )

    def __bool__(self):
        raise TypeError(
            f"A symbolic KerasTensor ({self.name}) has no truth value; it holds no data. "
            "Use cornu.ops.cond or cornu.ops.where for data-dependent choices."
        )

    def __len__(self):
        if not self._shape or self._shape[0] is None:
            raise TypeError(f"len() of KerasTensor {self.name} with shape {self._shape}.")
        return self._shape[0]

    def __iter__(self):
        if not self._shape or self._shape[0] is None:
            raise TypeError(
                f"Cannot iterate over KerasTensor {self.name} with shape {self._shape}: "
                "its first dimension is unknown."
            )
        for i in range(self._shape[0]):
            yield self[i]

    def __pos__(self):
        return self


# The backend floor recognises and makes KerasTensors through this registration.
symbolic.register_tensor_class(KerasTensor)


def is_keras_tensor(x):
    """True when `x` is a symbolic `KerasTensor`."""
    return isinstance(x, KerasTensor)


def any_symbolic_tensors(args=(), kwargs=None):
    """True when any argument (top level, or one level inside a list/tuple/dict) is a KerasTensor.

    Kept shallow and loop-based: it runs on every eager op call.
    """
    for arg in args:
        if isinstance(arg, KerasTensor):
            return True
        if isinstance(arg, (list, tuple)):
            for item in arg:
                if isinstance(item, KerasTensor):
                    return True
        elif isinstance(arg, dict):
            for item in arg.values():
                if isinstance(item, KerasTensor):
                    return True
    if kwargs:
        return any_symbolic_tensors(tuple(kwargs.values()))
    return False
