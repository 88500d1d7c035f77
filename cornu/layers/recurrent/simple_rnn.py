"""`SimpleRNNCell` and `SimpleRNN`: `h_t = act(x_t @ kernel + h_{t-1} @ recurrent_kernel + b)`."""

from cornu import activations, constraints, initializers, ops, regularizers
from cornu.layers.layer import Layer
from cornu.layers.recurrent.rnn import RNN, DropoutRNNCellMixin, _check_rate, _check_units
from cornu.utils.identifiers import snake_case


def _maybe(serialize, value):
    return None if value is None else serialize(value)


def _seed_generator(layer, seed, rates):
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise ValueError(
            f"{type(layer).__name__}: seed must be an int or None; received seed={seed!r}."
        )
    if any(r > 0 for r in rates):
        from cornu.random import SeedGenerator

        gen = SeedGenerator(seed)
        layer._track(gen.state)
        return gen
    return None


class _CellBase(DropoutRNNCellMixin, Layer):
    """Shared arguments of the built-in cells (weights initializers, penalties, dropout)."""

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        name = type(self).__name__
        super().__init__(**kwargs)
        self.units = _check_units(name, units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(_check_rate(name, "dropout", dropout), 1.0)
        self.recurrent_dropout = _check_rate(name, "recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self.seed_generator = _seed_generator(self, seed, (self.dropout, self.recurrent_dropout))
        self.state_size = self.units
        self.output_size = self.units

    def _weights(self, input_dim, n_gates, bias_shape, bias_initializer=None):
        self.kernel = self.add_weight(
            shape=(input_dim, n_gates * self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, n_gates * self.units),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
            name="recurrent_kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=bias_shape,
                initializer=bias_initializer or self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )

    @staticmethod
    def _input_dim(cell_name, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"{cell_name}: the last input dimension must be known; received input shape "
                f"{tuple(input_shape)}."
            )
        return input_dim

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.units), dtype=self.compute_dtype)]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _maybe(regularizers.serialize, self.kernel_regularizer),
            "recurrent_regularizer": _maybe(regularizers.serialize, self.recurrent_regularizer),
            "bias_regularizer": _maybe(regularizers.serialize, self.bias_regularizer),
            "kernel_constraint": _maybe(constraints.serialize, self.kernel_constraint),
            "recurrent_constraint": _maybe(constraints.serialize, self.recurrent_constraint),
            "bias_constraint": _maybe(constraints.serialize, self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


class SimpleRNNCell(_CellBase):
    """One step of a fully connected RNN: `h = activation(x @ kernel + h_prev @ recurrent_kernel
    + bias)`.

    Args:
        units: the state size.
        activation: default "tanh".
        use_bias, kernel_initializer, recurrent_initializer ("orthogonal"), bias_initializer,
            *_regularizer, *_constraint: as in `Dense`, for each weight.
        dropout: input dropout rate (training only, one mask per sequence).
        recurrent_dropout: dropout rate on the previous state.
        seed: the dropout seed.

    Example:
        >>> h0 = [np.zeros((2, 4), "float32")]
        >>> out, states = SimpleRNNCell(4)(np.ones((2, 3), "float32"), h0)
    """

    def build(self, input_shape):
        input_dim = self._input_dim(type(self).__name__, input_shape)
        self._weights(input_dim, 1, (self.units,))
        self.built = True

    def call(self, inputs, states, training=False):
        prev = states[0] if isinstance(states, (list, tuple)) else states
        dp, rec = self._dropout_masks(inputs, [prev], training)
        if dp is not None:
            inputs = inputs * dp
        return self._recurrent_step(self._project(inputs), [prev], rec)

    def _project(self, inputs):
        """The input part `x @ kernel + bias` (for one step or a whole sequence at once)."""
        h = ops.matmul(inputs, self.kernel)
        return h + self.bias if self.bias is not None else h

    def _recurrent_step(self, projected, states, rec):
        """One step from the projected input; `rec` is the recurrent dropout mask or None."""
        prev = states[0]
        if rec is not None:
            prev = prev * rec
        output = self.activation(projected + ops.matmul(prev, self.recurrent_kernel))
        return output, [output]


SimpleRNNCell._split_call = SimpleRNNCell.call  # RNN projects all steps' inputs at once


class SimpleRNN(RNN):
    """A fully connected RNN whose output is fed back as the next step's state.

    Args: those of `SimpleRNNCell` plus those of `RNN` (return_sequences, return_state,
    go_backwards, stateful, unroll, zero_output_for_mask) and activity_regularizer.

    Example:
        >>> SimpleRNN(4, return_sequences=True)(np.ones((2, 5, 3), "float32")).shape
        (2, 5, 4)
    """

    _cell_class = SimpleRNNCell
    _cell_args = (
        "units",
        "activation",
        "use_bias",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "kernel_regularizer",
        "recurrent_regularizer",
        "bias_regularizer",
        "kernel_constraint",
        "recurrent_constraint",
        "bias_constraint",
        "dropout",
        "recurrent_dropout",
        "seed",
    )

    def __init__(self, units, *args, **kwargs):
        _init_rnn_layer(self, units, args, kwargs)

    def get_config(self):
        return _rnn_layer_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


_RNN_ARGS = (
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "zero_output_for_mask",
)
_LAYER_ARGS = (
    "name",
    "trainable",
    "dtype",
    "activity_regularizer",
    "input_shape",
    "batch_input_shape",
    "batch_size",
    "input_dim",
    "input_dtype",
)


def _init_rnn_layer(layer, units, args, kwargs):
    """Splits the arguments of SimpleRNN/LSTM/GRU between the cell and `RNN`."""
    if args:
        raise TypeError(
            f"{type(layer).__name__}: only `units` may be given by position; pass the other "
            "arguments by name."
        )
    cell_kwargs = {"units": units}
    for key in list(kwargs):
        if key in layer._cell_args:
            cell_kwargs[key] = kwargs.pop(key)
    rnn_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in _RNN_ARGS}
    activity = kwargs.pop("activity_regularizer", None)
    if "dtype" in kwargs:
        cell_kwargs["dtype"] = kwargs["dtype"]
    trainable = kwargs.get("trainable", True)
    # Keras names the cell after its class ("lstm_cell"); its weights are saved under that name.
    cell_name = getattr(layer, "_cell_name", None) or snake_case(layer._cell_class.__name__)
    cell = layer._cell_class(name=cell_name, trainable=trainable, **cell_kwargs)
    RNN.__init__(
        layer, cell, activity_regularizer=regularizers.get(activity), **rnn_kwargs, **kwargs
    )


def _check_use_cudnn(layer_name, value):
    if value not in ("auto", True, False):
        raise ValueError(
            f"{layer_name}: use_cudnn must be 'auto', True or False; received use_cudnn={value!r}."
        )
    return value


def _rnn_layer_config(layer):
    config = RNN.get_config(layer)
    cell_config = layer.cell.get_config()
    for key in ("name", "trainable", "dtype"):
        cell_config.pop(key, None)
    config.update(cell_config)
    config["activity_regularizer"] = _maybe(regularizers.serialize, layer._activity_regularizer)
    return config


def add_cell_properties(cls):
    """Read-only properties forwarding the cell's arguments (`layer.units`, ...)."""
    for arg in cls._cell_args:
        setattr(cls, arg, property(lambda self, _a=arg: getattr(self.cell, _a)))
    return cls


add_cell_properties(SimpleRNN)
