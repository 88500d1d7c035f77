"""`ConvLSTM1D/2D/3D`: LSTMs whose input and recurrent transforms are convolutions."""

from cornu import activations, config, ops
from cornu.layers import arguments
from cornu.layers.recurrent.lstm import LSTM, forget_bias_initializer
from cornu.layers.recurrent.simple_rnn import _CellBase, _CellRNN, add_cell_properties


def _tuple(value, n, name, where):
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,) * n
    value = tuple(value) if isinstance(value, (list, tuple)) else None
    if (
        value is None
        or len(value) != n
        or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    ):
        raise ValueError(
            f"{where}: {name} must be a positive int or a tuple of {n} positive ints; received "
            f"{name}={value!r}."
        )
    return value


def _conv_out(size, k, stride, dilation, padding):
    if size is None:
        return None
    if padding == "same":
        return -(-size // stride)
    return (size - dilation * (k - 1) - 1) // stride + 1


class ConvLSTMCell(_CellBase):
    """One ConvLSTM step on an image `(batch, *spatial, channels)` (or channels first).

    The four gate blocks (i, f, c, o) are `conv(x, kernel) + conv(h, recurrent_kernel) + bias`;
    the recurrent convolution uses "same" padding and stride 1.
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
        activation="tanh",
        recurrent_activation="sigmoid",
        unit_forget_bias=True,
        **kwargs,
    ):
        where = f"ConvLSTM{rank}D"
        super().__init__(filters, activation=activation, **kwargs)
        self.rank = rank
        self.filters = filters
        self.kernel_size = _tuple(kernel_size, rank, "kernel_size", where)
        self.strides = _tuple(strides, rank, "strides", where)
        self.dilation_rate = _tuple(dilation_rate, rank, "dilation_rate", where)
        padding = str(padding).lower()
        if padding not in ("valid", "same"):
            raise ValueError(
                f"{where}: padding must be 'valid' or 'same'; received padding={padding!r}."
            )
        self.padding = padding
        data_format = data_format or config.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"{where}: data_format must be 'channels_last' or 'channels_first'; received "
                f"data_format={data_format!r}."
            )
        self.data_format = data_format
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = None
        self.output_size = None

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        last = self.data_format == "channels_last"
        channels = input_shape[-1] if last else input_shape[1]
        spatial = input_shape[1:-1] if last else input_shape[2:]
        if channels is None:
            raise ValueError(
                f"ConvLSTM{self.rank}D: the channel dimension must be known; received input "
                f"shape {input_shape}."
            )
        out = tuple(
            _conv_out(s, k, st, d, self.padding)
            for s, k, st, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )
        shape = out + (self.filters,) if last else (self.filters,) + out
        self.state_size = [shape, shape]
        self.output_size = shape
        f = self.filters
        bias_init = None
        if self.unit_forget_bias:
            bias_init = forget_bias_initializer(self.bias_initializer, f)
        kernels = self.kernel_size + (channels, 4 * f), self.kernel_size + (f, 4 * f)
        self._weights(*kernels, (4 * f,), bias_init)
        self.built = True

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        dp, rec = self._dropout_masks(inputs, [h_prev], training)
        if dp is not None:
            inputs = inputs * dp
        if rec is not None:
            h_prev = h_prev * rec
        z = ops.conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        z = z + ops.conv(
            h_prev,
            self.recurrent_kernel,
            strides=1,
            padding="same",
            data_format=self.data_format,
        )
        axis = -1 if self.data_format == "channels_last" else 1
        if self.bias is not None:
            bias = self.bias
            if axis == 1:
                bias = ops.reshape(bias, (-1,) + (1,) * self.rank)
            z = z + bias
        i, f, g, o = ops.split(z, 4, axis=axis)
        i = self.recurrent_activation(i)
        f = self.recurrent_activation(f)
        o = self.recurrent_activation(o)
        c = f * c_prev + i * self.activation(g)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.pop("units")
        saved = ("rank", "filters", "kernel_size", "strides", "padding", "data_format",
                 "dilation_rate", "recurrent_activation", "unit_forget_bias")  # fmt: skip
        return {**config, **arguments.config(self, saved)}


class _ConvLSTM(_CellRNN):
    _rank = None
    # LSTM's cell arguments with `filters` for `units`, and no `implementation`.
    _cell_args = ("kernel_size", "strides", "padding", "data_format", "dilation_rate") + tuple(
        arg for arg in LSTM._cell_args if arg not in ("units", "implementation")
    )
    _cell_name = "conv_lstm_cell"

    def _cell_class(self, units, **kwargs):
        return ConvLSTMCell(self._rank, units, **kwargs)

    def __init__(self, filters, kernel_size, *args, **kwargs):
        super().__init__(filters, *args, kernel_size=kernel_size, **kwargs)

    def build(self, sequences_shape, initial_state_shape=None):
        shape = tuple(sequences_shape)
        if len(shape) != self._rank + 3:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' expects inputs of rank "
                f"{self._rank + 3} (batch, time, ...spatial, channels); received input shape "
                f"{shape}."
            )
        super().build(sequences_shape, initial_state_shape)

    @property
    def filters(self):
        return self.cell.filters

    def get_config(self):
        config = super().get_config()
        config.pop("rank")
        config["filters"] = self.cell.filters
        for key in ("unroll", "zero_output_for_mask"):
            config.pop(key, None)
        return config


class ConvLSTM1D(_ConvLSTM):
    """A ConvLSTM over sequences of 1D signals `(batch, time, steps, channels)`.

    Args:
        filters: output channels; kernel_size, strides, padding, data_format, dilation_rate:
            as in `Conv1D` (the recurrent convolution uses "same" padding, stride 1).
        The other arguments are those of `LSTM` (without unroll).

    Example:
        >>> ConvLSTM1D(4, 3)(np.ones((2, 5, 8, 3), "float32")).shape
        (2, 6, 4)
    """

    _rank = 1


class ConvLSTM2D(_ConvLSTM):
    """A ConvLSTM over sequences of images `(batch, time, rows, cols, channels)`.

    Args: as `ConvLSTM1D`, with 2D kernel_size/strides/dilation_rate.

    Example:
        >>> ConvLSTM2D(4, 3, padding="same")(np.ones((2, 5, 8, 8, 3), "float32")).shape
        (2, 8, 8, 4)
    """

    _rank = 2


class ConvLSTM3D(_ConvLSTM):
    """A ConvLSTM over sequences of volumes `(batch, time, d1, d2, d3, channels)`.

    Args: as `ConvLSTM1D`, with 3D kernel_size/strides/dilation_rate.

    Example:
        >>> ConvLSTM3D(2, 3)(np.ones((1, 2, 4, 4, 4, 1), "float32")).shape
        (1, 2, 2, 2, 2)
    """

    _rank = 3


for _cls in (ConvLSTM1D, ConvLSTM2D, ConvLSTM3D):
    add_cell_properties(_cls)
