"""A `cornu.ops` call inside a Functional model, in Keras's config layout.

Keras writes each op as an object of its op class: the fixed arguments the op was given go to
the op's `config` (`ops.sum(x, axis=1)` -> `Sum` with `{"axis": 1}`), and only the data it is
called on goes to the node's `args` (`[x]`). Writing cornu's ops the same way lets Keras load
cornu's `.keras` files and cornu load Keras's, in both directions.
"""

import functools
import inspect

import numpy as np

from cornu import tree
from cornu.graph.keras_tensor import KerasTensor

# Parameters whose values Keras passes when calling the op (with the tensors), not when
# making it, even when they hold Python numbers: `ops.add(x, 1.0)` is `Add()` called on
# `(x, 1.0)`, `x[:, 0]` is `GetItem()` called on `(x, key)`, and `ops.pad` gets
# `constant_values` at call time. An op's first parameter is always data too.
_DATA_PARAMS = frozenset(
    (
        "x",
        "x1",
        "x2",
        "x3",
        "xs",
        "y",
        "condition",
        "indices",
        "updates",
        "values",
        "key",
        "fill_value",
        "constant_values",
    )
)


def split_call(fn, args, kwargs):
    """Splits one recorded call of `fn` into Keras's parts.

    Returns:
        `(call_args, call_kwargs, fixed)`: the data arguments, positional while they come in
        order and by name after a gap, and the fixed arguments (by name) for the op's config.
    """
    signature = _signature(fn)
    if signature is None:
        return list(args), dict(kwargs), {}
    try:
        bound = signature.bind(*args, **kwargs).arguments
    except TypeError:
        return list(args), dict(kwargs), {}
    call_args, call_kwargs, fixed = [], {}, {}
    in_order = True
    for index, param in enumerate(signature.parameters.values()):
        if param.name not in bound:
            in_order = False
            continue
        value = bound[param.name]
        if param.kind is param.VAR_POSITIONAL and in_order:
            call_args.extend(value)
        elif param.kind is param.VAR_KEYWORD:
            call_kwargs.update(value)
        elif index == 0 or param.name in _DATA_PARAMS or _holds_tensor(value):
            if in_order and param.kind is not param.KEYWORD_ONLY:
                call_args.append(value)
            else:
                call_kwargs[param.name] = value
        else:
            fixed[param.name] = value
            in_order = False
    return call_args, call_kwargs, fixed


def bind_fixed(fn, fixed):
    """`fn` with the fixed arguments of an op config bound by name (itself when none)."""
    if not fixed:
        return fn
    return functools.update_wrapper(functools.partial(fn, **fixed), fn)


def restore_call_args(fn_name, args):
    """Undoes what JSON did to call arguments: a `get_item` key written as a list was a
    tuple (a list key would mean advanced indexing)."""
    if fn_name == "get_item" and len(args) > 1 and isinstance(args[1], list):
        return [args[0], tuple(args[1])] + list(args[2:])
    return list(args)


def encode_index(value):
    """A slice or Ellipsis as Keras writes them in node arguments; None when `value` is
    neither."""
    if isinstance(value, slice):
        return {
            "class_name": "__slice__",
            "config": {"start": value.start, "stop": value.stop, "step": value.step},
        }
    if value is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    return None


def decode_value(value):
    """The Python value of a node-argument entry that is not a tensor reference (slices,
    Ellipsis, NumPy arrays); `value` itself when it is plain data."""
    kind = value.get("class_name") if isinstance(value, dict) else None
    if kind == "__slice__":
        config = value["config"]
        return slice(config.get("start"), config.get("stop"), config.get("step"))
    if kind == "__ellipsis__":
        return Ellipsis
    if kind == "__numpy__":
        config = value["config"]
        return np.array(config["value"], dtype=config.get("dtype"))
    return value


def _signature(fn):
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):  # builtins without a signature
        return None


def _holds_tensor(value):
    return any(isinstance(leaf, KerasTensor) for leaf in tree.flatten(value))
