"""The JAX backend."""

from cornu.backend import interface
from cornu.backend.common.layer_mixin import LayerMixin
from cornu.backend.jax import random
from cornu.backend.jax.core import (
    IS_DIFFERENTIABLE,
    SEED_DTYPE,
    SUPPORTS_SPARSE,
    Variable,
    cast,
    compute_output_spec,
    cond,
    convert_to_numpy,
    convert_to_tensor,
    device_scope,
    fori_loop,
    is_tensor,
    no_grad,
    scan,
    shape,
    stop_gradient,
    to_framework_dtype,
    vectorized_map,
    while_loop,
)

# The kernel topic modules, merged into one flat namespace on the first op
# (common/kernel_namespace.py); named, not imported, to keep `import cornu` fast.
KERNEL_MODULES = interface.KERNEL_TOPICS
