"""`Multiply`: the element-wise product of a list of tensors."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge, merge_ignoring_masked


class Multiply(Merge):
    """Multiplies a list of tensors element-wise (shapes broadcast; see `Merge`).

    With masks, masked entries are left out of the product.

    Example:
        >>> Multiply()([np.full((2, 3), 2.0, "float32"), np.full((2, 3), 3.0, "float32")])
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.multiply(out, x)
        return out

    def _merge_masked(self, inputs, masks):
        return merge_ignoring_masked(ops.multiply, inputs, masks)


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`: `Multiply(**kwargs)(inputs)`."""
    return Multiply(**kwargs)(inputs)
