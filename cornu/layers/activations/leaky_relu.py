"""`LeakyReLU`: `x` for positive inputs, `negative_slope * x` otherwise."""

from cornu import ops
from cornu.layers.layer import Layer


class LeakyReLU(Layer):
    """Leaky rectified linear unit.

    Args:
        negative_slope: the slope for negative inputs (a non-negative number). `alpha` is
            accepted as its older name.

    Example:
        >>> LeakyReLU(0.1)(np.array([-2.0, 3.0], "float32"))   # [-0.2, 3.]
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if (
            negative_slope is None
            or isinstance(negative_slope, bool)
            or not isinstance(negative_slope, (int, float))
            or negative_slope < 0
        ):
            raise ValueError(
                "LeakyReLU: negative_slope must be a non-negative number; received "
                f"negative_slope={negative_slope!r}."
            )
        self.negative_slope = float(negative_slope)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}
