"""`Masking`: marks timesteps whose features all equal `mask_value` as padding."""

from cornu import ops
from cornu.layers.layer import Layer


class Masking(Layer):
    """Masks the timesteps (positions on the second-to-last axis) whose features all equal
    `mask_value`: their outputs are zero and the output mask is False there.

    Args:
        mask_value: the padding value.

    Example:
        >>> x = np.array([[[1.0, 2.0], [0.0, 0.0]]], "float32")
        >>> out = Masking(0.0)(x)   # second step zeroed and masked
        >>> Masking(0.0).compute_mask(x)   # [[True, False]]
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(mask_value, (int, float)) or isinstance(mask_value, bool):
            raise ValueError(
                f"Masking: mask_value must be a number; received mask_value={mask_value!r}."
            )
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs, previous_mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return ops.multiply(inputs, ops.cast(keep, inputs.dtype))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
