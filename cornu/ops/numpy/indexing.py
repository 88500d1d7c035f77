"""Indexing ops: get_item (the `x[key]` of tensors), ..."""

from cornu.ops.define import kernels, op, to_tensor

_k = kernels("indexing")

__all__ = ["get_item"]


@op()
def get_item(x, key):
    """`x[key]` with NumPy's basic indexing: ints, slices, None, Ellipsis, index or bool tensors."""
    return _k.get_item(to_tensor(x), key)
