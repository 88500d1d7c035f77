"""`get`, `serialize`, `deserialize` for quantizers and quantization configs."""

from cornu.quantizers import quantization_config, quantizers
from cornu.saving import serialization_lib

_BY_NAME = {
    "abs_max_quantizer": quantizers.AbsMaxQuantizer,
    "AbsMaxQuantizer": quantizers.AbsMaxQuantizer,
}
_PUBLIC_CLASSES = (
    quantizers.Quantizer,
    quantizers.AbsMaxQuantizer,
    quantization_config.QuantizationConfig,
    quantization_config.Int8QuantizationConfig,
    quantization_config.Int4QuantizationConfig,
    quantization_config.Float8QuantizationConfig,
    quantization_config.GPTQConfig,
    quantization_config.AWQConfig,
)


def serialize(initializer):
    """The Keras-format config dict of a quantizer or quantization config (None stays None)."""
    if initializer is None:
        return None
    if type(initializer) in _PUBLIC_CLASSES:
        return {
            "module": "keras.quantizers",
            "class_name": type(initializer).__name__,
            "config": initializer.get_config(),
            "registered_name": None,
        }
    return serialization_lib.serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """The quantizer or config a `serialize` dict describes."""
    if isinstance(config, dict) and "class_name" in config and not config.get("module"):
        config = {**config, "module": "keras.quantizers"}  # a bare {"class_name", "config"}
    return serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)


def get(identifier, **kwargs):
    """A quantizer from a Quantizer, a name ("abs_max_quantizer", with `kwargs` for it), a
    config dict, or None.

    Raises:
        ValueError: for anything else.
    """
    if identifier is None or isinstance(identifier, quantizers.Quantizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier](**kwargs)
    if isinstance(identifier, type) and issubclass(identifier, quantizers.Quantizer):
        return identifier(**kwargs)
    raise ValueError(
        f"Could not interpret quantizer identifier: {identifier!r}. Expected a Quantizer, "
        f"one of {sorted(_BY_NAME)}, a config dict, or None."
    )
