"""Dispatch of LSTM/GRU layers to a framework's fused whole-sequence kernel.

`run_fused(layer, kind, sequences, states, mask, training)` returns `RNN._run`'s
`(last_output, outputs, states)` from the backend's kernel (`fused_lstm`/`fused_gru`, optional kernels) when
the layer's configuration has exactly the math of that kernel, and None otherwise (the caller
then runs its scan). The kernel is used when:

- the backend has one for this kind (torch: LSTM and GRU; tensorflow: LSTM) and the layer
  asks for it: `use_cudnn=True`, or "auto" where the backend's kernel is used by default
  (torch's; TensorFlow's measured no faster than the scan); `use_cudnn=False` or the private
  `_fused = False` always run the scan;
- activation is tanh and recurrent_activation sigmoid, with the built-in cell's `call`;
- `unroll=False`, no recurrent dropout while training (input dropout is applied to the whole
  sequence first, with the mask the scan would draw), and for GRU `reset_after`;
- no mask, or one the kernel handles exactly (torch: right padding); a kernel returns None
  for inputs it cannot run, and the scan runs them.
"""

from cornu import activations, ops
from cornu.ops.define import kernels

_k = kernels()


def fused_kernel(kind, forced=False):
    """The current backend's fused kernel for `kind` ("lstm" or "gru"), or None; unless
    `forced`, only a kernel the backend uses by default."""
    if not (forced or getattr(_k, "FUSED_RNN_BY_DEFAULT", False)):
        return None
    if kind == "lstm":
        return getattr(_k, "fused_lstm", None)
    return getattr(_k, "fused_gru", None)


def handles_right_padded_masks():
    """Whether the current backend's kernels run right-padded masks (else masks use the scan)."""
    return getattr(_k, "FUSED_RNN_RIGHT_PADDED_MASKS", False)


def _eligible(layer, kind, training):
    cell = layer.cell
    if not getattr(layer, "_fused", True) or layer.use_cudnn is False:
        return False
    if layer.unroll:
        return False
    if getattr(type(cell), "_split_call", None) is not type(cell).call:
        return False  # a user subclass with its own step
    if cell.activation is not activations.tanh:
        return False
    if cell.recurrent_activation is not activations.sigmoid:
        return False
    if training and cell.recurrent_dropout > 0:
        return False
    if kind == "gru" and not cell.reset_after:
        return False
    return True


def run_fused(layer, kind, sequences, states, mask, training):
    """`(last_output, outputs, states)` from the fused kernel, or None when it does not apply."""
    if not _eligible(layer, kind, training):
        return None
    kernel = fused_kernel(kind, forced=layer.use_cudnn is True)
    if kernel is None:
        return None
    cell = layer.cell
    if training and cell.dropout > 0:
        # The scan's draw: one (batch, features) mask for every step. (Should the kernel then
        # decline the inputs, the scan draws its own.)
        cell._prepare_dropout(sequences[:, 0], states, training)
        try:
            dp = cell._dropout_masks(sequences[:, 0], states, training)[0]
        finally:
            cell._clear_dropout()
        if dp is not None:
            sequences = sequences * ops.expand_dims(dp, 1)
    return kernel(
        sequences,
        states,
        cell.kernel,
        cell.recurrent_kernel,
        cell.bias,
        go_backwards=layer.go_backwards,
        mask=mask,
        zero_output_for_mask=layer.zero_output_for_mask,
    )
