"""Convolution and pooling ops of `cornu.ops.nn` (re-exported from `cornu.ops.nn`).

The front end normalizes the arguments (tuples of strides and dilations, explicit padding,
channels-last layout) and calls two backend primitives: a padded, strided, dilated, grouped
`conv` and VALID `max_pool`/`avg_pool` (`cornu/backend/<b>/nn_conv.py`). Transposed,
depthwise and separable convolutions are composed from them.
"""

from cornu import config
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, float_dtype_of, kernels, op, promote, to_tensor

_k = kernels("nn_conv")
_p = kernels("nn")

__all__ = [
    "conv",
    "conv_transpose",
    "depthwise_conv",
    "separable_conv",
    "max_pool",
    "average_pool",
    "adaptive_average_pool",
    "adaptive_max_pool",
    "fold",
    "unfold",
]


# ----------------------------------------------------------------------------- arguments


def _spatial_rank(inputs, op_name):
    ndim = len(rules.shape_of(inputs))
    if ndim not in (3, 4, 5):
        raise ValueError(
            f"{op_name}: `inputs` must have rank 3, 4 or 5 (batch, spatial..., channels); "
            f"received rank {ndim}."
        )
    return ndim - 2


def _tuple(value, n, op_name, arg):
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


def _padding(padding, op_name):
    mode = str(padding).lower()
    if mode not in ("valid", "same"):
        raise ValueError(f"{op_name}: `padding` must be 'valid' or 'same'; received {padding!r}.")
    return mode


def _data_format(data_format):
    return config.standardize_data_format(data_format)


def _spatial_shape(shape, data_format):
    return shape[2:] if data_format == "channels_first" else shape[1:-1]


def _channels(shape, data_format):
    return shape[1] if data_format == "channels_first" else shape[-1]


def _output_shape(shape, data_format, spatial, channels):
    if data_format == "channels_first":
        return (shape[0], channels) + tuple(spatial)
    return (shape[0],) + tuple(spatial) + (channels,)


