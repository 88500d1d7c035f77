"""`Subtract`: the difference of two tensors."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge


class Subtract(Merge):
    """Computes `inputs[0] - inputs[1]` (exactly two inputs; shapes broadcast).

    Example:
        >>> Subtract()([np.ones((2, 3), "float32"), np.ones((2, 3), "float32")])   # zeros
    """

    _min_inputs = 2
    _max_inputs = 2

    def _merge(self, inputs):
        return ops.subtract(inputs[0], inputs[1])


def subtract(inputs, **kwargs):
    """Functional form of `Subtract`: `Subtract(**kwargs)(inputs)`."""
    return Subtract(**kwargs)(inputs)
