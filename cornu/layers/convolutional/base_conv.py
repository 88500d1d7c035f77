"""The shared machinery of the convolution layers: argument checks, weights, bias, config.

`BaseConv` (Conv1D/2D/3D), `BaseConvTranspose` (Conv*DTranspose), `BaseDepthwiseConv`
(DepthwiseConv1D/2D) and `BaseSeparableConv` (SeparableConv1D/2D). Weights follow Keras's
names, shapes and creation order, so Keras weights load into them by position.
"""

from cornu import activations, config, constraints, initializers, ops, regularizers
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.ops.nn_conv import conv_bias


def _maybe(serialize, value):
    return None if value is None else serialize(value)


def normalize_tuple(value, rank, where, arg, allow_zero=False):
    """An int or a sequence of `rank` ints -> a tuple of `rank` ints (checked)."""
    if isinstance(value, int) and not isinstance(value, bool):
        values = (value,) * rank
    else:
        try:
            values = tuple(value)
        except TypeError:
            values = None
    minimum = 0 if allow_zero else 1
    if (
        values is None
        or len(values) != rank
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= minimum for v in values)
    ):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(
            f"{where}: `{arg}` must be a {kind} int or a tuple of {rank} {kind} ints; "
            f"received {arg}={value!r}."
        )
    return values


def normalize_padding(padding, where, allowed=("valid", "same")):
    value = str(padding).lower() if isinstance(padding, str) else None
    if value not in allowed:
        raise ValueError(
            f"{where}: `padding` must be one of {allowed}; received padding={padding!r}."
        )
    return value


def normalize_data_format(data_format, where):
    if data_format is None:
        return config.image_data_format()
    value = str(data_format).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(
            f"{where}: `data_format` must be 'channels_first' or 'channels_last'; received "
            f"data_format={data_format!r}."
        )
    return value


def conv_output_length(length, window, stride, dilation, padding, layer=None):
    """The output length of a forward conv/pool along one axis (None stays None).

    A window wider than its valid-padded input would leave an empty axis: `layer` (for the
    message) gets a ValueError instead.
    """
    if length is None:
        return None
    if padding in ("same", "causal"):
        return -(-length // stride)
    extent = (window - 1) * dilation + 1
    if length < extent:
        where = f"{type(layer).__name__} layer '{layer.name}'" if layer is not None else "A layer"
        raise ValueError(
            f"{where}: a window of {window} (dilation {dilation}, so {extent} wide) does not fit "
            f"an input axis of length {length} with padding='valid'; the output would be empty. "
            "Use a smaller kernel/pool size, padding='same', or a larger input."
        )
    return (length - extent) // stride + 1


def deconv_output_length(length, window, stride, dilation, padding, output_padding):
    """The output length of a transposed conv along one axis (None stays None)."""
    if length is None:
        return None
    extent = (window - 1) * dilation + 1
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(extent - stride, 0)
        return length * stride
    pad = extent // 2 if padding == "same" else 0
    return (length - 1) * stride + extent - 2 * pad + output_padding


def _check_positive_int(value, where, arg):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{where}: `{arg}` must be a positive int; received {arg}={value!r}.")
    return value


class _ConvCommon(Layer):
    """What every convolution layer shares: geometry arguments, activation, bias, config."""

    def _init_geometry(
        self, rank, kernel_size, strides, padding, data_format, dilation_rate, paddings
    ):
        where = type(self).__name__
        self.rank = rank
        self.kernel_size = normalize_tuple(kernel_size, rank, where, "kernel_size")
        self.strides = normalize_tuple(strides, rank, where, "strides")
        self.dilation_rate = normalize_tuple(dilation_rate, rank, where, "dilation_rate")
        self.padding = normalize_padding(padding, where, paddings)
        self.data_format = normalize_data_format(data_format, where)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{where}: strides > 1 cannot be combined with dilation_rate > 1; received "
                f"strides={self.strides} and dilation_rate={self.dilation_rate}."
            )
        self.input_spec = InputSpec(ndim=rank + 2)

    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def _input_channels(self, input_shape):
        channels = input_shape[self._channel_axis()]
        if channels is None:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' needs a known channel dimension; "
                f"received input shape {tuple(input_shape)} with "
                f"data_format='{self.data_format}'."
            )
        return channels

    def _set_input_spec(self, channels):
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): channels})

    def _spatial(self, input_shape):
        input_shape = tuple(input_shape)
        if self.data_format == "channels_first":
            return input_shape[2:]
        return input_shape[1:-1]

    def _output_shape(self, input_shape, spatial, channels):
        if self.data_format == "channels_first":
            return (input_shape[0], channels) + tuple(spatial)
        return (input_shape[0],) + tuple(spatial) + (channels,)

    def _check_input_rank(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' expects inputs of rank "
                f"{self.rank + 2}; received input shape {tuple(input_shape)}."
            )

    def _finish(self, x):
        if self.bias is not None:
            bias = self.bias
            if self.data_format == "channels_first":
                bias = ops.reshape(bias, (-1,) + (1,) * self.rank)
            x = ops.add(x, bias)
        return self._activate(x)

    def _activate(self, x):
        if self.activation is not activations.linear:
            x = self.activation(x)
        return x

    def _add_bias(self, units):
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )

    def _common_config(self):
        return {
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "bias_regularizer": _maybe(regularizers.serialize, self.bias_regularizer),
            "activity_regularizer": _maybe(regularizers.serialize, self._activity_regularizer),
            "bias_constraint": _maybe(constraints.serialize, self.bias_constraint),
        }


