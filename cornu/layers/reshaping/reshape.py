"""`Reshape`: reshapes each sample to `target_shape`."""

import math

from cornu import ops
from cornu.layers.layer import Layer


class Reshape(Layer):
    """Reshapes the input to `(batch,) + target_shape`.

    Args:
        target_shape: the new shape of one sample (no batch axis); one entry may be -1, which
            takes whatever size is left.

    Example:
        >>> Reshape((3, -1))(np.ones((2, 12), "float32")).shape
        (2, 3, 4)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        if isinstance(target_shape, int) and not isinstance(target_shape, bool):
            target_shape = (target_shape,)
        if not isinstance(target_shape, (list, tuple)) or not all(
            isinstance(d, int) and not isinstance(d, bool) and (d > 0 or d == -1)
            for d in target_shape
        ):
            raise ValueError(
                "Reshape: target_shape must be a tuple of positive ints (one may be -1); "
                f"received target_shape={target_shape!r}."
            )
        if list(target_shape).count(-1) > 1:
            raise ValueError(
                "Reshape: at most one entry of target_shape may be -1; received "
                f"target_shape={tuple(target_shape)}."
            )
        self.target_shape = tuple(target_shape)
        self.built = True

    def _resolve(self, sample_shape):
        """`target_shape` with its -1 resolved when the sample size is known (else None)."""
        known = math.prod(d for d in self.target_shape if d != -1)
        if any(d is None for d in sample_shape):
            return tuple(None if d == -1 else d for d in self.target_shape)
        size = math.prod(sample_shape)
        if -1 in self.target_shape:
            if size % known:
                raise ValueError(self._mismatch(sample_shape))
            return tuple(size // known if d == -1 else d for d in self.target_shape)
        if size != known:
            raise ValueError(self._mismatch(sample_shape))
        return self.target_shape

    def _mismatch(self, sample_shape):
        return (
            f"Reshape layer '{self.name}': cannot reshape samples of shape "
            f"{tuple(sample_shape)} ({math.prod(sample_shape)} values) to target_shape "
            f"{self.target_shape}."
        )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        return (input_shape[0],) + self._resolve(input_shape[1:])

    def call(self, inputs):
        target = self._resolve(tuple(inputs.shape[1:]))
        if all(d is not None for d in target):
            return ops.reshape(inputs, (-1,) + target)
        return ops.reshape(inputs, (ops.shape(inputs)[0],) + self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": tuple(self.target_shape)}
