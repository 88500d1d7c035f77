"""Quantization primitives: abs-max int8/int4 quantizers, int4 packing, float8 scaling and
fake quantization, written once with `cornu.ops`."""

import numpy as np

from cornu import backend, ops
from cornu.backend.common import dtypes

# float8 formats (Micikevicius et al. 2022): largest value, mantissa bits, smallest normal
# exponent.
_FLOAT8 = {"float8_e4m3fn": (448.0, 3, -6), "float8_e5m2": (57344.0, 2, -14)}
_FLOAT8_MAX = {name: spec[0] for name, spec in _FLOAT8.items()}


def _check_int_range(value_range, name):
    if (
        not isinstance(value_range, (list, tuple))
        or len(value_range) != 2
        or not value_range[0] < value_range[1]
    ):
        raise ValueError(
            f"{name}: value_range must be a pair (low, high) with low < high; received "
            f"value_range={value_range!r}."
        )


class Quantizer:
    """The base of quantizers: `quantizer(x)` returns `x` quantized (here: unchanged).

    Args:
        output_dtype: the dtype of the quantized values.
    """

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config(self):
        raise NotImplementedError(f"{self} does not implement get_config().")


def abs_max_quantize(
    inputs, axis, value_range=(-127, 127), dtype="int8", epsilon=1e-7, to_numpy=False
):
    """Symmetric quantization: `scale = high / (max|x| + epsilon)` over `axis` (kept as size
    1), values `clip(round(x * scale), low, high)` in `dtype`.

    Args:
        inputs: a float tensor.
        axis: the axis or axes the abs-max is taken over.
        value_range: `(low, high)` of the quantized values.
        dtype: the quantized dtype.
        epsilon: added to the abs-max (keeps an all-zero slice finite).
        to_numpy: accepted for Keras compatibility (Keras computes on the host then; the
            results are the same tensors).

    Returns:
        `(quantized, scale)`; dequantize with `quantized / scale`.

    Example:
        >>> q, scale = abs_max_quantize(np.array([[0.5, -1.0]], "float32"), axis=-1)
        >>> np.asarray(q)
        array([[  63, -127]], dtype=int8)
    """
    _check_int_range(value_range, "abs_max_quantize")
    x = ops.convert_to_tensor(inputs)
    scale = ops.divide(
        value_range[1], ops.add(ops.max(ops.abs(x), axis=axis, keepdims=True), epsilon)
    )
    values = ops.clip(ops.round(ops.multiply(x, scale)), value_range[0], value_range[1])
    return ops.cast(values, dtype), scale


def abs_max_quantize_grouped_with_zero_point(
    inputs, block_size, value_range=(-8, 7), dtype="int8", epsilon=1e-7, to_numpy=False
):
    """Asymmetric quantization of a 2D weight in blocks of `block_size` rows.

    Each block of rows (the last one may be shorter) gets, per column, a scale
    `(max - min) / (high - low)` over a range widened to hold 0, and a zero point
    `round(low - min / scale)`; values are `clip(round(x / scale) + zero, low, high)`.

    Args:
        inputs: a float tensor of shape `(rows, columns)`.
        block_size: rows per block.
        value_range, dtype, epsilon, to_numpy: as in `abs_max_quantize`.

    Returns:
        `(quantized, scale, zero_point)`: `quantized` has the input's shape, `scale` and
        `zero_point` `(ceil(rows / block_size), columns)`; dequantize with
        `(quantized - zero) * scale` (each block's row of `scale`/`zero`).
    """
    _check_int_range(value_range, "abs_max_quantize_grouped_with_zero_point")
    if not isinstance(block_size, int) or isinstance(block_size, bool) or block_size < 1:
        raise ValueError(
            "abs_max_quantize_grouped_with_zero_point: block_size must be a positive int; "
            f"received block_size={block_size!r}."
        )
    x = ops.cast(ops.convert_to_tensor(inputs), "float32")
    if len(x.shape) != 2:
        raise ValueError(
            "abs_max_quantize_grouped_with_zero_point expects a 2D tensor (rows, columns); "
            f"received shape {tuple(x.shape)}."
        )
    rows, columns = x.shape
    n_blocks = -(-rows // block_size)
    padded = ops.pad(x, [[0, n_blocks * block_size - rows], [0, 0]])
    blocks = ops.reshape(padded, (n_blocks, block_size, columns))
    low, high = float(value_range[0]), float(value_range[1])
    if to_numpy:
        # Keras's host path: each block's own range (not widened to hold 0; the zero rows
        # padding the last block do count).
        minimum, maximum = ops.min(blocks, axis=1), ops.max(blocks, axis=1)
    else:
        # Padding rows are zeros: they only widen the range towards 0, as intended here.
        minimum = ops.minimum(ops.min(blocks, axis=1), 0.0)
        maximum = ops.maximum(ops.max(blocks, axis=1), 0.0)
    flat = ops.equal(maximum, minimum)  # an all-zero block: use [-1, 1] so scale stays finite
    minimum = ops.where(flat, minimum - 1.0, minimum)
    maximum = ops.where(flat, maximum + 1.0, maximum)
    scale = ops.maximum(ops.divide(maximum - minimum, high - low), epsilon)
    zero = ops.clip(ops.round(low - minimum / scale), low, high)
    row_block = np.arange(rows) // block_size
    values = ops.round(x / ops.take(scale, row_block, axis=0)) + ops.take(zero, row_block, axis=0)
    values = ops.cast(ops.clip(values, low, high), dtype)
    return values, scale, ops.cast(zero, dtype)


class AbsMaxQuantizer(Quantizer):
    """`abs_max_quantize` as an object that a quantization config can carry.

    Args:
        axis: the axis or axes the abs-max is taken over (None: given at call time by the
            layer using it).
        value_range, epsilon, output_dtype: as in `abs_max_quantize`.

    Example:
        >>> q, scale = AbsMaxQuantizer(axis=-1)(np.array([[0.5, -1.0]], "float32"))
    """

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=1e-7, output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)
        _check_int_range(value_range, "AbsMaxQuantizer")
        if isinstance(axis, int):
            axis = (axis,)
        elif axis is not None:
            axis = tuple(axis)
        self.axis = axis
        self.value_range = value_range
        self.epsilon = epsilon

    def __call__(self, x, axis=None, to_numpy=False):
        axis = self.axis if axis is None else axis
        if axis is None:
            raise ValueError(
                "AbsMaxQuantizer needs an axis: give one when creating it or when calling it."
            )
        return abs_max_quantize(
            x, axis, value_range=self.value_range, dtype=self.output_dtype,
            epsilon=self.epsilon, to_numpy=to_numpy,
        )  # fmt: skip

    def get_config(self):
        config = {
            "value_range": self.value_range,
            "epsilon": self.epsilon,
            "output_dtype": self.output_dtype,
        }
        if self.axis is not None:
            config["axis"] = self.axis
        return config


def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The next float8 scale from the latest amax (as in NVIDIA's Transformer Engine recipe):
    `2**margin * amax / dtype_max`, keeping `scale` where `amax` is 0 or not finite."""
    amax = ops.convert_to_tensor(amax)
    scale = ops.convert_to_tensor(scale)
    usable = ops.logical_and(ops.greater(amax, 0.0), ops.isfinite(amax))
    safe_amax = ops.where(usable, amax, ops.ones_like(amax))
    factor = ops.divide(ops.divide(dtype_max, safe_amax), 2.0**margin)
    return ops.where(usable, ops.reciprocal(factor), scale)


def compute_float8_amax_history(x, amax_history):
    """`amax_history` shifted by one, with `max|x|` in front."""
    amax = ops.cast(ops.max(ops.abs(x)), ops.dtype(amax_history))
    shifted = ops.roll(amax_history, shift=-1, axis=0)
    return ops.concatenate([ops.reshape(amax, (1,)), shifted[1:]], axis=0)


def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """`inputs / scale` rounded to `quantized_dtype` (clipped to its range), then `* scale`
    in `compute_dtype`."""
    quantized_dtype = str(quantized_dtype)
    if quantized_dtype not in _FLOAT8_MAX:
        raise ValueError(
            f"quantize_and_dequantize: quantized_dtype must be one of {sorted(_FLOAT8_MAX)}; "
            f"received {quantized_dtype!r}."
        )
    limit = _FLOAT8_MAX[quantized_dtype]
    x = ops.clip(ops.divide(inputs, scale), -limit, limit)
    x = ops.cast(round_to_float8(x, quantized_dtype), compute_dtype)
    return ops.multiply(x, ops.cast(scale, compute_dtype))


def round_to_float8(x, float8_dtype):
    """`x` rounded to the nearest value of a float8 format (ties to even), kept in float32:
    the frameworks' float8 dtypes are not available on every backend, the rounding is."""
    _, mantissa_bits, min_exponent = _FLOAT8[float8_dtype]
    x = ops.cast(x, "float32")
    magnitude = ops.abs(x)
    exponent = ops.floor(ops.log2(ops.maximum(magnitude, 2.0**min_exponent)))
    step = ops.power(2.0, exponent - mantissa_bits)
    return ops.multiply(ops.round(ops.divide(x, step)), step)


def fake_quant_with_min_max_vars(
    inputs, min_vals, max_vals, num_bits=8, narrow_range=False, axis=None
):
    """Rounds `inputs` to the `2**num_bits` levels of `[min_vals, max_vals]` (nudged so that
    0 is a level) and back to float, as TensorFlow's `fake_quant_with_min_max_vars`; the
    gradient passes straight through inside the range.

    Args:
        inputs: a float tensor.
        min_vals, max_vals: the range (scalars, or per-channel along `axis`).
        num_bits: 2 to 16.
        narrow_range: use levels `[1, 2**num_bits - 1]` instead of `[0, 2**num_bits - 1]`.
        axis: the channel axis of per-channel ranges (None: per-tensor).
    """
    if not isinstance(num_bits, int) or not 2 <= num_bits <= 16:
        raise ValueError(
            f"fake_quant_with_min_max_vars: num_bits must be an int in [2, 16]; received "
            f"{num_bits!r}."
        )
    x = ops.convert_to_tensor(inputs)
    dtype = ops.dtype(x)
    min_vals = ops.cast(ops.convert_to_tensor(min_vals), "float32")
    max_vals = ops.cast(ops.convert_to_tensor(max_vals), "float32")
    if axis is not None and len(min_vals.shape) == 1:
        axis = axis % len(x.shape)
        shape = [1] * len(x.shape)
        shape[axis] = -1
        min_vals, max_vals = ops.reshape(min_vals, shape), ops.reshape(max_vals, shape)
    quant_min = 1.0 if narrow_range else 0.0
    quant_max = float(2**num_bits - 1)
    scale = ops.divide(max_vals - min_vals, quant_max - quant_min)
    zero = ops.clip(ops.round(quant_min - min_vals / scale), quant_min, quant_max)
    nudged_min = (quant_min - zero) * scale
    nudged_max = (quant_max - zero) * scale
    xf = ops.cast(x, "float32")
    clipped = ops.clip(xf, nudged_min, nudged_max)
    # A full-shaped divisor: XLA turns a division by a broadcast into a multiplication by
    # the reciprocal, which moves exact ties (x.5 levels) to the level below.
    full_scale = ops.broadcast_to(scale, ops.shape(xf))
    levels = ops.floor(ops.divide(clipped - nudged_min, full_scale) + 0.5)
    quantized = levels * scale + nudged_min
    # Straight-through estimator: the forward value is `quantized`, the gradient that of
    # `clipped` (1 inside the range, 0 outside).
    quantized = clipped + ops.stop_gradient(quantized - clipped)
    return ops.cast(quantized, dtype)


def pack_int4(arr, axis=0, dtype="int8"):
    """Packs int4 values (in an int8/uint8 tensor) two per byte along `axis`: the even
    position in the low nibble, the odd one in the high nibble (odd lengths padded by 0).

    Returns:
        `(packed, packed_shape, original_length)`.

    Example:
        >>> packed, shape, n = pack_int4(np.array([1, -2, 3], "int8"))
        >>> np.asarray(packed)
        array([-31,   3], dtype=int8)
    """
    dtype = _check_pack_dtype(dtype, "pack_int4")
    arr = ops.convert_to_tensor(arr)
    if dtypes.standardize_dtype(ops.dtype(arr)) != dtype:
        raise TypeError(
            f"pack_int4 expects a tensor of dtype {dtype} (dtype={dtype!r}); received "
            f"{dtypes.standardize_dtype(ops.dtype(arr))}. Cast it first."
        )
    rank = len(arr.shape)
    axis = axis % rank
    length = arr.shape[axis]
    x = ops.moveaxis(ops.cast(arr, "int32"), axis, 0)
    if length % 2:
        x = ops.pad(x, [[0, 1]] + [[0, 0]] * (rank - 1))
    low = ops.bitwise_and(x[0::2], 15)
    high = ops.bitwise_and(x[1::2], 15)
    packed = ops.bitwise_or(low, ops.left_shift(high, 4))
    if dtype == "int8":
        packed = ops.where(ops.greater(packed, 127), packed - 256, packed)
    packed = ops.cast(ops.moveaxis(packed, 0, axis), dtype)
    return packed, tuple(packed.shape), length


def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """The inverse of `pack_int4`: `orig_len` int4 values along `axis`, sign-extended for
    int8 (`dtype="uint8"`: 0..15)."""
    dtype = _check_pack_dtype(dtype, "unpack_int4")
    packed = ops.convert_to_tensor(packed)
    rank = len(packed.shape)
    axis = axis % rank
    orig_len = int(np.asarray(backend.convert_to_numpy(orig_len)))
    x = ops.bitwise_and(ops.moveaxis(ops.cast(packed, "int32"), axis, 0), 255)
    low = ops.bitwise_and(x, 15)
    high = ops.right_shift(x, 4)
    if dtype == "int8":
        low = ops.where(ops.greater(low, 7), low - 16, low)
        high = ops.where(ops.greater(high, 7), high - 16, high)
    both = ops.reshape(ops.stack([low, high], axis=1), (-1,) + tuple(x.shape[1:]))
    return ops.cast(ops.moveaxis(both[:orig_len], 0, axis), dtype)


def _check_pack_dtype(dtype, name):
    dtype = dtypes.standardize_dtype(dtype)
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"{name}: dtype must be 'int8' or 'uint8'; received dtype={dtype!r}.")
    return dtype
