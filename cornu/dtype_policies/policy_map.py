"""`DTypePolicyMap`: dtype policies by layer path, for models whose layers differ (such as a
partly quantized model)."""

import re
from collections.abc import MutableMapping

from cornu.dtype_policies import policy as float_policy


class DTypePolicyMap(float_policy.DTypePolicy, MutableMapping):
    """A mapping from layer paths ("block/dense") to dtype policies, with a default.

    A lookup tries the exact path first, then each key as a regular expression searched in
    the path: one match gives its policy, none the default, several an error.

    Args:
        default_policy: the policy of paths without an entry (None: the global policy).
        policy_map: `{path: policy or policy name}`.

    Example:
        >>> policies = DTypePolicyMap()
        >>> policies["model/dense"] = "int8_from_float32"
        >>> policies["model/dense"].quantization_mode
        'int8'
    """

    def __init__(self, default_policy=None, policy_map=None):
        self._default_given = default_policy is not None
        self._default_policy = float_policy.get(default_policy)
        super().__init__(self._default_policy.name)
        if policy_map is not None and not isinstance(policy_map, dict):
            raise TypeError(
                f"DTypePolicyMap: policy_map must be a dict of path -> policy; received "
                f"{type(policy_map).__name__}."
            )
        self._policy_map = {}
        for key, value in (policy_map or {}).items():
            self[key] = value

    @property
    def default_policy(self):
        return self._default_policy if self._default_given else float_policy.dtype_policy()

    def __getitem__(self, key):
        if key in self._policy_map:
            return self._policy_map[key]
        matches = [k for k in self._policy_map if re.search(k, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Path '{key}' matches several keys of the DTypePolicyMap: {matches}. Make "
                "the keys more specific so that at most one matches."
            )
        return self._policy_map[matches[0]] if matches else self.default_policy

    def __setitem__(self, key, policy):
        if key in self._policy_map:
            raise ValueError(
                f"The DTypePolicyMap already has a policy for path '{key}'; delete it first "
                "to replace it."
            )
        self._policy_map[key] = float_policy.get(policy)

    def __delitem__(self, key):
        del self._policy_map[key]

    def __iter__(self):
        return iter(self._policy_map)

    def __len__(self):
        return len(self._policy_map)

    def __contains__(self, key):
        return key in self._policy_map

    def get_config(self):
        default = None
        if self._default_given:
            default = float_policy.serialize(self._default_policy)
        return {
            "default_policy": default,
            "policy_map": {k: float_policy.serialize(v) for k, v in self._policy_map.items()},
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("default_policy"), dict):
            config["default_policy"] = float_policy.deserialize(config["default_policy"])
        config["policy_map"] = {
            k: float_policy.deserialize(v, custom_objects) if isinstance(v, dict) else v
            for k, v in (config.get("policy_map") or {}).items()
        }
        return cls(**config)

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__

    def __repr__(self):
        mapping = [(k, v.name) for k, v in self._policy_map.items()]
        return f"<DTypePolicyMap default_policy={self.default_policy.name}, mapping={mapping}>"
