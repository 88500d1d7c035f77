"""`Activation`: applies an activation function."""

from cornu import activations
from cornu.layers.layer import Layer


class Activation(Layer):
    """Applies `activation` to its input.

    Args:
        activation: a name ("relu", ...), a function, or None (linear).

    Example:
        >>> Activation("relu")(np.array([-1.0, 2.0], "float32"))   # [0., 2.]
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
