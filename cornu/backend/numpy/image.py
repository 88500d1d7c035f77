"""NumPy kernels for cornu.ops.image: small array primitives the front end composes (with the
elementwise, manipulation, linear and linalg kernels), run eagerly."""

import numpy as np

from cornu.backend.common import array_kernels
from cornu.backend.numpy import elementwise as _elementwise
from cornu.backend.numpy import reduction as _reduction

globals().update(array_kernels.image(np))

abs = _elementwise.absolute
reduce_max = _reduction.max
reduce_min = _reduction.min


def compiled(fn, *tensors, **static):
    """Runs `fn(*tensors, **static)` (eagerly on this backend)."""
    return fn(*tensors, **static)
