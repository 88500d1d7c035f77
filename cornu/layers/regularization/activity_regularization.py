"""`ActivityRegularization`: adds an L1/L2 penalty on its input to the losses."""

from cornu import regularizers
from cornu.layers.layer import Layer


class ActivityRegularization(Layer):
    """Returns its input unchanged and adds `l1 * sum(|x|) + l2 * sum(x**2)` to `losses`.

    Args:
        l1, l2: the penalty factors (non-negative).

    Example:
        >>> layer = ActivityRegularization(l2=0.01)
        >>> _ = layer(np.ones((2, 3), "float32")); len(layer.losses)
        1
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        for arg, value in (("l1", l1), ("l2", l2)):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise ValueError(
                    f"ActivityRegularization: {arg} must be a non-negative number; received "
                    f"{arg}={value!r}."
                )
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = l1
        self.l2 = l2
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
