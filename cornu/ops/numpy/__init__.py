"""`cornu.ops.numpy`: the NumPy API over the backend's tensors, by topic.

    creation              zeros, ones, arange, linspace, eye, windows, triangles, ...
    elementwise           arithmetic, comparison, logic, binary math and bitwise ops
    elementwise_math      unary math: float functions, rounding, predicates, complex parts
    indexing              get_item, take, where, diagonals, ...
    linear                matmul, dot, einsum, tensordot, ...
    manipulation          reshape, squeeze, transpose, expand_dims, broadcast_to, ...
    manipulation_join     concatenate, stack, split and their variants
    manipulation_reorder  flip, roll, rot90, tile, repeat, pad
    reduction             sum, mean, var, cumulative sums and products, nan* forms, ...
    reduction_extrema     max, min, argmax, argmin, all, any, ptp, count_nonzero, ...
    reduction_statistics  median, quantile, percentile, corrcoef
    sorting               sort, argsort, searchsorted, unique, ...

Helpers the modules share are in `_manipulation_args.py` and `_reduction_args.py`.
`vectorize` is a core op (`cornu.ops.core`) that Keras also lists under `keras.ops.numpy`.
"""

from cornu.ops.core import vectorize
from cornu.ops.numpy import (
    creation,
    elementwise,
    elementwise_math,
    indexing,
    linear,
    manipulation,
    manipulation_join,
    manipulation_reorder,
    reduction,
    reduction_extrema,
    reduction_statistics,
    sorting,
)
from cornu.ops.numpy.creation import *  # noqa: F403 (the names in each module's __all__)
from cornu.ops.numpy.elementwise import *  # noqa: F403
from cornu.ops.numpy.elementwise_math import *  # noqa: F403
from cornu.ops.numpy.indexing import *  # noqa: F403
from cornu.ops.numpy.linear import *  # noqa: F403
from cornu.ops.numpy.manipulation import *  # noqa: F403
from cornu.ops.numpy.manipulation_join import *  # noqa: F403
from cornu.ops.numpy.manipulation_reorder import *  # noqa: F403
from cornu.ops.numpy.reduction import *  # noqa: F403
from cornu.ops.numpy.reduction_extrema import *  # noqa: F403
from cornu.ops.numpy.reduction_statistics import *  # noqa: F403
from cornu.ops.numpy.sorting import *  # noqa: F403

__all__ = [
    *creation.__all__,
    *elementwise.__all__,
    *elementwise_math.__all__,
    *indexing.__all__,
    *linear.__all__,
    *manipulation.__all__,
    *manipulation_join.__all__,
    *manipulation_reorder.__all__,
    *reduction.__all__,
    *reduction_extrema.__all__,
    *reduction_statistics.__all__,
    *sorting.__all__,
    "vectorize",
]
