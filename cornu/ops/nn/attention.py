"""Scaled dot-product attention of `cornu.ops.nn`."""

import math

from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import float_dtype_of, kernels, op, to_tensor
from cornu.ops.nn._nn_common import (
    _c,
    _softmax,
)

_k = kernels()

__all__ = [
    "dot_product_attention",
]


def _attention_args(query, key, value, op_name="dot_product_attention"):
    q, k, v = rules.shape_of(query), rules.shape_of(key), rules.shape_of(value)
    if len(q) not in (3, 4) or len(k) != len(q) or len(v) != len(q):
        raise ValueError(
            f"{op_name}: `query`, `key` and `value` must all have rank 4 (batch, length, heads, "
            f"head_dim) or all rank 3; received shapes {q}, {k}, {v}."
        )
    heads, kv_heads = q[-2], k[-2]
    if heads is not None and kv_heads is not None and heads % kv_heads:
        raise ValueError(
            f"{op_name}: the number of query heads ({heads}) must be a multiple of the number "
            f"of key/value heads ({kv_heads})."
        )
    return q, k, v


def _attention_spec(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                    flash_attention=None, attn_logits_soft_cap=None):  # fmt: skip
    q, _, v = _attention_args(query, key, value)
    return KerasTensor(q[:-1] + v[-1:], dtype=float_dtype_of(query, key, value))


def _masked_value(dtype):
    return -3.0e4 if dtype in ("float16", "bfloat16") else -1.0e9


@op(spec=_attention_spec)
@_k.fuse
def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    """Scaled dot-product attention: softmax(q k^T * scale + bias, masked) v.

    Args:
        query: `(batch, T, heads, head_dim)` (or without batch).
        key, value: `(batch, S, kv_heads, head_dim)`; `heads` must be a multiple of
            `kv_heads` (query head n attends with key/value head n // (heads // kv_heads)).
        bias: added to the logits; broadcasts against `(batch, heads, T, S)`.
        mask: bool, True where attention is allowed; broadcasts against `(batch, heads, T, S)`.
        scale: logit scale (default 1 / sqrt(head_dim)).
        is_causal: also mask keys after the query's position.
        flash_attention: None or False (cornu has no flash-attention kernel).
        attn_logits_soft_cap: if set, logits become `cap * tanh(logits / cap)`.

    Returns:
        `(batch, T, heads, head_dim)`.
    """
    q_shape, k_shape, _ = _attention_args(query, key, value)
    if flash_attention:
        raise ValueError(
            "dot_product_attention: `flash_attention=True` is not supported by cornu; pass "
            "None or False."
        )
    dtype = float_dtype_of(query, key, value)
    query, key, value = (to_tensor(t, dtype) for t in (query, key, value))
    unbatched = len(q_shape) == 3
    if unbatched:
        query, key, value = (_k.expand_dims(t, 0) for t in (query, key, value))
        q_shape, k_shape = (1,) + q_shape, (1,) + k_shape
    batch, length, heads, head_dim = q_shape
    kv_heads = k_shape[2]
    groups = heads // kv_heads
    if scale is None:
        scale = 1.0 / math.sqrt(head_dim)
    grouped = _k.reshape(query, (batch, length, kv_heads, groups, head_dim))
    logits = _k.einsum("btkgh,bskh->bkgts", grouped, key)
    logits = _k.reshape(logits, (batch, heads, length, k_shape[1]))
    logits = _k.multiply(logits, _c(scale, logits))
    if bias is not None:
        bias = to_tensor(bias, dtype)
        logits = _k.add(logits, bias)
    if attn_logits_soft_cap is not None:
        cap = _c(attn_logits_soft_cap, logits)
        logits = _k.multiply(_k.tanh(_k.divide(logits, cap)), cap)
    allowed = None
    if mask is not None:
        allowed = to_tensor(mask, "bool")
    if is_causal:
        rows = _k.reshape(_k.arange(length, "int32"), (length, 1))
        cols = _k.reshape(_k.arange(k_shape[1], "int32"), (1, k_shape[1]))
        causal = _k.greater_equal(rows, cols)
        allowed = causal if allowed is None else _k.logical_and(allowed, causal)
    if allowed is not None:
        logits = _k.where(allowed, logits, _c(_masked_value(dtype), logits))
    weights = _softmax(logits, (3,))
    weights = _k.reshape(weights, (batch, kv_heads, groups, length, k_shape[1]))
    out = _k.einsum("bkgts,bskh->btkgh", weights, value)
    out = _k.reshape(out, (batch, length, heads, rules.shape_of(value)[-1]))
    return _k.slice(out, (0,)) if unbatched else out
