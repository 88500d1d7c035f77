"""`cornu.ops.linalg`."""

__all__ = []
