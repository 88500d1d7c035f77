"""The registry of custom classes and functions, so saved configs can name them."""

import threading

_GLOBAL_CUSTOM_OBJECTS = {}
_GLOBAL_CUSTOM_NAMES = {}
_scope_state = threading.local()


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a class or function under `"package>name"` for deserialization.

    Example:
        >>> @register_keras_serializable(package="my_pkg")
        ... class Scale(cornu.layers.Layer):
        ...     ...
    """

    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        # Registering a name again replaces the entry (as in Keras), so re-running a notebook
        # cell that defines a custom class works.
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"Cannot register {obj.__name__}: a class needs a get_config() method to be "
                "serializable."
            )
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered
        return obj

    return decorator


def get_registered_name(obj):
    """`"package>Name"` for a registered object, else its `__name__`."""
    return _GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", None))


def lookup_registered_name(obj):
    """`"package>Name"` for a registered object, else None."""
    return _GLOBAL_CUSTOM_NAMES.get(obj)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered (or scoped, or passed in `custom_objects`) under `name`, or None."""
    for table in (
        _scope_objects(),
        custom_objects or {},
        _GLOBAL_CUSTOM_OBJECTS,
        module_objects or {},
    ):
        if name in table:
            return table[name]
    return None


def get_custom_objects():
    """The global dict of registered objects (editable, as in Keras)."""
    return _GLOBAL_CUSTOM_OBJECTS


def _scope_objects():
    merged = {}
    for scope in getattr(_scope_state, "stack", []):
        merged.update(scope)
    return merged


class CustomObjectScope:
    """Within the scope, deserialization also finds the given `{name: object}` entries.

    Example:
        >>> with CustomObjectScope({"Scale": Scale}):
        ...     model = cornu.models.model_from_json(text)
    """

    def __init__(self, custom_objects):
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise TypeError(
                f"CustomObjectScope expects a dict of name -> object; received {custom_objects!r}."
            )
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        if not hasattr(_scope_state, "stack"):
            _scope_state.stack = []
        _scope_state.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scope_state.stack.pop()
        return False


custom_object_scope = CustomObjectScope
