"""PyTorch indexing kernels."""

import torch

reshape = torch.reshape
broadcast_to = torch.broadcast_to
where = torch.where


def _index(key):
    if isinstance(key, tuple):
        return tuple(_index(k) for k in key)
    if isinstance(key, torch.Tensor) and key.dtype not in (torch.bool, torch.int64, torch.int32):
        return key.to(torch.int64)  # torch indexes with int64/int32/bool only
    return key


def get_item(x, key):
    return x[_index(key)]


def diagonal(x, offset, axis1, axis2, length):
    return torch.diagonal(x, offset, axis1, axis2)


def trace(diag):
    return torch.sum(diag, dim=-1, dtype=diag.dtype)


def nonzero(x):
    return tuple(i.to(torch.int32) for i in torch.nonzero(x, as_tuple=True))


def _wrap(indices, n, device):
    indices = indices.to(device=device, dtype=torch.int64)
    return torch.where(indices < 0, indices + n, indices)


def take(x, indices, axis):
    flat = _wrap(indices, x.shape[axis], x.device).reshape(-1)
    out = torch.index_select(x, axis, flat)
    return out.reshape(tuple(x.shape[:axis]) + tuple(indices.shape) + tuple(x.shape[axis + 1 :]))


def take_along_axis(x, indices, axis):
    return torch.take_along_dim(x, _wrap(indices, x.shape[axis], x.device), dim=axis)


def unravel_index(indices, dims):
    out = []
    rest = indices.to(torch.int64)
    for d in reversed(dims):
        out.append(torch.remainder(rest, d).to(indices.dtype))
        rest = torch.div(rest, d, rounding_mode="floor")
    return tuple(reversed(out))
