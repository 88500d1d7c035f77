"""`cornu.ops.linalg`: decompositions, solvers and norms of (batches of) matrices.

Integer and bool inputs compute in floatx (float32); float16/bfloat16 compute in float32 and are
cast back. Matrix arguments have shape `(..., M, N)` with any leading batch dimensions.

    decompositions   cholesky, cholesky_inverse, eig, eigh, lu_factor, qr, svd
    solvers          inv, lstsq, pinv, solve, solve_triangular
    measures         det, matrix_rank, norm
    differentiation  jvp

Helpers the modules share are in `_linalg_common.py`.
"""

from cornu.ops.linalg import decompositions, differentiation, measures, solvers
from cornu.ops.linalg.decompositions import *  # noqa: F403 (the names in each module's __all__)
from cornu.ops.linalg.differentiation import *  # noqa: F403
from cornu.ops.linalg.measures import *  # noqa: F403
from cornu.ops.linalg.solvers import *  # noqa: F403

__all__ = [
    *decompositions.__all__,
    *solvers.__all__,
    *measures.__all__,
    *differentiation.__all__,
]
