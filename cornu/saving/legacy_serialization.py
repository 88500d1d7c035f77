"""Keras 2 (TensorFlow)'s object serialization (`keras.utils.legacy`): `{"class_name", "config"}` records.

The format before Keras 3: a record holds the class's registered name and `get_config()`, with
no `module` or `registered_name`; a function is its name. Kept for code and files written for
Keras 2 (TensorFlow); new code uses `cornu.saving.serialize_keras_object`.
"""

import inspect

from cornu.saving import object_registration


def serialize_keras_object(instance):
    """`{"class_name": ..., "config": instance.get_config()}`; a function's name; None for None.

    Raises:
        ValueError: for an object without `get_config()`.

    Example:
        >>> serialize_keras_object(cornu.losses.MeanSquaredError())["class_name"]
        'MeanSquaredError'
    """
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        return {
            "class_name": object_registration.get_registered_name(type(instance)),
            "config": instance.get_config(),
        }
    if inspect.isfunction(instance) or inspect.isbuiltin(instance):
        return object_registration.get_registered_name(instance)
    raise ValueError(f"Cannot serialize {instance!r} because it doesn't implement `get_config()`.")


def deserialize_keras_object(
    identifier, module_objects=None, custom_objects=None, printable_module_name="object"
):
    """The object a legacy record (or a name) describes.

    Names are looked up in the active `custom_object_scope`, then `custom_objects`, then the
    registered objects, then `module_objects`. A record's class is rebuilt with
    `from_config(config)` (given `custom_objects` when it takes them); a name gives the
    object found (a function, or an instance of a class made with no arguments).

    Args:
        identifier: a `{"class_name", "config"}` dict, a name, or None.
        module_objects: a dict of the objects the caller's module offers by name.
        custom_objects: a dict of user objects by name.
        printable_module_name: what the object is, for error messages ("layer", ...).

    Raises:
        ValueError: for an unknown name, or an identifier that is neither a dict nor a str.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        if "class_name" not in identifier or "config" not in identifier:
            raise ValueError(
                f"Could not interpret serialized {printable_module_name}: a record needs "
                f"'class_name' and 'config' keys; received keys {sorted(identifier)}."
            )
        cls = _lookup(
            identifier["class_name"], module_objects, custom_objects, printable_module_name
        )
        config = identifier["config"]
        if "custom_objects" in inspect.signature(cls.from_config).parameters:
            return cls.from_config(config, custom_objects=custom_objects or {})
        return cls.from_config(config)
    if isinstance(identifier, str):
        found = _lookup(identifier, module_objects, custom_objects, printable_module_name)
        return found() if inspect.isclass(found) else found
    raise ValueError(f"Could not interpret serialized {printable_module_name}: {identifier!r}")


def _lookup(name, module_objects, custom_objects, printable_module_name):
    found = object_registration.get_registered_object(name, custom_objects, module_objects)
    if found is None:
        raise ValueError(
            f"Unknown {printable_module_name}: {name!r}. Pass it in `custom_objects`, register "
            "it with `cornu.saving.register_keras_serializable`, or use "
            "`cornu.utils.custom_object_scope`."
        )
    return found
