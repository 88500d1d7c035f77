"""`LSTMCell` and `LSTM`: long short-term memory with gates in the order i, f, c, o."""

from cornu import ops
from cornu.layers import arguments
from cornu.layers.recurrent.simple_rnn import (
    GATED_CELL_FORWARDED,
    SimpleRNN,
    _CellBase,
    _CellRNN,
    add_cell_properties,
)


def forget_bias_initializer(base, units):
    """The LSTM bias initializer of `unit_forget_bias`: ones for the forget gate (the second
    of the four `units`-long blocks), `base` for the others (Jozefowicz et al., 2015)."""

    def initializer(shape, dtype=None):
        return ops.concatenate(
            [
                base((units,), dtype=dtype),
                ops.ones((units,), dtype=dtype),
                base((2 * units,), dtype=dtype),
            ]
        )

    return initializer


class LSTMCell(_CellBase):
    """One LSTM step. With `z = x @ kernel + h @ recurrent_kernel + bias` split into four blocks
    (i, f, c, o): `c' = sig(f) * c + sig(i) * act(c_blk)`, `h' = sig(o) * act(c')`.

    Args:
        units: the state size.
        activation: default "tanh"; recurrent_activation: for the gates, default "sigmoid".
        unit_forget_bias: initialize the forget-gate bias to ones (the others use
            bias_initializer).
        implementation: accepted for Keras compatibility (1 or 2; same results).
        The other arguments are those of `SimpleRNNCell`.

    The states are `[h, c]`; kernel `(input_dim, 4 * units)`, recurrent_kernel
    `(units, 4 * units)`, bias `(4 * units,)`.

    Example:
        >>> cell = LSTMCell(4)
        >>> h, (h, c) = cell(np.ones((2, 3), "float32"), [np.zeros((2, 4), "float32")] * 2)
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        implementation=2,
        **kwargs,
    ):
        super().__init__(**arguments.forwarded(locals(), GATED_CELL_FORWARDED))
        self._init_gates(recurrent_activation, implementation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        input_dim = self._input_dim(type(self).__name__, input_shape)
        bias_init = None
        if self.unit_forget_bias:
            bias_init = forget_bias_initializer(self.bias_initializer, self.units)
        self._gate_weights(input_dim, 4, (4 * self.units,), bias_init)
        self.built = True

    def call(self, inputs, states, training=False):
        dp, rec = self._dropout_masks(inputs, [states[0]], training)
        if dp is not None:
            inputs = inputs * dp
        return self._recurrent_step(self._project(inputs), states, rec)

    def _project(self, inputs):
        """The input part `x @ kernel + bias` (for one step or a whole sequence at once)."""
        z = ops.matmul(inputs, self.kernel)
        return z + self.bias if self.bias is not None else z

    def _recurrent_step(self, projected, states, rec):
        """One step from the projected input; `rec` is the recurrent dropout mask or None."""
        h_prev, c_prev = states[0], states[1]
        if rec is not None:
            h_prev = h_prev * rec
        z = projected + ops.matmul(h_prev, self.recurrent_kernel)
        # (one split, not four slices: its gradient is one concatenate, not four pads)
        i, f, g, o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(i)
        f = self.recurrent_activation(f)
        g = self.activation(g)
        o = self.recurrent_activation(o)
        c = f * c_prev + i * g
        h = o * self.activation(c)
        return h, [h, c]

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.units), dtype=self.compute_dtype)] * 2

    def get_config(self):
        saved = arguments.config(self, ("recurrent_activation", "unit_forget_bias"))
        return {**super().get_config(), **saved}


LSTMCell._split_call = LSTMCell.call  # RNN projects all steps' inputs at once


class LSTM(_CellRNN):
    """Long short-term memory over a sequence (Hochreiter & Schmidhuber, 1997).

    Args: those of `LSTMCell` plus those of `RNN` (return_sequences, return_state,
    go_backwards, stateful, unroll, zero_output_for_mask) and activity_regularizer.
    With return_state, returns `[output, h, c]`.

    use_cudnn: True runs the framework's fused whole-sequence kernel (torch's LSTM,
    TensorFlow's BlockLSTM) when the configuration has its math (tanh/sigmoid, no unroll, no
    recurrent dropout in training, no mask or on torch a right-padded one; see
    `cornu.layers.recurrent.fused`); "auto" (default) does so where that kernel is the faster
    (torch); False always runs the scan. Either way the weights and results are the same.

    Example:
        >>> LSTM(4)(np.ones((2, 5, 3), "float32")).shape
        (2, 4)
    """

    _cell_class = LSTMCell
    _cell_args = SimpleRNN._cell_args + (
        "recurrent_activation",
        "unit_forget_bias",
        "implementation",
    )

    _fused = "lstm"

    def __init__(self, units, *args, use_cudnn="auto", **kwargs):
        super().__init__(units, *args, **kwargs)
        self._init_use_cudnn(use_cudnn)


add_cell_properties(LSTM)
