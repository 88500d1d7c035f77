"""`cornu.ops.image`."""

__all__ = []
