"""NumPy-API sorting ops."""

__all__ = []
