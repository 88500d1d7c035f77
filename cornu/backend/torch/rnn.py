"""Fused recurrent kernels on torch: a whole LSTM/GRU sequence through `torch.lstm`/`torch.gru`.

The weights are the layer's own Keras-layout variables, rearranged by transposes and
concatenations that autograd differentiates, so training through this path updates them.
Keras gate orders: LSTM (i, f, c, o) = torch's (i, f, g, o); GRU (z, r, h) -> torch (r, z, n).
Each function returns `(last_output, outputs, states)` like `RNN._run`, or None when torch's
kernel cannot run the inputs (an unsupported dtype, meta tensors, mixed dtypes, a mask that is
not right padding).

A right-padded mask (each row True then False, at least one True) runs as a packed sequence,
arranged to give what the masked scan gives: the final states are those after each row's
last valid step; forwards, the padded steps repeat the last output (zeros with
`zero_output_for_mask`); with `go_backwards`, each row's valid part is read from its end and
the padded steps, which come first in that order, output zeros.
"""

import torch
from torch.nn.utils import rnn as torch_rnn

from cornu.backend.torch.core import convert_to_tensor

_DTYPES = (torch.float32, torch.float64)
FUSED_RNN_RIGHT_PADDED_MASKS = True  # masks the kernels run (others go to the scan)
# use_cudnn="auto" picks these kernels: 4x faster than the scan in training (LSTM(64) on
# 50x32 sequences, benchmarks/fit_vs_native.py).
FUSED_RNN_BY_DEFAULT = True


def _tensors(sequences, *weights):
    x = convert_to_tensor(sequences)
    if x.dtype not in _DTYPES or x.device.type == "meta" or x.dim() != 3:
        return None
    out = [x]
    for w in weights:
        if w is None:
            out.append(None)
            continue
        t = convert_to_tensor(w)
        if t.dtype != x.dtype or t.device != x.device:
            return None
        out.append(t)
    return out


def _gru_order(w, units):
    # Keras (z, r, h) blocks along the last axis -> torch (r, z, n).
    return torch.cat([w[..., units : 2 * units], w[..., :units], w[..., 2 * units :]], dim=-1)


def _right_padded_lengths(mask, time):
    """Each row's number of valid steps when `mask` is right padding with no empty row."""
    m = convert_to_tensor(mask)
    if m.device.type == "meta" or tuple(m.shape[1:]) != (time,):
        return None
    m = m.to(torch.bool)
    lengths = m.sum(dim=1)
    steps = torch.arange(time, device=m.device)
    if bool((lengths == 0).any()) or not torch.equal(m, steps[None, :] < lengths[:, None]):
        return None
    return lengths


def _run(fn, x, hx, params, has_bias, go_backwards, lengths, zero_output_for_mask):
    """`fn` (torch.lstm or torch.gru) over `x`, dense or packed by `lengths`; returns
    (outputs in processing order, final states)."""
    if lengths is None:
        if go_backwards:
            x = torch.flip(x, (1,))
        result = fn(x, hx if len(hx) > 1 else hx[0], params, has_bias, 1, 0.0, False, False, True)
        return result[0], [s[0] for s in result[1:]]
    time = x.shape[1]
    steps = torch.arange(time, device=x.device)[None, :]
    valid = steps < lengths[:, None]
    if go_backwards:  # each row's valid steps from its end: index L - 1 - t for t < L
        index = torch.where(valid, lengths[:, None] - 1 - steps, steps)
        x = torch.gather(x, 1, index[..., None].expand(-1, -1, x.shape[2]))
    packed = torch_rnn.pack_padded_sequence(
        x, lengths.cpu(), batch_first=True, enforce_sorted=False
    )
    sorted_hx = [h.index_select(1, packed.sorted_indices) for h in hx]
    result = fn(
        packed.data,
        packed.batch_sizes,
        sorted_hx if len(sorted_hx) > 1 else sorted_hx[0],
        params,
        has_bias,
        1,
        0.0,
        False,
        False,
    )
    states = [s.index_select(1, packed.unsorted_indices)[0] for s in result[1:]]
    out_packed = torch_rnn.PackedSequence(
        result[0], packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices
    )
    outputs, _ = torch_rnn.pad_packed_sequence(out_packed, batch_first=True, total_length=time)
    if go_backwards:  # the padded steps came first in processing order, with zero outputs
        index = (steps - (time - lengths[:, None])) % time
        outputs = torch.gather(outputs, 1, index[..., None].expand(-1, -1, outputs.shape[2]))
    elif not zero_output_for_mask:  # padded steps repeat the last valid output
        outputs = torch.where(valid[..., None], outputs, states[0][:, None, :])
    return outputs, states


def _prepare(sequences, states, weights, mask):
    tensors = _tensors(sequences, *states, *weights)
    if tensors is None:
        return None
    lengths = None
    if mask is not None:
        lengths = _right_padded_lengths(mask, tensors[0].shape[1])
        if lengths is None:
            return None
    return tensors, lengths


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
    """Runs an LSTM (tanh/sigmoid, Keras layout) over `(batch, time, features)` sequences."""
    prepared = _prepare(sequences, states[:2], (kernel, recurrent_kernel, bias), mask)
    if prepared is None:
        return None
    (x, h0, c0, k, rk, b), lengths = prepared
    params = [k.t(), rk.t()]
    if b is not None:
        params += [b, torch.zeros_like(b)]
    hx = [h0.unsqueeze(0), c0.unsqueeze(0)]
    outputs, final = _run(
        torch.lstm, x, hx, params, b is not None, go_backwards, lengths, zero_output_for_mask
    )
    return final[0], outputs, final


def fused_gru(
    sequences,
    states,
    kernel,
    recurrent_kernel,
    bias,
    go_backwards=False,
    mask=None,
    zero_output_for_mask=False,
):
    """Runs a GRU with `reset_after=True` (tanh/sigmoid, Keras layout; bias `(2, 3 * units)`)."""
    prepared = _prepare(sequences, states[:1], (kernel, recurrent_kernel, bias), mask)
    if prepared is None:
        return None
    (x, h0, k, rk, b), lengths = prepared
    units = rk.shape[0]
    params = [_gru_order(k, units).t(), _gru_order(rk, units).t()]
    if b is not None:
        params += [_gru_order(b[0], units), _gru_order(b[1], units)]
    outputs, final = _run(
        torch.gru,
        x,
        [h0.unsqueeze(0)],
        params,
        b is not None,
        go_backwards,
        lengths,
        zero_output_for_mask,
    )
    return final[0], outputs, final
