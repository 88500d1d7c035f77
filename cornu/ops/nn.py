"""`cornu.ops.nn`."""

__all__ = []
