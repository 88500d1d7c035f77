"""`Wrapper`: the base of layers that hold and apply another layer."""

from cornu.layers.layer import Layer
from cornu.saving import serialization_lib


def inner_call_kwargs(layer, training, mask):
    """The `training` and `mask` arguments to pass on to `layer`: those it takes and that
    were given (not None)."""
    takes_training, takes_mask = layer._call_flags
    kwargs = {}
    if takes_training and training is not None:
        kwargs["training"] = training
    if takes_mask and mask is not None:
        kwargs["mask"] = mask
    return kwargs


class Wrapper(Layer):
    """A layer holding another layer (`self.layer`), the base of `TimeDistributed` and
    `Bidirectional`.

    Subclasses override `call` (and `build`, `compute_output_shape`) to apply the wrapped
    layer in their own way; used as-is, a `Wrapper` calls the wrapped layer unchanged. Its
    config nests the wrapped layer's serialized config under `"layer"`, and `from_config`
    rebuilds it.

    Args:
        layer: the Layer instance to wrap.

    Example:
        >>> Wrapper(Dense(4))(np.ones((2, 3), "float32")).shape
        (2, 4)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"{type(self).__name__}: layer must be a Layer instance; received "
                f"layer={layer!r} of type {type(layer).__name__}."
            )
        super().__init__(**kwargs)
        if kwargs.get("dtype") is not None:  # the wrapper's dtype policy applies inside
            for inner in layer._all_layers():
                inner.dtype_policy = self.dtype_policy
        self.layer = layer
        self.supports_masking = bool(getattr(layer, "supports_masking", False))

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer._maybe_build((input_shape,))
        self.built = True

    def call(self, inputs, training=None, mask=None):
        return self.layer(inputs, **inner_call_kwargs(self.layer, training, mask))

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def compute_mask(self, inputs, previous_mask=None):
        return self.layer.compute_mask(inputs, previous_mask)

    def get_config(self):
        return {
            **super().get_config(),
            "layer": serialization_lib.serialize_keras_object(self.layer),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("layer"), dict):
            config["layer"] = serialization_lib.deserialize_keras_object(
                config["layer"], custom_objects
            )
        return cls(**config)
