"""Connectionist temporal classification (Graves et al. 2006) in `cornu.ops.nn`: the loss, by
the forward algorithm in log space, and greedy or prefix-beam-search decoding.
"""

import numpy as np

from cornu import backend
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import float_dtype_of, kernels, op, to_tensor
from cornu.ops.nn._nn_common import (
    _c,
    _check_int_labels,
    _compute_dtype,
    _log_softmax,
    _one_hot,
)

_k = kernels()

__all__ = [
    "ctc_loss",
    "ctc_decode",
]


def _ctc_loss_args(target, output, target_length, output_length):
    t, o = rules.shape_of(target), rules.shape_of(output)
    if len(t) != 2 or len(o) != 3:
        raise ValueError(
            "ctc_loss: `target` must have shape (batch, max_label_length) and `output` shape "
            f"(batch, max_length, num_classes); received {t} and {o}."
        )
    for name, value in (("target_length", target_length), ("output_length", output_length)):
        if len(rules.shape_of(value)) != 1:
            raise ValueError(
                f"ctc_loss: `{name}` must have shape (batch,); received {rules.shape_of(value)}."
            )
    return t, o


def _ctc_loss_spec(target, output, target_length, output_length, mask_index=0):
    _, o = _ctc_loss_args(target, output, target_length, output_length)
    return KerasTensor((o[0],), dtype=float_dtype_of(output))


def _logsumexp3(a, b, c):
    m = _k.maximum(_k.maximum(a, b), c)
    total = _k.add(_k.exp(_k.subtract(a, m)), _k.exp(_k.subtract(b, m)))
    total = _k.add(total, _k.exp(_k.subtract(c, m)))
    return _k.add(m, _k.log(total))


def _shift_right(x, steps, fill):
    """x[:, s - steps] along axis 1, `fill` for s < steps."""
    length = rules.shape_of(x)[1]
    return _k.pad(_k.slice(x, (slice(None), slice(0, length - steps))), [(0, 0), (steps, 0)], fill)


