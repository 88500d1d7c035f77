"""NumPy kernels of cornu.ops.math (inputs already converted and checked by the front end).

`frame`, `reflect_pad` and `pad_end` are shared with jax (`common/array_kernels.py`).
"""

import numpy as np

from cornu.backend.common import array_kernels

globals().update(array_kernels.math(np))


def logsumexp(x, axes, keepdims):
    if x.size == 0:
        return np.log(np.sum(np.exp(x), axis=axes, keepdims=keepdims))
    m = np.max(x, axis=axes, keepdims=True)
    m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
    out = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
    if not keepdims:
        out = np.squeeze(out, axis=axes)[()]  # ([()]: 0-d gives a NumPy scalar, as np.sum does)
    return out.astype(x.dtype, copy=False)


def cdist(x, y):
    diff = x[..., :, None, :] - y[..., None, :, :]
    return np.sqrt(np.sum(diff * diff, axis=-1)).astype(x.dtype)


def top_k(x, k):
    order = np.argsort(-x if x.dtype != np.bool_ else ~x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, axis=-1), order.astype(np.int32)


def in_top_k(targets, predictions, k):
    target_scores = np.take_along_axis(predictions, targets[:, None].astype(np.intp), axis=1)
    higher = np.sum(predictions > target_scores, axis=1)
    return (higher < k) & np.isfinite(target_scores[:, 0])


def _identity(kind, dtype):
    if kind == "sum":
        return 0
    if kind == "prod":
        return 1
    if not np.issubdtype(dtype, np.integer):  # floats, including ml_dtypes' bfloat16
        return -np.inf if kind == "max" else np.inf
    info = np.iinfo(dtype)
    return info.min if kind == "max" else info.max


_UFUNC = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum}


def segment_reduce(data, segment_ids, num_segments, kind, sorted):
    out = np.full((num_segments,) + data.shape[1:], _identity(kind, data.dtype), data.dtype)
    keep = (segment_ids >= 0) & (segment_ids < num_segments)
    _UFUNC[kind].at(out, segment_ids[keep], data[keep])
    return out


def _complex(real, imag):
    return real + 1j * imag


def fft(real, imag, ndims, inverse):
    z = _complex(real, imag)
    axes = (-2, -1) if ndims == 2 else (-1,)
    out = np.fft.ifftn(z, axes=axes) if inverse else np.fft.fftn(z, axes=axes)
    return out.real.astype(real.dtype), out.imag.astype(real.dtype)


def rfft(x, n):
    out = np.fft.rfft(x, n=n, axis=-1)
    return out.real.astype(x.dtype), out.imag.astype(x.dtype)


def irfft(real, imag, n):
    return np.fft.irfft(_complex(real, imag), n=n, axis=-1).astype(real.dtype)


def overlap_add(frames, stride):
    num, width = frames.shape[-2], frames.shape[-1]
    out = np.zeros(frames.shape[:-2] + ((num - 1) * stride + width,), frames.dtype)
    for f in range(num):
        out[..., f * stride : f * stride + width] += frames[..., f, :]
    return out
