"""PyTorch shape-manipulation kernels."""

import functools

import torch

from cornu.backend.torch.core import to_framework_dtype
from cornu.backend.torch.indexing import _SIGNED, _restore, _signed


def _bitwise(fn):
    """Runs a data-movement kernel on uint16/32/64 tensors as the same-size signed type
    (torch lacks CPU kernels for those dtypes; moving bits is exact)."""

    @functools.wraps(fn)
    def kernel(x, *args):
        first = x[0] if isinstance(x, (list, tuple)) else x
        if first.dtype not in _SIGNED:
            return fn(x, *args)
        signed = [_signed(t) for t in x] if isinstance(x, (list, tuple)) else _signed(x)
        args = [
            _signed(a) if isinstance(a, torch.Tensor) and a.dtype == first.dtype else a
            for a in args
        ]
        return _restore(fn(signed, *args), first.dtype)

    return kernel


reshape = torch.reshape
broadcast_to = torch.broadcast_to
tile = _bitwise(torch.tile)
stack = _bitwise(torch.stack)


def squeeze(x, axes):
    return torch.squeeze(x, dim=axes) if axes else x


def transpose(x, perm):
    return x.permute(perm)


def expand_dims(x, axes):
    """`x` with a unit axis inserted at each of `axes` in turn (a tuple, or one int)."""
    for axis in axes if isinstance(axes, (tuple, list)) else (axes,):
        x = torch.unsqueeze(x, axis)
    return x


@_bitwise
def flip(x, axes=(0,)):
    """`x` reversed along `axes` (a tuple, or one int; the first axis by default)."""
    return torch.flip(x, axes if isinstance(axes, (tuple, list)) else (axes,))


def size(x):
    return x.numel()


@_bitwise
def concatenate(xs, axis):
    return torch.cat(xs, dim=axis)


@_bitwise
def roll(x, shifts, axes):
    if axes is None:
        return torch.roll(x, shifts)
    return torch.roll(x, shifts, axes)


@_bitwise
def repeat(x, repeats, axis):
    if isinstance(repeats, tuple):
        repeats = torch.tensor(repeats, dtype=torch.int64, device=x.device)
    elif isinstance(repeats, torch.Tensor):
        repeats = repeats.to(device=x.device, dtype=torch.int64)
    return torch.repeat_interleave(x, repeats, dim=axis)


@_bitwise
def pad_constant(x, widths, value):
    shape = [d + a + b for d, (a, b) in zip(x.shape, widths)]
    out = torch.broadcast_to(value.to(x.device), shape).clone()
    out[tuple(slice(a, a + d) for d, (a, _) in zip(x.shape, widths))] = x
    return out


def pad(x, pad_width, constant_value):
    """`x` padded by `pad_width` (`(before, after)` per axis) with the scalar `constant_value`."""
    flat = []
    for before, after in reversed(list(pad_width)):
        flat += [int(before), int(after)]
    return torch.nn.functional.pad(x, flat, mode="constant", value=constant_value)


def pad_gather(x, index, axis):
    index = index.to(device=x.device, dtype=torch.int64)
    return _restore(torch.index_select(_signed(x), axis, index), x.dtype)


def view(x, dtype, shape):
    return x.contiguous().view(to_framework_dtype(dtype)).reshape(shape)


def split(x, sizes, axis):
    """Consecutive pieces of the given sizes along `axis` (they add up to its length); one
    split primitive, whose gradient is one concatenation."""
    return list(torch.split(x, list(sizes), dim=axis))
