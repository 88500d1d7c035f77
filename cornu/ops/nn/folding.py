"""`unfold` (sliding blocks to columns, im2col) and its adjoint `fold` (col2im) of
`cornu.ops.nn`, on channels-first `(N, C, H, W)` tensors.
"""

from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, kernels, op, to_tensor
from cornu.ops.nn import _window_args as window_args

_k = kernels()

__all__ = [
    "fold",
    "unfold",
]


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
@_k.fuse
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
        x = _k.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding], 0)
    pieces = []
    for i in range(window[0]):
        for j in range(window[1]):
            top, left = i * dilation[0], j * dilation[1]
            rows = slice(top, top + (counts[0] - 1) * stride[0] + 1, stride[0])
            cols = slice(left, left + (counts[1] - 1) * stride[1] + 1, stride[1])
            pieces.append(_k.expand_dims(_k.slice(x, (slice(None), slice(None), rows, cols)), 2))
    blocks = _k.concatenate(pieces, 2)
    return _k.reshape(blocks, (shape[0], shape[1] * window[0] * window[1], counts[0] * counts[1]))


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
@_k.fuse
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of `unfold` (col2im): sums `(N, C * kH * kW, L)` blocks into
    `(N, C, *output_size)`, overlapping entries added."""
    shape, size, window, dilation, padding, stride, counts = _fold_args(
        x, output_size, kernel_size, dilation, padding, stride
    )
    x = to_tensor(x)
    batch, channels = shape[0], shape[1] // (window[0] * window[1])
    x = _k.reshape(x, (batch, channels, window[0] * window[1], counts[0], counts[1]))
    padded = [length + 2 * p for length, p in zip(size, padding)]
    total = None
    for i in range(window[0]):
        for j in range(window[1]):
            block = _k.slice(x, (slice(None), slice(None), i * window[1] + j))
            block = window_args.dilate(window_args.dilate(block, 2, stride[0]), 3, stride[1])
            pads = [(0, 0), (0, 0)]
            for axis, offset in enumerate((i * dilation[0], j * dilation[1])):
                extent = (counts[axis] - 1) * stride[axis] + 1
                pads.append((offset, padded[axis] - offset - extent))
            block = _k.pad(block, pads, 0)
            total = block if total is None else _k.add(total, block)
    crop = tuple(slice(p, p + length) for p, length in zip(padding, size))
    return _k.slice(total, (slice(None), slice(None)) + crop)
