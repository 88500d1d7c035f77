"""Activation functions of `cornu.ops.nn` (relu, gelu, softmax, ...).

They return floats: int and bool inputs give floatx (`relu` keeps integer dtypes, as Keras's
does).
"""

import math

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, float_dtype_of, kernels, op, to_tensor
from cornu.ops.nn._nn_common import (
    _axes,
    _c,
    _float,
    _float_spec,
    _log_softmax,
    _ndim,
    _relu,
    _softmax,
)

_k = kernels()

__all__ = [
    "celu",
    "elu",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh_shrink",
    "threshold",
]


def _relu6(x):
    return _k.minimum(_k.maximum(x, _c(0, x)), _c(6, x))


def _where_positive_exp(x, alpha):
    """alpha * (exp(x) - 1) for x <= 0, computed on min(x, 0) so gradients stay finite."""
    return _k.multiply(_c(alpha, x), _k.expm1(_k.minimum(x, _c(0, x))))


def _relu_spec(x):
    dtype = dtype_of(x)
    if dtypes.is_int_dtype(dtype):
        return KerasTensor(rules.shape_of(x), dtype=dtype)
    return _float_spec(x)


@op(spec=_relu_spec)
@_k.fuse
def relu(x):
    """max(x, 0). Integer inputs keep their dtype (as Keras's relu does on every backend)."""
    x = to_tensor(x)
    if dtypes.is_int_dtype(dtypes.standardize_dtype(x.dtype)):
        return _relu(x)
    return _relu(_float(x))


@op(spec=_float_spec)
@_k.fuse
def relu6(x):
    """min(max(x, 0), 6)."""
    return _relu6(_float(x))


@op(spec=_float_spec)
@_k.fuse
def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return _k.sigmoid(_float(x))


@op(spec=_float_spec)
@_k.fuse
def sparse_sigmoid(x):
    """0 for x <= -1, 1 for x >= 1, (x + 1) / 2 in between."""
    x = _float(x)
    return _k.minimum(_k.maximum(_k.multiply(_k.add(x, _c(1, x)), _c(0.5, x)), _c(0, x)), _c(1, x))


@op(spec=_float_spec)
@_k.fuse
def softplus(x):
    """log(1 + exp(x)), computed stably."""
    return _k.softplus(_float(x))


@op(spec=_float_spec)
@_k.fuse
def softsign(x):
    """x / (1 + |x|)."""
    x = _float(x)
    return _k.divide(x, _k.add(_k.absolute(x), _c(1, x)))


@op(spec=_float_spec)
@_k.fuse
def sparse_plus(x):
    """0 for x <= -1, x for x >= 1, (x + 1)**2 / 4 in between."""
    x = _float(x)
    clipped = _k.minimum(_k.maximum(x, _c(-1, x)), _c(1, x))
    shifted = _k.add(clipped, _c(1, x))
    quad = _k.multiply(_c(0.25, x), _k.multiply(shifted, shifted))
    return _k.where(_k.greater_equal(x, _c(1, x)), x, quad)


@op(spec=_float_spec)
@_k.fuse
def silu(x):
    """x * sigmoid(x)."""
    x = _float(x)
    return _k.multiply(x, _k.sigmoid(x))


swish = silu


@op(spec=_float_spec)
@_k.fuse
def squareplus(x, b=4):
    """(x + sqrt(x**2 + b)) / 2."""
    x = _float(x)
    return _k.multiply(_k.add(x, _k.sqrt(_k.add(_k.multiply(x, x), _c(b, x)))), _c(0.5, x))


