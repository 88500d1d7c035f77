"""`Minimum`: the element-wise minimum of a list of tensors."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge, merge_ignoring_masked


class Minimum(Merge):
    """The element-wise minimum of a list of tensors (shapes broadcast; see `Merge`).

    With masks, masked entries are left out of the minimum.

    Example:
        >>> Minimum()([np.zeros((2, 3), "float32"), np.ones((2, 3), "float32")])   # zeros
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.minimum(out, x)
        return out

    def _merge_masked(self, inputs, masks):
        return merge_ignoring_masked(ops.minimum, inputs, masks)


def minimum(inputs, **kwargs):
    """Functional form of `Minimum`: `Minimum(**kwargs)(inputs)`."""
    return Minimum(**kwargs)(inputs)
