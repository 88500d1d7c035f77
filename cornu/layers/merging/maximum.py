"""`Maximum`: the element-wise maximum of a list of tensors."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge, merge_ignoring_masked


class Maximum(Merge):
    """The element-wise maximum of a list of tensors (shapes broadcast; see `Merge`).

    With masks, masked entries are left out of the maximum.

    Example:
        >>> Maximum()([np.zeros((2, 3), "float32"), np.ones((2, 3), "float32")])   # ones
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.maximum(out, x)
        return out

    def _merge_masked(self, inputs, masks):
        return merge_ignoring_masked(ops.maximum, inputs, masks)


def maximum(inputs, **kwargs):
    """Functional form of `Maximum`: `Maximum(**kwargs)(inputs)`."""
    return Maximum(**kwargs)(inputs)
