"""Layer constructor arguments converted, stored and saved by their names.

Keras names the arguments of a weight `<weight>_initializer`, `<weight>_regularizer` and
`<weight>_constraint`, and activation functions `activation`/`recurrent_activation`. Each kind
has a `get` (to store it on the layer) and a `serialize` (for `get_config`); the name's suffix
picks them. A layer lists the names it takes, and these helpers do the rest, so the
conversions are written once rather than once per layer.

Example:
    >>> class Scale(Layer):
    ...     def __init__(self, scale_initializer="ones", scale_regularizer=None,
    ...                  scale_constraint=None, **kwargs):
    ...         super().__init__(**kwargs)
    ...         arguments.store(self, locals(), arguments.of_weights("scale"))
    ...     def build(self, input_shape):
    ...         weight = arguments.of_weight(self, "scale")
    ...         self.scale = self.add_weight((input_shape[-1],), name="scale", **weight)
    ...     def get_config(self):
    ...         saved = arguments.config(self, arguments.of_weights("scale"))
    ...         return {**super().get_config(), **saved}
"""

from cornu import activations, constraints, initializers, regularizers

# (suffix, module, saved when None) for the arguments converted by name; the others are kept
# and saved as they are. Keras saves a missing regularizer or constraint as None.
_KINDS = (
    ("_initializer", initializers, True),
    ("_regularizer", regularizers, False),
    ("_constraint", constraints, False),
    ("activation", activations, True),
)


def _kind(name):
    for suffix, module, saved_when_none in _KINDS:
        if name.endswith(suffix):
            return module, saved_when_none
    return None, True


def store(layer, values, names):
    """Sets `layer.<name>` to `values[name]` (converted by its suffix) for each of `names`;
    `values` is usually the constructor's `locals()`."""
    for name in names:
        module, _ = _kind(name)
        value = values[name]
        setattr(layer, name, value if module is None else module.get(value))


def config(layer, names):
    """`{name: saved form of layer.<name>}` for `get_config`, in the order of `names`.

    `activity_regularizer` is read from the base Layer's `_activity_regularizer`.
    """
    result = {}
    for name in names:
        if name == "activity_regularizer":
            value = layer._activity_regularizer
        else:
            value = getattr(layer, name)
        module, saved_when_none = _kind(name)
        if module is not None and (value is not None or saved_when_none):
            value = module.serialize(value)
        result[name] = value
    return result


def of_weight(layer, weight):
    """The `initializer`, `regularizer` and `constraint` arguments of `add_weight` for the
    weight named `weight`, from the layer's `<weight>_initializer`, ... attributes."""
    return {
        "initializer": getattr(layer, f"{weight}_initializer"),
        "regularizer": getattr(layer, f"{weight}_regularizer"),
        "constraint": getattr(layer, f"{weight}_constraint"),
    }


def of_weights(*weights, activity=False):
    """The argument names of `weights` grouped by kind, in Keras's order: every initializer,
    then every regularizer (then `activity_regularizer`, with `activity`), then every
    constraint. `of_weights("kernel", "bias")` is `("kernel_initializer", "bias_initializer",
    "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint")`."""
    names = [f"{weight}{suffix}" for suffix, _, _ in _KINDS[:3] for weight in weights]
    if activity:
        names.insert(2 * len(weights), "activity_regularizer")
    return tuple(names)


def forwarded(values, names):
    """The arguments a constructor passes on to its base class: `names` picked from `values`
    (the constructor's `locals()`), and its `**kwargs`."""
    return {**{name: values[name] for name in names}, **values["kwargs"]}


def refuse_unsupported(where, **values):
    """Raises ValueError for the first of `values` that is not None: arguments accepted for
    Keras compatibility whose feature cornu does not implement (LoRA, quantization)."""
    for arg, value in values.items():
        if value is not None:
            raise ValueError(f"{where}: {arg} is not supported by cornu yet; received {value!r}.")
