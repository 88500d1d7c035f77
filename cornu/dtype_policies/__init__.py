"""`cornu.dtype_policies`: per-layer compute and variable dtypes, quantized policies, and
`DTypePolicyMap` (policies by layer path)."""

from cornu.dtype_policies.policy import (
    DTypePolicy,
    FloatDTypePolicy,
    deserialize,
    dtype_policy,
    get,
    serialize,
    set_dtype_policy,
)
from cornu.dtype_policies.policy_map import DTypePolicyMap
from cornu.dtype_policies.quantized import (
    AWQDTypePolicy,
    GPTQDTypePolicy,
    Int4DTypePolicy,
    QuantizedDTypePolicy,
    QuantizedFloat8DTypePolicy,
)
