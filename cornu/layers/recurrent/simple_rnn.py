"""`SimpleRNNCell` and `SimpleRNN`: `h_t = act(x_t @ kernel + h_{t-1} @ recurrent_kernel + b)`."""

from cornu import activations, ops, regularizers
from cornu.layers import arguments
from cornu.layers.layer import Layer
from cornu.layers.recurrent.fused import run_fused
from cornu.layers.recurrent.rnn import RNN, DropoutRNNCellMixin, _check_rate, _check_units
from cornu.layers.regularization import _noise
from cornu.utils.identifiers import snake_case

# The weights' arguments of the built-in cells, and all their shared arguments, in Keras's
# config order.
_CELL_WEIGHT_ARGUMENTS = arguments.of_weights("kernel", "recurrent", "bias")
_CELL_ARGUMENTS = (
    ("units", "activation", "use_bias")
    + _CELL_WEIGHT_ARGUMENTS
    + ("dropout", "recurrent_dropout", "seed")
)
# The `_CellBase` arguments that GRUCell and LSTMCell name in their own signatures.
GATED_CELL_FORWARDED = (
    "units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
    "bias_initializer",
)  # fmt: skip


def _seed_generator(layer, seed, rates):
    """The cell's dropout seed generator (None when no dropout rate is above 0)."""
    _noise.check_seed(type(layer).__name__, seed)
    return _noise.make_seed_generator(layer, seed) if any(r > 0 for r in rates) else None


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
        arguments.store(self, locals(), _CELL_WEIGHT_ARGUMENTS)
        self.dropout = min(_check_rate(name, "dropout", dropout), 1.0)
        self.recurrent_dropout = _check_rate(name, "recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self.seed_generator = _seed_generator(self, seed, (self.dropout, self.recurrent_dropout))
        self.state_size = self.units
        self.output_size = self.units

    def _init_gates(self, recurrent_activation, implementation):
        """The arguments the gated cells (GRUCell, LSTMCell) add."""
        if implementation not in (1, 2):
            raise ValueError(
                f"{type(self).__name__}: implementation must be 1 or 2; received implementation="
                f"{implementation!r}."
            )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.implementation = implementation

    def _weights(self, kernel_shape, recurrent_shape, bias_shape, bias_initializer=None):
        """Creates `kernel`, `recurrent_kernel` and (with `use_bias`) `bias`, in that order."""
        self.kernel = self.add_weight(
            shape=kernel_shape, name="kernel", **arguments.of_weight(self, "kernel")
        )
        self.recurrent_kernel = self.add_weight(
            shape=recurrent_shape,
            name="recurrent_kernel",
            **arguments.of_weight(self, "recurrent"),
        )
        self.bias = None
        if self.use_bias:
            bias_arguments = arguments.of_weight(self, "bias")
            bias_arguments["initializer"] = bias_initializer or self.bias_initializer
            self.bias = self.add_weight(shape=bias_shape, name="bias", **bias_arguments)

    def _gate_weights(self, input_dim, n_gates, bias_shape, bias_initializer=None):
        """The weights of a dense cell with `n_gates` gates."""
        gates = n_gates * self.units
        self._weights((input_dim, gates), (self.units, gates), bias_shape, bias_initializer)

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
        return {**super().get_config(), **arguments.config(self, _CELL_ARGUMENTS)}


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
        self._gate_weights(input_dim, 1, (self.units,))
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


class _CellRNN(RNN):
    """An RNN around a built-in cell made from its own arguments: SimpleRNN, GRU, LSTM and
    ConvLSTM*D take the cell's arguments (by name) beside RNN's.

    `_cell_class` makes the cell, `_cell_args` names its arguments; `_fused` names the fused
    whole-sequence kernel (`cornu.layers.recurrent.fused`) that `use_cudnn` may pick.
    """

    _cell_class = None
    _cell_args = ()
    _fused = None

    def __init__(self, units, *args, **kwargs):
        _init_rnn_layer(self, units, args, kwargs)

    def _init_use_cudnn(self, use_cudnn):
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                f"{type(self).__name__}: use_cudnn must be 'auto', True or False; received "
                f"use_cudnn={use_cudnn!r}."
            )
        self.use_cudnn = use_cudnn

    def _run(self, sequences, states, mask, training):
        if self._fused is not None:
            fused = run_fused(self, self._fused, sequences, states, mask, training)
            if fused is not None:
                return fused
        return super()._run(sequences, states, mask, training)

    def get_config(self):
        return _rnn_layer_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


class SimpleRNN(_CellRNN):
    """A fully connected RNN whose output is fed back as the next step's state.

    Args: those of `SimpleRNNCell` plus those of `RNN` (return_sequences, return_state,
    go_backwards, stateful, unroll, zero_output_for_mask) and activity_regularizer.

    Example:
        >>> SimpleRNN(4, return_sequences=True)(np.ones((2, 5, 3), "float32")).shape
        (2, 5, 4)
    """

    _cell_class = SimpleRNNCell
    _cell_args = _CELL_ARGUMENTS


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


def _rnn_layer_config(layer):
    config = RNN.get_config(layer)
    cell_config = layer.cell.get_config()
    for key in ("name", "trainable", "dtype"):
        cell_config.pop(key, None)
    config.update(cell_config)
    config.update(arguments.config(layer, ("activity_regularizer",)))
    return config


def add_cell_properties(cls):
    """Read-only properties forwarding the cell's arguments (`layer.units`, ...)."""
    for arg in cls._cell_args:
        setattr(cls, arg, property(lambda self, _a=arg: getattr(self.cell, _a)))
    return cls


add_cell_properties(SimpleRNN)
