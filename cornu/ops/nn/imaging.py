"""Ops of `cornu.ops.nn` on images and complex values: `psnr`, the block rearrangements
`depth_to_space` and `space_to_depth`, and `polar`.
"""

import math

from cornu import config
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, float_dtype_of, kernels, op, to_tensor
from cornu.ops.nn._nn_common import (
    _c,
)

_k = kernels()

__all__ = [
    "psnr",
    "polar",
    "depth_to_space",
    "space_to_depth",
]


def _psnr_spec(x1, x2, max_val):
    _check_psnr(x1, x2)
    return KerasTensor((), dtype=float_dtype_of(x1, x2))


def _check_psnr(x1, x2):
    a, b = rules.shape_of(x1), rules.shape_of(x2)
    if len(a) != len(b) or any(p is not None and q is not None and p != q for p, q in zip(a, b)):
        raise ValueError(f"psnr: `x1` and `x2` must have the same shape; received {a} and {b}.")


@op(spec=_psnr_spec)
@_k.fuse
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio: 20 log10(max_val) - 10 log10(mean((x1 - x2)**2)), a scalar."""
    _check_psnr(x1, x2)
    dtype = float_dtype_of(x1, x2)
    x1, x2 = to_tensor(x1, dtype), to_tensor(x2, dtype)
    diff = _k.subtract(x1, x2)
    mse = _k.mean(_k.multiply(diff, diff))
    log10 = _c(math.log(10.0), mse)
    peak = 20.0 * math.log10(max_val)
    return _k.subtract(_c(peak, mse), _k.multiply(_c(10.0, mse), _k.divide(_k.log(mse), log10)))


def _complex_of(dtype):
    return "complex128" if dtype == "float64" else "complex64"


def _polar_spec(abs_, angle):
    shape = rules.broadcast_shapes(rules.shape_of(abs_), rules.shape_of(angle), "polar")
    return KerasTensor(shape, dtype=_complex_of(float_dtype_of(abs_, angle)))


@op(spec=_polar_spec)
@_k.fuse
def polar(abs_, angle):
    """The complex number abs_ * (cos(angle) + i sin(angle)), elementwise (complex64, or
    complex128 for float64 inputs)."""
    dtype = float_dtype_of(abs_, angle)
    dtype = "float64" if dtype == "float64" else "float32"
    abs_, angle = to_tensor(abs_, dtype), to_tensor(angle, dtype)
    return _k.complex_from_parts(_k.multiply(abs_, _k.cos(angle)), _k.multiply(abs_, _k.sin(angle)))


def _block_args(x, block_size, data_format, op_name):
    shape = rules.shape_of(x)
    if len(shape) != 4:
        raise ValueError(f"{op_name}: `x` must have rank 4; received shape {shape}.")
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 2:
        raise ValueError(f"{op_name}: `block_size` must be an int >= 2; received {block_size!r}.")
    return shape, config.standardize_data_format(data_format)


def _depth_to_space_shape(x, block_size, data_format):
    shape, data_format = _block_args(x, block_size, data_format, "depth_to_space")
    b = block_size
    scale = lambda d: None if d is None else d * b  # noqa: E731
    if data_format == "channels_last":
        n, h, w, c = shape
        _check_divisible(c, b * b, "depth_to_space", "channels")
        return (n, scale(h), scale(w), None if c is None else c // (b * b)), data_format
    n, c, h, w = shape
    _check_divisible(c, b * b, "depth_to_space", "channels")
    return (n, None if c is None else c // (b * b), scale(h), scale(w)), data_format


def _check_divisible(size, by, op_name, what):
    if size is not None and size % by:
        raise ValueError(f"{op_name}: the number of {what} ({size}) must be divisible by {by}.")


@op(spec=lambda x, block_size, data_format="channels_last": KerasTensor(
    _depth_to_space_shape(x, block_size, data_format)[0], dtype=dtype_of(x)))  # fmt: skip
@_k.fuse
def depth_to_space(x, block_size, data_format="channels_last"):
    """Moves channel blocks into spatial blocks: channel (i * block_size + j) * C' + c of a
    pixel goes to offset (i, j) of its block (TensorFlow's DCR order, in either data format)."""
    out_shape, data_format = _depth_to_space_shape(x, block_size, data_format)
    x = to_tensor(x)
    b = block_size
    if data_format == "channels_first":
        x = _k.transpose(x, (0, 2, 3, 1))
    n, h, w, c = rules.shape_of(x)
    x = _k.reshape(x, (n, h, w, b, b, c // (b * b)))
    x = _k.transpose(x, (0, 1, 3, 2, 4, 5))
    x = _k.reshape(x, (n, h * b, w * b, c // (b * b)))
    return _k.transpose(x, (0, 3, 1, 2)) if data_format == "channels_first" else x


def _space_to_depth_shape(x, block_size, data_format):
    shape, data_format = _block_args(x, block_size, data_format, "space_to_depth")
    b = block_size
    shrink = lambda d: None if d is None else d // b  # noqa: E731
    if data_format == "channels_last":
        n, h, w, c = shape
        spatial = (h, w)
    else:
        n, c, h, w = shape
        spatial = (h, w)
    for d in spatial:
        _check_divisible(d, b, "space_to_depth", "rows and columns")
    depth = None if c is None else c * b * b
    if data_format == "channels_last":
        return (n, shrink(h), shrink(w), depth), data_format
    return (n, depth, shrink(h), shrink(w)), data_format


@op(spec=lambda x, block_size, data_format="channels_last": KerasTensor(
    _space_to_depth_shape(x, block_size, data_format)[0], dtype=dtype_of(x)))  # fmt: skip
@_k.fuse
def space_to_depth(x, block_size, data_format="channels_last"):
    """The inverse of `depth_to_space`: each block_size x block_size block becomes channels."""
    _space_to_depth_shape(x, block_size, data_format)
    data_format = config.standardize_data_format(data_format)
    x = to_tensor(x)
    b = block_size
    if data_format == "channels_first":
        x = _k.transpose(x, (0, 2, 3, 1))
    n, h, w, c = rules.shape_of(x)
    x = _k.reshape(x, (n, h // b, b, w // b, b, c))
    x = _k.transpose(x, (0, 1, 3, 2, 4, 5))
    x = _k.reshape(x, (n, h // b, w // b, b * b * c))
    return _k.transpose(x, (0, 3, 1, 2)) if data_format == "channels_first" else x
