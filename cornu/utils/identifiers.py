"""Resolving identifiers ("glorot_uniform", "GlorotUniform", {"class_name": ...}, objects) for
the `get()` functions of initializers, activations, losses, metrics, optimizers, ...

Written once so every namespace accepts the same forms and names close matches on a typo.
"""

import difflib
import inspect
import re


def snake_case(name):
    """`GlorotUniform` -> `glorot_uniform`, `Conv2D` -> `conv2d` (as Keras names layers)."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def build_table(classes, aliases=None):
    """Name -> class for each class's own name and its snake_case name, plus `aliases`."""
    table = {}
    for cls in classes:
        table[cls.__name__] = cls
        table[snake_case(cls.__name__)] = cls
    table.update(aliases or {})
    return table


def resolve(identifier, table, kind, base=None, instantiate=True):
    """Returns the object `identifier` names in `table`.

    Args:
        identifier: None, an instance of `base`, a name, a `{"class_name", "config"}` dict, or
            a callable.
        table: name -> class (or function).
        kind: what is being resolved, for messages ("initializer", "loss", ...).
        base: the base class instances of which pass through.
        instantiate: call the class found by name with no arguments.

    Raises:
        ValueError: for an unknown name (listing the closest valid names) or an unusable dict.
    """
    if identifier is None:
        return None
    if base is not None and isinstance(identifier, base):
        return identifier
    if isinstance(identifier, str):
        found = table.get(identifier)
        if found is None:
            close = difflib.get_close_matches(identifier, list(table), n=3, cutoff=0.5)
            hint = f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(f"Unknown {kind}: {identifier!r}.{hint}")
        return found() if instantiate and inspect.isclass(found) else found
    if isinstance(identifier, dict):
        name = identifier.get("class_name")
        cls = table.get(name) if isinstance(name, str) else None
        if cls is None:
            raise ValueError(
                f"Unknown {kind} in config {identifier!r}: class_name {name!r} is not one of "
                f"cornu's {kind}s (register custom ones with "
                "cornu.saving.register_keras_serializable)."
            )
        config = identifier.get("config") or {}
        return cls.from_config(config) if hasattr(cls, "from_config") else cls(**config)
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Cannot interpret {identifier!r} (of type {type(identifier).__name__}) as a {kind}: "
        "expected a name, a config dict, or a callable."
    )