class BaseConv(_ConvCommon):
    """An N-D convolution: `activation(conv(inputs, kernel) + bias)`.

    Args:
        rank: the number of spatial dimensions (1, 2 or 3).
        filters: the number of output channels.
        kernel_size: the window (an int or a tuple of `rank` ints).
        strides, dilation_rate: ints or tuples of `rank` ints (not both > 1).
        padding: "valid", "same" (or "causal" for rank 1: left padding only).
        data_format: "channels_last" or "channels_first" (default: the global setting).
        groups: split the input channels into this many groups, each convolved with
            `filters // groups` filters.
        activation, use_bias, *_initializer, *_regularizer, *_constraint: as in `Dense`.

    The kernel has shape `kernel_size + (in_channels // groups, filters)`, the bias
    `(filters,)`.
    """

    def __init__(
        self,
        rank,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        groups=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=regularizers.get(activity_regularizer), **kwargs)
        where = type(self).__name__
        if lora_rank is not None:
            raise ValueError(
                f"{where}: lora_rank is not supported by cornu yet; received {lora_rank!r}."
            )
        self.filters = _check_positive_int(filters, where, "filters")
        self.groups = _check_positive_int(groups, where, "groups")
        if filters % groups:
            raise ValueError(
                f"{where}: `filters` must be divisible by `groups`; received filters={filters} "
                f"and groups={groups}."
            )
        paddings = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        self._init_geometry(
            rank, kernel_size, strides, padding, data_format, dilation_rate, paddings
        )
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        self._check_input_rank(input_shape)
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': the number of input channels "
                f"({channels}) must be divisible by groups={self.groups}."
            )
        self.kernel = self.add_weight(
            shape=self.kernel_size + (channels // self.groups, self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
        )
        self._add_bias(self.filters)
        self._set_input_spec(channels)
        self.built = True

    def call(self, inputs):
        if self.padding == "valid":  # an empty output raises here as it does symbolically
            self.compute_output_shape(inputs.shape)
        padding = self.padding
        if padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            pads = [[0, 0], [0, 0], [0, 0]]
            pads[2 if self.data_format == "channels_first" else 1] = [left, 0]
            inputs = ops.pad(inputs, pads)
            padding = "valid"
        if self.bias is not None:  # bias added by the convolution kernel where it can
            x = conv_bias(
                inputs, self.kernel, self.bias, strides=self.strides, padding=padding,
                data_format=self.data_format, dilation_rate=self.dilation_rate,
            )  # fmt: skip
            return self._activate(x)
        x = ops.conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._finish(x)

    def compute_output_shape(self, input_shape):
        self._check_input_rank(input_shape)
        spatial = [
            conv_output_length(length, k, s, d, self.padding, self)
            for length, k, s, d in zip(
                self._spatial(input_shape), self.kernel_size, self.strides, self.dilation_rate
            )
        ]
        return self._output_shape(tuple(input_shape), spatial, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            **self._common_config(),
            "groups": self.groups,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "kernel_regularizer": _maybe(regularizers.serialize, self.kernel_regularizer),
            "kernel_constraint": _maybe(constraints.serialize, self.kernel_constraint),
        }


class BaseConvTranspose(_ConvCommon):
    """An N-D transposed convolution (the gradient of a convolution w.r.t. its input).

    Args:
        rank: the number of spatial dimensions.
        filters: the number of output channels.
        kernel_size, strides, dilation_rate: ints or tuples of `rank` ints.
        padding: "valid" or "same".
        output_padding: None, or the extra length per axis (each smaller than the stride).
        Others as in `BaseConv`.

    The kernel has shape `kernel_size + (filters, in_channels)`, the bias `(filters,)`.
    """

    def __init__(
        self,
        rank,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=regularizers.get(activity_regularizer), **kwargs)
        where = type(self).__name__
        self.filters = _check_positive_int(filters, where, "filters")
        self._init_geometry(
            rank, kernel_size, strides, padding, data_format, dilation_rate, ("valid", "same")
        )
        if output_padding is not None:
            output_padding = normalize_tuple(
                output_padding, rank, where, "output_padding", allow_zero=True
            )
            for p, s in zip(output_padding, self.strides):
                if p >= s:
                    raise ValueError(
                        f"{where}: each `output_padding` must be smaller than its stride; "
                        f"received output_padding={output_padding} and strides={self.strides}."
                    )
        self.output_padding = output_padding
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        self._check_input_rank(input_shape)
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, channels),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
        )
        self._add_bias(self.filters)
        self._set_input_spec(channels)
        self.built = True

    def call(self, inputs):
        x = ops.conv_transpose(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._finish(x)

    def compute_output_shape(self, input_shape):
        self._check_input_rank(input_shape)
        output_padding = self.output_padding or (None,) * self.rank
        spatial = [
            deconv_output_length(
                length, k, s, d, self.padding, None if self.output_padding is None else p
            )
            for length, k, s, d, p in zip(
                self._spatial(input_shape),
                self.kernel_size,
                self.strides,
                self.dilation_rate,
                output_padding,
            )
        ]
        return self._output_shape(tuple(input_shape), spatial, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            **self._common_config(),
            "output_padding": self.output_padding,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "kernel_regularizer": _maybe(regularizers.serialize, self.kernel_regularizer),
            "kernel_constraint": _maybe(constraints.serialize, self.kernel_constraint),
        }


class BaseDepthwiseConv(_ConvCommon):
    """An N-D depthwise convolution: each input channel convolved with its own
    `depth_multiplier` filters (output channel `c * depth_multiplier + m`).

    The depthwise kernel has shape `kernel_size + (in_channels, depth_multiplier)`, the bias
    `(in_channels * depth_multiplier,)`.
    """

    def __init__(
        self,
        rank,
        depth_multiplier,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=regularizers.get(activity_regularizer), **kwargs)
        where = type(self).__name__
        self.depth_multiplier = _check_positive_int(depth_multiplier, where, "depth_multiplier")
        self._init_geometry(
            rank, kernel_size, strides, padding, data_format, dilation_rate, ("valid", "same")
        )
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        self._check_input_rank(input_shape)
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
            name="kernel",
        )
        self._add_bias(channels * self.depth_multiplier)
        self._set_input_spec(channels)
        self.built = True

    def call(self, inputs):
        if self.padding == "valid":
            self.compute_output_shape(inputs.shape)
        x = ops.depthwise_conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._finish(x)

    def compute_output_shape(self, input_shape):
        self._check_input_rank(input_shape)
        channels = input_shape[self._channel_axis()]
        spatial = [
            conv_output_length(length, k, s, d, self.padding, self)
            for length, k, s, d in zip(
                self._spatial(input_shape), self.kernel_size, self.strides, self.dilation_rate
            )
        ]
        out_channels = None if channels is None else channels * self.depth_multiplier
        return self._output_shape(tuple(input_shape), spatial, out_channels)

    def get_config(self):
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            **self._common_config(),
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "depthwise_regularizer": _maybe(regularizers.serialize, self.depthwise_regularizer),
            "depthwise_constraint": _maybe(constraints.serialize, self.depthwise_constraint),
        }


