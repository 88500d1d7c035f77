"""JAX kernels of cornu.ops.math (inputs already converted and checked by the front end).

`frame`, `reflect_pad` and `pad_end` are shared with numpy (`common/array_kernels.py`), compiled
here with `jax.jit`.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend.common import array_kernels


def _jit(*static):
    """jit with the named arguments static: one compilation per kernel instead of per primitive."""
    return functools.partial(jax.jit, static_argnames=static)


globals().update(array_kernels.math(jnp, jit=_jit))


@_jit("axes", "keepdims")
def logsumexp(x, axes, keepdims):
    return jax.scipy.special.logsumexp(x, axis=axes, keepdims=keepdims).astype(x.dtype)


@_jit()
def cdist(x, y):
    diff = x[..., :, None, :] - y[..., None, :, :]
    squared = jnp.sum(diff * diff, axis=-1)
    # zero distances get a zero gradient instead of NaN (sqrt is not differentiable at 0)
    positive = squared > 0
    return jnp.where(positive, jnp.sqrt(jnp.where(positive, squared, 1)), 0).astype(x.dtype)


@_jit("k")
def top_k(x, k):
    values, indices = jax.lax.top_k(x, k)
    return values, indices.astype(jnp.int32)


@_jit("k")
def in_top_k(targets, predictions, k):
    target_scores = jnp.take_along_axis(predictions, targets[:, None], axis=1)
    higher = jnp.sum(predictions > target_scores, axis=1)
    return (higher < k) & jnp.isfinite(target_scores[:, 0])


_OPS = {
    "sum": jax.ops.segment_sum,
    "prod": jax.ops.segment_prod,
    "max": jax.ops.segment_max,
    "min": jax.ops.segment_min,
}


@_jit("num_segments", "kind", "sorted")
def segment_reduce(data, segment_ids, num_segments, kind, sorted):
    return _OPS[kind](data, segment_ids, num_segments=num_segments, indices_are_sorted=sorted)


def _complex(real, imag):
    return jax.lax.complex(real, imag)


@_jit("ndims", "inverse")
def fft(real, imag, ndims, inverse):
    z = _complex(real, imag)
    axes = (-2, -1) if ndims == 2 else (-1,)
    out = jnp.fft.ifftn(z, axes=axes) if inverse else jnp.fft.fftn(z, axes=axes)
    return jnp.real(out).astype(real.dtype), jnp.imag(out).astype(real.dtype)


@_jit("n")
def rfft(x, n):
    out = jnp.fft.rfft(x, n=n, axis=-1)
    return jnp.real(out).astype(x.dtype), jnp.imag(out).astype(x.dtype)


@_jit("n")
def irfft(real, imag, n):
    return jnp.fft.irfft(_complex(real, imag), n=n, axis=-1).astype(real.dtype)


@_jit("stride")
def overlap_add(frames, stride):
    num, width = frames.shape[-2], frames.shape[-1]
    out = jnp.zeros(frames.shape[:-2] + ((num - 1) * stride + width,), frames.dtype)
    idx = np.arange(num)[:, None] * stride + np.arange(width)[None, :]
    return out.at[..., idx].add(frames)
