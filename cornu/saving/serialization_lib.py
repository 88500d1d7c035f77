"""`serialize_keras_object` / `deserialize_keras_object`: objects <-> Keras-format config dicts.

A config dict is `{"module", "class_name", "config", "registered_name"}` (plus
`"build_config"` for built layers), laid out as Keras 3 writes it, so files pass both ways.
Keras module names ("keras.layers", "keras.initializers", ...) map onto cornu's namespaces.
"""

import importlib
import inspect
import threading
import types

import numpy as np

# cornu's subpackages (layers, models, ...) import this module: they are looked up on the
# package at call time, once `import cornu` has finished.
import cornu
from cornu import backend

# keras_archive imports this module too; it is used at call time only.
from cornu.saving import keras_archive, object_registration

# Keras's public namespaces, in the order a class name is searched for.
_NAMESPACES = (
    "layers", "initializers", "regularizers", "constraints", "losses", "metrics",
    "optimizers", "optimizers.schedules", "dtype_policies", "models", "activations", "random",
)  # fmt: skip
# Where a function saved as `{"class_name": "function", "config": name}` is looked for.
_FUNCTION_NAMESPACES = ("activations", "losses", "metrics")
_SPECIAL_MODULES = {"Functional": "keras.src.models.functional"}


def _namespace_of(obj_type):
    """The public namespace a class is exported from; the top level first, as Keras records
    `keras.DTypePolicy` or `keras.Layer` under "keras"."""
    if getattr(cornu, obj_type.__name__, None) is obj_type:
        return ""
    for name in _NAMESPACES:
        module = _import(f"cornu.{name}")
        if module is not None and getattr(module, obj_type.__name__, None) is obj_type:
            return name
    return None


def _import(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def serialize_keras_object(obj):
    """The Keras-format config of `obj` (an object with get_config, a function, or plain data)."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, list):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, tuple):
        return tuple(serialize_keras_object(x) for x in obj)
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if _is_backend_tensor(obj):
        array = np.asarray(backend.convert_to_numpy(obj))
        return {
            "class_name": "__tensor__",
            "config": {"value": array.tolist(), "dtype": array.dtype.name},
        }
    if isinstance(obj, np.ndarray):
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": obj.dtype.name},
        }
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        registered = object_registration.lookup_registered_name(obj)
        # Keras records every function under "builtins" and finds it by name (registered,
        # custom_objects, or a built-in activation/loss/metric) when loading.
        return {
            "module": "builtins",
            "class_name": "function",
            "config": registered or obj.__name__,
            "registered_name": "function",
        }
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r} (type {type(obj).__name__}): it has no get_config()."
        )
    cls = type(obj)
    registered = object_registration.lookup_registered_name(cls)
    namespace = _namespace_of(cls) if registered is None else None
    if cls.__name__ in _SPECIAL_MODULES and namespace is not None:
        module, registered = _SPECIAL_MODULES[cls.__name__], cls.__name__
    elif namespace is not None:
        module = "keras" if namespace == "" else f"keras.{namespace}"
    else:
        # A class outside the library is recorded under its registered name, or its own
        # name when unregistered (found then through custom_objects). Classes Keras keeps
        # outside its public namespaces (ConvNeXt's LayerScale) name Keras's module in
        # `_keras_module`, so Keras finds them in cornu's files.
        module = cls.__dict__.get("_keras_module") or cls.__module__
        registered = registered or cls.__name__
    config = {
        "module": module,
        "class_name": cls.__name__,
        "config": _plain(obj.get_config()),
        "registered_name": registered,
    }
    build_config = getattr(obj, "get_build_config", None)
    if build_config is not None and getattr(obj, "built", False):
        built = build_config()
        if built is not None:
            config["build_config"] = _plain(built)
    if isinstance(obj, cornu.models.Model):
        keras_archive.add_model_entries(obj, config)
    return config


def _is_backend_tensor(obj):
    """A tensor of the backend in use (on the numpy backend, NumPy arrays are its tensors)."""
    if isinstance(obj, (np.ndarray, np.generic)):
        return backend.backend() == "numpy" and isinstance(obj, np.ndarray)
    return backend.is_tensor(obj)


def _plain(value):
    """Config values as JSON-ready data (tuples become lists, objects their configs)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, (np.generic,)):
        return value.item()
    if hasattr(value, "get_config") and not isinstance(value, type):
        return serialize_keras_object(value)
    return value


