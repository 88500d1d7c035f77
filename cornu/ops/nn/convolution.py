"""Convolutions of `cornu.ops.nn`: conv, depthwise, separable and transposed.

The front end normalizes the arguments (tuples of strides and dilations, explicit padding,
channels-last layout) and calls one backend primitive, a padded, strided, dilated, grouped
`conv` (`cornu/backend/<b>/nn_conv.py`); transposed, depthwise and separable convolutions are
composed from it.
"""

from cornu import config
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import float_dtype_of, kernels, op, promote
from cornu.ops.nn import _window_args as window_args
from cornu.ops.numpy.elementwise import add
from cornu.ops.numpy.manipulation import reshape

_k = kernels()

__all__ = [
    "conv",
    "conv_transpose",
    "depthwise_conv",
    "separable_conv",
]


def _conv_args(inputs, kernel, strides, padding, data_format, dilation_rate, op_name):
    n = window_args.spatial_rank(inputs, op_name)
    kshape = rules.shape_of(kernel)
    if len(kshape) != n + 2:
        raise ValueError(
            f"{op_name}: `kernel` must have rank {n + 2} (spatial..., in_channels, "
            f"out_channels) for a rank-{n + 2} input; received kernel shape {kshape}."
        )
    strides = window_args.int_tuple(strides, n, op_name, "strides")
    dilation = window_args.int_tuple(dilation_rate, n, op_name, "dilation_rate")
    return (
        n,
        kshape,
        strides,
        dilation,
        window_args.checked_padding(padding, op_name),
        window_args.checked_data_format(data_format),
    )


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


