"""PyTorch indexing kernels."""

import torch

# torch stores uint16/32/64 but lacks most CPU kernels for them: move their bits as the signed
# type of the same size (exact for gathers), sum them in int64.
_SIGNED = {torch.uint16: torch.int16, torch.uint32: torch.int32, torch.uint64: torch.int64}


def _signed(x):
    return x.view(_SIGNED[x.dtype]) if x.dtype in _SIGNED else x


def _restore(out, dtype):
    return out.view(dtype) if dtype in _SIGNED else out


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
    if diag.dtype in _SIGNED:
        return torch.sum(diag.to(torch.int64), dim=-1).to(diag.dtype)
    return torch.sum(diag, dim=-1, dtype=diag.dtype)


def nonzero(x):
    return tuple(i.to(torch.int32) for i in torch.nonzero(_signed(x), as_tuple=True))


def _wrap(indices, n, device):
    """int64 `indices` (a tensor or an array) on `device`, negative ones counted from the end."""
    indices = torch.as_tensor(indices, dtype=torch.int64, device=device)
    return torch.where(indices < 0, indices + n, indices)


def take(x, indices, axis):
    flat = _wrap(indices, x.shape[axis], x.device).reshape(-1)
    out = _restore(torch.index_select(_signed(x), axis, flat), x.dtype)
    return out.reshape(tuple(x.shape[:axis]) + tuple(indices.shape) + tuple(x.shape[axis + 1 :]))


def take_along_axis(x, indices, axis):
    out = torch.take_along_dim(_signed(x), _wrap(indices, x.shape[axis], x.device), dim=axis)
    return _restore(out, x.dtype)


def unravel_index(indices, dims):
    out = []
    rest = indices.to(torch.int64)
    for d in reversed(dims):
        out.append(torch.remainder(rest, d).to(indices.dtype))
        rest = torch.div(rest, d, rounding_mode="floor")
    return tuple(reversed(out))