@op(spec=_ctc_loss_spec)
@_k.fuse
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Connectionist temporal classification loss, per batch element.

    Args:
        target: `(batch, max_label_length)` integer labels (entries past `target_length` are
            ignored).
        output: `(batch, max_length, num_classes)` logits (log-softmax is applied here).
        target_length, output_length: `(batch,)` lengths.
        mask_index: the blank class.

    Returns:
        `(batch,)` negative log-likelihoods.
    """
    _, (batch, steps, num_classes) = _ctc_loss_args(target, output, target_length, output_length)
    _check_int_labels(target, "ctc_loss", "target")
    dtype = float_dtype_of(output)
    compute = _compute_dtype(dtype)
    log_probs = _log_softmax(to_tensor(output, compute), (2,))
    target = to_tensor(target, "int32")
    labels = rules.shape_of(target)[1]
    blank = _k.add(_k.multiply(target, _c(0, target)), _c(mask_index, target))
    extended = _k.reshape(
        _k.concatenate([_k.expand_dims(blank, 2), _k.expand_dims(target, 2)], 2),
        (batch, 2 * labels),
    )
    extended = _k.concatenate([extended, _k.slice(blank, (slice(None), slice(0, 1)))], 1)
    width = 2 * labels + 1
    emit = _k.einsum("btc,blc->btl", log_probs, _one_hot(extended, num_classes, 2, compute))
    skip = _k.logical_and(
        _k.not_equal(extended, _c(mask_index, extended)),
        _k.not_equal(extended, _shift_right(extended, 2, mask_index)),
    )
    neg = _c(-1e30, log_probs)
    first_two = _k.less(_k.arange(width, "int32"), to_tensor(2, "int32"))
    alpha = _k.where(first_two, _k.slice(emit, (slice(None), 0)), neg)
    out_len = _k.expand_dims(to_tensor(output_length, "int32"), 1)
    for t in range(1, steps):
        one_back = _shift_right(alpha, 1, -1e30)
        two_back = _k.where(skip, _shift_right(alpha, 2, -1e30), neg)
        new = _k.add(_logsumexp3(alpha, one_back, two_back), _k.slice(emit, (slice(None), t)))
        alpha = _k.where(_k.less(to_tensor(t, "int32"), out_len), new, alpha)
    tl = to_tensor(target_length, "int32")
    end = _k.multiply(tl, to_tensor(2, "int32"))
    last = _one_hot(end, width, 1, "bool")
    before_last = _one_hot(_k.subtract(end, to_tensor(1, "int32")), width, 1, "bool")
    end1 = _k.max(_k.where(last, alpha, neg), axis=1)
    end2 = _k.max(_k.where(before_last, alpha, neg), axis=1)
    m = _k.maximum(end1, end2)
    total = _k.add(m, _k.log(_k.add(_k.exp(_k.subtract(end1, m)), _k.exp(_k.subtract(end2, m)))))
    return to_tensor(_k.subtract(_c(0, total), total), dtype)


def _ctc_decode_args(inputs, sequence_lengths, strategy, beam_width, top_paths):
    shape = rules.shape_of(inputs)
    if len(shape) != 3:
        raise ValueError(
            "ctc_decode: `inputs` must have shape (batch, max_length, num_classes); received "
            f"{shape}."
        )
    if strategy not in ("greedy", "beam_search"):
        raise ValueError(
            f"ctc_decode: `strategy` must be 'greedy' or 'beam_search'; received {strategy!r}."
        )
    if strategy == "greedy" and top_paths != 1:
        raise ValueError(
            f"ctc_decode: greedy decoding gives one path; received top_paths={top_paths}."
        )
    for name, value in (("beam_width", beam_width), ("top_paths", top_paths)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"ctc_decode: `{name}` must be a positive int; received {value!r}.")
    if strategy == "beam_search" and top_paths > beam_width:
        raise ValueError(
            f"ctc_decode: `top_paths` ({top_paths}) cannot exceed `beam_width` ({beam_width})."
        )
    return shape


def _ctc_decode_spec(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
                     merge_repeated=True, mask_index=0):  # fmt: skip
    batch, steps, _ = _ctc_decode_args(inputs, sequence_lengths, strategy, beam_width, top_paths)
    return (
        KerasTensor((top_paths, batch, steps), dtype="int32"),
        KerasTensor((batch, top_paths), dtype=float_dtype_of(inputs)),
    )


@op(spec=_ctc_decode_spec)
def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    """Decodes CTC logits, greedily or by prefix beam search.

    Args:
        inputs: `(batch, max_length, num_classes)` logits.
        sequence_lengths: `(batch,)` valid lengths.
        strategy: "greedy" (the best class per step, repeats merged, blanks removed; works
            under tracing) or "beam_search" (a CTC prefix beam search; runs on the host, so it
            needs eager tensors and gives no gradients).
        beam_width: the number of prefixes kept per step (beam search).
        top_paths: the number of paths returned (beam search; greedy gives 1).
        merge_repeated: merge consecutive repeats of a class (a blank separates them).
        mask_index: the blank class (None: no class is a blank).

    Returns:
        `(decoded, scores)`: `(top_paths, batch, max_length)` int32 labels padded with -1, and
        `(batch, top_paths)` scores: for greedy, the negative sum of the best log-probabilities;
        for beam search, each path's log-probability.
    """
    _ctc_decode_args(inputs, sequence_lengths, strategy, beam_width, top_paths)
    if strategy == "greedy":
        return _ctc_greedy(inputs, sequence_lengths, merge_repeated, mask_index)
    return _ctc_beam_search(
        inputs, sequence_lengths, beam_width, top_paths, merge_repeated, mask_index
    )


@_k.fuse
def _ctc_greedy(inputs, sequence_lengths, merge_repeated, mask_index):
    batch, steps, _ = rules.shape_of(inputs)
    dtype = float_dtype_of(inputs)
    compute = _compute_dtype(dtype)
    log_probs = _log_softmax(to_tensor(inputs, compute), (2,))
    best = _k.argmax(log_probs, 2)
    valid = _k.less(
        _k.reshape(_k.arange(steps, "int32"), (1, steps)),
        _k.expand_dims(to_tensor(sequence_lengths, "int32"), 1),
    )
    best_lp = _k.max(log_probs, axis=2)
    scores = _k.subtract(_c(0, best_lp), _k.sum(_k.where(valid, best_lp, _c(0, best_lp)), axis=1))
    keep = valid
    if mask_index is not None:
        keep = _k.logical_and(keep, _k.not_equal(best, _c(mask_index, best)))
    if merge_repeated:
        keep = _k.logical_and(keep, _k.not_equal(best, _shift_right(best, 1, -1)))
    keep_i = to_tensor(keep, "int32")
    position = _k.subtract(_k.cumsum(keep_i, 1), _c(1, keep_i))
    placed = _k.multiply(
        _one_hot(position, steps, 2, "float32"), _k.expand_dims(to_tensor(keep, "float32"), 2)
    )
    shifted = to_tensor(_k.add(best, _c(1, best)), "float32")
    decoded = _k.einsum("btp,bt->bp", placed, shifted)
    decoded = _k.subtract(to_tensor(decoded, "int32"), to_tensor(1, "int32"))
    return _k.expand_dims(decoded, 0), to_tensor(_k.expand_dims(scores, 1), dtype)


def _ctc_beam_search(inputs, sequence_lengths, beam_width, top_paths, merge_repeated, mask_index):
    """CTC prefix beam search on the host (NumPy, float64)."""
    try:
        logits = np.asarray(backend.convert_to_numpy(inputs), np.float64)
        lengths = np.asarray(backend.convert_to_numpy(sequence_lengths)).astype(np.int64)
    except Exception as error:  # tracers and graph tensors hold no values
        raise ValueError(
            "ctc_decode: strategy='beam_search' runs on the host and needs eager tensors; "
            f"received {type(inputs).__name__} ({error.__class__.__name__}). Use "
            "strategy='greedy' inside traced functions."
        ) from None
    shifted = logits - logits.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    batch, steps, classes = log_probs.shape
    decoded = np.full((top_paths, batch, steps), -1, np.int32)
    scores = np.full((batch, top_paths), -np.inf)
    for b in range(batch):
        ranked = _beam_search_one(
            log_probs[b, : lengths[b]], beam_width, merge_repeated, mask_index, classes
        )
        for p, (prefix, score) in enumerate(ranked[:top_paths]):
            decoded[p, b, : len(prefix)] = prefix
            scores[b, p] = score
    dtype = float_dtype_of(inputs)
    return to_tensor(decoded, "int32"), to_tensor(scores, dtype)


def _beam_search_one(log_probs, beam_width, merge_repeated, mask_index, classes):
    """Ranked `(prefix, log-probability)` pairs; each prefix tracks the log-probabilities of
    its alignments ending in a blank and in a label."""
    neg_inf = -np.inf
    beams = {(): (0.0, neg_inf)}
    for step in log_probs:
        grown = {}

        def add(prefix, blank, label, grown=grown):
            old_blank, old_label = grown.get(prefix, (neg_inf, neg_inf))
            grown[prefix] = (np.logaddexp(old_blank, blank), np.logaddexp(old_label, label))

        for prefix, (p_blank, p_label) in beams.items():
            total = np.logaddexp(p_blank, p_label)
            if mask_index is not None:
                add(prefix, total + step[mask_index], neg_inf)
            for c in range(classes):
                if c == mask_index:
                    continue
                extended = prefix + (c,)
                if merge_repeated and prefix and prefix[-1] == c:
                    add(prefix, neg_inf, p_label + step[c])
                    add(extended, neg_inf, p_blank + step[c])
                else:
                    add(extended, neg_inf, total + step[c])
        ordered = sorted(grown.items(), key=lambda kv: -np.logaddexp(*kv[1]))
        beams = dict(ordered[:beam_width])
    ranked = sorted(beams.items(), key=lambda kv: -np.logaddexp(*kv[1]))
    return [(prefix, float(np.logaddexp(*p))) for prefix, p in ranked]
