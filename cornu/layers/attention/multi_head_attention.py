"""`MultiHeadAttention`: scaled dot-product attention over several learned projections."""

import math
import string

from cornu import ops, regularizers
from cornu.backend.common import dtypes, scopes
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers import arguments
from cornu.layers.activations.softmax import Softmax
from cornu.layers.core.einsum_dense import EinsumDense
from cornu.layers.layer import Layer
from cornu.layers.regularization.dropout import Dropout

_LETTERS = string.ascii_lowercase


def _large_negative(dtype):
    """The additive logit for masked-out positions (finite, so fully masked rows stay finite)."""
    return -3e4 if dtypes.standardize_dtype(dtype) in ("float16", "bfloat16") else -1e9


def mask_logits(scores, mask):
    """`scores` where positions with a False `mask` get a large negative logit added (so a
    fully masked row stays a softmax over its own logits, finite)."""
    if mask is None:
        return scores
    keep = ops.cast(mask, scores.dtype)
    return ops.add(scores, ops.multiply(1.0 - keep, _large_negative(scores.dtype)))


def masked_softmax(scores, mask, axes):
    """Softmax over `axes` where positions with a False `mask` get a large negative logit."""
    return ops.softmax(mask_logits(scores, mask), axis=axes)


def _check_int(layer, name, value, minimum=1, allow_none=False):
    if value is None and allow_none:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(
            f"{layer}: {name} must be an int >= {minimum}"
            f"{' or None' if allow_none else ''}; received {name}={value!r}."
        )
    return value


