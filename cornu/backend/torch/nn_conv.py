"""PyTorch convolution and pooling kernels (channels-last inputs; see numpy/nn_conv.py).

torch is channels-first: inputs are transposed in and out.
"""

import torch
import torch.nn.functional as F

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _to_first(x):
    n = x.ndim - 2
    return x.permute(0, n + 1, *range(1, n + 1))


def _to_last(x):
    n = x.ndim - 2
    return x.permute(0, *range(2, n + 2), 1)


def conv(x, kernel, strides, padding, dilation, groups, bias=None):
    """`bias` (per output channel), when given, is added by the convolution itself."""
    n = kernel.ndim - 2
    flat = []
    for before, after in reversed(list(padding)):
        flat += [int(before), int(after)]
    x = _to_first(x)  # a channels-first view of channels-last memory, which mkldnn takes as is
    if any(flat):
        x = F.pad(x, flat)  # (F.pad would copy into plain channels-first memory even for 0s)
    weights = kernel.permute(n + 1, n, *range(n))
    out = _CONV[n](x, weights, bias, stride=tuple(strides), dilation=tuple(dilation), groups=groups)
    return _to_last(out)


def max_pool(x, window, strides):
    n = len(window)
    return _to_last(_MAX_POOL[n](_to_first(x), tuple(window), tuple(strides)))


def avg_pool(x, window, strides):
    n = len(window)
    if n == 3 and x.dtype in (torch.float16, torch.bfloat16):
        # torch has no half-precision CPU kernel for 3-D average pooling.
        out = _AVG_POOL[n](_to_first(x).float(), tuple(window), tuple(strides)).to(x.dtype)
        return _to_last(out)
    return _to_last(_AVG_POOL[n](_to_first(x), tuple(window), tuple(strides)))


def conv_bias(x, kernel, bias, strides, padding, dilation, groups):
    """`conv` plus a per-output-channel `bias`, added inside the convolution."""
    return conv(x, kernel, strides, padding, dilation, groups, bias=bias)
