"""Pooling ops of `cornu.ops.nn`: max and average pooling over VALID windows of the backend's
`max_pool`/`avg_pool` primitives, and adaptive pooling to a given output size.
"""

from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, float_dtype_of, kernels, op, to_tensor
from cornu.ops.nn import _window_args as window_args

_k = kernels()

__all__ = [
    "max_pool",
    "average_pool",
    "adaptive_average_pool",
    "adaptive_max_pool",
]


def _pool_args(inputs, pool_size, strides, padding, data_format, op_name):
    n = window_args.spatial_rank(inputs, op_name)
    window = window_args.int_tuple(pool_size, n, op_name, "pool_size")
    strides = window if strides is None else window_args.int_tuple(strides, n, op_name, "strides")
    return (
        n,
        window,
        strides,
        window_args.checked_padding(padding, op_name),
        window_args.checked_data_format(data_format),
    )


def _pool_spec_for(op_name, float_output):
    def spec(inputs, pool_size, strides=None, padding="valid", data_format=None):
        n, window, strides, mode, data_format = _pool_args(
            inputs, pool_size, strides, padding, data_format, op_name
        )
        shape = rules.shape_of(inputs)
        spatial = [
            window_args.out_length(length, k, s, 1, mode)
            for length, k, s in zip(window_args.spatial_shape(shape, data_format), window, strides)
        ]
        dtype = float_dtype_of(inputs) if float_output else dtype_of(inputs)
        return KerasTensor(
            window_args.output_shape(
                shape, data_format, spatial, window_args.channel_count(shape, data_format)
            ),
            dtype=dtype,
        )

    return spec


@op(spec=_pool_spec_for("max_pool", False))
@_k.fuse
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over windows of `pool_size` (strides default to `pool_size`); "same"
    padding never picks a padded element."""
    n, window, strides, mode, data_format = _pool_args(
        inputs, pool_size, strides, padding, data_format, "max_pool"
    )
    dtype = dtype_of(inputs)
    x = window_args.to_channels_last(to_tensor(inputs, float_dtype_of(inputs)), data_format)
    pads = window_args.explicit_padding(rules.shape_of(x)[1:-1], window, strides, (1,) * n, mode)
    if any(p != (0, 0) for p in pads):
        x = _k.pad(x, [(0, 0)] + pads + [(0, 0)], float("-inf"))
    out = _k.max_pool(x, window, strides)
    return to_tensor(window_args.from_channels_last(out, data_format), dtype)


@op(spec=_pool_spec_for("average_pool", True))
@_k.fuse
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling over windows of `pool_size` (strides default to `pool_size`); with
    "same" padding a window averages only its elements inside the input."""
    n, window, strides, mode, data_format = _pool_args(
        inputs, pool_size, strides, padding, data_format, "average_pool"
    )
    x = window_args.to_channels_last(to_tensor(inputs, float_dtype_of(inputs)), data_format)
    shape = rules.shape_of(x)
    pads = window_args.explicit_padding(shape[1:-1], window, strides, (1,) * n, mode)
    if all(p == (0, 0) for p in pads):
        return window_args.from_channels_last(_k.avg_pool(x, window, strides), data_format)
    full_pads = [(0, 0)] + pads + [(0, 0)]
    total = _k.avg_pool(_k.pad(x, full_pads, 0), window, strides)
    ones = _k.ones((1,) + tuple(shape[1:-1]) + (1,), dtype_of(x))
    count = _k.avg_pool(_k.pad(ones, full_pads, 0), window, strides)
    return window_args.from_channels_last(_k.divide(total, count), data_format)


def _adaptive_args(inputs, output_size, data_format, op_name):
    n = window_args.spatial_rank(inputs, op_name)
    return (
        n,
        window_args.int_tuple(output_size, n, op_name, "output_size"),
        window_args.checked_data_format(data_format),
    )


def _adaptive_spec_for(op_name, float_output):
    def spec(inputs, output_size, data_format=None):
        n, sizes, data_format = _adaptive_args(inputs, output_size, data_format, op_name)
        shape = rules.shape_of(inputs)
        dtype = float_dtype_of(inputs) if float_output else dtype_of(inputs)
        return KerasTensor(
            window_args.output_shape(
                shape, data_format, sizes, window_args.channel_count(shape, data_format)
            ),
            dtype=dtype,
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
            pieces.append(reduce(_k.slice(x, index), axis))
        x = _k.concatenate(pieces, axis)
    return x


@op(spec=_adaptive_spec_for("adaptive_average_pool", True))
@_k.fuse
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed spatial `output_size` (bins as in PyTorch's adaptive pools)."""
    n, sizes, data_format = _adaptive_args(
        inputs, output_size, data_format, "adaptive_average_pool"
    )
    x = window_args.to_channels_last(to_tensor(inputs, float_dtype_of(inputs)), data_format)
    out = _adaptive(x, sizes, lambda v, a: _k.mean(v, axis=a, keepdims=True))
    return window_args.from_channels_last(out, data_format)


@op(spec=_adaptive_spec_for("adaptive_max_pool", False))
@_k.fuse
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed spatial `output_size` (bins as in PyTorch's adaptive pools)."""
    n, sizes, data_format = _adaptive_args(inputs, output_size, data_format, "adaptive_max_pool")
    x = window_args.to_channels_last(to_tensor(inputs), data_format)
    out = _adaptive(x, sizes, lambda v, a: _k.max(v, axis=a, keepdims=True))
    return window_args.from_channels_last(out, data_format)
