"""Crossentropy ops of `cornu.ops.nn`: binary (elementwise), categorical and sparse
categorical (summed over the class axis). Nothing is averaged over the batch; the Loss classes
of `cornu.losses` do that.
"""

from cornu import config
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, float_dtype_of, kernels, op, to_tensor
from cornu.ops.nn._nn_common import (
    _c,
    _check_int_labels,
    _float,
    _log_softmax,
    _ndim,
    _one_hot,
    _relu,
)

_k = kernels()

__all__ = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
]


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
