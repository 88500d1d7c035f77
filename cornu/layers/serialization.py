"""`serialize` / `deserialize`: layers <-> Keras-format config dicts."""

from cornu.saving import serialization_lib


def serialize(layer):
    """The Keras-format config dict of `layer` (`{"module", "class_name", "config", ...}`).

    Example:
        >>> serialize(Dense(3))["class_name"]
        'Dense'
    """
    return serialization_lib.serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """A new layer from a `serialize` dict; `custom_objects` maps names to user classes.

    Example:
        >>> deserialize(serialize(Dense(3))).units
        3
    """
    if not isinstance(config, dict):
        raise TypeError(
            "cornu.layers.deserialize: config must be a dict (as made by "
            f"cornu.layers.serialize); received {type(config).__name__}: {config!r}."
        )
    return serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)
