"""`cornu.ops`: the cross-backend op namespace (NumPy API, core, nn, math, linalg, image).

Like `keras.ops`, the top level holds every op of `numpy`, `core`, `nn`, `math` and `linalg`;
`image` ops live only in `cornu.ops.image`.
"""

from cornu.ops import image, linalg, math, nn, numpy
from cornu.ops import operators as _operators  # (installs Variable's, KerasTensor's operators)
from cornu.ops.core import *  # noqa: F401,F403 (names listed in each module's __all__)
from cornu.ops.linalg import *  # noqa: F401,F403
from cornu.ops.math import *  # noqa: F401,F403
from cornu.ops.nn import *  # noqa: F401,F403
from cornu.ops.numpy import *  # noqa: F401,F403
