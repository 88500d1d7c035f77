"""`Rescaling`: `inputs * scale + offset`, computed in the layer's compute dtype."""

import numpy as np

from cornu import ops
from cornu.layers.preprocessing.data_layer import DataLayer


def _check_factor(name, value):
    """A number, or a list/array of numbers (one per channel, broadcast on the last axis)."""
    if isinstance(value, bool):
        raise TypeError(
            f"Rescaling: {name} must be a number or a list of numbers; received {name}={value!r}."
        )
    if isinstance(value, (int, float)):
        return value  # as given: Keras's config keeps an int an int
    if isinstance(value, np.number):
        return value.item()
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "iuf":
            raise TypeError
    except (TypeError, ValueError):
        raise TypeError(
            f"Rescaling: {name} must be a number or a list of numbers; received {name}={value!r}."
        ) from None
    if isinstance(value, (list, tuple)) and array.ndim == 1:
        return list(value)  # the numbers as given, as Keras's config keeps them
    return array.tolist() if array.ndim else array.item()


class Rescaling(DataLayer):
    """Multiplies its inputs by `scale` and adds `offset` (e.g. `scale=1/255` maps uint8
    pixels to [0, 1]; `scale=1/127.5, offset=-1` maps them to [-1, 1]).

    Integer inputs are cast to the compute dtype first. No weights.

    Args:
        scale: a number, or a list of numbers broadcast against the input's trailing axes.
        offset: the same, added after scaling.

    Example:
        >>> Rescaling(1 / 255)(np.array([[0, 255]], "uint8"))   # [[0.0, 1.0]] float32
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _check_factor("scale", scale)
        self.offset = _check_factor("offset", offset)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        dtype = self.compute_dtype
        x = ops.cast(inputs, dtype)
        scale = ops.convert_to_tensor(np.asarray(self.scale), dtype=dtype)
        offset = ops.convert_to_tensor(np.asarray(self.offset), dtype=dtype)
        return ops.add(ops.multiply(x, scale), offset)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        def plain(value):  # a stored list comes back as a TrackedList
            return list(value) if isinstance(value, list) else value

        return {**super().get_config(), "scale": plain(self.scale), "offset": plain(self.offset)}
