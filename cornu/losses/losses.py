"""Loss functions (per-sample values) and their Loss classes, written once over cornu.ops."""

import functools

from cornu import ops
from cornu.backend.common import dtypes
from cornu.losses.loss import LossFunctionWrapper, constructor_arguments


def match_ranks(y_true, y_pred):
    """Brings `y_true` and `y_pred` to one rank where they differ by a trailing axis of size 1:
    a rank-1 side gains that axis, a higher-rank side loses it (as Keras does)."""
    rt, rp = len(y_true.shape), len(y_pred.shape)
    if rt == rp + 1 and y_true.shape[-1] == 1:
        if rp == 1:
            return y_true, ops.expand_dims(y_pred, -1)
        return ops.squeeze(y_true, -1), y_pred
    if rp == rt + 1 and y_pred.shape[-1] == 1:
        if rt == 1:
            return ops.expand_dims(y_true, -1), y_pred
        return y_true, ops.squeeze(y_pred, -1)
    return y_true, y_pred


def _compatible(a, b, same_shape):
    """Whether shapes `a` and `b` broadcast together (or, with `same_shape`, are equal);
    unknown (None) dimensions match anything."""
    if same_shape and len(a) != len(b):
        return False
    for x, y in zip(reversed(a), reversed(b)):
        if x is None or y is None or x == y:
            continue
        if same_shape or (x != 1 and y != 1):
            return False
    return True


def with_pairing(math, pair, name):
    """`math(*pair(y_true, y_pred), ...)`, named `name`, with `math`'s signature and docs."""

    @functools.wraps(math)
    def paired(y_true, y_pred, *args, **kwargs):
        return math(*pair(y_true, y_pred), *args, **kwargs)

    paired.__name__ = paired.__qualname__ = name
    return paired


def _pair(y_true, y_pred, same_shape=False):
    """`y_true` cast to `y_pred`'s dtype, both of one rank; their shapes must broadcast
    together (or, with `same_shape`, be equal, as the cross-entropies need)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    y_true, y_pred = match_ranks(y_true, y_pred)
    true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
    if not _compatible(true_shape, pred_shape, same_shape):
        need = "equal shapes" if same_shape else "shapes that broadcast together"
        raise ValueError(
            f"y_true and y_pred have incompatible shapes: {true_shape} vs {pred_shape} (this "
            f"loss needs {need})."
        )
    return y_true, y_pred


def _concrete(x):
    """`x` as a NumPy array, or None when its values are not known yet (traced by jit or
    tf.function, or symbolic)."""
    try:
        return ops.convert_to_numpy(x)
    except Exception:
        return None


def check_label_range(labels, num_classes, ignore_class):
    """Raises on integer labels outside [0, num_classes) (other than `ignore_class`), which the
    gather in the cross-entropy would otherwise turn silently into a zero loss. Checked only
    where the labels are concrete (eager calls); traced code cannot raise on values."""
    if num_classes is None:
        return
    values = _concrete(labels)
    if values is None or values.size == 0:
        return
    if ignore_class is not None:
        values = values[values != ignore_class]
    bad = values[(values < 0) | (values >= num_classes)]
    if bad.size:
        raise ValueError(
            f"sparse_categorical_crossentropy: labels must be integers in [0, {num_classes}) "
            f"(y_pred has {num_classes} classes); received label {int(bad.flat[0])}."
        )


def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)**2) over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|) over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.absolute(y_true - y_pred), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, averaged over `axis`."""
    y_true, y_pred = _pair(y_true, y_pred, same_shape=True)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy against one-hot (or soft) labels."""
    y_true, y_pred = _pair(y_true, y_pred, same_shape=True)
    if label_smoothing:
        classes = ops.cast(y_pred.shape[axis], ops.dtype(y_pred))
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / classes
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Cross-entropy against integer labels; `ignore_class` labels contribute zero."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    if not dtypes.is_int_dtype(y_true.dtype):
        y_true = ops.cast(y_true, "int32")
    check_label_range(y_true, y_pred.shape[axis], ignore_class)
    if ignore_class is None:
        return ops.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=from_logits, axis=axis
        )
    valid = ops.not_equal(y_true, ignore_class)
    safe = ops.where(valid, y_true, ops.zeros_like(y_true))
    values = ops.sparse_categorical_crossentropy(safe, y_pred, from_logits=from_logits, axis=axis)
    return ops.where(valid, values, ops.zeros_like(values))


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy (probabilities, or logits with `from_logits=True`)."""

    def __init__(
        self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
        name="binary_crossentropy", dtype=None,
    ):  # fmt: skip
        super().__init__(binary_crossentropy, **constructor_arguments(locals()))


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy against one-hot labels."""

    def __init__(
        self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
        name="categorical_crossentropy", dtype=None,
    ):  # fmt: skip
        super().__init__(categorical_crossentropy, **constructor_arguments(locals()))


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy against integer labels."""

    _unlisted_defaults = {"axis": -1}

    def __init__(
        self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size", axis=-1,
        name="sparse_categorical_crossentropy", dtype=None,
    ):  # fmt: skip
        super().__init__(sparse_categorical_crossentropy, **constructor_arguments(locals()))

    def _valid_mask(self, y_true, y_pred):
        ignore_class = self._fn_kwargs.get("ignore_class")
        if ignore_class is None:
            return None
        if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
            y_true = ops.squeeze(y_true, axis=-1)
        return ops.not_equal(ops.cast(y_true, "int32"), ignore_class)
