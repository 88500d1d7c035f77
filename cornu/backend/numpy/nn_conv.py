"""NumPy convolution and pooling kernels: direct sliding-window reference implementations.

All take channels-last inputs `(batch, *spatial, channels)`, already padded by the front end
where noted (`padding` is a list of `(before, after)` pairs for the spatial axes).
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

_LETTERS = "ijk"


def _windows(x, window, strides, dilation):
    """(batch, *out, channels, *window) view of `x` (channels last, no padding)."""
    n = len(window)
    extent = [(k - 1) * d + 1 for k, d in zip(window, dilation)]
    view = sliding_window_view(x, extent, axis=tuple(range(1, n + 1)))
    index = (
        (slice(None),)
        + tuple(slice(None, None, s) for s in strides)
        + (slice(None),)
        + tuple(slice(None, None, d) for d in dilation)
    )
    return view[index]


def conv(x, kernel, strides, padding, dilation, groups):
    """N-D convolution; `kernel` is `(*window, channels // groups, out_channels)`."""
    n = kernel.ndim - 2
    x = np.pad(x, [(0, 0)] + [tuple(p) for p in padding] + [(0, 0)])
    window = kernel.shape[:n]
    patches = _windows(x, window, strides, dilation)
    batch, out = patches.shape[0], patches.shape[1 : n + 1]
    in_per_group, out_channels = kernel.shape[-2], kernel.shape[-1]
    patches = patches.reshape((batch,) + out + (groups, in_per_group) + window)
    weights = kernel.reshape(window + (in_per_group, groups, out_channels // groups))
    k = _LETTERS[:n]
    o = "xyz"[:n]
    if x.dtype.name == "bfloat16":  # ml_dtypes' bfloat16 has no einsum
        patches, weights = patches.astype(np.float32), weights.astype(np.float32)
    result = np.einsum(f"N{o}Gc{k},{k}cGg->N{o}Gg", patches, weights)
    return result.reshape((batch,) + out + (out_channels,)).astype(x.dtype, copy=False)


def max_pool(x, window, strides):
    n = len(window)
    patches = _windows(x, window, strides, (1,) * n)
    return patches.max(axis=tuple(range(-n, 0)))


def avg_pool(x, window, strides):
    n = len(window)
    patches = _windows(x, window, strides, (1,) * n)
    return patches.mean(axis=tuple(range(-n, 0)), dtype=x.dtype)


def conv_bias(x, kernel, bias, strides, padding, dilation, groups):
    """`conv` plus a per-output-channel `bias`."""
    return conv(x, kernel, strides, padding, dilation, groups) + bias
