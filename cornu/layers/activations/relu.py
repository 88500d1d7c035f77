"""`ReLU`: a rectifier with an optional cap, threshold and negative slope."""

from cornu import ops
from cornu.layers.layer import Layer


def _check_number(layer, arg, value, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(
            f"{layer}: {arg} must be a non-negative number{' or None' if allow_none else ''}; "
            f"received {arg}={value!r}."
        )
    return float(value)


class ReLU(Layer):
    """Rectified linear unit.

    `f(x) = max_value` for `x >= max_value`, `x` for `threshold <= x < max_value`, and
    `negative_slope * (x - threshold)` below the threshold.

    Args:
        max_value: the cap on the output (None: no cap).
        negative_slope: the slope below the threshold.
        threshold: where the linear part starts.

    Example:
        >>> ReLU(max_value=6.0)(np.array([-1.0, 3.0, 9.0], "float32"))   # [0., 3., 6.]
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _check_number("ReLU", "max_value", max_value, allow_none=True)
        self.negative_slope = _check_number("ReLU", "negative_slope", negative_slope)
        self.threshold = _check_number("ReLU", "threshold", threshold)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        x = inputs
        if self.negative_slope == 0.0 and self.threshold == 0.0:
            out = ops.relu(x)
        else:
            below = ops.multiply(ops.subtract(x, self.threshold), self.negative_slope)
            out = ops.where(ops.greater_equal(x, self.threshold), x, below)
        if self.max_value is not None:
            out = ops.minimum(out, self.max_value)
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }
