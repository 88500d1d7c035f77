"""PyTorch shape-manipulation kernels."""

import torch

from cornu.backend.torch.core import to_framework_dtype

reshape = torch.reshape
broadcast_to = torch.broadcast_to
tile = torch.tile
stack = torch.stack


def squeeze(x, axes):
    return torch.squeeze(x, dim=axes) if axes else x


def transpose(x, perm):
    return x.permute(perm)


def expand_dims(x, axes):
    for axis in axes:
        x = torch.unsqueeze(x, axis)
    return x


def flip(x, axes):
    return torch.flip(x, axes)


def size(x):
    return x.numel()


def concatenate(xs, axis):
    return torch.cat(xs, dim=axis)


def roll(x, shifts, axes):
    if axes is None:
        return torch.roll(x, shifts)
    return torch.roll(x, shifts, axes)


def repeat(x, repeats, axis):
    if isinstance(repeats, tuple):
        repeats = torch.tensor(repeats, dtype=torch.int64, device=x.device)
    elif isinstance(repeats, torch.Tensor):
        repeats = repeats.to(device=x.device, dtype=torch.int64)
    return torch.repeat_interleave(x, repeats, dim=axis)


def pad_constant(x, widths, value):
    shape = [d + a + b for d, (a, b) in zip(x.shape, widths)]
    out = torch.broadcast_to(value.to(x.device), shape).clone()
    out[tuple(slice(a, a + d) for d, (a, _) in zip(x.shape, widths))] = x
    return out


def pad_gather(x, index, axis):
    return torch.index_select(x, axis, index.to(device=x.device, dtype=torch.int64))


def view(x, dtype, shape):
    return x.contiguous().view(to_framework_dtype(dtype)).reshape(shape)