def _check_rate(layer, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ValueError(f"{layer}: dropout must be a number in [0, 1]; received {value!r}.")
    return value


def _mask_of(x):
    return getattr(x, "_keras_mask", None)


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al., 2017).

    The query, key and value are projected to `num_heads` heads (`EinsumDense` sub-layers
    named `query`, `key`, `value`, with kernels `(dim, num_heads, key_dim)`), each head
    attends with scaled dot products over `attention_axes`, and the heads are projected back
    by the `attention_output` sub-layer (kernel `(num_heads, value_dim, dim)`). The softmax
    and the dropout on the probabilities are weightless sub-layers (`_softmax`,
    `_dropout_layer`), as in Keras, so saved weight files have the same groups.

    Args:
        num_heads: the number of heads.
        key_dim: the size of each query/key head.
        value_dim: the size of each value head (default `key_dim`).
        dropout: the dropout rate on the attention probabilities (in training).
        use_bias: whether the projections have biases.
        output_shape: the output's trailing shape (default: the query's last dim).
        attention_axes: the axes attention runs over (default: all but batch, heads,
            channels).
        sliding_window, flash_attention, use_gate: accepted for Keras compatibility; only
            their default values (None, None/False, False) are supported.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
            activity_regularizer, kernel_constraint, bias_constraint: for the projections.
        seed: the dropout seed.

    Call arguments:
        query `(B, T, dim)`, value `(B, S, dim)`, key (default `value`); `query_mask`,
        `value_mask`, `key_mask` (default: the inputs' `_keras_mask`), `attention_mask`
        `(B, T, S)` (True = attend); `return_attention_scores` returns `(output, scores)` with
        scores `(B, num_heads, T, S)`; `use_causal_mask` masks keys after each query.

    Example:
        >>> layer = MultiHeadAttention(num_heads=2, key_dim=4)
        >>> layer(np.ones((2, 5, 8), "float32"), np.ones((2, 3, 8), "float32")).shape
        (2, 5, 8)
    """

    def __init__(
        self,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        attention_axes=None,
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
        super().__init__(activity_regularizer=regularizers.get(activity_regularizer), **kwargs)
        name = type(self).__name__
        self.num_heads = _check_int(name, "num_heads", num_heads)
        self.key_dim = _check_int(name, "key_dim", key_dim)
        self.value_dim = _check_int(name, "value_dim", value_dim, allow_none=True) or key_dim
        self.dropout = _check_rate(name, dropout)
        self.use_bias = bool(use_bias)
        if output_shape is not None:
            if isinstance(output_shape, int) and not isinstance(output_shape, bool):
                output_shape = (output_shape,)
            if not isinstance(output_shape, (list, tuple)) or not all(
                isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in output_shape
            ):
                raise ValueError(
                    f"{name}: output_shape must be an int or a tuple of positive ints; "
                    f"received output_shape={output_shape!r}."
                )
            output_shape = tuple(output_shape)
        self._output_shape = output_shape
        if attention_axes is not None:
            if isinstance(attention_axes, int) and not isinstance(attention_axes, bool):
                attention_axes = (attention_axes,)
            if not isinstance(attention_axes, (list, tuple)) or not all(
                isinstance(a, int) and not isinstance(a, bool) for a in attention_axes
            ):
                raise ValueError(
                    f"{name}: attention_axes must be an int or a tuple of ints; received "
                    f"attention_axes={attention_axes!r}."
                )
            attention_axes = tuple(attention_axes)
        self._attention_axes = attention_axes
        for arg, value, ok in (
            ("sliding_window", sliding_window, sliding_window is None),
            ("flash_attention", flash_attention, not flash_attention),
            ("use_gate", use_gate, not use_gate),
        ):
            if not ok:
                raise ValueError(f"{name}: {arg} is not supported by cornu; received {value!r}.")
        arguments.store(self, locals(), arguments.of_weights("kernel", "bias"))
        self.seed = seed
        self._dropout_layer = Dropout(rate=self.dropout, seed=seed, dtype=self.dtype_policy)
        self._track(self._dropout_layer)
        self.supports_masking = True
        self._shapes_dict = None

    @property
    def output_shape(self):
        return self._output_shape

    @property
    def attention_axes(self):
        return self._attention_axes

    # -- construction -----------------------------------------------------------------

    def _axes(self, rank):
        """Attention axes of a rank-`rank` input, as positive ints in [1, rank - 2]."""
        if self._attention_axes is None:
            return tuple(range(1, rank - 1))
        axes = []
        for a in self._attention_axes:
            p = a + rank if a < 0 else a
            if not 1 <= p <= rank - 2:
                raise ValueError(
                    f"MultiHeadAttention: attention_axes {self._attention_axes} do not fit an "
                    f"input of rank {rank} (allowed: 1..{rank - 2} or negative equivalents)."
                )
            axes.append(p)
        return tuple(sorted(set(axes)))

    def _dense(self, name, rank, heads_dim):
        """Projection (B, ..., dim) -> (B, ..., num_heads, heads_dim)."""
        ins = _LETTERS[:rank]
        k = _LETTERS[rank : rank + 2]
        eq = f"{ins},{ins[-1]}{k}->{ins[:-1]}{k}"
        return EinsumDense(
            eq,
            output_shape=[None] * (rank - 2) + [self.num_heads, heads_dim],
            bias_axes=k if self.use_bias else None,
            name=name,
            **self._sub_kwargs(),
        )

    def _sub_kwargs(self):
        return dict(
            kernel_initializer=self.kernel_initializer.__class__.from_config(
                self.kernel_initializer.get_config()
            ),
            bias_initializer=self.bias_initializer.__class__.from_config(
                self.bias_initializer.get_config()
            ),
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
            dtype=self.dtype_policy,
        )

    # Keras's public names for the projections (its weight files use them as paths).
    @property
    def query_dense(self):
        return self._query_dense

    @property
    def key_dense(self):
        return self._key_dense

    @property
    def value_dense(self):
        return self._value_dense

    @property
    def output_dense(self):
        return self._output_dense

    def build(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        rank = len(query_shape)
        if rank < 3 or len(value_shape) != rank or len(key_shape) != rank:
            raise ValueError(
                f"MultiHeadAttention: query, value and key must have the same rank >= 3; "
                f"received query {query_shape}, value {value_shape}, key {key_shape}."
            )
        if self._attention_axes is None:
            self._attention_axes = self._axes(rank)  # Keras reports the resolved axes once built
        if value_shape[1:-1] != key_shape[1:-1] and None not in value_shape[1:-1] + key_shape[1:-1]:
            raise ValueError(
                "MultiHeadAttention: value and key must have the same non-batch, non-channel "
                f"dims; received value {value_shape}, key {key_shape}."
            )
        self._shapes_dict = {
            "query_shape": list(query_shape),
            "value_shape": list(value_shape),
        }
        if key_shape is not value_shape and key_shape != value_shape:
            self._shapes_dict["key_shape"] = list(key_shape)
        self._rank = rank
        self._attn_axes = self._axes(rank)
        self._query_dense = self._dense("query", rank, self.key_dim)
        self._track(self._query_dense)
        self._build_sublayer(self._query_dense, query_shape)
        self._key_dense = self._dense("key", rank, self.key_dim)
        self._track(self._key_dense)
        self._build_sublayer(self._key_dense, key_shape)
        self._value_dense = self._dense("value", rank, self.value_dim)
        self._track(self._value_dense)
        self._build_sublayer(self._value_dense, value_shape)
        # Output: (B, ..., num_heads, value_dim) -> (B, ..., *output_shape).
        out_trailing = self._output_shape or (query_shape[-1],)
        p = rank + 1
        ins = _LETTERS[:p]
        outs = _LETTERS[p : p + len(out_trailing)]
        eq = f"{ins},{ins[-2:]}{outs}->{ins[:-2]}{outs}"
        self._output_dense = EinsumDense(
            eq,
            output_shape=[None] * (rank - 2) + list(out_trailing),
            bias_axes=outs if self.use_bias else None,
            name="attention_output",
            **self._sub_kwargs(),
        )
        self._track(self._output_dense)
        heads_shape = tuple(query_shape[:-1]) + (self.num_heads, self.value_dim)
        self._build_sublayer(self._output_dense, heads_shape)
        self._build_equations()
        self.built = True

    def _build_sublayer(self, layer, shape):
        with scopes.name_scope(layer.name, caller=layer):
            layer.build(tuple(shape))
        layer.built = True
        layer._build_shapes = tuple(shape)

    def _build_equations(self):
        p = self._rank + 1  # rank of the projected tensors
        q = _LETTERS[:p]
        extra = iter(_LETTERS[p:])
        k = "".join(next(extra) if i in self._attn_axes else c for i, c in enumerate(q))
        batch = [i for i in range(p - 2) if i not in self._attn_axes]
        heads = q[p - 2]
        scores = (
            "".join(q[i] for i in batch)
            + heads
            + "".join(q[i] for i in self._attn_axes)
            + "".join(k[i] for i in self._attn_axes)
        )
        self._dot_equation = f"{k},{q}->{scores}"
        self._combine_equation = f"{scores},{k}->{q}"
        n = len(self._attn_axes)
        self._softmax_axes = tuple(range(-n, 0))
        self._scores_rank = len(scores)
        # A sub-layer (not a bare op) because Keras saves it: its weight files hold an empty
        # `_softmax` group under every MultiHeadAttention.
        self._softmax = Softmax(axis=self._softmax_axes, dtype=self.dtype_policy)
        self._track(self._softmax)

    def __call__(self, query, value, key=None, **kwargs):
        if not self.built:
            key_shape = None if key is None else tuple(key.shape)
            with scopes.name_scope(self.name, caller=self):
                self.build(tuple(query.shape), tuple(value.shape), key_shape)
            self._build_shapes = tuple(query.shape)
        if key is not None:
            kwargs["key"] = key
        return super().__call__(query, value, **kwargs)

    def build_from_config(self, config):
        shapes = (config or {}).get("shapes_dict")
        if shapes and not self.built:
            self.build(shapes["query_shape"], shapes["value_shape"], shapes.get("key_shape"))
            self._build_shapes = tuple(shapes["query_shape"])
            return
        super().build_from_config(config)

    def get_build_config(self):
        if self._shapes_dict is None:
            return None
        return {"shapes_dict": dict(self._shapes_dict)}

    # -- calling ----------------------------------------------------------------------

    def _attention_mask(self, query_mask, value_mask, key_mask, attention_mask):
        """The boolean `(B, T..., S...)` mask: attention_mask & query/value/key masks (None
        when nothing masks; the causal mask is added in `_compute_attention`)."""
        mask = None
        n = len(self._attn_axes)
        if query_mask is not None:
            # (B, T...) -> (B, T..., 1...)
            m = ops.cast(query_mask, "bool")
            for _ in range(n):
                m = ops.expand_dims(m, -1)
            mask = m
        for m in (value_mask, key_mask):
            if m is not None:
                m = ops.cast(m, "bool")
                for _ in range(n):
                    m = ops.expand_dims(m, -n - 1)
                mask = m if mask is None else ops.logical_and(mask, m)
        if attention_mask is not None:
            am = ops.cast(attention_mask, "bool")
            mask = am if mask is None else ops.logical_and(mask, am)
        return mask

    def call(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        if key is None:
            key = value
        if query_mask is None:
            query_mask = _mask_of(query)
        if value_mask is None:
            value_mask = _mask_of(value)
        if key_mask is None and key is not value:
            key_mask = _mask_of(key)
        dtype = self.compute_dtype
        value = ops.cast(value, dtype) if value.dtype != query.dtype else value
        key = ops.cast(key, dtype) if key.dtype != query.dtype else key
        mask = self._attention_mask(query_mask, value_mask, key_mask, attention_mask)
        q = self._query_dense(query)
        k = self._key_dense(key)
        v = self._value_dense(value)
        output, scores = self._compute_attention(q, k, v, mask, training, use_causal_mask)
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def _causal(self, scores):
        """True where the (flattened) key position <= the (flattened) query position, built
        from `scores` itself so it lives wherever the scores do."""
        n = len(self._attn_axes)
        tail = tuple(scores.shape[-2 * n :])
        rows, cols = math.prod(tail[:n]), math.prod(tail[n:])
        ones = ops.ones_like(scores[(0,) * (len(scores.shape) - 2 * n)])
        causal = ops.tril(ops.reshape(ones, (rows, cols)))
        return ops.cast(ops.reshape(causal, tail), "bool")

    def _compute_attention(self, query, key, value, mask, training=None, causal=False):
        query = ops.multiply(query, ops.cast(1.0 / math.sqrt(self.key_dim), query.dtype))
        scores = ops.einsum(self._dot_equation, key, query)
        if causal:
            c = self._causal(scores)
            mask = c if mask is None else ops.logical_and(mask, c)
        if mask is not None:
            while len(mask.shape) < len(scores.shape):
                mask = ops.expand_dims(mask, -2 * len(self._attn_axes) - 1)
        scores = self._softmax(mask_logits(scores, mask))
        dropped = self._dropout_layer(scores, training=training)
        output = ops.einsum(self._combine_equation, dropped, value)
        return output, scores

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None, **kwargs):
        query_shape = tuple(query_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def compute_output_spec(self, query, value, key=None, return_attention_scores=False, **kw):
        dtype = self.compute_dtype
        out = KerasTensor(self.compute_output_shape(query.shape), dtype=dtype)
        if not return_attention_scores:
            return out
        axes = self._axes(len(query.shape))
        batch = [i for i in range(len(query.shape) - 1) if i not in axes]
        shape = (
            tuple(query.shape[i] for i in batch)
            + (self.num_heads,)
            + tuple(query.shape[i] for i in axes)
            + tuple(value.shape[i] for i in axes)
        )
        return out, KerasTensor(shape, dtype=dtype)

    def get_config(self):
        return {
            **super().get_config(),
            **arguments.config(self, ("num_heads", "key_dim", "value_dim", "dropout", "use_bias")),
            "use_gate": False,
            "output_shape": list(self._output_shape) if self._output_shape else None,
            "attention_axes": self._attention_axes,
            "sliding_window": None,
            **arguments.config(self, arguments.of_weights("kernel", "bias", activity=True)),
            "seed": self.seed,
        }
