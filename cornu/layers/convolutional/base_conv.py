"""The shared machinery of the convolution layers: argument checks, weights, bias, config.

Four families, one base class each: `BaseConv` (Conv1D/2D/3D), `BaseConvTranspose`
(Conv*DTranspose), `BaseDepthwiseConv` (DepthwiseConv1D/2D) and `BaseSeparableConv`
(SeparableConv1D/2D). A layer of a family is a rank and a constructor: the family's
`*_constructor(rank)` writes the `__init__` with Keras's arguments and per-rank defaults
(`strides=1` in 1-D, `strides=(1, 1)` in 2-D), so each signature is written once. Weights
follow Keras's names, shapes and creation order, so Keras weights load into them by position.
"""

from cornu import activations, config, ops, regularizers
from cornu.layers import arguments
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.ops.nn.convolution import conv_bias


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


def _per_axis(rank, value=1):
    """Keras's default of a per-axis argument: an int in 1-D layers, a tuple otherwise."""
    return value if rank == 1 else (value,) * rank


# The config keys of every family, between the family's own leading and trailing ones.
_SHARED_CONFIG = (
    "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "use_bias"
) + arguments.of_weights("bias", activity=True)  # fmt: skip


class _ConvCommon(Layer):
    """What every convolution layer shares: geometry arguments, activation, bias, config.

    A family declares its kernels as `(attribute, argument prefix)` pairs, the config keys
    around `_SHARED_CONFIG`, and the shapes of its weights; its constructor passes its
    `locals()` here.
    """

    _kernels = (("kernel", "kernel"),)
    _config_head = ("filters",)
    _config_tail = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and "<locals>" in init.__qualname__:
            # A `*_constructor` function: argument errors name the layer ("Conv2D.__init__()").
            init.__qualname__ = f"{cls.__qualname__}.__init__"

    def __init__(self, rank, constructor_arguments):
        super().__init__(
            activity_regularizer=regularizers.get(constructor_arguments["activity_regularizer"]),
            **constructor_arguments["kwargs"],
        )
        self._check_sizes(constructor_arguments)
        self._init_geometry(rank, constructor_arguments)
        prefixes = [prefix for _, prefix in self._kernels] + ["bias"]
        stored = ("activation", "use_bias") + arguments.of_weights(*prefixes)
        arguments.store(self, constructor_arguments, stored)

    def _check_sizes(self, constructor_arguments):
        """Checks and stores the family's sizes (`filters`, ...), before the geometry."""
        where = type(self).__name__
        for name in self._config_head:
            setattr(self, name, _check_positive_int(constructor_arguments[name], where, name))

    def _init_geometry(self, rank, constructor_arguments):
        where = type(self).__name__
        self.rank = rank
        self.kernel_size = normalize_tuple(
            constructor_arguments["kernel_size"], rank, where, "kernel_size"
        )
        self.strides = normalize_tuple(constructor_arguments["strides"], rank, where, "strides")
        self.dilation_rate = normalize_tuple(
            constructor_arguments["dilation_rate"], rank, where, "dilation_rate"
        )
        self.padding = normalize_padding(
            constructor_arguments["padding"], where, self._allowed_paddings(rank)
        )
        self.data_format = normalize_data_format(constructor_arguments["data_format"], where)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{where}: strides > 1 cannot be combined with dilation_rate > 1; received "
                f"strides={self.strides} and dilation_rate={self.dilation_rate}."
            )
        self.input_spec = InputSpec(ndim=rank + 2)

    def _allowed_paddings(self, rank):
        return ("valid", "same")

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

    def _spatial(self, input_shape):
        input_shape = tuple(input_shape)
        if self.data_format == "channels_first":
            return input_shape[2:]
        return input_shape[1:-1]

    def _check_input_rank(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' expects inputs of rank "
                f"{self.rank + 2}; received input shape {tuple(input_shape)}."
            )

    # -- weights -------------------------------------------------------------------------

    def _kernel_shapes(self, channels):
        """The shape of each of `_kernels`, for `channels` input channels."""
        raise NotImplementedError

    def _bias_units(self, channels):
        return self.filters

    def build(self, input_shape):
        self._check_input_rank(input_shape)
        channels = self._input_channels(input_shape)
        for (attribute, prefix), shape in zip(self._kernels, self._kernel_shapes(channels)):
            weight = self.add_weight(
                shape=shape, name=attribute, **arguments.of_weight(self, prefix)
            )
            setattr(self, attribute, weight)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self._bias_units(channels),),
                name="bias",
                **arguments.of_weight(self, "bias"),
            )
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): channels})
        self.built = True

    # -- computation ---------------------------------------------------------------------

    def _convolve(self, inputs):
        """The convolution without bias and activation."""
        raise NotImplementedError

    def call(self, inputs):
        if self.padding == "valid":  # an empty output raises here as it does symbolically
            self.compute_output_shape(inputs.shape)
        return self._finish(self._convolve(inputs))

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

    def _output_lengths(self, input_shape):
        """The output's spatial lengths (None where the input's is unknown)."""
        return [
            conv_output_length(length, k, s, d, self.padding, self)
            for length, k, s, d in zip(
                self._spatial(input_shape), self.kernel_size, self.strides, self.dilation_rate
            )
        ]

    def _output_channels(self, input_shape):
        return self.filters

    def compute_output_shape(self, input_shape):
        self._check_input_rank(input_shape)
        input_shape = tuple(input_shape)
        spatial = tuple(self._output_lengths(input_shape))
        channels = self._output_channels(input_shape)
        if self.data_format == "channels_first":
            return (input_shape[0], channels) + spatial
        return (input_shape[0],) + spatial + (channels,)

    def get_config(self):
        names = self._config_head + _SHARED_CONFIG + self._config_tail
        return {**super().get_config(), **arguments.config(self, names)}