def _out_length(length, window, stride, dilation, mode):
    """Output length of a forward window op along one axis (None stays None)."""
    if length is None:
        return None
    extent = (window - 1) * dilation + 1
    if mode == "same":
        return -(-length // stride)
    return max((length - extent) // stride + 1, 0)


def _explicit_padding(lengths, windows, strides, dilations, mode):
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


def _to_channels_last(x, data_format):
    if data_format == "channels_first":
        n = len(rules.shape_of(x)) - 2
        return _p.transpose(x, (0,) + tuple(range(2, n + 2)) + (1,))
    return x


def _from_channels_last(x, data_format):
    if data_format == "channels_first":
        n = len(rules.shape_of(x)) - 2
        return _p.transpose(x, (0, n + 1) + tuple(range(1, n + 1)))
    return x


def _conv_args(inputs, kernel, strides, padding, data_format, dilation_rate, op_name):
    n = _spatial_rank(inputs, op_name)
    kshape = rules.shape_of(kernel)
    if len(kshape) != n + 2:
        raise ValueError(
            f"{op_name}: `kernel` must have rank {n + 2} (spatial..., in_channels, "
            f"out_channels) for a rank-{n + 2} input; received kernel shape {kshape}."
        )
    strides = _tuple(strides, n, op_name, "strides")
    dilation = _tuple(dilation_rate, n, op_name, "dilation_rate")
    return n, kshape, strides, dilation, _padding(padding, op_name), _data_format(data_format)


def _groups(channels, in_per_group, out_channels, op_name):
    if channels is None:
        return None
    if channels % in_per_group:
        raise ValueError(
            f"{op_name}: the input has {channels} channels, which is not a multiple of the "
            f"kernel's in_channels {in_per_group}."
        )
    groups = channels // in_per_group
    if out_channels % groups:
        raise ValueError(
            f"{op_name}: the kernel's out_channels {out_channels} must be a multiple of the "
            f"number of groups {groups} (input channels / kernel in_channels)."
        )
    return groups


# ----------------------------------------------------------------------------- conv


def _conv_spec(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    n, kshape, strides, dilation, mode, data_format = _conv_args(
        inputs, kernel, strides, padding, data_format, dilation_rate, "conv"
    )
    shape = rules.shape_of(inputs)
    _groups(_channels(shape, data_format), kshape[-2], kshape[-1], "conv")
    spatial = [
        _out_length(length, k, s, d, mode)
        for length, k, s, d in zip(
            _spatial_shape(shape, data_format), kshape[:n], strides, dilation
        )
    ]
    dtype = float_dtype_of(inputs, kernel)
    return KerasTensor(_output_shape(shape, data_format, spatial, kshape[-1]), dtype=dtype)


def _conv_last(x, kernel, n, strides, dilation, mode, op_name):
    """The conv of a channels-last `x` (already in the compute dtype)."""
    shape, kshape = rules.shape_of(x), rules.shape_of(kernel)
    groups = _groups(shape[-1], kshape[-2], kshape[-1], op_name)
    pads = _explicit_padding(shape[1:-1], kshape[:n], strides, dilation, mode)
    return _k.conv(x, kernel, strides, pads, dilation, groups)


def conv_bias(inputs, kernel, bias, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """`conv(...)` plus a per-output-channel `bias`, as one kernel where the framework has one
    (torch adds it inside the convolution). Used by the conv layers; not a Keras op."""
    if isinstance(inputs, KerasTensor):  # (symbolic: the two recorded ops)
        from cornu.ops.numpy.elementwise import add
        from cornu.ops.numpy.manipulation import reshape

        out = conv(inputs, kernel, strides, padding, data_format, dilation_rate)
        if (data_format or config.image_data_format()) == "channels_first":
            bias = reshape(bias, (-1,) + (1,) * (len(rules.shape_of(kernel)) - 2))
        return add(out, bias)
    n, _, strides, dilation, mode, data_format = _conv_args(
        inputs, kernel, strides, padding, data_format, dilation_rate, "conv"
    )
    inputs, kernel, bias = promote(inputs, kernel, bias, dtype=float_dtype_of(inputs, kernel))
    x = _to_channels_last(inputs, data_format)
    shape, kshape = rules.shape_of(x), rules.shape_of(kernel)
    groups = _groups(shape[-1], kshape[-2], kshape[-1], "conv")
    pads = _explicit_padding(shape[1:-1], kshape[:n], strides, dilation, mode)
    out = _k.conv_bias(x, kernel, bias, strides, pads, dilation, groups)
    return _from_channels_last(out, data_format)


@op(spec=_conv_spec)
@_p.fuse
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (1D/2D/3D by the rank of `inputs`).

    Args:
        inputs: `(batch, *spatial, channels)` (or channels first per `data_format`).
        kernel: `(*window, in_channels, out_channels)`; an input with a multiple of
            `in_channels` channels is convolved in groups.
        strides, dilation_rate: ints or tuples, one per spatial axis.
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first" (default: the config's).
    """
    n, _, strides, dilation, mode, data_format = _conv_args(
        inputs, kernel, strides, padding, data_format, dilation_rate, "conv"
    )
    inputs, kernel = promote(inputs, kernel, dtype=float_dtype_of(inputs, kernel))
    x = _to_channels_last(inputs, data_format)
    out = _conv_last(x, kernel, n, strides, dilation, mode, "conv")
    return _from_channels_last(out, data_format)


def _depthwise_kernel(kernel, n):
    """(*window, C, M) -> (*window, 1, C * M): a grouped conv with one group per channel."""
    kshape = rules.shape_of(kernel)
    return _p.reshape(kernel, tuple(kshape[:n]) + (1, kshape[-2] * kshape[-1]))


def _depthwise_spec(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    n, kshape, strides, dilation, mode, data_format = _conv_args(
        inputs, kernel, strides, padding, data_format, dilation_rate, "depthwise_conv"
    )
    shape = rules.shape_of(inputs)
    _check_depthwise_channels(_channels(shape, data_format), kshape, "depthwise_conv")
    spatial = [
        _out_length(length, k, s, d, mode)
        for length, k, s, d in zip(
            _spatial_shape(shape, data_format), kshape[:n], strides, dilation
        )
    ]
    out_channels = kshape[-2] * kshape[-1]
    return KerasTensor(
        _output_shape(shape, data_format, spatial, out_channels),
        dtype=float_dtype_of(inputs, kernel),
    )


def _check_depthwise_channels(channels, kshape, op_name):
    if channels is not None and channels != kshape[-2]:
        raise ValueError(
            f"{op_name}: the input has {channels} channels but the depthwise kernel expects "
            f"{kshape[-2]} (kernel shape {kshape})."
        )


@op(spec=_depthwise_spec)
@_p.fuse
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution: each input channel is convolved with its own
    `(*window, 1, channel_multiplier)` slice of `kernel` (shape `(*window, C, multiplier)`);
    output channel `c * multiplier + m`."""
    n, kshape, strides, dilation, mode, data_format = _conv_args(
        inputs, kernel, strides, padding, data_format, dilation_rate, "depthwise_conv"
    )
    _check_depthwise_channels(
        _channels(rules.shape_of(inputs), data_format), kshape, "depthwise_conv"
    )
    inputs, kernel = promote(inputs, kernel, dtype=float_dtype_of(inputs, kernel))
    x = _to_channels_last(inputs, data_format)
    out = _conv_last(x, _depthwise_kernel(kernel, n), n, strides, dilation, mode, "depthwise_conv")
    return _from_channels_last(out, data_format)


def _separable_spec(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    depthwise = _depthwise_spec(
        inputs, depthwise_kernel, strides, padding, data_format, dilation_rate
    )
    spec = _conv_spec(depthwise, pointwise_kernel, 1, "valid", data_format, 1)
    dtype = float_dtype_of(inputs, depthwise_kernel, pointwise_kernel)
    return KerasTensor(spec.shape, dtype=dtype)


@op(spec=_separable_spec)
@_p.fuse
def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    """A depthwise convolution followed by a pointwise (1x1) convolution.

    `pointwise_kernel` is `(1, ..., 1, C * multiplier, out_channels)`.
    """
    dtype = float_dtype_of(inputs, depthwise_kernel, pointwise_kernel)
    inputs, depthwise_kernel, pointwise_kernel = promote(
        inputs, depthwise_kernel, pointwise_kernel, dtype=dtype
    )
    out = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(out, pointwise_kernel, 1, "valid", data_format, 1)


# ----------------------------------------------------------------------------- conv_transpose


def _transpose_lengths(lengths, windows, strides, dilations, mode, output_padding):
    """(output length, crop start) per spatial axis of a transposed convolution."""
    result = []
    for i, (length, k, s, d) in enumerate(zip(lengths, windows, strides, dilations)):
        extent = (k - 1) * d + 1
        if output_padding is None:
            if mode == "valid":
                out = None if length is None else length * s + max(extent - s, 0)
                start = 0
            else:
                out = None if length is None else length * s
                start = max(extent - s, 0) // 2
        else:
            pad = extent // 2 if mode == "same" else 0
            out = (
                None if length is None else (length - 1) * s + extent - 2 * pad + output_padding[i]
            )
            # The full transposed output is (L-1)*s + extent long; crop its middle (TF's
            # convention: the extra element of an odd crop comes off the end).
            start = max(2 * pad - output_padding[i], 0) // 2
        result.append((out, start))
    return result


def _conv_transpose_args(
    inputs, kernel, strides, padding, output_padding, data_format, dilation_rate
):
    n, kshape, strides, dilation, mode, data_format = _conv_args(
        inputs, kernel, strides, padding, data_format, dilation_rate, "conv_transpose"
    )
    if output_padding is not None:
        values = (output_padding,) * n if isinstance(output_padding, int) else tuple(output_padding)
        if len(values) != n or not all(isinstance(v, int) and 0 <= v for v in values):
            raise ValueError(
                "conv_transpose: `output_padding` must be a non-negative int or a tuple of "
                f"{n} of them; received {output_padding!r}."
            )
        output_padding = values
    channels = _channels(rules.shape_of(inputs), data_format)
    if channels is not None and channels != kshape[-1]:
        raise ValueError(
            f"conv_transpose: the input has {channels} channels but the kernel (shape {kshape}, "
            "layout (spatial..., out_channels, in_channels)) expects "
            f"{kshape[-1]}."
        )
    return n, kshape, strides, dilation, mode, data_format, output_padding


def _conv_transpose_spec(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    n, kshape, strides, dilation, mode, data_format, output_padding = _conv_transpose_args(
        inputs, kernel, strides, padding, output_padding, data_format, dilation_rate
    )
    shape = rules.shape_of(inputs)
    lengths = _transpose_lengths(
        _spatial_shape(shape, data_format), kshape[:n], strides, dilation, mode, output_padding
    )
    return KerasTensor(
        _output_shape(shape, data_format, [o for o, _ in lengths], kshape[-2]),
        dtype=float_dtype_of(inputs, kernel),
    )


def _dilate(x, axis, stride):
    """Inserts `stride - 1` zeros between the elements of `x` along `axis`."""
    if stride == 1:
        return x
    shape = list(rules.shape_of(x))
    length = shape[axis]
    x = _p.expand_dims(x, axis + 1)
    pads = [(0, 0)] * len(shape) + [(0, 0)]
    pads[axis + 1] = (0, stride - 1)
    x = _p.pad(x, pads, 0)
    shape[axis] = length * stride
    x = _p.reshape(x, shape)
    index = (slice(None),) * axis + (slice(0, (length - 1) * stride + 1),)
    return _p.slice(x, index)


@op(spec=_conv_transpose_spec)
@_p.fuse
def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """Transposed convolution (the gradient of `conv` with respect to its input).

    Args:
        kernel: `(*window, out_channels, in_channels)`.
        output_padding: None (the output length follows from `padding`: `length * stride`
            for "same", `length * stride + max(window - stride, 0)` for "valid"), or extra
            elements per axis: `(length - 1) * stride + window - 2 * pad + output_padding` with
            `pad = window // 2` for "same" and 0 for "valid" (windows dilated).
    """
    n, kshape, strides, dilation, mode, data_format, output_padding = _conv_transpose_args(
        inputs, kernel, strides, padding, output_padding, data_format, dilation_rate
    )
    inputs, kernel = promote(inputs, kernel, dtype=float_dtype_of(inputs, kernel))
    x = _to_channels_last(inputs, data_format)
    lengths = rules.shape_of(x)[1:-1]
    for axis, s in enumerate(strides):
        x = _dilate(x, axis + 1, s)
    plan = _transpose_lengths(lengths, kshape[:n], strides, dilation, mode, output_padding)
    pads, crops = [], []
    for length, k, s, d, (out, start) in zip(lengths, kshape[:n], strides, dilation, plan):
        extent = (k - 1) * d + 1
        before = extent - 1 - start
        after = out - ((length - 1) * s + 1) - before + extent - 1
        pads.append((max(before, 0), max(after, 0)))
        crops.append(slice(max(-before, 0), None if after >= 0 else after))
    if any(c.start or c.stop is not None for c in crops):
        x = _p.slice(x, (slice(None),) + tuple(crops))
    flipped = _p.flip(kernel, tuple(range(n)))
    forward_kernel = _p.transpose(flipped, tuple(range(n)) + (n + 1, n))
    out = _k.conv(x, forward_kernel, (1,) * n, pads, dilation, 1)
    return _from_channels_last(out, data_format)


# ----------------------------------------------------------------------------- pooling


def _pool_args(inputs, pool_size, strides, padding, data_format, op_name):
    n = _spatial_rank(inputs, op_name)
    window = _tuple(pool_size, n, op_name, "pool_size")
    strides = window if strides is None else _tuple(strides, n, op_name, "strides")
    return n, window, strides, _padding(padding, op_name), _data_format(data_format)


def _pool_spec_for(op_name, float_output):
    def spec(inputs, pool_size, strides=None, padding="valid", data_format=None):
        n, window, strides, mode, data_format = _pool_args(
            inputs, pool_size, strides, padding, data_format, op_name
        )
        shape = rules.shape_of(inputs)
        spatial = [
            _out_length(length, k, s, 1, mode)
            for length, k, s in zip(_spatial_shape(shape, data_format), window, strides)
        ]
        dtype = float_dtype_of(inputs) if float_output else dtype_of(inputs)
        return KerasTensor(
            _output_shape(shape, data_format, spatial, _channels(shape, data_format)), dtype=dtype
        )

    return spec


@op(spec=_pool_spec_for("max_pool", False))
@_p.fuse
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over windows of `pool_size` (strides default to `pool_size`); "same"
    padding never picks a padded element."""
    n, window, strides, mode, data_format = _pool_args(
        inputs, pool_size, strides, padding, data_format, "max_pool"
    )
    dtype = dtype_of(inputs)
    x = _to_channels_last(to_tensor(inputs, float_dtype_of(inputs)), data_format)
    pads = _explicit_padding(rules.shape_of(x)[1:-1], window, strides, (1,) * n, mode)
    if any(p != (0, 0) for p in pads):
        x = _p.pad(x, [(0, 0)] + pads + [(0, 0)], float("-inf"))
    out = _k.max_pool(x, window, strides)
    return to_tensor(_from_channels_last(out, data_format), dtype)


@op(spec=_pool_spec_for("average_pool", True))
@_p.fuse
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling over windows of `pool_size` (strides default to `pool_size`); with
    "same" padding a window averages only its elements inside the input."""
    n, window, strides, mode, data_format = _pool_args(
        inputs, pool_size, strides, padding, data_format, "average_pool"
    )
    x = _to_channels_last(to_tensor(inputs, float_dtype_of(inputs)), data_format)
    shape = rules.shape_of(x)
    pads = _explicit_padding(shape[1:-1], window, strides, (1,) * n, mode)
    if all(p == (0, 0) for p in pads):
        return _from_channels_last(_k.avg_pool(x, window, strides), data_format)
    full_pads = [(0, 0)] + pads + [(0, 0)]
    total = _k.avg_pool(_p.pad(x, full_pads, 0), window, strides)
    ones = _p.ones((1,) + tuple(shape[1:-1]) + (1,), dtype_of(x))
    count = _k.avg_pool(_p.pad(ones, full_pads, 0), window, strides)
    return _from_channels_last(_p.divide(total, count), data_format)


# ----------------------------------------------------------------------------- adaptive pooling


def _adaptive_args(inputs, output_size, data_format, op_name):
    n = _spatial_rank(inputs, op_name)
    return n, _tuple(output_size, n, op_name, "output_size"), _data_format(data_format)


def _adaptive_spec_for(op_name, float_output):
    def spec(inputs, output_size, data_format=None):
        n, sizes, data_format = _adaptive_args(inputs, output_size, data_format, op_name)
        shape = rules.shape_of(inputs)
        dtype = float_dtype_of(inputs) if float_output else dtype_of(inputs)
        return KerasTensor(
            _output_shape(shape, data_format, sizes, _channels(shape, data_format)), dtype=dtype
        )

    return spec


def _adaptive(x, sizes, reduce):
    """Bins [floor(i * L / out), ceil((i + 1) * L / out)) along each spatial axis."""
    for axis, size in enumerate(sizes, start=1):
        length = rules.shape_of(x)[axis]
        pieces = []
        for i in range(size):
            lo, hi = (i * length) // size, -(-((i + 1) * length) // size)
            index = (slice(None),) * axis + (slice(lo, hi),)
            pieces.append(reduce(_p.slice(x, index), axis))
        x = _p.concatenate(pieces, axis)
    return x


@op(spec=_adaptive_spec_for("adaptive_average_pool", True))
@_p.fuse
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed spatial `output_size` (bins as in PyTorch's adaptive pools)."""
    n, sizes, data_format = _adaptive_args(
        inputs, output_size, data_format, "adaptive_average_pool"
    )
    x = _to_channels_last(to_tensor(inputs, float_dtype_of(inputs)), data_format)
    out = _adaptive(x, sizes, lambda v, a: _p.mean(v, axis=a, keepdims=True))
    return _from_channels_last(out, data_format)


@op(spec=_adaptive_spec_for("adaptive_max_pool", False))
@_p.fuse
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed spatial `output_size` (bins as in PyTorch's adaptive pools)."""
    n, sizes, data_format = _adaptive_args(inputs, output_size, data_format, "adaptive_max_pool")
    x = _to_channels_last(to_tensor(inputs), data_format)
    out = _adaptive(x, sizes, lambda v, a: _p.max(v, axis=a, keepdims=True))
    return _from_channels_last(out, data_format)


# ----------------------------------------------------------------------------- fold / unfold


def _pair(value, op_name, arg, minimum):
    values = (value, value) if isinstance(value, int) else tuple(value)
    if len(values) != 2 or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= minimum for v in values
    ):
        raise ValueError(
            f"{op_name}: `{arg}` must be an int >= {minimum} or a tuple of two; received {value!r}."
        )
    return values


def _fold_geometry(spatial, kernel_size, dilation, padding, stride, op_name):
    """(window, dilation, padding, stride, block counts) for padded `spatial` (H, W)."""
    window = _pair(kernel_size, op_name, "kernel_size", 1)
    dilation = _pair(dilation, op_name, "dilation", 1)
    padding = _pair(padding, op_name, "padding", 0)
    stride = _pair(stride, op_name, "stride", 1)
    counts = []
    for length, k, d, p, s in zip(spatial, window, dilation, padding, stride):
        if length is None:
            counts.append(None)
            continue
        count = (length + 2 * p - (k - 1) * d - 1) // s + 1
        if count < 1:
            raise ValueError(
                f"{op_name}: the window {window} (dilation {dilation}) does not fit in the padded "
                f"spatial size {tuple(spatial)} with padding {padding}."
            )
        counts.append(count)
    return window, dilation, padding, stride, counts


def _unfold_spec(x, kernel_size, dilation=1, padding=0, stride=1):
    shape = rules.shape_of(x)
    _check_rank4(shape, "unfold")
    window, _, _, _, counts = _fold_geometry(
        shape[2:], kernel_size, dilation, padding, stride, "unfold"
    )
    channels = None if shape[1] is None else shape[1] * window[0] * window[1]
    blocks = None if None in counts else counts[0] * counts[1]
    return KerasTensor((shape[0], channels, blocks), dtype=dtype_of(x))


def _check_rank4(shape, op_name):
    if len(shape) != 4:
        raise ValueError(f"{op_name}: `x` must have rank 4 (N, C, H, W); received shape {shape}.")


@op(spec=_unfold_spec)
@_p.fuse
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Extracts sliding blocks (im2col) from a channels-first `(N, C, H, W)` input.

    Returns:
        `(N, C * kH * kW, L)`, L the number of blocks; feature `c * kH * kW + i * kW + j` is
        channel c at window offset (i, j).
    """
    shape = rules.shape_of(x)
    _check_rank4(shape, "unfold")
    window, dilation, padding, stride, counts = _fold_geometry(
        shape[2:], kernel_size, dilation, padding, stride, "unfold"
    )
    x = to_tensor(x)
    if any(padding):
        x = _p.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding], 0)
    pieces = []
    for i in range(window[0]):
        for j in range(window[1]):
            top, left = i * dilation[0], j * dilation[1]
            rows = slice(top, top + (counts[0] - 1) * stride[0] + 1, stride[0])
            cols = slice(left, left + (counts[1] - 1) * stride[1] + 1, stride[1])
            pieces.append(_p.expand_dims(_p.slice(x, (slice(None), slice(None), rows, cols)), 2))
    blocks = _p.concatenate(pieces, 2)
    return _p.reshape(blocks, (shape[0], shape[1] * window[0] * window[1], counts[0] * counts[1]))


def _fold_args(x, output_size, kernel_size, dilation, padding, stride):
    shape = rules.shape_of(x)
    if len(shape) != 3:
        raise ValueError(f"fold: `x` must have rank 3 (N, C * kH * kW, L); received shape {shape}.")
    size = _pair(output_size, "fold", "output_size", 1)
    window, dilation, padding, stride, counts = _fold_geometry(
        size, kernel_size, dilation, padding, stride, "fold"
    )
    per = window[0] * window[1]
    if shape[1] is not None and shape[1] % per:
        raise ValueError(f"fold: `x`.shape[1]={shape[1]} must be divisible by kH * kW = {per}.")
    if shape[2] is not None and shape[2] != counts[0] * counts[1]:
        raise ValueError(
            f"fold: `x`.shape[2]={shape[2]} must equal the number of blocks "
            f"{counts[0] * counts[1]} for output_size {size}."
        )
    return shape, size, window, dilation, padding, stride, counts


def _fold_spec(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    shape, size, window, *_ = _fold_args(x, output_size, kernel_size, dilation, padding, stride)
    channels = None if shape[1] is None else shape[1] // (window[0] * window[1])
    return KerasTensor((shape[0], channels) + size, dtype=dtype_of(x))


@op(spec=_fold_spec)
@_p.fuse
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of `unfold` (col2im): sums `(N, C * kH * kW, L)` blocks into
    `(N, C, *output_size)`, overlapping entries added."""
    shape, size, window, dilation, padding, stride, counts = _fold_args(
        x, output_size, kernel_size, dilation, padding, stride
    )
    x = to_tensor(x)
    batch, channels = shape[0], shape[1] // (window[0] * window[1])
    x = _p.reshape(x, (batch, channels, window[0] * window[1], counts[0], counts[1]))
    padded = [length + 2 * p for length, p in zip(size, padding)]
    total = None
    for i in range(window[0]):
        for j in range(window[1]):
            block = _p.slice(x, (slice(None), slice(None), i * window[1] + j))
            block = _dilate(_dilate(block, 2, stride[0]), 3, stride[1])
            pads = [(0, 0), (0, 0)]
            for axis, offset in enumerate((i * dilation[0], j * dilation[1])):
                extent = (counts[axis] - 1) * stride[axis] + 1
                pads.append((offset, padded[axis] - offset - extent))
            block = _p.pad(block, pads, 0)
            total = block if total is None else _p.add(total, block)
    crop = tuple(slice(p, p + length) for p, length in zip(padding, size))
    return _p.slice(total, (slice(None), slice(None)) + crop)
