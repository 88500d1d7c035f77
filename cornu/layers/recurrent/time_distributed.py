"""`TimeDistributed`: applies a layer to every time step (axis 1) of its input."""

from cornu import ops, tree
from cornu.layers.core.wrapper import Wrapper, inner_call_kwargs


class TimeDistributed(Wrapper):
    """Applies `layer` independently to each slice `inputs[:, t]`, with shared weights.

    The batch and time axes are merged into one before calling `layer` and split after, so
    `layer` sees inputs of shape `(batch * time, ...)`.

    Args:
        layer: the Layer to apply.

    Example:
        >>> TimeDistributed(Dense(4))(np.ones((2, 5, 3), "float32")).shape
        (2, 5, 4)
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _check(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(
                f"TimeDistributed layer '{self.name}' needs inputs of rank >= 3 "
                f"(batch, time, ...); received input shape {tuple(input_shape)}."
            )

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        self._check(input_shape)
        if not self.layer.built:
            self.layer._maybe_build(((None,) + input_shape[2:],))
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        self._check(input_shape)
        inner = self.layer.compute_output_shape((None,) + input_shape[2:])
        return tree.map_shape_structure(
            lambda s: (input_shape[0], input_shape[1]) + tuple(s[1:]), inner
        )

    def call(self, inputs, training=None, mask=None):
        shape = tuple(inputs.shape)
        self._check(shape)
        time = shape[1]
        if time is None:
            time = ops.shape(inputs)[1]
        merged = ops.reshape(inputs, (-1,) + shape[2:])
        kwargs = inner_call_kwargs(self.layer, training, mask)
        if "mask" in kwargs:  # (batch, time, ...) -> (batch * time, ...), as the inputs
            kwargs["mask"] = ops.reshape(mask, (-1,) + tuple(mask.shape[2:]))
        outputs = self.layer(merged, **kwargs)

        def split(y):
            return ops.reshape(y, (-1, time) + tuple(y.shape[1:]))

        return tree.map_structure(split, outputs)

    def compute_mask(self, inputs, previous_mask=None):
        return previous_mask
