"""`GRUCell` and `GRU`: gated recurrent unit with gates in the order z, r, h."""

from cornu import ops
from cornu.layers import arguments
from cornu.layers.recurrent.simple_rnn import (
    GATED_CELL_FORWARDED,
    SimpleRNN,
    _CellBase,
    _CellRNN,
    add_cell_properties,
)


class GRUCell(_CellBase):
    """One GRU step (Cho et al., 2014).

    With `x @ kernel` split into (z, r, h) blocks: `z = sig(x_z + h @ R_z)`,
    `r = sig(x_r + h @ R_r)`, and the candidate `hh = act(x_h + r * (h @ R_h + b_rec_h))` when
    `reset_after` (the default, bias shape `(2, 3 * units)`: input bias then recurrent bias), or
    `hh = act(x_h + (r * h) @ R_h)` otherwise (bias `(3 * units,)`). Output
    `h' = z * h + (1 - z) * hh`.

    Args:
        units: the state size.
        activation: default "tanh"; recurrent_activation: default "sigmoid".
        reset_after: apply the reset gate after the recurrent matmul.
        implementation: accepted for Keras compatibility (1 or 2).
        The other arguments are those of `SimpleRNNCell`.

    Example:
        >>> out, states = GRUCell(4)(np.ones((2, 3), "float32"), [np.zeros((2, 4), "float32")])
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
        reset_after=True,
        implementation=2,
        **kwargs,
    ):
        super().__init__(**arguments.forwarded(locals(), GATED_CELL_FORWARDED))
        self._init_gates(recurrent_activation, implementation)
        self.reset_after = bool(reset_after)

    def build(self, input_shape):
        input_dim = self._input_dim(type(self).__name__, input_shape)
        bias_shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._gate_weights(input_dim, 3, bias_shape)
        self.built = True

    def call(self, inputs, states, training=False):
        states = states if isinstance(states, (list, tuple)) else [states]
        dp, rec = self._dropout_masks(inputs, [states[0]], training)
        if dp is not None:
            inputs = inputs * dp
        return self._recurrent_step(self._project(inputs), states, rec)

    def _project(self, inputs):
        """The input part `x @ kernel + input bias` (for one step or a whole sequence)."""
        x = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            x = x + (self.bias[0] if self.reset_after else self.bias)
        return x

    def _recurrent_step(self, x, states, rec):
        """One step from the projected input; `rec` is the recurrent dropout mask or None."""
        h_prev = states[0]
        h_in = h_prev * rec if rec is not None else h_prev
        u = self.units
        rk = self.recurrent_kernel
        # (splits, not slices: a split's gradient is one concatenate, not a pad per slice)
        x_z, x_r, x_h = ops.split(x, 3, axis=-1)
        if self.reset_after:
            inner = ops.matmul(h_in, rk)
            if self.bias is not None:
                inner = inner + self.bias[1]
            in_z, in_r, in_h = ops.split(inner, 3, axis=-1)
            z = self.recurrent_activation(x_z + in_z)
            r = self.recurrent_activation(x_r + in_r)
            hh = self.activation(x_h + r * in_h)
        else:
            in_z, in_r = ops.split(ops.matmul(h_in, rk[:, : 2 * u]), 2, axis=-1)
            z = self.recurrent_activation(x_z + in_z)
            r = self.recurrent_activation(x_r + in_r)
            hh = self.activation(x_h + ops.matmul(r * h_in, rk[:, 2 * u :]))
        h = z * h_prev + (1 - z) * hh
        return h, [h]

    def get_config(self):
        saved = arguments.config(self, ("recurrent_activation", "reset_after"))
        return {**super().get_config(), **saved}


GRUCell._split_call = GRUCell.call  # RNN projects all steps' inputs at once


class GRU(_CellRNN):
    """A gated recurrent unit layer over a sequence.

    Args: those of `GRUCell` plus those of `RNN` (return_sequences, return_state, go_backwards,
    stateful, unroll, zero_output_for_mask) and activity_regularizer.

    use_cudnn: "auto" (default) or True runs torch's fused whole-sequence GRU when the
    configuration has its math (tanh/sigmoid, reset_after, no unroll, no recurrent dropout in
    training, no mask or a right-padded one; see `cornu.layers.recurrent.fused`); False always
    runs the scan. Other backends have no such kernel.

    Example:
        >>> GRU(4, return_sequences=True)(np.ones((2, 5, 3), "float32")).shape
        (2, 5, 4)
    """

    _cell_class = GRUCell
    _cell_args = SimpleRNN._cell_args + ("recurrent_activation", "reset_after", "implementation")
    _fused = "gru"

    def __init__(self, units, *args, use_cudnn="auto", **kwargs):
        super().__init__(units, *args, **kwargs)
        self._init_use_cudnn(use_cudnn)


add_cell_properties(GRU)
