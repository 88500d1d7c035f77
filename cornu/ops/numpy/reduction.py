"""NumPy-API reduction ops."""

__all__ = []
