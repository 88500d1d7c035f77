"""PyTorch creation kernels (dtypes arrive as cornu dtype names)."""

import math

import torch

from cornu.backend.torch.core import current_device
from cornu.backend.torch.core import to_framework_dtype as _dt

_UNSIGNED_WIDE = (torch.uint16, torch.uint32, torch.uint64)


def zeros(shape, dtype):
    return torch.zeros(shape, dtype=_dt(dtype), device=current_device())


def ones(shape, dtype):
    return torch.ones(shape, dtype=_dt(dtype), device=current_device())


def full(shape, fill_value):
    return torch.broadcast_to(fill_value, shape).clone()


def zeros_like(x, dtype=None):
    """Zeros of `x`'s shape, on its device; `dtype` None keeps `x`'s dtype."""
    if dtype is None:
        return torch.zeros_like(x)
    return torch.zeros(x.shape, dtype=_dt(dtype), device=x.device)


def ones_like(x, dtype=None):
    """Ones of `x`'s shape, on its device; `dtype` None keeps `x`'s dtype."""
    if dtype is None:
        return torch.ones_like(x)
    return torch.ones(x.shape, dtype=_dt(dtype), device=x.device)


def full_like(x, fill_value):
    return torch.broadcast_to(fill_value, x.shape).clone()


def arange(start, stop, step=None, length=None, dtype=None):
    """`length` values `start + i * step` of `dtype` (the creation op); the short form
    `arange(n, dtype)` gives 0, 1, ..., n - 1 (as the nn ops call it)."""
    if length is None:
        return torch.arange(start, dtype=_dt(stop), device=current_device())
    dtype = _dt(dtype)
    device = current_device()
    if not dtype.is_floating_point and all(isinstance(v, int) for v in (start, step)):
        out = torch.arange(length, dtype=torch.int64, device=device) * step + start
        return out.to(dtype)
    index = torch.arange(length, dtype=torch.float64, device=device)
    return (index * step + start).to(dtype)


def _index(num, like):
    shape = (num,) + (1,) * like.ndim
    return torch.arange(num, dtype=like.dtype, device=like.device).reshape(shape)


def _linspace0(start, stop, num, endpoint):
    """Samples along a new leading axis, and the step."""
    start, stop = torch.broadcast_tensors(start, stop)
    div = num - 1 if endpoint else num
    delta = stop - start
    step = delta / div if div > 0 else torch.full_like(delta, math.nan)
    index = _index(num, start)
    samples = start + index * (step if div > 0 else delta)
    if endpoint and num > 1:
        samples = torch.cat([samples[:-1], stop[None]], dim=0)
    return samples, step


def linspace(start, stop, num, endpoint, axis):
    samples, step = _linspace0(start, stop, num, endpoint)
    return torch.movedim(samples, 0, axis), step


def logspace(start, stop, num, endpoint, base, axis):
    samples, _ = _linspace0(start, stop, num, endpoint)
    return torch.movedim(torch.pow(torch.tensor(base, dtype=start.dtype), samples), 0, axis)


def geomspace(start, stop, num, endpoint, axis):
    start, stop = torch.broadcast_tensors(start, stop)
    samples, _ = _linspace0(torch.log(torch.abs(start)), torch.log(torch.abs(stop)), num, endpoint)
    samples = torch.sign(start) * torch.exp(samples)
    if num > 0:
        parts = [start[None], samples[1:]]
        if endpoint and num > 1:
            parts = [start[None], samples[1:-1], stop[None]]
        samples = torch.cat(parts, dim=0)
    return torch.movedim(samples, 0, axis)


def cast_values(x, dtype):
    dtype = _dt(dtype)
    if not dtype.is_floating_point and not dtype.is_complex and dtype != torch.bool:
        if x.dtype.is_floating_point:
            x = torch.floor(x)
    return x.to(dtype)


def ravel(x):
    return torch.reshape(x, (-1,))


def _band(N, M, k, device=None):
    rows = torch.arange(N, device=device or current_device()).reshape(N, 1)
    cols = torch.arange(M, device=device or current_device()).reshape(1, M)
    return cols - rows


def eye(N, M, k, dtype):
    return (_band(N, M, k) == k).to(_dt(dtype))


def tri(N, M, k, dtype):
    return (_band(N, M, k) <= k).to(_dt(dtype))


def _masked(x, keep):
    return torch.where(keep, x, torch.zeros((), dtype=x.dtype, device=x.device))


def tril(x, k):
    return _masked(x, _band(x.shape[-2], x.shape[-1], k, x.device) <= k)


def triu(x, k):
    return _masked(x, _band(x.shape[-2], x.shape[-1], k, x.device) >= k)


def diag_matrix(x, k):
    if x.dtype in _UNSIGNED_WIDE:
        return torch.diag(x.to(torch.int64), k).to(x.dtype)
    return torch.diag(x, k)


def diag_part(x, k, length):
    if length == 0:
        return x.new_zeros((0,))
    return torch.diagonal(x, k)


def vander(x, n, increasing):
    powers = torch.arange(n, device=x.device)
    if not increasing:
        powers = torch.flip(powers, (0,))
    if x.dtype.is_floating_point or x.dtype.is_complex:
        return torch.pow(x[:, None], powers.to(x.dtype))
    return torch.pow(x.to(torch.int64)[:, None], powers).to(x.dtype)
