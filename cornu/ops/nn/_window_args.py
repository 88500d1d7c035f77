"""Helpers shared by the window ops of `cornu.ops.nn` (convolution, pooling, folding): rank
and tuple checks, padding, output lengths, the channels-last layout they compute in, and
zero-insertion (dilation) of an axis.
"""

from cornu import config
from cornu.ops import rules
from cornu.ops.define import kernels

_k = kernels()


def spatial_rank(inputs, op_name):
    ndim = len(rules.shape_of(inputs))
    if ndim not in (3, 4, 5):
        raise ValueError(
            f"{op_name}: `inputs` must have rank 3, 4 or 5 (batch, spatial..., channels); "
            f"received rank {ndim}."
        )
    return ndim - 2


def int_tuple(value, n, op_name, arg):
    """An int or a length-n sequence of positive ints -> tuple of n ints."""
    values = (value,) * n if isinstance(value, int) else tuple(value)
    if len(values) != n or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in values
    ):
        raise ValueError(
            f"{op_name}: `{arg}` must be a positive int or a tuple of {n} positive ints; "
            f"received {value!r}."
        )
    return values


def checked_padding(padding, op_name):
    mode = str(padding).lower()
    if mode not in ("valid", "same"):
        raise ValueError(f"{op_name}: `padding` must be 'valid' or 'same'; received {padding!r}.")
    return mode


def checked_data_format(data_format):
    return config.standardize_data_format(data_format)


def spatial_shape(shape, data_format):
    return shape[2:] if data_format == "channels_first" else shape[1:-1]


def channel_count(shape, data_format):
    return shape[1] if data_format == "channels_first" else shape[-1]


def output_shape(shape, data_format, spatial, channels):
    if data_format == "channels_first":
        return (shape[0], channels) + tuple(spatial)
    return (shape[0],) + tuple(spatial) + (channels,)


def out_length(length, window, stride, dilation, mode):
    """Output length of a forward window op along one axis (None stays None)."""
    if length is None:
        return None
    extent = (window - 1) * dilation + 1
    if mode == "same":
        return -(-length // stride)
    return max((length - extent) // stride + 1, 0)


def explicit_padding(lengths, windows, strides, dilations, mode):
    """(before, after) pairs; 'same' pads like TensorFlow (the extra element goes after)."""
    if mode == "valid":
        return [(0, 0)] * len(lengths)
    pairs = []
    for length, k, s, d in zip(lengths, windows, strides, dilations):
        extent = (k - 1) * d + 1
        out = -(-length // s)
        total = max((out - 1) * s + extent - length, 0)
        pairs.append((total // 2, total - total // 2))
    return pairs


def to_channels_last(x, data_format):
    if data_format == "channels_first":
        n = len(rules.shape_of(x)) - 2
        return _k.transpose(x, (0,) + tuple(range(2, n + 2)) + (1,))
    return x


def from_channels_last(x, data_format):
    if data_format == "channels_first":
        n = len(rules.shape_of(x)) - 2
        return _k.transpose(x, (0, n + 1) + tuple(range(1, n + 1)))
    return x


def dilate(x, axis, stride):
    """Inserts `stride - 1` zeros between the elements of `x` along `axis`."""
    if stride == 1:
        return x
    shape = list(rules.shape_of(x))
    length = shape[axis]
    x = _k.expand_dims(x, axis + 1)
    pads = [(0, 0)] * len(shape) + [(0, 0)]
    pads[axis + 1] = (0, stride - 1)
    x = _k.pad(x, pads, 0)
    shape[axis] = length * stride
    x = _k.reshape(x, shape)
    index = (slice(None),) * axis + (slice(0, (length - 1) * stride + 1),)
    return _k.slice(x, index)
