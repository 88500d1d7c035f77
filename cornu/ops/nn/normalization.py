"""Normalization ops of `cornu.ops.nn`: moments, normalize, and batch, layer and RMS
normalization (float16/bfloat16 statistics are computed in float32).
"""

from cornu import config
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, float_dtype_of, kernels, op, to_tensor
from cornu.ops.nn._nn_common import (
    _axes,
    _c,
    _compute_dtype,
    _float,
    _float_spec,
    _ndim,
)

_k = kernels()

__all__ = [
    "moments",
    "normalize",
    "batch_normalization",
    "layer_normalization",
    "rms_normalization",
]


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
