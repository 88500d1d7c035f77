"""`Softmax`: softmax over one or more axes, with an optional mask."""

from cornu import ops
from cornu.backend.common import dtypes
from cornu.layers.layer import Layer


class Softmax(Layer):
    """Softmax over `axis`; positions where the mask is False get probability zero.

    Args:
        axis: an int or a tuple of ints.

    Call args:
        inputs: the logits.
        mask: a boolean tensor broadcastable to `inputs` (a lower-rank mask is extended with
            trailing axes). A slice whose positions are all masked gives all zeros.

    Example:
        >>> Softmax()(x, mask=np.array([[True, True, False]]))   # last column is 0
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, list):
            axis = tuple(axis)
        ok = lambda a: isinstance(a, int) and not isinstance(a, bool)  # noqa: E731
        if not (ok(axis) or (isinstance(axis, tuple) and axis and all(ok(a) for a in axis))):
            raise ValueError(
                f"Softmax: axis must be an int or a tuple of ints; received axis={axis!r}."
            )
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.softmax(inputs, axis=self.axis)
        mask = ops.cast(mask, "bool")
        while len(mask.shape) < len(inputs.shape):
            mask = ops.expand_dims(mask, -1)
        # A large negative (not -inf, which would give NaN for fully masked slices).
        big = -6e4 if dtypes.standardize_dtype(inputs.dtype) == "float16" else -1e9
        logits = ops.where(mask, inputs, ops.cast(big, inputs.dtype))
        probs = ops.softmax(logits, axis=self.axis)
        return ops.where(mask, probs, ops.zeros_like(probs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {**super().get_config(), "axis": axis}
