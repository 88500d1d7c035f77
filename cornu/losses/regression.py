"""Regression, hinge and divergence losses: per-sample functions and their Loss classes."""

from cornu import backend, ops
from cornu.losses.loss import LossFunctionWrapper, constructor_arguments
from cornu.losses.losses import _pair


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(1 + y_pred) - log(1 + y_true))**2) over the last axis (inputs floored at eps)."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = backend.epsilon()
    first = ops.log1p(ops.maximum(y_pred, eps))
    second = ops.log1p(ops.maximum(y_true, eps))
    return ops.mean(ops.square(first - second), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|y_true - y_pred| / max(|y_true|, eps)) over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    denom = ops.maximum(ops.absolute(y_true), backend.epsilon())
    return 100.0 * ops.mean(ops.absolute(y_true - y_pred) / denom, axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """Quadratic for |error| <= delta, linear beyond; averaged over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    error = ops.absolute(y_pred - y_true)
    quadratic = 0.5 * ops.square(error)
    linear = delta * error - 0.5 * delta * delta
    return ops.mean(ops.where(error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true))) over the last axis, computed without overflow."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    values = x + ops.softplus(-2.0 * x) - ops.cast(ops.log(2.0), ops.dtype(x))
    return ops.mean(values, axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """The negated cosine similarity of `y_true` and `y_pred` along `axis`."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = ops.normalize(y_true, axis=axis)
    y_pred = ops.normalize(y_pred, axis=axis)
    return -ops.sum(y_true * y_pred, axis=axis)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + eps)) over the last axis."""
    return _poisson(*_pair(y_true, y_pred))


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [eps, 1]."""
    return _kl_divergence(*_pair(y_true, y_pred))


def hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0)) over the last axis; 0/1 labels become -1/1."""
    return _hinge(*_pair(y_true, y_pred))


def squared_hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0)**2) over the last axis; 0/1 labels become -1/1."""
    return _squared_hinge(*_pair(y_true, y_pred))


def categorical_hinge(y_true, y_pred):
    """max(0, max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1) over the last axis."""
    return _categorical_hinge(*_pair(y_true, y_pred))


# The math of the functions above on inputs already paired (one dtype, matching ranks), by
# function name: `cornu.metrics` applies it after pairing the inputs its own way.


def _poisson(y_true, y_pred):
    return ops.mean(y_pred - y_true * ops.log(y_pred + backend.epsilon()), axis=-1)


def _kl_divergence(y_true, y_pred):
    eps = backend.epsilon()
    y_true = ops.clip(y_true, eps, 1.0)
    y_pred = ops.clip(y_pred, eps, 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def _hinge_margins(y_true, y_pred):
    """max(1 - y_true * y_pred, 0) with labels in {0, 1} made {-1, 1} (others kept)."""
    binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    y_true = ops.where(binary, 2.0 * y_true - 1.0, y_true)
    return ops.maximum(1.0 - y_true * y_pred, 0.0)


def _hinge(y_true, y_pred):
    return ops.mean(_hinge_margins(y_true, y_pred), axis=-1)


def _squared_hinge(y_true, y_pred):
    return ops.mean(ops.square(_hinge_margins(y_true, y_pred)), axis=-1)


def _categorical_hinge(y_true, y_pred):
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(neg - pos + 1.0, 0.0)


PAIRED_MATH = {
    "poisson": _poisson,
    "kl_divergence": _kl_divergence,
    "hinge": _hinge,
    "squared_hinge": _squared_hinge,
    "categorical_hinge": _categorical_hinge,
}


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared error of log(1 + y)."""

    def __init__(
        self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None
    ):
        super().__init__(
            mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype
        )


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute error as a percentage of |y_true|."""

    def __init__(
        self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None
    ):
        super().__init__(
            mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype
        )


class Huber(LossFunctionWrapper):
    """Huber loss: quadratic near zero, linear beyond `delta`."""

    _unlisted_defaults = {"delta": 1.0}

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, **constructor_arguments(locals()))


class LogCosh(LossFunctionWrapper):
    """Logarithm of the hyperbolic cosine of the error."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """Negated cosine similarity along `axis` (-1 is best, 1 worst)."""

    _unlisted_defaults = {"axis": -1}

    def __init__(
        self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None
    ):
        super().__init__(cosine_similarity, **constructor_arguments(locals()))


class Poisson(LossFunctionWrapper):
    """Poisson negative log-likelihood (up to a constant)."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence of `y_pred` from `y_true`."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Hinge(LossFunctionWrapper):
    """Hinge loss for -1/1 (or 0/1) labels."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss for -1/1 (or 0/1) labels."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """Hinge loss between the true class score and the best wrong class score."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)
