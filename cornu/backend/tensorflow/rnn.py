"""Fused recurrent kernels on TensorFlow: a whole LSTM sequence through `BlockLSTM`.

`BlockLSTM` has Keras's LSTM math once peepholes, the forget bias and clipping are off; it
takes the weight `[kernel; recurrent_kernel]` and one bias with the gate blocks in the order
(i, c, f, o), so Keras's (i, f, c, o) columns are reordered (slices and a concat, which the
gradient follows). `BlockLSTMV2` takes Keras's order directly but its registered gradient
disagrees with the forward pass (measured on TF 2.21), so it is not used.

It runs only when the layer asks for it (`use_cudnn=True`): see FUSED_RNN_BY_DEFAULT.
TensorFlow has no whole-sequence GRU kernel (`GRUBlockCell` is one step, and resets before the
recurrent matmul), so `gru` is None and GRU keeps the scan.
The function returns `(last_output, outputs, states)` like `RNN._run`, or None when the kernel
cannot run the inputs.
"""

import tensorflow as tf

from cornu.backend.tensorflow.core import convert_to_tensor

_DTYPES = (tf.float32,)
FUSED_RNN_RIGHT_PADDED_MASKS = False  # masks the kernels run (others go to the scan)
# Only use_cudnn=True picks this kernel: inside the compiled train step it measured no faster
# than the scan (LSTM(64) on 50x32 sequences, benchmarks/fit_vs_native.py, CPU).
FUSED_RNN_BY_DEFAULT = False

gru = None


def _icfo(w, units):
    # Keras's gate blocks (i, f, c, o) along the last axis -> BlockLSTM's (i, c, f, o).
    blocks = [w[..., g * units : (g + 1) * units] for g in (0, 2, 1, 3)]
    return tf.concat(blocks, axis=-1)


def fused_lstm(
    sequences,
    states,
    kernel,
    recurrent_kernel,
    bias,
    go_backwards=False,
    mask=None,
    zero_output_for_mask=False,
):
    """Runs an LSTM (tanh/sigmoid, Keras layout) over `(batch, time, features)` sequences;
    masked sequences are left to the scan (BlockLSTM has one length for the whole batch)."""
    x = convert_to_tensor(sequences)
    if mask is not None or x.dtype not in _DTYPES or x.shape.rank != 3:
        return None
    h0, c0, k, rk = (convert_to_tensor(t) for t in (states[0], states[1], kernel, recurrent_kernel))
    if any(t.dtype != x.dtype for t in (h0, c0, k, rk)):
        return None
    units = rk.shape[0]
    b = convert_to_tensor(bias) if bias is not None else tf.zeros((4 * units,), x.dtype)
    if b.dtype != x.dtype:
        return None
    xs = tf.transpose(x, (1, 0, 2))
    if go_backwards:
        xs = tf.reverse(xs, (0,))
    no_peephole = tf.zeros((units,), x.dtype)
    h = tf.raw_ops.BlockLSTM(
        seq_len_max=tf.cast(tf.shape(xs)[0], tf.int64),
        x=xs,
        cs_prev=c0,
        h_prev=h0,
        w=_icfo(tf.concat([k, rk], axis=0), units),
        wci=no_peephole,
        wcf=no_peephole,
        wco=no_peephole,
        b=_icfo(b, units),
        forget_bias=0.0,
        cell_clip=-1.0,  # negative: no clipping
        use_peephole=False,
    )
    cs, hs = h.cs, h.h
    return hs[-1], tf.transpose(hs, (1, 0, 2)), [hs[-1], cs[-1]]
