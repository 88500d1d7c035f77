"""`Add`: the element-wise sum of a list of tensors."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge


class Add(Merge):
    """Adds a list of tensors element-wise (shapes broadcast; see `Merge`).

    Example:
        >>> Add()([np.ones((2, 3), "float32"), np.ones((2, 3), "float32")])   # all 2.
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out


def add(inputs, **kwargs):
    """Functional form of `Add`: `Add(**kwargs)(inputs)`."""
    return Add(**kwargs)(inputs)
