"""Label encodings of `cornu.ops.nn`: `one_hot` and `multi_hot`."""

from cornu import config
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, kernels, op, to_tensor
from cornu.ops.nn._nn_common import (
    _check_int_labels,
    _ndim,
    _one_hot,
)

_k = kernels()

__all__ = [
    "one_hot",
    "multi_hot",
]


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
