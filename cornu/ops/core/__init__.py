"""`cornu.ops.core`: Keras's core ops (`keras.ops` names that are not NumPy's), by topic.

    tensors        cast, saturate_cast, convert_to_tensor, convert_to_numpy, is_tensor, shape,
                   dtype, stop_gradient, custom_gradient, unstack
    control_flow   cond, switch, while_loop, fori_loop, scan, map, associative_scan,
                   vectorized_map
    vectorization  vectorize
    updates        slice, slice_update, scatter, scatter_update, rearrange

Helpers the modules share are in `_core_common.py`.
"""

from cornu.ops.core import control_flow, tensors, updates, vectorization
from cornu.ops.core.control_flow import *  # noqa: F403 (the names in each module's __all__)
from cornu.ops.core.tensors import *  # noqa: F403
from cornu.ops.core.updates import *  # noqa: F403
from cornu.ops.core.vectorization import *  # noqa: F403

__all__ = [
    *tensors.__all__,
    *control_flow.__all__,
    *vectorization.__all__,
    *updates.__all__,
]
