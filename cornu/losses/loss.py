"""`Loss`: the base of every loss, with reductions and sample weights handled once."""

from cornu import backend, ops
from cornu.backend.common import dtypes
from cornu.utils.identifiers import snake_case

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid reduction {reduction!r}. Expected one of {[r for r in REDUCTIONS if r]} "
            "or None."
        )
    return reduction


class Loss:
    """A loss: `loss(y_true, y_pred, sample_weight=None)` returns a scalar (or per-sample
    values with `reduction="none"`). Subclasses implement `call(y_true, y_pred)` returning
    per-sample losses.

    Args:
        name: the loss's name.
        reduction: "sum_over_batch_size" (mean over samples, the default), "sum", "mean",
            "mean_with_sample_weight" (weighted sum / sum of weights), "none"/None.
        dtype: the dtype of the computation; `floatx()` when None.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = dtypes.standardize_dtype(dtype) if dtype is not None else None

    @property
    def dtype(self):
        return self._dtype or backend.floatx()

    def __call__(self, y_true, y_pred, sample_weight=None):
        dtype = self.dtype
        y_pred = ops.convert_to_tensor(y_pred)
        if dtypes.standardize_dtype(y_pred.dtype) != dtype and dtypes.is_float_dtype(y_pred.dtype):
            y_pred = ops.cast(y_pred, dtype)
        y_true = ops.convert_to_tensor(y_true)
        values = self.call(y_true, y_pred)
        mask = self._valid_mask(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight, self.reduction, dtype, mask)

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__} must implement call().")

    def _valid_mask(self, y_true, y_pred):
        """Which per-sample values count (None: all); masked-out values are left out of the
        mean's denominator too (SparseCategoricalCrossentropy's `ignore_class`)."""
        return None

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def reduce_weighted_values(values, sample_weight, reduction, dtype, mask=None):
    """Applies `sample_weight` (broadcast over trailing axes) and `reduction` to `values`;
    with a boolean `mask` (values' shape), a mean divides by the count of valid values."""
    values = ops.cast(values, dtype)
    if mask is not None:
        return _reduce_masked(values, sample_weight, reduction, dtype, ops.cast(mask, dtype))
    if sample_weight is not None:
        weight = _weight_like(sample_weight, values, dtype)
        values = ops.multiply(values, weight)
    if reduction in ("none", None):
        return values
    unweighted_mean = ("sum_over_batch_size", "mean", "mean_with_sample_weight")
    if sample_weight is None and reduction in unweighted_mean:
        count = num_elements(values)
        if type(count) is int and count > 0:
            return ops.mean(values)  # (sum / count in one kernel)
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return ops.divide_no_nan(total, ops.sum(weight * ops.ones_like(values)))
    count = num_elements(values)
    if type(count) is int and count > 0:
        return ops.divide(total, float(count))
    return ops.divide_no_nan(total, ops.cast(count, dtype))


def _weight_like(sample_weight, values, dtype):
    """`sample_weight` in `dtype`, with its rank brought to that of `values`: per-sample
    weights of shape (batch,) (or (batch, 1)) against values of shape (batch, ...)."""
    weight = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
    while len(weight.shape) > len(values.shape) and weight.shape[-1] == 1:
        weight = ops.squeeze(weight, axis=-1)
    while len(weight.shape) < len(values.shape):
        weight = ops.expand_dims(weight, -1)
    return weight


def _reduce_masked(values, sample_weight, reduction, dtype, mask):
    weight = mask
    if sample_weight is not None:
        weight = _weight_like(sample_weight, values, dtype) * mask
    values = ops.multiply(values, weight)
    if reduction in ("none", None):
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight":
        return ops.divide_no_nan(total, ops.sum(weight))
    return ops.divide_no_nan(total, ops.sum(mask))


def num_elements(x):
    """The number of elements of `x` (a scalar tensor where a dimension is only known at run
    time, as inside tf.function)."""
    count = 1
    for d in backend.shape(x):
        count = count * d
    return count


class LossFunctionWrapper(Loss):
    """A Loss around a function `fn(y_true, y_pred, **kwargs)` of per-sample losses."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    # Arguments Keras leaves out of this loss's config: kept only when not at their default,
    # so a config equals Keras's and still round-trips a non-default value.
    _unlisted_defaults = {}

    def get_config(self):
        listed = listed_function_arguments(self._fn_kwargs, self._unlisted_defaults)
        return {**super().get_config(), **listed}


def constructor_arguments(values):
    """The arguments of a function-wrapping loss's (or metric's) constructor, from its
    `locals()`, for `LossFunctionWrapper` (or `MeanMetricWrapper`): the wrapper's own
    (`reduction`, `name`, `dtype`) by name, the others for the function in signature order."""
    return {name: value for name, value in values.items() if name not in ("self", "__class__")}


def listed_function_arguments(fn_kwargs, unlisted_defaults):
    """The function arguments a wrapper's config lists: all but those Keras leaves out
    (`unlisted_defaults`) while they hold their default."""
    return {
        k: v for k, v in fn_kwargs.items()
        if k not in unlisted_defaults or v != unlisted_defaults[k]
    }  # fmt: skip
