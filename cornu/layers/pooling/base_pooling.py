"""The shared machinery of the pooling layers (windowed, global and adaptive).

A pooling layer is one of the three bases here, a `rank` and a `pool_mode`; the bases'
constructors have Keras's signatures (only MaxPooling*D writes its own, for the default
`pool_size`).
"""

from cornu import ops
from cornu.layers.convolutional.base_conv import (
    conv_output_length,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
)
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


def _spatial_axes(rank, data_format):
    if data_format == "channels_first":
        return tuple(range(2, rank + 2))
    return tuple(range(1, rank + 1))


class _Pooling(Layer):
    """What every pooling layer shares: its rank and pool mode (class attributes of each
    layer), its data format, and the input-rank check."""

    rank = None  # the number of spatial axes
    pool_mode = None  # "max" or "average"

    def _init_data_format(self, data_format):
        self.data_format = normalize_data_format(data_format, type(self).__name__)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def _spatial_axes(self):
        return _spatial_axes(self.rank, self.data_format)

    def _checked_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' expects inputs of rank "
                f"{self.rank + 2}; received input shape {input_shape}."
            )
        return input_shape


class BasePooling(_Pooling):
    """Max or average pooling over windows of `pool_size` moved by `strides`.

    Args:
        pool_size: an int or a tuple of `rank` ints.
        strides: an int, a tuple of `rank` ints, or None (= `pool_size`).
        padding: "valid" or "same" ("same" pads like TensorFlow; padded positions never
            count).
        data_format: "channels_last" or "channels_first" (default: the global setting).
    """

    def __init__(
        self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs
    ):
        super().__init__(name=name, **kwargs)
        where = type(self).__name__
        self.pool_size = normalize_tuple(pool_size, self.rank, where, "pool_size")
        strides = self.pool_size if strides is None else strides
        self.strides = normalize_tuple(strides, self.rank, where, "strides")
        self.padding = normalize_padding(padding, where)
        self._init_data_format(data_format)

    def call(self, inputs):
        if self.padding == "valid":  # an empty output raises here as it does symbolically
            self.compute_output_shape(inputs.shape)
        pool = ops.max_pool if self.pool_mode == "max" else ops.average_pool
        return pool(
            inputs,
            pool_size=self.pool_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape):
        input_shape = self._checked_shape(input_shape)
        out = list(input_shape)
        for axis, k, s in zip(self._spatial_axes(), self.pool_size, self.strides):
            out[axis] = conv_output_length(input_shape[axis], k, s, 1, self.padding, self)
        return tuple(out)

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }


class BaseGlobalPooling(_Pooling):
    """Max or average over every spatial axis.

    Args:
        data_format: "channels_last" or "channels_first" (default: the global setting).
        keepdims: keep the spatial axes (with length 1).
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.keepdims = bool(keepdims)
        self._init_data_format(data_format)

    def call(self, inputs):
        reduce = ops.max if self.pool_mode == "max" else ops.mean
        return reduce(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        input_shape = self._checked_shape(input_shape)
        axes = self._spatial_axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        return {
            **super().get_config(),
            "data_format": self.data_format,
            "keepdims": self.keepdims,
        }


class BaseAdaptivePooling(_Pooling):
    """Pools to a fixed output size: window `i` along an axis of length `L` covers
    `[floor(i * L / out), ceil((i + 1) * L / out))`.

    Args:
        output_size: an int or a tuple of `rank` ints.
        data_format: "channels_last" or "channels_first" (default: the global setting).
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = type(self).__name__
        self.output_size = normalize_tuple(output_size, self.rank, where, "output_size")
        self._init_data_format(data_format)

    def call(self, inputs):
        pool = ops.adaptive_max_pool if self.pool_mode == "max" else ops.adaptive_average_pool
        return pool(inputs, self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        out = list(self._checked_shape(input_shape))
        for axis, size in zip(self._spatial_axes(), self.output_size):
            out[axis] = size
        return tuple(out)

    def get_config(self):
        return {
            **super().get_config(),
            "output_size": self.output_size,
            "data_format": self.data_format,
        }
