"""`cornu.ops.nn`: activations, normalization, losses, attention; conv/pooling in `nn_conv.py`.

The ops are composed from the small per-backend primitives of `cornu/backend/<b>/nn.py`, so each
formula is written once. Activations return floats (int and bool inputs give floatx).
"""

import math

from cornu import backend, config
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, float_dtype_of, kernels, op, to_tensor
from cornu.ops.nn_conv import (  # noqa: F401 (re-exported)
    adaptive_average_pool,
    adaptive_max_pool,
    average_pool,
    conv,
    conv_transpose,
    depthwise_conv,
    fold,
    max_pool,
    separable_conv,
    unfold,
)

_k = kernels("nn")

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
    "swish",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "tanh_shrink",
    "threshold",
    "one_hot",
    "multi_hot",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "moments",
    "normalize",
    "batch_normalization",
    "layer_normalization",
    "rms_normalization",
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
    "dot_product_attention",
    "psnr",
    "polar",
    "depth_to_space",
    "space_to_depth",
    "ctc_loss",
    "ctc_decode",
]


# ----------------------------------------------------------------------------- helpers


def _float(x):
    """`x` as a tensor of its float dtype (int/bool -> floatx)."""
    dtype = getattr(x, "dtype", None)
    if dtype is not None and backend.is_tensor(x) and dtypes.is_float_dtype(dtype):
        return x
    return to_tensor(x, float_dtype_of(x))


def _c(value, like):
    """A 0-d tensor holding `value` in `like`'s dtype (keeps every primitive single-dtype)."""
    return to_tensor(value, dtype_of(like))


def _ndim(x):
    return len(rules.shape_of(x))


def _axes(axis, ndim, op_name, arg="axis"):
    """`axis` (int or sequence of ints) as a sorted tuple of distinct non-negative axes."""
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = tuple(sorted({canonicalize_axis(a, ndim, op_name, arg) for a in axes}))
    if len(out) != len(axes):
        raise ValueError(f"{op_name}: `{arg}` has repeated axes; received {axis!r}.")
    return out


def _float_spec(x, *args, **kwargs):
    return KerasTensor(rules.shape_of(x), dtype=float_dtype_of(x))


def _relu(x):
    return _k.relu(x)


def _relu6(x):
    return _k.minimum(_k.maximum(x, _c(0, x)), _c(6, x))


def _where_positive_exp(x, alpha):
    """alpha * (exp(x) - 1) for x <= 0, computed on min(x, 0) so gradients stay finite."""
    return _k.multiply(_c(alpha, x), _k.expm1(_k.minimum(x, _c(0, x))))


# ----------------------------------------------------------------------------- activations


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


def _log_softmax(x, axes):
    shifted = _k.subtract(x, _k.stop_gradient(_k.max(x, axis=axes, keepdims=True)))
    return _k.subtract(shifted, _k.log(_k.sum(_k.exp(shifted), axis=axes, keepdims=True)))


def _softmax(x, axes):
    shifted = _k.exp(_k.subtract(x, _k.stop_gradient(_k.max(x, axis=axes, keepdims=True))))
    return _k.divide(shifted, _k.sum(shifted, axis=axes, keepdims=True))


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


# ----------------------------------------------------------------------------- encodings


def _one_hot_spec(x, num_classes, axis=-1, dtype=None, sparse=False):
    shape = list(rules.shape_of(x))
    position = _one_hot_position(axis, len(shape), "one_hot")
    shape.insert(position, num_classes)
    return KerasTensor(tuple(shape), dtype=dtypes.standardize_dtype(dtype or config.floatx()))


def _one_hot_position(axis, ndim, op_name):
    """Where the class axis goes in the rank ndim+1 output."""
    return canonicalize_axis(axis, ndim + 1, op_name)


def _check_num_classes(num_classes, op_name):
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(
            f"{op_name}: `num_classes` must be a positive int; received {num_classes!r}."
        )


def _check_int_labels(x, op_name, arg):
    """Labels may be ints, or floats/bools holding whole numbers (cast to int32 later)."""
    dtype = dtype_of(x)
    if dtype in dtypes.COMPLEX_TYPES or dtype == "string":
        raise TypeError(f"{op_name}: `{arg}` must hold integer labels; received dtype {dtype}.")


