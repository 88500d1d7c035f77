"""`Attention`: dot-product (Luong-style) attention between a query and a value sequence."""

from cornu import ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.attention.multi_head_attention import _check_rate
from cornu.layers.layer import Layer
from cornu.layers.regularization.dropout import Dropout


def _large(dtype):
    return 65504.0 if str(dtype).endswith("float16") and "b" not in str(dtype) else 1.0e9


class Attention(Layer):
    """Dot-product attention: `softmax(score(query, key)) @ value`.

    Args:
        use_scale: adds a trainable scalar `scale` (initially 1) multiplying the scores.
        score_mode: `"dot"` (`query @ key^T`) or `"concat"`
            (`concat_score_weight * sum(tanh(scale * (query + key)))`, with a trainable
            scalar `concat_score_weight`).
        dropout: the dropout rate on the attention distribution (in training).
        seed: the dropout seed.

    Call arguments:
        inputs: `[query (B, T, dim), value (B, S, dim)]` or `[query, value, key]` (key
            defaults to value).
        mask: `[query_mask (B, T), value_mask (B, S)]` (either may be None); masked values are
            not attended to, and outputs at masked query positions are zero.
        return_attention_scores: also return the attention distribution `(B, T, S)`.
        use_causal_mask: query position i only attends to value positions <= i.

    Example:
        >>> layer = Attention()
        >>> layer([np.ones((2, 4, 3), "float32"), np.ones((2, 6, 3), "float32")]).shape
        (2, 4, 3)
    """

    _name = "Attention"

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                f"{self._name}: score_mode must be 'dot' or 'concat'; received "
                f"score_mode={score_mode!r}."
            )
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = _check_rate(self._name, dropout)
        self.seed = seed
        self._dropout_layer = Dropout(rate=self.dropout, seed=seed, dtype=self.dtype_policy)
        self._track(self._dropout_layer)
        self.supports_masking = True

    def _check_inputs(self, inputs):
        if (
            not isinstance(inputs, (list, tuple))
            or len(inputs) not in (2, 3)
            or any(isinstance(x, int) or x is None for x in inputs)
        ):
            raise ValueError(
                f"{self._name} layer '{self.name}': inputs must be a list [query, value] or "
                f"[query, value, key]; received {type(inputs).__name__}"
                f" {inputs!r}"[:200]
                + "."
            )

    def build(self, input_shape):
        self._check_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale", trainable=True)
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                shape=(), initializer="ones", name="concat_score_weight", trainable=True
            )
        self.built = True

    def _scores(self, query, key):
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -1, -2))
            if self.scale is not None:
                scores = ops.multiply(scores, ops.cast(self.scale, scores.dtype))
            return scores
        q = ops.expand_dims(query, -2)
        k = ops.expand_dims(key, -3)
        total = ops.add(q, k)
        if self.scale is not None:
            total = ops.multiply(total, ops.cast(self.scale, total.dtype))
        scores = ops.sum(ops.tanh(total), axis=-1)
        return ops.multiply(scores, ops.cast(self.concat_score_weight, scores.dtype))

    def call(
        self,
        inputs,
        mask=None,
        training=None,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        self._check_inputs(inputs)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        dtype = self.compute_dtype
        query = ops.cast(query, dtype)
        value = ops.cast(value, dtype)
        key = ops.cast(key, dtype)
        q_mask = v_mask = None
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ValueError(
                    f"{self._name} layer '{self.name}': mask must be a list "
                    f"[query_mask, value_mask]; received {type(mask).__name__}."
                )
            q_mask = mask[0] if len(mask) > 0 else None
            v_mask = mask[1] if len(mask) > 1 else None
        scores = self._scores(query, key)
        allowed = None
        if v_mask is not None:
            allowed = ops.expand_dims(ops.cast(v_mask, "bool"), -2)
        if use_causal_mask:
            ones = ops.ones_like(scores[0])  # lives wherever the scores do
            causal = ops.expand_dims(ops.cast(ops.tril(ones), "bool"), 0)
            allowed = causal if allowed is None else ops.logical_and(allowed, causal)
        if allowed is not None:
            blocked = ops.cast(ops.logical_not(allowed), scores.dtype)
            scores = ops.subtract(scores, ops.multiply(blocked, _large(scores.dtype)))
        weights = ops.softmax(scores, axis=-1)
        dropped = self._dropout_layer(weights, training=training)
        result = ops.matmul(dropped, value)
        if q_mask is not None:
            result = ops.multiply(result, ops.expand_dims(ops.cast(q_mask, result.dtype), -1))
        if return_attention_scores:
            return result, weights
        return result

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None:
            return None
        if isinstance(previous_mask, (list, tuple)):
            return previous_mask[0]
        return previous_mask

    def compute_output_shape(self, input_shape):
        self._check_inputs(input_shape)
        return tuple(input_shape[0][:-1]) + (input_shape[1][-1],)

    def compute_output_spec(self, inputs, mask=None, return_attention_scores=False, **kwargs):
        self._check_inputs(inputs)
        dtype = self.compute_dtype
        out = KerasTensor(self.compute_output_shape([tuple(x.shape) for x in inputs]), dtype=dtype)
        if not return_attention_scores:
            return out
        q, v = inputs[0].shape, inputs[1].shape
        return out, KerasTensor(tuple(q[:-1]) + (v[-2],), dtype=dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }
