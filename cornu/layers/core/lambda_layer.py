"""`Lambda`: wraps a Python function as a layer."""

import ast
import inspect
import linecache
import sys
import textwrap

import numpy as np

import cornu
from cornu import backend, tree
from cornu import config as cornu_config
from cornu.backend.common import scopes
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.layer import Layer
from cornu.saving import object_registration, serialization_lib

_LAMBDA = "__lambda__"


def _is_module_level(fn):
    module = sys.modules.get(getattr(fn, "__module__", None) or "")
    name = getattr(fn, "__name__", None)
    return (
        module is not None
        and name is not None
        and name != "<lambda>"
        and getattr(fn, "__qualname__", name) == name
        and getattr(module, name, None) is fn
    )


def _lambda_source(fn):
    """The source text of a lambda (just the `lambda ...: ...` expression), or None."""
    code = fn.__code__
    lines = linecache.getlines(code.co_filename)
    if not lines:
        return None
    try:
        module = ast.parse("".join(lines))
    except SyntaxError:
        return None
    positions = [  # the spans of the body's instructions (not the empty RESUME/RETURN ones)
        ((line, col), (end_line, end_col))
        for line, end_line, col, end_col in code.co_positions()
        if None not in (line, end_line, col, end_col) and (line, col) != (end_line, end_col)
    ]
    candidates = []
    for node in ast.walk(module):
        if not isinstance(node, ast.Lambda) or node.lineno != code.co_firstlineno:
            continue
        body = node.body
        start, end = (body.lineno, body.col_offset), (body.end_lineno, body.end_col_offset)
        if not positions or all(start <= a and b <= end for a, b in positions):
            candidates.append(node)
    if len(candidates) != 1:
        candidates = [
            n
            for n in candidates
            if [a.arg for a in n.args.args] == list(code.co_varnames[: code.co_argcount])
        ]
    if len(candidates) != 1:
        return None
    return ast.get_source_segment("".join(lines), candidates[0])


def serialize_function(fn):
    """A config for a function: by name for module-level functions, else its source text.

    Module-level functions become `{"class_name": "function", "config": name, "module": ...}`;
    lambdas and nested functions become `{"class_name": "__lambda__", "config": {"source":
    text or None, "name": ...}}` (restoring those needs unsafe deserialization).
    """
    if fn is None:
        return None
    if _is_module_level(fn):
        return {
            "module": fn.__module__,
            "class_name": "function",
            "config": fn.__name__,
            "registered_name": fn.__name__,
        }
    name = getattr(fn, "__name__", None)
    if not hasattr(fn, "__code__"):
        raise ValueError(
            f"Lambda: cannot serialize {fn!r}: it is neither a Python function nor a lambda."
        )
    if name == "<lambda>":
        source = _lambda_source(fn)
    else:
        try:
            source = textwrap.dedent(inspect.getsource(fn))
        except (OSError, TypeError):
            source = None
    return {
        "module": getattr(fn, "__module__", None),
        "class_name": _LAMBDA,
        "config": {"source": source, "name": name},
        "registered_name": None,
    }


def deserialize_function(config, custom_objects=None, what="function"):
    """The inverse of `serialize_function`."""
    if config is None or callable(config):
        return config
    custom_objects = custom_objects or {}
    if isinstance(config, str):
        config = {"class_name": "function", "config": config}
    if not isinstance(config, dict):
        raise ValueError(f"Lambda: cannot restore {what} from {config!r}.")
    if config.get("class_name") == _LAMBDA:
        if not _unsafe_allowed():
            raise ValueError(
                f"Lambda: the {what} in this config is a lambda (or nested function) stored as "
                "Python source; running it could execute arbitrary code, so it is refused. If "
                "you trust the config, load it with `safe_mode=False` or call "
                "`cornu.config.enable_unsafe_deserialization()` first."
            )
        inner = config.get("config") or {}
        source, name = inner.get("source"), inner.get("name")
        if not source:
            raise ValueError(
                f"Lambda: the {what} '{name}' was saved without its source text (it was not "
                "available), so it cannot be restored; pass it in custom_objects instead."
            )
        namespace = {"cornu": cornu, "keras": cornu, "ops": cornu.ops, "np": np}
        module = sys.modules.get(config.get("module") or "")
        if module is not None:
            namespace.update(vars(module))
        namespace.update(custom_objects)
        if name == "<lambda>":
            return eval(source, namespace)  # noqa: S307 - allowed by the user explicitly
        exec(source, namespace)  # noqa: S102
        return namespace[name]
    name = config.get("config")
    if name in custom_objects:
        return custom_objects[name]
    found = _registered(config.get("registered_name") or name)
    if found is not None:
        return found
    module = sys.modules.get(config.get("module") or "")
    if module is not None and callable(getattr(module, name, None)):
        return getattr(module, name)
    for namespace in (cornu.activations, cornu.ops):
        fn = getattr(namespace, name, None) if isinstance(name, str) else None
        if callable(fn):
            return fn
    raise ValueError(
        f"Lambda: cannot find the {what} {name!r} (module {config.get('module')!r}); pass it "
        "in custom_objects, or import its module first."
    )


