"""The TensorFlow backend."""

from cornu.backend.common.layer_mixin import LayerMixin
from cornu.backend.tensorflow import random
from cornu.backend.tensorflow.core import (
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
