"""attention layers."""

from cornu.layers.attention.additive_attention import AdditiveAttention
from cornu.layers.attention.attention import Attention
from cornu.layers.attention.grouped_query_attention import GroupQueryAttention
from cornu.layers.attention.multi_head_attention import MultiHeadAttention

__all__ = ["AdditiveAttention", "Attention", "GroupQueryAttention", "MultiHeadAttention"]
