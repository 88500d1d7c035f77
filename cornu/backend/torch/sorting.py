"""PyTorch sorting, searching and set kernels (index outputs are int32)."""

import torch

from cornu.backend.torch.core import to_framework_dtype
from cornu.backend.torch.elementwise import _WIDE_UNSIGNED


def _workable(x):
    return x.to(torch.int64) if x.dtype in _WIDE_UNSIGNED else x


def sort(x, axis):
    return torch.sort(_workable(x), dim=axis, stable=True).values.to(x.dtype)


def argsort(x, axis):
    return torch.sort(_workable(x), dim=axis, stable=True).indices.to(torch.int32)


def searchsorted(sorted_sequence, values, right):
    sorted_sequence, values = _workable(sorted_sequence), _workable(values)
    out = torch.searchsorted(sorted_sequence.contiguous(), values.contiguous(), right=right)
    return out.to(torch.int32)


def bincount(x, weights, minlength, length, dtype):
    """Counts per value of the non-negative ints `x` (1-D, or per row of 2-D `x`)."""
    dtype = to_framework_dtype(dtype)
    x = x.to(torch.int64)
    if x.numel() and int(x.min()) < 0:
        raise ValueError(f"bincount: `x` must be non-negative; its minimum is {int(x.min())}.")
    if length is None:
        length = max(minlength, int(x.max()) + 1 if x.numel() else 0)
    rows = x.reshape(-1, x.shape[-1]) if x.dim() == 2 else x.reshape(1, -1)
    if weights is None:
        w = torch.ones(rows.shape, dtype=dtype, device=x.device)
    else:
        w = weights.to(dtype).reshape(rows.shape)
    out = torch.zeros((rows.shape[0], length), dtype=dtype, device=x.device)
    out = out.scatter_add(1, rows, w)
    return out if x.dim() == 2 else out.reshape(length)


def isin(x1, x2, invert):
    if x1.dtype == torch.bool:
        x1, x2 = x1.to(torch.uint8), x2.to(torch.uint8)
    return torch.isin(_workable(x1), _workable(x2), invert=invert)


def unique(x, axis, size=None, fill_value=None):
    """(values, first index, inverse, counts), sorted; index outputs int32.

    `size`/`fill_value` are applied by the front end (padding/truncation).
    """
    work = _workable(x)
    if axis is None:
        flat = work.reshape(-1)
        values, inverse, counts = torch.unique(
            flat, sorted=True, return_inverse=True, return_counts=True
        )
        n = flat.shape[0]
    else:
        values, inverse, counts = torch.unique(
            work, sorted=True, return_inverse=True, return_counts=True, dim=axis
        )
        n = work.shape[axis]
    positions = torch.arange(n, device=x.device)
    index = torch.full(
        (values.shape[0] if axis is None else values.shape[axis],),
        n,
        dtype=torch.int64,
        device=x.device,
    )
    index = index.scatter_reduce(0, inverse.reshape(-1), positions, "amin", include_self=True)
    inverse = inverse.reshape(x.shape) if axis is None else inverse.reshape(-1)
    return (
        values.to(x.dtype),
        index.to(torch.int32),
        inverse.to(torch.int32),
        counts.to(torch.int32),
    )