def _conv_spec(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    n, kshape, strides, dilation, mode, data_format = _conv_args(
        inputs, kernel, strides, padding, data_format, dilation_rate, "conv"
    )
    shape = rules.shape_of(inputs)
    _groups(window_args.channel_count(shape, data_format), kshape[-2], kshape[-1], "conv")
    spatial = [
        window_args.out_length(length, k, s, d, mode)
        for length, k, s, d in zip(
            window_args.spatial_shape(shape, data_format), kshape[:n], strides, dilation
        )
    ]
    dtype = float_dtype_of(inputs, kernel)
    return KerasTensor(
        window_args.output_shape(shape, data_format, spatial, kshape[-1]), dtype=dtype
    )


def _conv_last(x, kernel, n, strides, dilation, mode, op_name):
    """The conv of a channels-last `x` (already in the compute dtype)."""
    shape, kshape = rules.shape_of(x), rules.shape_of(kernel)
    groups = _groups(shape[-1], kshape[-2], kshape[-1], op_name)
    pads = window_args.explicit_padding(shape[1:-1], kshape[:n], strides, dilation, mode)
    return _k.conv(x, kernel, strides, pads, dilation, groups)


def conv_bias(inputs, kernel, bias, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """`conv(...)` plus a per-output-channel `bias`, as one kernel where the framework has one
    (torch adds it inside the convolution). Used by the conv layers; not a Keras op."""
    if isinstance(inputs, KerasTensor):  # (symbolic: the two recorded ops)
        out = conv(inputs, kernel, strides, padding, data_format, dilation_rate)
        if (data_format or config.image_data_format()) == "channels_first":
            bias = reshape(bias, (-1,) + (1,) * (len(rules.shape_of(kernel)) - 2))
        return add(out, bias)
    n, _, strides, dilation, mode, data_format = _conv_args(
        inputs, kernel, strides, padding, data_format, dilation_rate, "conv"
    )
    inputs, kernel, bias = promote(inputs, kernel, bias, dtype=float_dtype_of(inputs, kernel))
    x = window_args.to_channels_last(inputs, data_format)
    shape, kshape = rules.shape_of(x), rules.shape_of(kernel)
    groups = _groups(shape[-1], kshape[-2], kshape[-1], "conv")
    pads = window_args.explicit_padding(shape[1:-1], kshape[:n], strides, dilation, mode)
    out = _k.conv_bias(x, kernel, bias, strides, pads, dilation, groups)
    return window_args.from_channels_last(out, data_format)


@op(spec=_conv_spec)
@_k.fuse
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
    x = window_args.to_channels_last(inputs, data_format)
    out = _conv_last(x, kernel, n, strides, dilation, mode, "conv")
    return window_args.from_channels_last(out, data_format)


def _depthwise_kernel(kernel, n):
    """(*window, C, M) -> (*window, 1, C * M): a grouped conv with one group per channel."""
    kshape = rules.shape_of(kernel)
    return _k.reshape(kernel, tuple(kshape[:n]) + (1, kshape[-2] * kshape[-1]))


def _depthwise_spec(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    n, kshape, strides, dilation, mode, data_format = _conv_args(
        inputs, kernel, strides, padding, data_format, dilation_rate, "depthwise_conv"
    )
    shape = rules.shape_of(inputs)
    _check_depthwise_channels(
        window_args.channel_count(shape, data_format), kshape, "depthwise_conv"
    )
    spatial = [
        window_args.out_length(length, k, s, d, mode)
        for length, k, s, d in zip(
            window_args.spatial_shape(shape, data_format), kshape[:n], strides, dilation
        )
    ]
    out_channels = kshape[-2] * kshape[-1]
    return KerasTensor(
        window_args.output_shape(shape, data_format, spatial, out_channels),
        dtype=float_dtype_of(inputs, kernel),
    )


def _check_depthwise_channels(channels, kshape, op_name):
    if channels is not None and channels != kshape[-2]:
        raise ValueError(
            f"{op_name}: the input has {channels} channels but the depthwise kernel expects "
            f"{kshape[-2]} (kernel shape {kshape})."
        )


@op(spec=_depthwise_spec)
@_k.fuse
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution: each input channel is convolved with its own
    `(*window, 1, channel_multiplier)` slice of `kernel` (shape `(*window, C, multiplier)`);
    output channel `c * multiplier + m`."""
    n, kshape, strides, dilation, mode, data_format = _conv_args(
        inputs, kernel, strides, padding, data_format, dilation_rate, "depthwise_conv"
    )
    _check_depthwise_channels(
        window_args.channel_count(rules.shape_of(inputs), data_format), kshape, "depthwise_conv"
    )
    inputs, kernel = promote(inputs, kernel, dtype=float_dtype_of(inputs, kernel))
    x = window_args.to_channels_last(inputs, data_format)
    out = _conv_last(x, _depthwise_kernel(kernel, n), n, strides, dilation, mode, "depthwise_conv")
    return window_args.from_channels_last(out, data_format)


def _separable_spec(*args, **kwargs):
    a = rules.bound_arguments(separable_conv, args, kwargs)
    names = ("inputs", "depthwise_kernel", "strides", "padding", "data_format", "dilation_rate")
    depthwise = _depthwise_spec(*(a[name] for name in names))
    spec = _conv_spec(depthwise, a["pointwise_kernel"], 1, "valid", a["data_format"], 1)
    dtype = float_dtype_of(a["inputs"], a["depthwise_kernel"], a["pointwise_kernel"])
    return KerasTensor(spec.shape, dtype=dtype)


@op(spec=_separable_spec)
@_k.fuse
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
    channels = window_args.channel_count(rules.shape_of(inputs), data_format)
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
        window_args.spatial_shape(shape, data_format),
        kshape[:n],
        strides,
        dilation,
        mode,
        output_padding,
    )
    return KerasTensor(
        window_args.output_shape(shape, data_format, [o for o, _ in lengths], kshape[-2]),
        dtype=float_dtype_of(inputs, kernel),
    )


@op(spec=_conv_transpose_spec)
@_k.fuse
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
    x = window_args.to_channels_last(inputs, data_format)
    lengths = rules.shape_of(x)[1:-1]
    for axis, s in enumerate(strides):
        x = window_args.dilate(x, axis + 1, s)
    plan = _transpose_lengths(lengths, kshape[:n], strides, dilation, mode, output_padding)
    pads, crops = [], []
    for length, k, s, d, (out, start) in zip(lengths, kshape[:n], strides, dilation, plan):
        extent = (k - 1) * d + 1
        before = extent - 1 - start
        after = out - ((length - 1) * s + 1) - before + extent - 1
        pads.append((max(before, 0), max(after, 0)))
        crops.append(slice(max(-before, 0), None if after >= 0 else after))
    if any(c.start or c.stop is not None for c in crops):
        x = _k.slice(x, (slice(None),) + tuple(crops))
    flipped = _k.flip(kernel, tuple(range(n)))
    forward_kernel = _k.transpose(flipped, tuple(range(n)) + (n + 1, n))
    out = _k.conv(x, forward_kernel, (1,) * n, pads, dilation, 1)
    return window_args.from_channels_last(out, data_format)