def _one_hot(x, num_classes, position, dtype):
    ndim = _ndim(x)
    x = to_tensor(x, "int64" if dtype_of(x) in ("int64", "uint32", "uint64") else "int32")
    # (float labels are truncated toward zero by the cast)
    classes_shape = [1] * (ndim + 1)
    classes_shape[position] = num_classes
    classes = _k.reshape(_k.arange(num_classes, dtype_of(x)), classes_shape)
    hot = _k.equal(_k.expand_dims(x, position), classes)
    return to_tensor(hot, dtype)


@op(spec=_one_hot_spec)
@_k.fuse
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encodes integer labels; labels outside [0, num_classes) give all zeros.

    Args:
        x: integer labels.
        num_classes: length of the class axis.
        axis: where the class axis goes in the output.
        dtype: output dtype (default floatx).
        sparse: only False is supported (cornu's backends have no sparse tensors here).
    """
    _check_num_classes(num_classes, "one_hot")
    _check_int_labels(x, "one_hot", "x")
    if sparse:
        raise ValueError("one_hot: `sparse=True` is not supported by cornu; use sparse=False.")
    position = _one_hot_position(axis, _ndim(x), "one_hot")
    return _one_hot(x, num_classes, position, dtypes.standardize_dtype(dtype or config.floatx()))


def _multi_hot_args(inputs, num_classes, axis, kwargs):
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if kwargs:
        raise TypeError(f"multi_hot: unexpected keyword arguments {sorted(kwargs)}.")
    _check_num_classes(num_classes, "multi_hot")
    ndim = len(rules.shape_of(inputs))
    if ndim == 0:
        raise ValueError("multi_hot: `inputs` must have rank >= 1; received a scalar.")
    position = _one_hot_position(axis, ndim, "multi_hot")
    # The labels axis (the last input axis) in the one-hot output.
    labels_axis = ndim if position < ndim else ndim - 1
    return num_classes, position, labels_axis


def _multi_hot_spec(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    num_classes, position, labels_axis = _multi_hot_args(inputs, num_classes, axis, kwargs)
    shape = list(rules.shape_of(inputs))
    shape.insert(position, num_classes)
    del shape[labels_axis]
    return KerasTensor(tuple(shape), dtype=dtypes.standardize_dtype(dtype or config.floatx()))


@op(spec=_multi_hot_spec)
@_k.fuse
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encodes integer labels: 1 for each class present along the last input axis.

    A rank-1 `inputs` of labels gives `(num_classes,)`; `(batch, n)` gives `(batch, num_classes)`.
    """
    num_classes, position, labels_axis = _multi_hot_args(inputs, num_classes, axis, kwargs)
    _check_int_labels(inputs, "multi_hot", "inputs")
    if sparse:
        raise ValueError("multi_hot: `sparse=True` is not supported by cornu; use sparse=False.")
    dtype = dtypes.standardize_dtype(dtype or config.floatx())
    hot = _one_hot(inputs, num_classes, position, "int32")
    return to_tensor(_k.max(hot, axis=labels_axis), dtype)


# ----------------------------------------------------------------------------- losses


def _check_same_shape(target, output, op_name):
    t, o = rules.shape_of(target), rules.shape_of(output)
    if len(t) != len(o) or any(a is not None and b is not None and a != b for a, b in zip(t, o)):
        raise ValueError(
            f"{op_name}: `target` and `output` must have the same shape; received "
            f"target.shape={t}, output.shape={o}."
        )


def _float_pair(target, output):
    dtype = float_dtype_of(target, output)
    return to_tensor(target, dtype), to_tensor(output, dtype)


def _binary_ce_spec(target, output, from_logits=False):
    _check_same_shape(target, output, "binary_crossentropy")
    return KerasTensor(rules.shape_of(output), dtype=float_dtype_of(target, output))


@op(spec=_binary_ce_spec)
@_k.fuse
def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary crossentropy between `target` and probabilities (or logits) `output`."""
    _check_same_shape(target, output, "binary_crossentropy")
    target, output = _float_pair(target, output)
    one = _c(1, output)
    if from_logits:
        # max(x, 0) - x * t + log(1 + exp(-|x|))
        return _k.add(
            _k.subtract(_relu(output), _k.multiply(output, target)),
            _k.log1p(_k.exp(_k.subtract(_c(0, output), _k.absolute(output)))),
        )
    eps = config.epsilon()
    output = _k.minimum(_k.maximum(output, _c(eps, output)), _c(1 - eps, output))
    positive = _k.multiply(target, _k.log(output))
    negative = _k.multiply(_k.subtract(one, target), _k.log(_k.subtract(one, output)))
    return _k.subtract(_c(0, output), _k.add(positive, negative))


def _categorical_ce_spec(target, output, from_logits=False, axis=-1):
    _check_same_shape(target, output, "categorical_crossentropy")
    shape = rules.shape_of(output)
    axis = canonicalize_axis(axis, len(shape), "categorical_crossentropy")
    return KerasTensor(shape[:axis] + shape[axis + 1 :], dtype=float_dtype_of(target, output))


def _log_probs(output, from_logits, axis):
    if from_logits:
        return _log_softmax(output, (axis,))
    output = _k.divide(output, _k.sum(output, axis=axis, keepdims=True))
    eps = config.epsilon()
    return _k.log(_k.minimum(_k.maximum(output, _c(eps, output)), _c(1 - eps, output)))


@op(spec=_categorical_ce_spec)
@_k.fuse
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(p)) along `axis`; `output` holds probabilities, or logits if
    `from_logits` (probabilities are renormalized to sum to 1 and clipped to [eps, 1 - eps])."""
    _check_same_shape(target, output, "categorical_crossentropy")
    target, output = _float_pair(target, output)
    if _ndim(output) < 1:
        raise ValueError("categorical_crossentropy: `output` must have rank >= 1.")
    axis = canonicalize_axis(axis, _ndim(output), "categorical_crossentropy")
    log_p = _log_probs(output, from_logits, axis)
    return _k.subtract(_c(0, output), _k.sum(_k.multiply(target, log_p), axis=axis))


def _sparse_ce_args(target, output, axis):
    t, o = rules.shape_of(target), rules.shape_of(output)
    if len(o) < 1:
        raise ValueError("sparse_categorical_crossentropy: `output` must have rank >= 1.")
    axis = canonicalize_axis(axis, len(o), "sparse_categorical_crossentropy")
    squeeze = len(t) == len(o) and len(t) > 0 and t[-1] == 1
    expected = o[:axis] + o[axis + 1 :]
    got = t[:-1] if squeeze else t
    if len(got) != len(expected) or any(
        a is not None and b is not None and a != b for a, b in zip(got, expected)
    ):
        raise ValueError(
            "sparse_categorical_crossentropy: `target` must have the shape of `output` without "
            f"`axis`; received target.shape={t}, output.shape={o}, axis={axis}."
        )
    return axis, squeeze, expected


def _sparse_ce_spec(target, output, from_logits=False, axis=-1):
    _, _, shape = _sparse_ce_args(target, output, axis)
    return KerasTensor(shape, dtype=float_dtype_of(output))


@op(spec=_sparse_ce_spec)
@_k.fuse
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical crossentropy with integer class `target` (shape of `output` without `axis`;
    a trailing size-1 axis is squeezed)."""
    axis, squeeze, _ = _sparse_ce_args(target, output, axis)
    _check_int_labels(target, "sparse_categorical_crossentropy", "target")
    output = _float(output)
    if squeeze:
        target = _k.slice(to_tensor(target), (Ellipsis, 0))
    num_classes = rules.shape_of(output)[axis]
    hot = _one_hot(target, num_classes, axis, dtype_of(output))
    log_p = _log_probs(output, from_logits, axis)
    return _k.subtract(_c(0, output), _k.sum(_k.multiply(hot, log_p), axis=axis))


# ----------------------------------------------------------------------------- normalization


def _compute_dtype(dtype):
    """float16/bfloat16 statistics are computed in float32."""
    return "float32" if dtype in ("float16", "bfloat16") else dtype


def _moments_spec(x, axes, keepdims=False, synchronized=False):
    shape = rules.reduced_shape(rules.shape_of(x), tuple(_as_tuple(axes)), keepdims, "moments")
    spec = KerasTensor(shape, dtype=float_dtype_of(x))
    return spec, KerasTensor(shape, dtype=float_dtype_of(x))


def _as_tuple(axes):
    return (axes,) if isinstance(axes, int) else tuple(axes)


@op(spec=_moments_spec)
@_k.fuse
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and (population) variance of `x` over `axes`.

    Returns:
        A tuple `(mean, variance)`.
    """
    dtype = float_dtype_of(x)
    x = to_tensor(x, _compute_dtype(dtype))
    axes = _axes(_as_tuple(axes), _ndim(x), "moments", "axes")
    mean = _k.mean(x, axis=axes, keepdims=True)
    centered = _k.subtract(x, _k.stop_gradient(mean))
    variance = _k.mean(_k.multiply(centered, centered), axis=axes, keepdims=keepdims)
    if not keepdims:
        mean = _k.mean(x, axis=axes, keepdims=False)
    return to_tensor(mean, dtype), to_tensor(variance, dtype)


def _normalize_spec(x, axis=-1, order=2, epsilon=None):
    _check_order(order)
    return _float_spec(x)


def _check_order(order):
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize: `order` must be an int >= 1; received {order!r}.")


@op(spec=_normalize_spec)
@_k.fuse
def normalize(x, axis=-1, order=2, epsilon=None):
    """x / max(||x||_order, epsilon) along `axis` (int or tuple)."""
    _check_order(order)
    x = _float(x)
    axes = _axes(_as_tuple(axis), _ndim(x), "normalize")
    eps = config.epsilon() if epsilon is None else epsilon
    magnitude = _k.absolute(x)
    if order == 1:
        norm = _k.sum(magnitude, axis=axes, keepdims=True)
    elif order == 2:
        norm = _k.sqrt(_k.sum(_k.multiply(x, x), axis=axes, keepdims=True))
    else:
        total = _k.sum(_k.power(magnitude, _c(order, x)), axis=axes, keepdims=True)
        norm = _k.power(total, _c(1.0 / order, x))
    return _k.divide(x, _k.maximum(norm, _c(eps, x)))


def _broadcast_along(value, axes, ndim):
    """Reshapes a parameter of shape x.shape[axes] so it broadcasts against a rank-ndim x."""
    shape = rules.shape_of(value)
    if len(shape) == len(axes) and len(shape) != ndim:
        full = [1] * ndim
        for a, d in zip(axes, shape):
            full[a] = d
        return _k.reshape(value, full)
    return value


def _batch_norm_spec(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    values = [v for v in (x, mean, variance, offset, scale) if v is not None]
    return KerasTensor(rules.shape_of(x), dtype=float_dtype_of(*values))


@op(spec=_batch_norm_spec)
@_k.fuse
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """(x - mean) / sqrt(variance + epsilon) * scale + offset; the statistics are 1-D along
    `axis` (or already broadcastable against `x`)."""
    values = [v for v in (x, mean, variance, offset, scale) if v is not None]
    dtype = float_dtype_of(*values)
    x = to_tensor(x, dtype)
    ndim = _ndim(x)
    axis = canonicalize_axis(axis, ndim, "batch_normalization")

    def prepare(v):
        return None if v is None else _broadcast_along(to_tensor(v, dtype), (axis,), ndim)

    mean, variance, offset, scale = map(prepare, (mean, variance, offset, scale))
    inv = _k.divide(_c(1, x), _k.sqrt(_k.add(variance, _c(epsilon, x))))
    if scale is not None:
        inv = _k.multiply(inv, scale)
    out = _k.multiply(_k.subtract(x, mean), inv)
    return out if offset is None else _k.add(out, offset)


def _layer_norm_spec(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    values = [v for v in (x, gamma, beta) if v is not None]
    return KerasTensor(rules.shape_of(x), dtype=float_dtype_of(*values))


@op(spec=_layer_norm_spec)
@_k.fuse
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta, statistics over `axis` (int or tuple).

    `rms_scaling=True` (a legacy keyword) gives `rms_normalization(x, gamma, axis, epsilon)`.
    """
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise TypeError(f"layer_normalization: unexpected keyword arguments {sorted(kwargs)}.")
    if rms_scaling:
        return rms_normalization(x, scale=gamma, axis=axis, epsilon=epsilon)
    values = [v for v in (x, gamma, beta) if v is not None]
    dtype = float_dtype_of(*values)
    compute = _compute_dtype(dtype)
    x = to_tensor(x, compute)
    ndim = _ndim(x)
    axes = _axes(_as_tuple(axis), ndim, "layer_normalization")
    eps = config.epsilon() if epsilon is None else epsilon
    mean = _k.mean(x, axis=axes, keepdims=True)
    centered = _k.subtract(x, mean)
    variance = _k.mean(_k.multiply(centered, centered), axis=axes, keepdims=True)
    out = _k.divide(centered, _k.sqrt(_k.add(variance, _c(eps, x))))
    if gamma is not None:
        out = _k.multiply(out, _broadcast_along(to_tensor(gamma, compute), axes, ndim))
    if beta is not None:
        out = _k.add(out, _broadcast_along(to_tensor(beta, compute), axes, ndim))
    return to_tensor(out, dtype)


def _rms_norm_spec(x, scale=None, axis=-1, epsilon=None):
    values = [v for v in (x, scale) if v is not None]
    return KerasTensor(rules.shape_of(x), dtype=float_dtype_of(*values))


@op(spec=_rms_norm_spec)
@_k.fuse
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """x / sqrt(mean(x**2) + epsilon) * scale, the mean over `axis` (int or tuple)."""
    values = [v for v in (x, scale) if v is not None]
    dtype = float_dtype_of(*values)
    compute = _compute_dtype(dtype)
    x = to_tensor(x, compute)
    ndim = _ndim(x)
    axes = _axes(_as_tuple(axis), ndim, "rms_normalization")
    eps = config.epsilon() if epsilon is None else epsilon
    mean_square = _k.mean(_k.multiply(x, x), axis=axes, keepdims=True)
    out = _k.divide(x, _k.sqrt(_k.add(mean_square, _c(eps, x))))
    if scale is not None:
        out = _k.multiply(out, _broadcast_along(to_tensor(scale, compute), axes, ndim))
    return to_tensor(out, dtype)


# ----------------------------------------------------------------------------- attention


def _attention_args(query, key, value, op_name="dot_product_attention"):
    q, k, v = rules.shape_of(query), rules.shape_of(key), rules.shape_of(value)
    if len(q) not in (3, 4) or len(k) != len(q) or len(v) != len(q):
        raise ValueError(
            f"{op_name}: `query`, `key` and `value` must all have rank 4 (batch, length, heads, "
            f"head_dim) or all rank 3; received shapes {q}, {k}, {v}."
        )
    heads, kv_heads = q[-2], k[-2]
    if heads is not None and kv_heads is not None and heads % kv_heads:
        raise ValueError(
            f"{op_name}: the number of query heads ({heads}) must be a multiple of the number "
            f"of key/value heads ({kv_heads})."
        )
    return q, k, v


def _attention_spec(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                    flash_attention=None, attn_logits_soft_cap=None):  # fmt: skip
    q, _, v = _attention_args(query, key, value)
    return KerasTensor(q[:-1] + v[-1:], dtype=float_dtype_of(query, key, value))


def _masked_value(dtype):
    return -3.0e4 if dtype in ("float16", "bfloat16") else -1.0e9


@op(spec=_attention_spec)
@_k.fuse
def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    """Scaled dot-product attention: softmax(q k^T * scale + bias, masked) v.

    Args:
        query: `(batch, T, heads, head_dim)` (or without batch).
        key, value: `(batch, S, kv_heads, head_dim)`; `heads` must be a multiple of
            `kv_heads` (query head n attends with key/value head n // (heads // kv_heads)).
        bias: added to the logits; broadcasts against `(batch, heads, T, S)`.
        mask: bool, True where attention is allowed; broadcasts against `(batch, heads, T, S)`.
        scale: logit scale (default 1 / sqrt(head_dim)).
        is_causal: also mask keys after the query's position.
        flash_attention: None or False (cornu has no flash-attention kernel).
        attn_logits_soft_cap: if set, logits become `cap * tanh(logits / cap)`.

    Returns:
        `(batch, T, heads, head_dim)`.
    """
    q_shape, k_shape, _ = _attention_args(query, key, value)
    if flash_attention:
        raise ValueError(
            "dot_product_attention: `flash_attention=True` is not supported by cornu; pass "
            "None or False."
        )
    dtype = float_dtype_of(query, key, value)
    query, key, value = (to_tensor(t, dtype) for t in (query, key, value))
    unbatched = len(q_shape) == 3
    if unbatched:
        query, key, value = (_k.expand_dims(t, 0) for t in (query, key, value))
        q_shape, k_shape = (1,) + q_shape, (1,) + k_shape
    batch, length, heads, head_dim = q_shape
    kv_heads = k_shape[2]
    groups = heads // kv_heads
    if scale is None:
        scale = 1.0 / math.sqrt(head_dim)
    grouped = _k.reshape(query, (batch, length, kv_heads, groups, head_dim))
    logits = _k.einsum("btkgh,bskh->bkgts", grouped, key)
    logits = _k.reshape(logits, (batch, heads, length, k_shape[1]))
    logits = _k.multiply(logits, _c(scale, logits))
    if bias is not None:
        bias = to_tensor(bias, dtype)
        logits = _k.add(logits, bias)
    if attn_logits_soft_cap is not None:
        cap = _c(attn_logits_soft_cap, logits)
        logits = _k.multiply(_k.tanh(_k.divide(logits, cap)), cap)
    allowed = None
    if mask is not None:
        allowed = to_tensor(mask, "bool")
    if is_causal:
        rows = _k.reshape(_k.arange(length, "int32"), (length, 1))
        cols = _k.reshape(_k.arange(k_shape[1], "int32"), (1, k_shape[1]))
        causal = _k.greater_equal(rows, cols)
        allowed = causal if allowed is None else _k.logical_and(allowed, causal)
    if allowed is not None:
        logits = _k.where(allowed, logits, _c(_masked_value(dtype), logits))
    weights = _softmax(logits, (3,))
    weights = _k.reshape(weights, (batch, kv_heads, groups, length, k_shape[1]))
    out = _k.einsum("bkgts,bskh->btkgh", weights, value)
    out = _k.reshape(out, (batch, length, heads, rules.shape_of(value)[-1]))
    return _k.slice(out, (0,)) if unbatched else out


# ----------------------------------------------------------------------------- image helpers


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


# ----------------------------------------------------------------------------- CTC


def _ctc_loss_args(target, output, target_length, output_length):
    t, o = rules.shape_of(target), rules.shape_of(output)
    if len(t) != 2 or len(o) != 3:
        raise ValueError(
            "ctc_loss: `target` must have shape (batch, max_label_length) and `output` shape "
            f"(batch, max_length, num_classes); received {t} and {o}."
        )
    for name, value in (("target_length", target_length), ("output_length", output_length)):
        if len(rules.shape_of(value)) != 1:
            raise ValueError(
                f"ctc_loss: `{name}` must have shape (batch,); received {rules.shape_of(value)}."
            )
    return t, o


def _ctc_loss_spec(target, output, target_length, output_length, mask_index=0):
    _, o = _ctc_loss_args(target, output, target_length, output_length)
    return KerasTensor((o[0],), dtype=float_dtype_of(output))


def _logsumexp3(a, b, c):
    m = _k.maximum(_k.maximum(a, b), c)
    total = _k.add(_k.exp(_k.subtract(a, m)), _k.exp(_k.subtract(b, m)))
    total = _k.add(total, _k.exp(_k.subtract(c, m)))
    return _k.add(m, _k.log(total))


def _shift_right(x, steps, fill):
    """x[:, s - steps] along axis 1, `fill` for s < steps."""
    length = rules.shape_of(x)[1]
    return _k.pad(_k.slice(x, (slice(None), slice(0, length - steps))), [(0, 0), (steps, 0)], fill)


@op(spec=_ctc_loss_spec)
@_k.fuse
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Connectionist temporal classification loss, per batch element.

    Args:
        target: `(batch, max_label_length)` integer labels (entries past `target_length` are
            ignored).
        output: `(batch, max_length, num_classes)` logits (log-softmax is applied here).
        target_length, output_length: `(batch,)` lengths.
        mask_index: the blank class.

    Returns:
        `(batch,)` negative log-likelihoods.
    """
    _, (batch, steps, num_classes) = _ctc_loss_args(target, output, target_length, output_length)
    _check_int_labels(target, "ctc_loss", "target")
    dtype = float_dtype_of(output)
    compute = _compute_dtype(dtype)
    log_probs = _log_softmax(to_tensor(output, compute), (2,))
    target = to_tensor(target, "int32")
    labels = rules.shape_of(target)[1]
    blank = _k.add(_k.multiply(target, _c(0, target)), _c(mask_index, target))
    extended = _k.reshape(
        _k.concatenate([_k.expand_dims(blank, 2), _k.expand_dims(target, 2)], 2),
        (batch, 2 * labels),
    )
    extended = _k.concatenate([extended, _k.slice(blank, (slice(None), slice(0, 1)))], 1)
    width = 2 * labels + 1
    emit = _k.einsum("btc,blc->btl", log_probs, _one_hot(extended, num_classes, 2, compute))
    skip = _k.logical_and(
        _k.not_equal(extended, _c(mask_index, extended)),
        _k.not_equal(extended, _shift_right(extended, 2, mask_index)),
    )
    neg = _c(-1e30, log_probs)
    first_two = _k.less(_k.arange(width, "int32"), to_tensor(2, "int32"))
    alpha = _k.where(first_two, _k.slice(emit, (slice(None), 0)), neg)
    out_len = _k.expand_dims(to_tensor(output_length, "int32"), 1)
    for t in range(1, steps):
        one_back = _shift_right(alpha, 1, -1e30)
        two_back = _k.where(skip, _shift_right(alpha, 2, -1e30), neg)
        new = _k.add(_logsumexp3(alpha, one_back, two_back), _k.slice(emit, (slice(None), t)))
        alpha = _k.where(_k.less(to_tensor(t, "int32"), out_len), new, alpha)
    tl = to_tensor(target_length, "int32")
    end = _k.multiply(tl, to_tensor(2, "int32"))
    last = _one_hot(end, width, 1, "bool")
    before_last = _one_hot(_k.subtract(end, to_tensor(1, "int32")), width, 1, "bool")
    end1 = _k.max(_k.where(last, alpha, neg), axis=1)
    end2 = _k.max(_k.where(before_last, alpha, neg), axis=1)
    m = _k.maximum(end1, end2)
    total = _k.add(m, _k.log(_k.add(_k.exp(_k.subtract(end1, m)), _k.exp(_k.subtract(end2, m)))))
    return to_tensor(_k.subtract(_c(0, total), total), dtype)


def _ctc_decode_args(inputs, sequence_lengths, strategy, beam_width, top_paths):
    shape = rules.shape_of(inputs)
    if len(shape) != 3:
        raise ValueError(
            "ctc_decode: `inputs` must have shape (batch, max_length, num_classes); received "
            f"{shape}."
        )
    if strategy not in ("greedy", "beam_search"):
        raise ValueError(
            f"ctc_decode: `strategy` must be 'greedy' or 'beam_search'; received {strategy!r}."
        )
    if strategy == "greedy" and top_paths != 1:
        raise ValueError(
            f"ctc_decode: greedy decoding gives one path; received top_paths={top_paths}."
        )
    for name, value in (("beam_width", beam_width), ("top_paths", top_paths)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"ctc_decode: `{name}` must be a positive int; received {value!r}.")
    if strategy == "beam_search" and top_paths > beam_width:
        raise ValueError(
            f"ctc_decode: `top_paths` ({top_paths}) cannot exceed `beam_width` ({beam_width})."
        )
    return shape


def _ctc_decode_spec(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
                     merge_repeated=True, mask_index=0):  # fmt: skip
    batch, steps, _ = _ctc_decode_args(inputs, sequence_lengths, strategy, beam_width, top_paths)
    return (
        KerasTensor((top_paths, batch, steps), dtype="int32"),
        KerasTensor((batch, top_paths), dtype=float_dtype_of(inputs)),
    )


@op(spec=_ctc_decode_spec)
def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    """Decodes CTC logits, greedily or by prefix beam search.

    Args:
        inputs: `(batch, max_length, num_classes)` logits.
        sequence_lengths: `(batch,)` valid lengths.
        strategy: "greedy" (the best class per step, repeats merged, blanks removed; works
            under tracing) or "beam_search" (a CTC prefix beam search; runs on the host, so it
            needs eager tensors and gives no gradients).
        beam_width: the number of prefixes kept per step (beam search).
        top_paths: the number of paths returned (beam search; greedy gives 1).
        merge_repeated: merge consecutive repeats of a class (a blank separates them).
        mask_index: the blank class (None: no class is a blank).

    Returns:
        `(decoded, scores)`: `(top_paths, batch, max_length)` int32 labels padded with -1, and
        `(batch, top_paths)` scores: for greedy, the negative sum of the best log-probabilities;
        for beam search, each path's log-probability.
    """
    _ctc_decode_args(inputs, sequence_lengths, strategy, beam_width, top_paths)
    if strategy == "greedy":
        return _ctc_greedy(inputs, sequence_lengths, merge_repeated, mask_index)
    return _ctc_beam_search(
        inputs, sequence_lengths, beam_width, top_paths, merge_repeated, mask_index
    )


@_k.fuse
def _ctc_greedy(inputs, sequence_lengths, merge_repeated, mask_index):
    batch, steps, _ = rules.shape_of(inputs)
    dtype = float_dtype_of(inputs)
    compute = _compute_dtype(dtype)
    log_probs = _log_softmax(to_tensor(inputs, compute), (2,))
    best = _k.argmax(log_probs, 2)
    valid = _k.less(
        _k.reshape(_k.arange(steps, "int32"), (1, steps)),
        _k.expand_dims(to_tensor(sequence_lengths, "int32"), 1),
    )
    best_lp = _k.max(log_probs, axis=2)
    scores = _k.subtract(_c(0, best_lp), _k.sum(_k.where(valid, best_lp, _c(0, best_lp)), axis=1))
    keep = valid
    if mask_index is not None:
        keep = _k.logical_and(keep, _k.not_equal(best, _c(mask_index, best)))
    if merge_repeated:
        keep = _k.logical_and(keep, _k.not_equal(best, _shift_right(best, 1, -1)))
    keep_i = to_tensor(keep, "int32")
    position = _k.subtract(_k.cumsum(keep_i, 1), _c(1, keep_i))
    placed = _k.multiply(
        _one_hot(position, steps, 2, "float32"), _k.expand_dims(to_tensor(keep, "float32"), 2)
    )
    shifted = to_tensor(_k.add(best, _c(1, best)), "float32")
    decoded = _k.einsum("btp,bt->bp", placed, shifted)
    decoded = _k.subtract(to_tensor(decoded, "int32"), to_tensor(1, "int32"))
    return _k.expand_dims(decoded, 0), to_tensor(_k.expand_dims(scores, 1), dtype)


def _ctc_beam_search(inputs, sequence_lengths, beam_width, top_paths, merge_repeated, mask_index):
    """CTC prefix beam search on the host (NumPy, float64)."""
    import numpy as np

    from cornu import backend

    try:
        logits = np.asarray(backend.convert_to_numpy(inputs), np.float64)
        lengths = np.asarray(backend.convert_to_numpy(sequence_lengths)).astype(np.int64)
    except Exception as error:  # tracers and graph tensors hold no values
        raise ValueError(
            "ctc_decode: strategy='beam_search' runs on the host and needs eager tensors; "
            f"received {type(inputs).__name__} ({error.__class__.__name__}). Use "
            "strategy='greedy' inside traced functions."
        ) from None
    shifted = logits - logits.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    batch, steps, classes = log_probs.shape
    decoded = np.full((top_paths, batch, steps), -1, np.int32)
    scores = np.full((batch, top_paths), -np.inf)
    for b in range(batch):
        ranked = _beam_search_one(
            log_probs[b, : lengths[b]], beam_width, merge_repeated, mask_index, classes
        )
        for p, (prefix, score) in enumerate(ranked[:top_paths]):
            decoded[p, b, : len(prefix)] = prefix
            scores[b, p] = score
    dtype = float_dtype_of(inputs)
    return to_tensor(decoded, "int32"), to_tensor(scores, dtype)


def _beam_search_one(log_probs, beam_width, merge_repeated, mask_index, classes):
    """Ranked `(prefix, log-probability)` pairs; each prefix tracks the log-probabilities of
    its alignments ending in a blank and in a label."""
    import numpy as np

    neg_inf = -np.inf
    beams = {(): (0.0, neg_inf)}
    for step in log_probs:
        grown = {}

        def add(prefix, blank, label, grown=grown):
            old_blank, old_label = grown.get(prefix, (neg_inf, neg_inf))
            grown[prefix] = (np.logaddexp(old_blank, blank), np.logaddexp(old_label, label))

        for prefix, (p_blank, p_label) in beams.items():
            total = np.logaddexp(p_blank, p_label)
            if mask_index is not None:
                add(prefix, total + step[mask_index], neg_inf)
            for c in range(classes):
                if c == mask_index:
                    continue
                extended = prefix + (c,)
                if merge_repeated and prefix and prefix[-1] == c:
                    add(prefix, neg_inf, p_label + step[c])
                    add(extended, neg_inf, p_blank + step[c])
                else:
                    add(extended, neg_inf, total + step[c])
        ordered = sorted(grown.items(), key=lambda kv: -np.logaddexp(*kv[1]))
        beams = dict(ordered[:beam_width])
    ranked = sorted(beams.items(), key=lambda kv: -np.logaddexp(*kv[1]))
    return [(prefix, float(np.logaddexp(*p))) for prefix, p in ranked]
