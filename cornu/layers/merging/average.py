"""`Average`: the element-wise mean of a list of tensors."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge


class Average(Merge):
    """Averages a list of tensors element-wise (shapes broadcast; see `Merge`).

    Example:
        >>> Average()([np.zeros((2, 3), "float32"), np.ones((2, 3), "float32")])   # all 0.5
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return ops.divide(out, len(inputs))


def average(inputs, **kwargs):
    """Functional form of `Average`: `Average(**kwargs)(inputs)`."""
    return Average(**kwargs)(inputs)
