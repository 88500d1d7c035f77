"""`Identity`: returns its input unchanged (a placeholder layer)."""

from cornu import tree
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.layer import Layer


class Identity(Layer):
    """Returns its input (any structure of tensors) unchanged; masks pass through.

    Example:
        >>> Identity()(np.ones((2, 3), "float32")).shape
        (2, 3)
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs, *args, **kwargs):
        return tree.map_structure(
            lambda x: KerasTensor(x.shape, dtype=x.dtype, sparse=getattr(x, "sparse", False)),
            inputs,
        )
