"""`cornu.dtype_policies`: per-layer compute and variable dtypes."""

from cornu.dtype_policies.policy import (
    DTypePolicy,
    FloatDTypePolicy,
    deserialize,
    dtype_policy,
    get,
    serialize,
    set_dtype_policy,
)
