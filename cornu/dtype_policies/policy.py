"""`DTypePolicy`: a layer's compute dtype and variable dtype ("mixed_float16": float16 / float32)."""

from cornu import config, ops
from cornu.backend.common import dtypes
from cornu.saving import serialization_lib

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_global_policy = {}


class DTypePolicy:
    """The dtypes a layer computes in and stores its variables in.

    Args:
        name: a dtype name ("float32", "bfloat16", ...) for both, or "mixed_float16" /
            "mixed_bfloat16" (compute in 16 bits, keep variables in float32). None: the global
            policy (`cornu.config.dtype_policy()`).

    Example:
        >>> policy = DTypePolicy("mixed_float16")
        >>> policy.compute_dtype, policy.variable_dtype
        ('float16', 'float32')
    """

    def __init__(self, name=None):
        if name is None:
            name = dtype_policy().name
        if not isinstance(name, str):
            raise TypeError(f"DTypePolicy name must be a string; received {name!r}.")
        if name in _MIXED:
            self._compute_dtype, self._variable_dtype = _MIXED[name], "float32"
        else:
            try:
                standard = dtypes.standardize_dtype(name)
            except ValueError:
                raise ValueError(
                    f"Unknown dtype policy {name!r}. Expected a dtype name (e.g. 'float32') or "
                    f"one of {sorted(_MIXED)}."
                ) from None
            self._compute_dtype = self._variable_dtype = standard
            name = standard
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        return self._compute_dtype

    @property
    def variable_dtype(self):
        return self._variable_dtype

    @property
    def quantization_mode(self):
        return None

    def convert_input(self, x, autocast, dtype):
        """Casts float inputs to `dtype` when `autocast` (used by Layer.__call__)."""
        if autocast and dtypes.is_float_dtype(ops.dtype(x)) and ops.dtype(x) != dtype:
            return ops.cast(x, dtype)
        return x

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other._name == self._name

    __hash__ = object.__hash__

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


FloatDTypePolicy = DTypePolicy


def get(identifier):
    """A DTypePolicy from a policy, a name, a config dict, or None (the global policy)."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, str):
        from cornu.dtype_policies import quantized  # imports this module

        return quantized.from_name(identifier) or DTypePolicy(identifier)
    if isinstance(identifier, dict) and identifier.get("class_name") in (
        "DTypePolicy",
        "FloatDTypePolicy",
    ):
        return DTypePolicy(**identifier.get("config", {}))
    if isinstance(identifier, dict) and "class_name" in identifier:
        return deserialize(identifier)
    if hasattr(identifier, "name") and not isinstance(identifier, dict):
        return DTypePolicy(dtypes.standardize_dtype(identifier))
    raise ValueError(f"Cannot interpret {identifier!r} as a dtype policy.")


def dtype_policy():
    """The global DTypePolicy (from `floatx()` unless `set_dtype_policy` was called)."""
    return _global_policy.get("policy") or DTypePolicy(config.floatx())


def set_dtype_policy(policy):
    """Sets the global DTypePolicy (a policy or its name).

    Raises:
        ValueError: for anything else (None included, as in Keras: to go back to float32,
            pass "float32").
    """
    if not isinstance(policy, (str, DTypePolicy)):
        raise ValueError(
            "set_dtype_policy expects a policy name (such as 'float32' or 'mixed_float16') "
            f"or a DTypePolicy; received {policy!r} of type {type(policy).__name__}. Pass "
            "'float32' to go back to the default policy."
        )
    _global_policy["policy"] = get(policy)


def serialize(dtype_policy):
    """The Keras-format config dict of a DTypePolicy."""
    return serialization_lib.serialize_keras_object(dtype_policy)


def deserialize(config, custom_objects=None):
    """The DTypePolicy a `serialize` config describes."""
    return serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)