@op(spec=_float_spec)
@_k.fuse
def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x)."""
    x = _float(x)
    return _k.subtract(_c(0, x), _k.softplus(_k.subtract(_c(0, x), x)))


@op(spec=_float_spec)
@_k.fuse
def leaky_relu(x, negative_slope=0.2):
    """x for x >= 0, negative_slope * x otherwise."""
    x = _float(x)
    return _k.where(_k.greater_equal(x, _c(0, x)), x, _k.multiply(x, _c(negative_slope, x)))


@op(spec=_float_spec)
@_k.fuse
def hard_sigmoid(x):
    """relu6(x + 3) / 6."""
    x = _float(x)
    return _k.divide(_relu6(_k.add(x, _c(3, x))), _c(6, x))


@op(spec=_float_spec)
@_k.fuse
def hard_silu(x):
    """x * relu6(x + 3) / 6."""
    x = _float(x)
    return _k.multiply(x, _k.divide(_relu6(_k.add(x, _c(3, x))), _c(6, x)))


hard_swish = hard_silu


@op(spec=_float_spec)
@_k.fuse
def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    x = _float(x)
    return _k.where(_k.greater(x, _c(0, x)), x, _where_positive_exp(x, alpha))


_SELU_ALPHA = 1.6732632423543772


_SELU_SCALE = 1.0507009873554805


@op(spec=_float_spec)
@_k.fuse
def selu(x):
    """scale * elu(x, alpha) with the self-normalizing constants (1.0507..., 1.6732...)."""
    x = _float(x)
    out = _k.where(_k.greater(x, _c(0, x)), x, _where_positive_exp(x, _SELU_ALPHA))
    return _k.multiply(out, _c(_SELU_SCALE, x))


@op(spec=_float_spec)
@_k.fuse
def gelu(x, approximate=True):
    """Gaussian error linear unit; the tanh approximation when `approximate`."""
    x = _float(x)
    half_x = _k.multiply(x, _c(0.5, x))
    if approximate:
        cube = _k.multiply(_k.multiply(x, x), x)
        inner = _k.add(x, _k.multiply(cube, _c(0.044715, x)))
        inner = _k.multiply(inner, _c(math.sqrt(2 / math.pi), x))
        return _k.multiply(half_x, _k.add(_k.tanh(inner), _c(1, x)))
    return _k.multiply(half_x, _k.add(_k.erf(_k.multiply(x, _c(1 / math.sqrt(2), x))), _c(1, x)))


@op(spec=_float_spec)
@_k.fuse
def celu(x, alpha=1.0):
    """max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))."""
    x = _float(x)
    scaled = _k.divide(x, _c(alpha, x))
    negative = _k.multiply(_c(alpha, x), _k.expm1(_k.minimum(scaled, _c(0, x))))
    return _k.where(_k.greater(x, _c(0, x)), x, negative)


def _glu_spec(x, axis=-1):
    shape = list(rules.shape_of(x))
    axis = canonicalize_axis(axis, len(shape), "glu")
    if shape[axis] is not None:
        _check_glu(shape[axis], axis)
        shape[axis] //= 2
    return KerasTensor(tuple(shape), dtype=float_dtype_of(x))


def _check_glu(size, axis):
    if size % 2:
        raise ValueError(
            f"glu: the size of `axis`={axis} must be even to split it in halves; received {size}."
        )


@op(spec=_glu_spec)
@_k.fuse
def glu(x, axis=-1):
    """a * sigmoid(b), where a and b are the two halves of `x` along `axis`."""
    x = _float(x)
    shape = rules.shape_of(x)
    axis = canonicalize_axis(axis, len(shape), "glu")
    _check_glu(shape[axis], axis)
    half = shape[axis] // 2
    first = (slice(None),) * axis + (slice(0, half),)
    second = (slice(None),) * axis + (slice(half, None),)
    return _k.multiply(_k.slice(x, first), _k.sigmoid(_k.slice(x, second)))


@op(spec=_float_spec)
@_k.fuse
def hard_tanh(x):
    """x clipped to [-1, 1]."""
    x = _float(x)
    return _k.minimum(_k.maximum(x, _c(-1, x)), _c(1, x))


@op(spec=_float_spec)
@_k.fuse
def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, else 0."""
    x = _float(x)
    return _k.where(_k.greater(_k.absolute(x), _c(threshold, x)), x, _c(0, x))


@op(spec=_float_spec)
@_k.fuse
def soft_shrink(x, threshold=0.5):
    """x - threshold above threshold, x + threshold below -threshold, else 0."""
    x = _float(x)
    t = _c(threshold, x)
    return _k.where(
        _k.greater(x, t),
        _k.subtract(x, t),
        _k.where(_k.less(x, _k.subtract(_c(0, x), t)), _k.add(x, t), _c(0, x)),
    )


@op(spec=_float_spec)
@_k.fuse
def tanh_shrink(x):
    """x - tanh(x)."""
    x = _float(x)
    return _k.subtract(x, _k.tanh(x))


@op(spec=_float_spec)
@_k.fuse
def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value."""
    x = _float(x)
    return _k.where(_k.greater(x, _c(threshold, x)), x, _c(default_value, x))


def _softmax_axes(x, axis, op_name):
    return _axes(axis, _ndim(x), op_name)


@op(spec=_float_spec)
@_k.fuse
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis` (an int or a tuple of ints)."""
    x = _float(x)
    return _softmax(x, _softmax_axes(x, axis, "softmax"))


@op(spec=_float_spec)
@_k.fuse
def log_softmax(x, axis=-1):
    """x - logsumexp(x) along `axis` (an int or a tuple of ints)."""
    x = _float(x)
    return _log_softmax(x, _softmax_axes(x, axis, "log_softmax"))


@op(spec=_float_spec)
@_k.fuse
def sparsemax(x, axis=-1):
    """Euclidean projection of `x` onto the probability simplex along `axis`."""
    x = _float(x)
    shape = rules.shape_of(x)
    axis = canonicalize_axis(axis, len(shape), "sparsemax")
    z = _k.sort_descending(x, axis)
    cumulative = _k.cumsum(z, axis)
    k_shape = [1] * len(shape)
    k_shape[axis] = shape[axis]
    k = _k.reshape(_k.arange(shape[axis], dtype_of(x)), k_shape)
    k = _k.add(k, _c(1, x))
    support = _k.greater(_k.add(_k.multiply(k, z), _c(1, x)), cumulative)
    support_f = to_tensor(support, dtype_of(x))
    k_z = _k.sum(support_f, axis=axis, keepdims=True)
    support_sum = _k.sum(_k.multiply(z, support_f), axis=axis, keepdims=True)
    tau = _k.divide(_k.subtract(support_sum, _c(1, x)), k_z)
    return _relu(_k.subtract(x, tau))
