"""`GlobalAveragePooling1D`: the average over every spatial axis of 1-D data."""

from cornu import ops
from cornu.layers.pooling.base_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Takes the average over the steps axis, leaving out masked steps; the arguments are
    `BaseGlobalPooling`'s.

    Example:
        >>> GlobalAveragePooling1D()(np.ones((2, 8, 3), "float32")).shape
        (2, 3)
    """

    rank, pool_mode = 1, "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        """Averages over the steps; with a `(batch, steps)` mask, over the unmasked steps."""
        if mask is None:
            return super().call(inputs)
        steps_axis = 2 if self.data_format == "channels_first" else 1
        weights = ops.cast(mask, inputs.dtype)
        weights = ops.expand_dims(weights, 1 if self.data_format == "channels_first" else -1)
        total = ops.sum(ops.multiply(inputs, weights), axis=steps_axis, keepdims=self.keepdims)
        count = ops.sum(weights, axis=steps_axis, keepdims=self.keepdims)
        return ops.divide(total, count)

    def compute_mask(self, inputs, previous_mask=None):
        return None
