"""The common body of Cropping1D/2D/3D."""

from cornu.layers.reshaping._spatial import SpatialResize


class BaseCropping(SpatialResize):
    """Removes `(start, end)` elements from each spatial axis.

    Args:
        cropping: an int (every end of every axis), one int per axis (both ends), or one
            `(start, end)` pair per axis.
        data_format: "channels_last" or "channels_first" (default: the global setting).
    """

    _argument = "cropping"

    def _output_length(self, length, value, input_shape):
        start, end = value
        if start + end >= length:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': cropping {self.cropping} "
                f"leaves nothing of input shape {tuple(input_shape)}."
            )
        return length - start - end

    def call(self, inputs):
        self.compute_output_shape(tuple(inputs.shape))  # validates
        index = [slice(None)] * len(inputs.shape)
        for axis, (start, end) in self._per_axis_values(len(inputs.shape)):
            index[axis] = slice(start, -end if end else None)
        return inputs[tuple(index)]

    def get_config(self):
        config = {**super().get_config(), "cropping": tuple(tuple(p) for p in self.cropping)}
        if self._rank > 1:
            config["data_format"] = self.data_format
        return config
