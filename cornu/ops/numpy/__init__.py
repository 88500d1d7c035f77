"""`cornu.ops.numpy`: the NumPy API over the backend's tensors, by family."""

from cornu.ops.core import vectorize  # noqa: F401,E402 (also a keras.ops.numpy name)
from cornu.ops.numpy.creation import *  # noqa: F401,F403 (names listed in each __all__)
from cornu.ops.numpy.elementwise import *  # noqa: F401,F403
from cornu.ops.numpy.indexing import *  # noqa: F401,F403
from cornu.ops.numpy.linear import *  # noqa: F401,F403
from cornu.ops.numpy.manipulation import *  # noqa: F401,F403
from cornu.ops.numpy.reduction import *  # noqa: F401,F403
from cornu.ops.numpy.sorting import *  # noqa: F401,F403
