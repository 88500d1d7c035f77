"""`AdditiveAttention`: Bahdanau-style attention between a query and a value sequence."""

from cornu import ops
from cornu.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention: scores `sum(scale * tanh(query_t + key_s), axis=-1)`, then
    `softmax(scores) @ value`.

    Args:
        use_scale: adds a trainable `scale` vector of shape `(dim,)` (glorot-uniform
            initialized); without it the tanh terms are summed unweighted.
        dropout: the dropout rate on the attention distribution (in training).

    Call arguments: as for `Attention` (`[query, value(, key)]`, `mask`,
    `return_attention_scores`, `use_causal_mask`, `training`).

    Example:
        >>> layer = AdditiveAttention()
        >>> layer([np.ones((2, 4, 3), "float32"), np.ones((2, 6, 3), "float32")]).shape
        (2, 4, 3)
    """

    _name = "AdditiveAttention"

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._check_inputs(input_shape)
        dim = input_shape[1][-1]
        if dim is None:
            raise ValueError(
                f"AdditiveAttention layer '{self.name}': the value's last dim must be known; "
                f"received input shapes {input_shape}."
            )
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(
                shape=(dim,), initializer="glorot_uniform", name="scale", trainable=True
            )
        self.built = True

    def _scores(self, query, key):
        total = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))
        if self.scale is not None:
            total = ops.multiply(total, ops.cast(self.scale, total.dtype))
        return ops.sum(total, axis=-1)

    def get_config(self):
        config = super().get_config()
        config.pop("score_mode", None)
        config.pop("seed", None)
        return config
