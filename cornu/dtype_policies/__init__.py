"""`cornu.dtype_policies`: per-layer compute and variable dtypes."""

from cornu.dtype_policies.policy import (
    DTypePolicy,
    FloatDTypePolicy,
    dtype_policy,
    get,
    set_dtype_policy,
)