class Lambda(Layer):
    """Wraps `function(inputs, **arguments)` as a layer (for simple stateless expressions).

    Args:
        function: the function; it may take `mask` and `training` keyword arguments.
        output_shape: the output shape if it cannot be inferred: a tuple (without the batch
            axis, which is taken from the input) or a function of the input shape.
        mask: a function `(inputs, mask) -> mask`, or a fixed mask.
        arguments: extra keyword arguments for `function`.

    Saving: a module-level function is stored by name; a lambda is stored as its source text
    and only restored after `cornu.config.enable_unsafe_deserialization()`.

    Example:
        >>> Lambda(lambda x: x * 2)(np.ones((2, 3), "float32"))   # all 2.0
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(
                f"Lambda: function must be callable; received {function!r} "
                f"({type(function).__name__})."
            )
        if output_shape is not None and not callable(output_shape):
            if not isinstance(output_shape, (list, tuple)):
                raise ValueError(
                    "Lambda: output_shape must be a tuple, a function or None; received "
                    f"output_shape={output_shape!r}."
                )
            output_shape = tuple(output_shape)
        if arguments is not None and not isinstance(arguments, dict):
            raise ValueError(f"Lambda: arguments must be a dict; received arguments={arguments!r}.")
        self.function = function
        self._output_shape = output_shape
        self.mask = mask
        self.arguments = arguments or {}
        params = _parameters(function)
        self._fn_takes_mask = "mask" in params
        self._fn_takes_training = "training" in params
        self.supports_masking = mask is not None
        self.built = True

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_takes_mask:
            kwargs["mask"] = mask
        if self._fn_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, previous_mask=None):
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = tuple(input_shape)[:1] if _is_shape(input_shape) else (None,)
        return batch + self._output_shape

    def compute_output_spec(self, *args, **kwargs):
        if self._output_shape is None or not args:
            if self._mixed_precision:
                with scopes.AutocastScope(self.compute_dtype):
                    return backend.compute_output_spec(self._call_cast, *args, **kwargs)
            return backend.compute_output_spec(self._call_cast, *args, **kwargs)
        shapes = tree.map_structure(lambda x: tuple(x.shape), args[0])
        first = tree.flatten(args[0])[0]
        dtype = first.dtype if first is not None else self.compute_dtype
        out_shape = self.compute_output_shape(shapes)
        return tree.map_shape_structure(lambda s: KerasTensor(s, dtype=dtype), out_shape)

    def get_config(self):
        config = {**super().get_config(), "function": serialize_function(self.function)}
        if callable(self._output_shape):
            config["output_shape"] = serialize_function(self._output_shape)
        elif self._output_shape is not None:
            config["output_shape"] = list(self._output_shape)
        if callable(self.mask):
            config["mask"] = serialize_function(self.mask)
        elif self.mask is not None:
            raise ValueError(
                f"Lambda layer '{self.name}': a fixed (tensor) mask cannot be saved in a config; "
                "use a mask function."
            )
        config["arguments"] = dict(self.arguments)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        config = dict(config)
        for key in ("function", "output_shape", "mask"):
            value = config.get(key)
            if isinstance(value, dict):
                config[key] = deserialize_function(value, custom_objects, what=key)
        if isinstance(config.get("output_shape"), list):
            config["output_shape"] = tuple(config["output_shape"])
        return cls(**config)


def _unsafe_allowed():
    """`enable_unsafe_deserialization()`, or a load with `safe_mode=False` in progress."""
    return (
        cornu_config.is_unsafe_deserialization_enabled()
        or serialization_lib.in_safe_mode() is False
    )


def _registered(name):
    """A function registered with `cornu.saving` (or in a custom object scope), or None."""
    found = object_registration.get_registered_object(name)
    return found if callable(found) else None


def _parameters(fn):
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}


def _is_shape(value):
    return isinstance(value, (list, tuple)) and all(d is None or isinstance(d, int) for d in value)
