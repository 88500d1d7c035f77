"""PyTorch kernels of cornu.ops.math (inputs already converted and checked by the front end)."""

import torch
import torch.nn.functional as F

from cornu.backend.torch.elementwise import _WIDE_UNSIGNED


def logsumexp(x, axes, keepdims):
    if not axes:
        return x.clone()
    return torch.logsumexp(x, dim=axes, keepdim=keepdims)


def cdist(x, y):
    diff = x[..., :, None, :] - y[..., None, :, :]
    squared = torch.sum(diff * diff, dim=-1)
    # zero distances get a zero gradient instead of NaN (sqrt is not differentiable at 0)
    positive = squared > 0
    safe = torch.where(positive, squared, torch.ones_like(squared))
    return torch.where(positive, torch.sqrt(safe), torch.zeros_like(squared))


def top_k(x, k):
    dtype = x.dtype
    if dtype in _WIDE_UNSIGNED or dtype == torch.bool:
        values, indices = torch.topk(x.to(torch.int64), k, dim=-1, sorted=True)
        return values.to(dtype), indices.to(torch.int32)
    values, indices = torch.topk(x, k, dim=-1, sorted=True)
    return values, indices.to(torch.int32)


def in_top_k(targets, predictions, k):
    target_scores = torch.take_along_dim(predictions, targets[:, None].long(), dim=1)
    higher = torch.sum(predictions > target_scores, dim=1)
    return (higher < k) & torch.isfinite(target_scores[:, 0])


def _identity(kind, dtype):
    if kind == "sum":
        return 0
    if kind == "prod":
        return 1
    if dtype.is_floating_point:
        return float("-inf") if kind == "max" else float("inf")
    info = torch.iinfo(dtype)
    return info.min if kind == "max" else info.max


_REDUCE = {"sum": "sum", "prod": "prod", "max": "amax", "min": "amin"}


def segment_reduce(data, segment_ids, num_segments, kind, sorted):
    dtype = data.dtype
    if dtype in _WIDE_UNSIGNED:
        data = data.to(torch.int64)
    keep = (segment_ids >= 0) & (segment_ids < num_segments)
    data, ids = data[keep], segment_ids[keep].long()
    out = torch.full(
        (num_segments,) + tuple(data.shape[1:]),
        _identity(kind, data.dtype),
        dtype=data.dtype,
        device=data.device,
    )
    index = ids.reshape((-1,) + (1,) * (data.ndim - 1)).expand_as(data)
    out = out.scatter_reduce(0, index, data, reduce=_REDUCE[kind], include_self=True)
    return out.to(dtype)


def frame(x, length, stride):
    n = x.shape[-1]
    count = max(0, 1 + (n - length) // stride) if n >= length else 0
    idx = (torch.arange(count)[:, None] * stride + torch.arange(length)[None, :]).to(x.device)
    return x[..., idx]


def _complex(real, imag):
    return torch.complex(real, imag)


def fft(real, imag, ndims, inverse):
    z = _complex(real, imag)
    dims = (-2, -1) if ndims == 2 else (-1,)
    out = torch.fft.ifftn(z, dim=dims) if inverse else torch.fft.fftn(z, dim=dims)
    return out.real.contiguous(), out.imag.contiguous()


def rfft(x, n):
    out = torch.fft.rfft(x, n=n, dim=-1)
    return out.real.contiguous(), out.imag.contiguous()


def irfft(real, imag, n):
    return torch.fft.irfft(_complex(real, imag), n=n, dim=-1)


def reflect_pad(x, pad):
    shape = x.shape
    flat = x.reshape(-1, 1, shape[-1])
    out = F.pad(flat, (pad, pad), mode="reflect")
    return out.reshape(tuple(shape[:-1]) + (shape[-1] + 2 * pad,))


def overlap_add(frames, stride):
    num, width = frames.shape[-2], frames.shape[-1]
    batch = tuple(frames.shape[:-2])
    total = (num - 1) * stride + width
    flat = frames.reshape(-1, num, width).transpose(1, 2)  # (B, width, num)
    out = F.fold(flat, output_size=(1, total), kernel_size=(1, width), stride=(1, stride))
    return out.reshape(batch + (total,))


def pad_end(x, n):
    return F.pad(x, (0, n))
