"""jax linear-algebra product kernels."""

import jax.numpy as np

matmul = np.matmul
