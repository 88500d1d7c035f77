"""NumPy-API creation ops."""

__all__ = []