def _locate(config, custom_objects):
    class_name = config.get("class_name")
    registered = config.get("registered_name")
    for key in (registered, class_name):
        if key:
            found = object_registration.get_registered_object(key, custom_objects)
            if found is not None:
                return found
    module = config.get("module") or ""
    if module.startswith("keras") or module.startswith("cornu"):
        if class_name == "Functional":
            return cornu.models.Functional
        tail = module.split(".", 1)[1] if "." in module else ""
        tail = tail.replace("src.", "") if tail.startswith("src.") else tail
        candidates = [tail] if tail else []
        candidates += ["", *_NAMESPACES]
        for name in candidates:
            namespace = _import(f"cornu.{name}" if name else "cornu")
            found = getattr(namespace, class_name, None) if namespace is not None else None
            if found is not None:
                return found
    return None


_safe_mode_state = threading.local()


class SafeModeScope:
    """Within the scope, deserialization refuses (True) or allows (False) unsafe objects such
    as the Python lambdas of `Lambda` layers; `load_model(..., safe_mode=...)` opens one."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self._previous = getattr(_safe_mode_state, "safe_mode", None)
        _safe_mode_state.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc):
        _safe_mode_state.safe_mode = self._previous
        return False


def in_safe_mode():
    """The safe mode of the innermost SafeModeScope, or None outside any."""
    return getattr(_safe_mode_state, "safe_mode", None)


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object a `serialize_keras_object` config describes.

    Args:
        config: a config dict (or plain data, returned as it is).
        custom_objects: `{name: class or function}` for custom objects.
        safe_mode: refuse unsafe objects (lambdas); an enclosing `SafeModeScope` (such as the
            one `load_model` opens) decides instead when there is one.

    Raises:
        TypeError: for an unknown class, naming it and saying how to register it.
    """
    # The outermost call's choice holds for the nested calls made by from_config methods.
    scoped = in_safe_mode()
    with SafeModeScope(safe_mode if scoped is None else scoped):
        return _deserialize(config, custom_objects, safe_mode)


def _deserialize(config, custom_objects, safe_mode):
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        found = object_registration.get_registered_object(config, custom_objects)
        return found if found is not None else config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, safe_mode) for c in config]
    if not isinstance(config, dict):
        raise TypeError(f"Cannot deserialize {config!r}: expected a config dict.")
    if "class_name" not in config or "config" not in config:
        return {
            k: deserialize_keras_object(v, custom_objects, safe_mode) for k, v in config.items()
        }
    class_name = config["class_name"]
    if class_name == "__numpy__":
        return np.array(config["config"]["value"], dtype=config["config"].get("dtype"))
    if class_name == "__bytes__":
        return config["config"]["value"].encode("utf-8")
    if class_name == "__tensor__":
        inner = config["config"]
        return backend.convert_to_tensor(np.array(inner["value"], dtype=inner.get("dtype")))
    if class_name == "function":
        return _function(config, custom_objects)
    cls = _locate(config, custom_objects)
    if cls is None:
        raise TypeError(
            f"Could not locate class '{class_name}' (module {config.get('module')!r}). If it is "
            "a custom class, decorate it with @cornu.saving.register_keras_serializable() or "
            f"pass custom_objects={{'{class_name}': {class_name}}}."
        )
    inner = config["config"]
    if inspect.isclass(cls) and hasattr(cls, "from_config"):
        with object_registration.CustomObjectScope(custom_objects or {}):
            obj = (
                cls.from_config(inner)
                if not _takes_custom(cls)
                else cls.from_config(inner, custom_objects=custom_objects)
            )
    else:
        obj = cls(**inner) if inspect.isclass(cls) else cls
    build_config = config.get("build_config")
    if build_config and hasattr(obj, "build_from_config") and not getattr(obj, "built", False):
        obj.build_from_config(build_config)
    return obj


def _takes_custom(cls):
    try:
        return "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        return False


def _function(config, custom_objects):
    name = config["config"]
    found = object_registration.get_registered_object(name, custom_objects)
    if found is not None:
        return found
    for namespace in _FUNCTION_NAMESPACES:
        found = getattr(_import(f"cornu.{namespace}"), name, None)
        if callable(found):
            return found
    # "builtins" is where Keras records every function, not where to look for it.
    module = config.get("module", "")
    module = _import(module) if module and module != "builtins" else None
    found = getattr(module, name, None) if module is not None else None
    if found is None:
        raise TypeError(
            f"Could not locate function '{name}'. Register it with "
            "@cornu.saving.register_keras_serializable() or pass it in custom_objects."
        )
    return found
