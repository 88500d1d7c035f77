"""Initializers that need no randomness: Zeros, Ones, Constant, Identity."""

from cornu import ops
from cornu.backend.common import dtypes
from cornu.initializers.initializer import Initializer


def _dtype(dtype):
    return dtypes.standardize_dtype(dtype)


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return ops.convert_to_tensor(_filled(shape, 0), dtype=_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return ops.convert_to_tensor(_filled(shape, 1), dtype=_dtype(dtype))


class Constant(Initializer):
    """Every entry equal to `value` (a scalar)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return ops.convert_to_tensor(_filled(shape, self.value), dtype=_dtype(dtype))

    def get_config(self):
        return {"value": self.value}


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        import numpy as np

        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape; received {tuple(shape)}.")
        return ops.convert_to_tensor(self.gain * np.eye(*shape), dtype=_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


def _filled(shape, value):
    import numpy as np

    return np.full(tuple(shape), value)