class BaseSeparableConv(_ConvCommon):
    """An N-D separable convolution: a depthwise conv, then a 1x..x1 pointwise conv.

    Weights, in order: `depthwise_kernel` `kernel_size + (in_channels, depth_multiplier)`,
    `pointwise_kernel` `(1,) * rank + (in_channels * depth_multiplier, filters)`, `bias`
    `(filters,)`.
    """

    def __init__(
        self,
        rank,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=regularizers.get(activity_regularizer), **kwargs)
        where = type(self).__name__
        self.filters = _check_positive_int(filters, where, "filters")
        self.depth_multiplier = _check_positive_int(depth_multiplier, where, "depth_multiplier")
        self._init_geometry(
            rank, kernel_size, strides, padding, data_format, dilation_rate, ("valid", "same")
        )
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        self._check_input_rank(input_shape)
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
            name="depthwise_kernel",
        )
        self.pointwise_kernel = self.add_weight(
            shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
            name="pointwise_kernel",
        )
        self._add_bias(self.filters)
        self._set_input_spec(channels)
        self.built = True

    def call(self, inputs):
        if self.padding == "valid":
            self.compute_output_shape(inputs.shape)
        x = ops.separable_conv(
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._finish(x)

    def compute_output_shape(self, input_shape):
        self._check_input_rank(input_shape)
        spatial = [
            conv_output_length(length, k, s, d, self.padding, self)
            for length, k, s, d in zip(
                self._spatial(input_shape), self.kernel_size, self.strides, self.dilation_rate
            )
        ]
        return self._output_shape(tuple(input_shape), spatial, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "depth_multiplier": self.depth_multiplier,
            **self._common_config(),
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "depthwise_regularizer": _maybe(regularizers.serialize, self.depthwise_regularizer),
            "pointwise_regularizer": _maybe(regularizers.serialize, self.pointwise_regularizer),
            "depthwise_constraint": _maybe(constraints.serialize, self.depthwise_constraint),
            "pointwise_constraint": _maybe(constraints.serialize, self.pointwise_constraint),
        }
