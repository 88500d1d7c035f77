"""PyTorch kernels for cornu.ops.image: small tensor primitives the front end composes."""

import torch

from cornu.backend.torch.core import convert_to_tensor


def einsum(subscripts, *operands):
    return torch.einsum(subscripts, *operands)


def take(x, indices, axis):
    indices = convert_to_tensor(indices).to(torch.int64)
    flat = torch.index_select(x, axis, indices.reshape(-1))
    shape = list(x.shape)
    shape[axis : axis + 1] = list(indices.shape)
    return flat.reshape(shape)


def pad(x, pad_width, constant_value):
    flat = []
    for before, after in reversed(list(pad_width)):
        flat += [int(before), int(after)]
    return torch.nn.functional.pad(x, flat, mode="constant", value=constant_value)


def transpose(x, perm):
    return torch.permute(x, tuple(perm))


def reshape(x, shape):
    return torch.reshape(x, tuple(shape))


floor = torch.floor
minimum = torch.minimum
abs = torch.abs


def where(condition, x, y):
    return torch.where(condition, x, y)


def concatenate(xs, axis):
    return torch.cat(list(xs), dim=axis)


def stack(xs, axis):
    return torch.stack(list(xs), dim=axis)


def clip(x, lo, hi):
    return torch.clamp(x, lo, hi)


def round_half_away(x):
    return torch.sign(x) * torch.floor(torch.abs(x) + 0.5)


def reduce_max(x, axis, keepdims=False):
    return torch.amax(x, dim=axis, keepdim=keepdims)


def reduce_min(x, axis, keepdims=False):
    return torch.amin(x, dim=axis, keepdim=keepdims)


def reduce_mean(x, axis, keepdims=False):
    return torch.mean(x, dim=axis, keepdim=keepdims)


def solve(a, b):
    return torch.linalg.solve(a, b)


def compiled(fn, *tensors, **static):
    """Runs `fn(*tensors, **static)` (eagerly on this backend)."""
    return fn(*tensors, **static)


def batch_offsets(x, step):
    """(batch, 1, 1) int32: i * step for each item i of `x`'s leading axis."""
    return (torch.arange(x.shape[0], dtype=torch.int32, device=x.device) * step).reshape(-1, 1, 1)
