"""numpy linear-algebra product kernels."""

import numpy as np

matmul = np.matmul
