"""`cornu.ops.math`."""

__all__ = []