class BaseConv(_ConvCommon):
    """An N-D convolution: `activation(conv(inputs, kernel) + bias)`.

    Args:
        filters: the number of output channels.
        kernel_size: the window (an int or a tuple of `rank` ints).
        strides, dilation_rate: ints or tuples of `rank` ints (not both > 1).
        padding: "valid", "same" (or "causal" for rank 1: left padding only, for temporal
            models).
        data_format: "channels_last" (`(batch, *spatial, channels)`) or "channels_first"
            (default: the global setting).
        groups: split the input channels into this many groups, each convolved with
            `filters // groups` filters (divides both the input channels and `filters`).
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as
            in `Dense`.

    The kernel has shape `kernel_size + (in_channels // groups, filters)`, the bias
    `(filters,)`.
    """

    _config_tail = ("groups",) + arguments.of_weights("kernel")

    def __init__(self, rank, constructor_arguments):
        # LoRA is not implemented: `lora_rank` (and `lora_alpha`) come in **kwargs, and a
        # lora_rank is refused in `_check_sizes`.
        kwargs = dict(constructor_arguments["kwargs"])
        lora_rank = kwargs.pop("lora_rank", None)
        kwargs.pop("lora_alpha", None)
        super().__init__(rank, {**constructor_arguments, "kwargs": kwargs, "lora_rank": lora_rank})

    def _allowed_paddings(self, rank):
        return ("valid", "same", "causal") if rank == 1 else ("valid", "same")

    def _check_sizes(self, constructor_arguments):
        where = type(self).__name__
        lora_rank = constructor_arguments["lora_rank"]
        if lora_rank is not None:
            raise ValueError(
                f"{where}: lora_rank is not supported by cornu yet; received {lora_rank!r}."
            )
        filters, groups = constructor_arguments["filters"], constructor_arguments["groups"]
        self.filters = _check_positive_int(filters, where, "filters")
        self.groups = _check_positive_int(groups, where, "groups")
        if filters % groups:
            raise ValueError(
                f"{where}: `filters` must be divisible by `groups`; received filters={filters} "
                f"and groups={groups}."
            )

    def _kernel_shapes(self, channels):
        if channels % self.groups:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': the number of input channels "
                f"({channels}) must be divisible by groups={self.groups}."
            )
        return [self.kernel_size + (channels // self.groups, self.filters)]

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


class BaseConvTranspose(_ConvCommon):
    """An N-D transposed convolution (the gradient of a convolution w.r.t. its input; also
    called deconvolution).

    Args:
        filters: the number of output channels.
        kernel_size, strides, dilation_rate: ints or tuples of `rank` ints.
        padding: "valid" or "same".
        output_padding: None (the length follows from `padding`) or the extra output length
            per axis, each smaller than its stride.
        Others as in `BaseConv`.

    The kernel has shape `kernel_size + (filters, in_channels)`, the bias `(filters,)`.
    """

    _config_tail = ("output_padding",) + arguments.of_weights("kernel")

    def _init_geometry(self, rank, constructor_arguments):
        super()._init_geometry(rank, constructor_arguments)
        where = type(self).__name__
        output_padding = constructor_arguments["output_padding"]
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

    def _kernel_shapes(self, channels):
        return [self.kernel_size + (self.filters, channels)]

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

    def _output_lengths(self, input_shape):
        output_padding = self.output_padding or (None,) * self.rank
        return [
            deconv_output_length(length, k, s, d, self.padding, p)
            for length, k, s, d, p in zip(
                self._spatial(input_shape),
                self.kernel_size,
                self.strides,
                self.dilation_rate,
                output_padding,
            )
        ]


class BaseDepthwiseConv(_ConvCommon):
    """An N-D depthwise convolution: each input channel convolved with its own
    `depth_multiplier` filters (output channel `c * depth_multiplier + m` comes from input
    channel `c`).

    Args:
        kernel_size, strides, dilation_rate: ints or tuples of `rank` ints (not both > 1).
        padding: "valid" or "same".
        depth_multiplier: the number of filters per input channel.
        data_format, activation, use_bias, bias_initializer, bias_regularizer,
            bias_constraint, activity_regularizer: as in `BaseConv`.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the kernel.

    The depthwise kernel has shape `kernel_size + (in_channels, depth_multiplier)`, the bias
    `(in_channels * depth_multiplier,)`.
    """

    _kernels = (("kernel", "depthwise"),)
    _config_head = ("depth_multiplier",)
    _config_tail = arguments.of_weights("depthwise")

    def _kernel_shapes(self, channels):
        return [self.kernel_size + (channels, self.depth_multiplier)]

    def _bias_units(self, channels):
        return channels * self.depth_multiplier

    def _convolve(self, inputs):
        return ops.depthwise_conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def _output_channels(self, input_shape):
        channels = input_shape[self._channel_axis()]
        return None if channels is None else channels * self.depth_multiplier


class BaseSeparableConv(_ConvCommon):
    """An N-D separable convolution: a depthwise conv, then a 1x..x1 pointwise conv mixing
    the channels.

    Args:
        filters: the number of output channels.
        depth_multiplier: depthwise filters per input channel.
        depthwise_*, pointwise_*: initializer, regularizer and constraint of each kernel.
        Others as in `BaseDepthwiseConv`.

    Weights, in order: `depthwise_kernel` `kernel_size + (in_channels, depth_multiplier)`,
    `pointwise_kernel` `(1,) * rank + (in_channels * depth_multiplier, filters)`, `bias`
    `(filters,)`.
    """

    _kernels = (("depthwise_kernel", "depthwise"), ("pointwise_kernel", "pointwise"))
    _config_head = ("filters", "depth_multiplier")
    _config_tail = arguments.of_weights("depthwise", "pointwise")

    def _kernel_shapes(self, channels):
        return [
            self.kernel_size + (channels, self.depth_multiplier),
            (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
        ]

    def _convolve(self, inputs):
        return ops.separable_conv(
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )


# -- the constructors of the layers, one per family -------------------------------------


def conv_constructor(rank):
    """The `__init__` of a `rank`-D `BaseConv` layer (Conv1D, Conv2D, Conv3D)."""
    ones = _per_axis(rank)

    def __init__(
        self,
        filters,
        kernel_size,
        strides=ones,
        padding="valid",
        data_format=None,
        dilation_rate=ones,
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
        **kwargs,
    ):
        BaseConv.__init__(self, rank, locals())

    return __init__


def conv_transpose_constructor(rank):
    """The `__init__` of a `rank`-D `BaseConvTranspose` layer (Conv1DTranspose,
    Conv2DTranspose; Conv3DTranspose writes its own: Keras orders its arguments otherwise)."""
    ones = _per_axis(rank)

    def __init__(
        self,
        filters,
        kernel_size,
        strides=ones,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=ones,
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
        BaseConvTranspose.__init__(self, rank, locals())

    return __init__


def depthwise_conv_constructor(rank):
    """The `__init__` of a `rank`-D `BaseDepthwiseConv` layer (DepthwiseConv1D/2D)."""
    ones = _per_axis(rank)

    def __init__(
        self,
        kernel_size,
        strides=ones,
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=ones,
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
        BaseDepthwiseConv.__init__(self, rank, locals())

    return __init__


def separable_conv_constructor(rank):
    """The `__init__` of a `rank`-D `BaseSeparableConv` layer (SeparableConv1D/2D)."""
    ones = _per_axis(rank)

    def __init__(
        self,
        filters,
        kernel_size,
        strides=ones,
        padding="valid",
        data_format=None,
        dilation_rate=ones,
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
        BaseSeparableConv.__init__(self, rank, locals())

    return __init__
