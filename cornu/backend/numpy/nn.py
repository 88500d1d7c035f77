"""NumPy kernels used only by `cornu.ops.nn` (inputs already promoted to one dtype by the front
end).

Most nn ops are composed in the front end from the elementwise, reduction and manipulation
kernels (one flat namespace); conv and pooling live in `nn_conv.py`.
"""

import numpy as np

from cornu.backend.numpy.core import stop_gradient as stop_gradient
from cornu.backend.numpy.indexing import get_item

slice = get_item  # `x[index]`


def _float_safe(fn):
    """Runs `fn` in float32 for float16/bfloat16 inputs and casts the result back."""

    def wrapped(x):
        if x.dtype in (np.float32, np.float64):
            return fn(x)
        return fn(x.astype(np.float32)).astype(x.dtype)

    return wrapped


@_float_safe
def sigmoid(x):
    # exp of a non-positive argument only, so nothing overflows.
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype)


def softplus(x):
    return np.logaddexp(x, np.zeros((), x.dtype)).astype(x.dtype)


def relu(x):
    return np.maximum(x, np.zeros((), x.dtype))


def complex_from_parts(real, imag):
    return real + 1j * imag.astype(np.result_type(imag.dtype, np.complex64))


def fuse(fn):
    """Op bodies run eagerly on this backend (see jax/nn.py's `fuse`)."""
    return fn
