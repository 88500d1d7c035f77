"""`cornu.activations`: activation functions, and `get`/`serialize`/`deserialize`."""

from cornu.activations.activations import (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh,
    tanh_shrink,
    threshold,
)  # fmt: skip
from cornu.saving import object_registration, serialization_lib
from cornu.utils import identifiers

_FUNCTIONS = {
    f.__name__: f
    for f in (
        celu, elu, exponential, gelu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_tanh,
        leaky_relu, linear, log_sigmoid, log_softmax, mish, relu, relu6, selu, sigmoid, silu,
        soft_shrink, softmax, softplus, softsign, sparse_plus, sparse_sigmoid, sparsemax,
        squareplus, tanh, tanh_shrink, threshold,
    )
}  # fmt: skip
_FUNCTIONS.update(swish=silu, hard_swish=hard_silu)


def get(identifier):
    """An activation function from a name ("relu"), a config dict, a callable, or None (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, dict) and identifier.get("class_name") == "function":
        return _from_function_config(identifier, None)
    return identifiers.resolve(identifier, _FUNCTIONS, "activation", instantiate=False)


def serialize(activation):
    """The name of a built-in activation (Keras stores activations by name)."""
    for name, fn in _FUNCTIONS.items():
        if fn is activation:
            return name
    name = getattr(activation, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize activation {activation!r}: it has no name.")
    # A custom function is stored as a function config, as Keras does, so loading finds it
    # by its registered name (or in custom_objects).
    return serialization_lib.serialize_keras_object(activation)


def deserialize(config, custom_objects=None):
    table = dict(_FUNCTIONS, **(custom_objects or {}))
    if isinstance(config, dict) and config.get("class_name") == "function":
        return _from_function_config(config, custom_objects)
    return identifiers.resolve(config, table, "activation", instantiate=False)


def _from_function_config(config, custom_objects):
    """A `{"class_name": "function", "config": name}` config: a registered or custom-scoped
    function under `name`, else a built-in activation."""
    name = config.get("config")
    found = object_registration.get_registered_object(name, custom_objects)
    if callable(found):
        return found
    if name in _FUNCTIONS:
        return _FUNCTIONS[name]
    raise TypeError(
        f"Could not locate function {name!r} (an activation). Decorate it with "
        "@cornu.saving.register_keras_serializable() or pass custom_objects="
        f"{{{name!r}: {name}}} when loading."
    )
