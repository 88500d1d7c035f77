"""`cornu.Input`: the KerasTensor a Functional model starts from."""

from cornu import config
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor, standardize_shape
from cornu.graph.node import Node
from cornu.graph.operation import Operation, auto_name


class InputOperation(Operation):
    """The source of an `Input` tensor (the training issue turns this into `InputLayer`)."""

    def __init__(self, batch_shape, dtype, sparse=False, ragged=False, name=None, optional=False):
        super().__init__(name=name or auto_name("input_layer"))
        self.batch_shape = batch_shape
        self.dtype = dtype
        self.sparse = sparse
        self.ragged = ragged
        self.optional = optional
        self.output_tensor = KerasTensor(
            batch_shape, dtype=dtype, sparse=sparse, ragged=ragged, name=self.name
        )
        Node(self, outputs=self.output_tensor)

    def call(self, *args, **kwargs):
        raise RuntimeError(f"Input '{self.name}' is a graph source and is never called.")

    def get_config(self):
        return {
            "batch_shape": self.batch_shape,
            "dtype": self.dtype,
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
    """Makes the symbolic input of a Functional model.

    Args:
        shape: the shape of one sample (no batch dimension), e.g. `(28, 28, 1)`.
        batch_size: a fixed batch size, or None.
        dtype: dtype name; `floatx()` when None.
        sparse: whether the input is sparse.
        ragged: whether the input is ragged.
        batch_shape: the full shape including the batch dimension (instead of `shape`).
        name: a name for the input.
        tensor: an existing KerasTensor to use as the input.
        optional: whether the input may be None when the model is called.

    Returns:
        A KerasTensor.

    Example:
        >>> x = cornu.Input(shape=(3,))
        >>> x.shape
        (None, 3)
    """
    if tensor is not None:
        if not isinstance(tensor, KerasTensor):
            raise TypeError(
                f"Input(tensor=...) expects a KerasTensor; received {type(tensor).__name__}."
            )
        return tensor
    if shape is not None and batch_shape is not None:
        raise ValueError(
            "Input takes either `shape` or `batch_shape`, not both; received "
            f"shape={shape!r} and batch_shape={batch_shape!r}."
        )
    if shape is None and batch_shape is None:
        raise ValueError("Input needs `shape` (or `batch_shape`); both were None.")
    if batch_shape is None:
        batch_shape = (batch_size,) + standardize_shape(shape)
    batch_shape = standardize_shape(batch_shape)
    dtype = dtypes.standardize_dtype(dtype if dtype is not None else config.floatx())
    return InputOperation(
        batch_shape, dtype, sparse=bool(sparse), ragged=bool(ragged), name=name, optional=optional
    ).output_tensor
