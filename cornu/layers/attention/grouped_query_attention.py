"""`GroupQueryAttention`: attention where groups of query heads share key/value heads."""

import math

from cornu import ops
from cornu.layers import arguments
from cornu.layers.attention.multi_head_attention import (
    MultiHeadAttention,
    _check_int,
    masked_softmax,
)
from cornu.layers.core.einsum_dense import EinsumDense


class GroupQueryAttention(MultiHeadAttention):
    """Grouped-query attention (Ainslie et al., 2023): `num_query_heads` query heads attend
    with `num_key_value_heads` shared key/value heads (query head n uses key/value head
    `n // (num_query_heads // num_key_value_heads)`).

    Sub-layers (`EinsumDense`): `query` (kernel `(dim, num_query_heads, head_dim)`), `key`
    and `value` (kernels `(dim, num_key_value_heads, head_dim)`), `attention_output` (kernel
    `(num_query_heads, head_dim, dim)`). Inputs are `(batch, seq, dim)`.

    Args:
        head_dim: the size of each head.
        num_query_heads: the number of query heads.
        num_key_value_heads: the number of key/value heads; must divide `num_query_heads`.
        dropout, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, seed:
            as for `MultiHeadAttention`.
        sliding_window, flash_attention, use_gate: accepted for Keras compatibility; only their
            default values are supported.

    Call arguments: as for `MultiHeadAttention`; the scores are
    `(batch, num_query_heads, T, S)`.

    Example:
        >>> layer = GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
        >>> layer(np.ones((2, 5, 8), "float32"), np.ones((2, 3, 8), "float32")).shape
        (2, 5, 8)
    """

    def __init__(
        self,
        head_dim,
        num_query_heads,
        num_key_value_heads,
        dropout=0.0,
        use_bias=True,
        sliding_window=None,
        flash_attention=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate=False,
        seed=None,
        **kwargs,
    ):
        name = "GroupQueryAttention"
        _check_int(name, "head_dim", head_dim)
        _check_int(name, "num_query_heads", num_query_heads)
        _check_int(name, "num_key_value_heads", num_key_value_heads)
        if num_query_heads % num_key_value_heads:
            raise ValueError(
                f"{name}: num_query_heads must be a multiple of num_key_value_heads; received "
                f"num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}."
            )
        forwarded = ("dropout", "use_bias", "sliding_window", "flash_attention")
        forwarded += arguments.of_weights("kernel", "bias", activity=True) + ("use_gate", "seed")
        super().__init__(
            num_heads=num_query_heads,
            key_dim=head_dim,
            **arguments.forwarded(locals(), forwarded),
        )
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads

    def _einsum(self, equation, out_shape, bias_axes, name):
        return EinsumDense(
            equation,
            output_shape=out_shape,
            bias_axes=bias_axes if self.use_bias else None,
            name=name,
            **self._sub_kwargs(),
        )

    def build(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if len(query_shape) != 3 or len(value_shape) != 3 or len(key_shape) != 3:
            raise ValueError(
                "GroupQueryAttention: query, value and key must have rank 3 (batch, seq, dim); "
                f"received query {query_shape}, value {value_shape}, key {key_shape}."
            )
        self._shapes_dict = {"query_shape": list(query_shape), "value_shape": list(value_shape)}
        if key_shape != value_shape:
            self._shapes_dict["key_shape"] = list(key_shape)
        self._rank = 3
        self._attn_axes = (1,)
        n, kv, h = self.num_query_heads, self.num_key_value_heads, self.head_dim
        self._query_dense = self._einsum("bqm,muh->bquh", (None, n, h), "uh", "query")
        self._track(self._query_dense)
        self._build_sublayer(self._query_dense, query_shape)
        self._key_dense = self._einsum("bkm,mvh->bkvh", (None, kv, h), "vh", "key")
        self._track(self._key_dense)
        self._build_sublayer(self._key_dense, key_shape)
        self._value_dense = self._einsum("bkm,mvh->bkvh", (None, kv, h), "vh", "value")
        self._track(self._value_dense)
        self._build_sublayer(self._value_dense, value_shape)
        self._output_dense = self._einsum(
            "bquh,uhm->bqm", (None, query_shape[-1]), "m", "attention_output"
        )
        self._track(self._output_dense)
        self._build_sublayer(self._output_dense, query_shape[:2] + (n, h))
        self._softmax_axes = (-1,)
        self.built = True

    def _compute_attention(self, query, key, value, mask, training=None, causal=False):
        groups = self.num_query_heads // self.num_key_value_heads
        if groups > 1:
            key = ops.repeat(key, groups, axis=2)
            value = ops.repeat(value, groups, axis=2)
        query = ops.multiply(query, ops.cast(1.0 / math.sqrt(self.head_dim), query.dtype))
        scores = ops.einsum("bquh,bkuh->buqk", query, key)
        if causal:
            c = self._causal(scores)
            mask = c if mask is None else ops.logical_and(mask, c)
        if mask is not None:
            while len(mask.shape) < len(scores.shape):
                mask = ops.expand_dims(mask, -3)
        scores = masked_softmax(scores, mask, (-1,))
        dropped = self._dropout_layer(scores, training=training)
        return ops.einsum("buqk,bkuh->bquh", dropped, value), scores

    def get_config(self):
        config = super().get_config()
        for key in ("num_heads", "key_dim", "value_dim", "output_shape", "attention_axes"):
            config.pop(key, None)
        config.update(
            head_dim=self.head_dim,
            num_query_heads=self.num_query_heads,
            num_key_value_heads=self.num_key_value_heads,
        )
        return config
