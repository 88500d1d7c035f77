"""The common body of Cropping1D/2D/3D."""

from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.reshaping import _args


class BaseCropping(Layer):
    _rank = None

    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        name = type(self).__name__
        self.cropping = _args.pairs(cropping, self._rank, name, "cropping")
        self.data_format = _args.data_format(data_format, name)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        self.supports_masking = False
        self.built = True

    def _axes(self, rank):
        return _args.spatial_axes(rank, self.data_format)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (a, b) in zip(self._axes(len(shape)), self.cropping):
            if shape[axis] is not None:
                if a + b >= shape[axis]:
                    raise ValueError(
                        f"{type(self).__name__} layer '{self.name}': cropping {self.cropping} "
                        f"leaves nothing of input shape {tuple(input_shape)}."
                    )
                shape[axis] = shape[axis] - a - b
        return tuple(shape)

    def call(self, inputs):
        self.compute_output_shape(tuple(inputs.shape))  # validates
        index = [slice(None)] * len(inputs.shape)
        for axis, (a, b) in zip(self._axes(len(inputs.shape)), self.cropping):
            index[axis] = slice(a, -b if b else None)
        return inputs[tuple(index)]

    def get_config(self):
        config = {**super().get_config(), "cropping": [list(p) for p in self.cropping]}
        if self._rank > 1:
            config["data_format"] = self.data_format
        return config
