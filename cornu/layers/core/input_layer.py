"""`InputLayer` and `Input`: where a Functional model's graph starts."""

import numpy as np

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor, standardize_shape
from cornu.graph.node import Node
from cornu.layers.layer import Layer


class InputLayer(Layer):
    """The source of an input KerasTensor; models start their graph from these.

    Args:
        shape: one sample's shape (no batch dimension).
        batch_size: a fixed batch size, or None.
        dtype: dtype name; `floatx()` when None.
        sparse, ragged: whether the input is sparse / ragged.
        batch_shape: the full shape including the batch dimension (instead of `shape`).
        input_tensor: an existing KerasTensor to use as this input.
        optional: whether the input may be None.
        name: the layer's name.
    """

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        ragged=None,
        batch_shape=None,
        input_tensor=None,
        optional=False,
        name=None,
        **kwargs,
    ):
        if batch_shape is None and "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")  # legacy (Keras 2) configs
        kwargs.pop("trainable", None)
        if kwargs:
            raise TypeError(f"InputLayer: unexpected keyword argument(s) {sorted(kwargs)}.")
        super().__init__(name=name)
        for argument, value in (("shape", shape), ("batch_shape", batch_shape)):
            if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
                # A bare int is ambiguous (a rank? one dim?): Keras refuses it too.
                raise ValueError(
                    f"Input({argument}={value!r}): {argument} must be a tuple, e.g. "
                    f"{argument}=({value},) for vectors of {value} features."
                )
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "InputLayer takes either `shape` or `batch_shape`, not both; received "
                f"shape={shape!r} and batch_shape={batch_shape!r}."
            )
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise TypeError(
                    "InputLayer(input_tensor=...) expects a KerasTensor; received "
                    f"{type(input_tensor).__name__}."
                )
            batch_shape, dtype = input_tensor.shape, input_tensor.dtype
        elif batch_shape is None:
            if shape is None:
                raise ValueError("Input needs `shape` (or `batch_shape`); both were None.")
            batch_shape = (batch_size,) + standardize_shape(shape)
        self._batch_shape = standardize_shape(batch_shape)
        self._input_dtype = dtypes.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = optional
        self.built = True
        # The tensor takes the user's name; unnamed, it is numbered like any KerasTensor
        # (keras_tensor_<n>) while the layer is input_layer_<n>, as in Keras.
        tensor = input_tensor or KerasTensor(
            self._batch_shape, dtype=self._input_dtype, sparse=self.sparse, name=name
        )
        Node(self, outputs=tensor)
        self._output_tensor = tensor

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._input_dtype

    def call(self, *args, **kwargs):
        raise RuntimeError(f"InputLayer '{self.name}' is a graph source and is never called.")

    def get_config(self):
        return {
            "batch_shape": self._batch_shape,
            "dtype": self._input_dtype,
            "sparse": self.sparse,
            "ragged": self.ragged,
            "name": self.name,
            "optional": self.optional,
        }


def Input(
    shape=None,
    batch_size=None,
    dtype=None,
    sparse=None,
    ragged=None,
    batch_shape=None,
    name=None,
    tensor=None,
    optional=False,
):
    """Makes the symbolic input of a Functional model (a KerasTensor from an InputLayer).

    Example:
        >>> x = cornu.Input(shape=(3,))
        >>> x.shape
        (None, 3)
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        ragged=ragged,
        batch_shape=batch_shape,
        input_tensor=tensor,
        optional=optional,
        name=name,
    )
    return layer._output_tensor
