"""`cornu.preprocessing.sequence`: `pad_sequences` (the same function as `cornu.utils`'s)."""

from cornu.utils.sequence_padding import pad_sequences

__all__ = ["pad_sequences"]
