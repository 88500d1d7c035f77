"""Regression metrics: error means (RMSE, MAPE, MSLE, log-cosh), cosine similarity,
correlations and R^2."""

import math

from cornu import backend, ops
from cornu.metrics.metric import (
    Mean,
    MeanMetricWrapper,
    Metric,
    add_state_variables,
    build_state_once,
)


def _pair(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    if not ops.dtype(y_pred).startswith(("float", "bfloat")):
        y_pred = ops.cast(y_pred, backend.floatx())
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    if len(y_true.shape) == len(y_pred.shape) - 1 and y_pred.shape[-1] == 1:
        y_true = ops.expand_dims(y_true, -1)
    if not _broadcastable(tuple(y_true.shape), tuple(y_pred.shape)):
        raise ValueError(
            f"y_true and y_pred have incompatible shapes: {tuple(y_true.shape)} vs "
            f"{tuple(y_pred.shape)}."
        )
    return y_true, y_pred


def _broadcastable(a, b):
    """Whether static shapes `a` and `b` broadcast (unknown dimensions match anything)."""
    for x, y in zip(reversed(a), reversed(b)):
        if x is not None and y is not None and x != y and 1 not in (x, y):
            return False
    return True


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|(y_true - y_pred) / y_true|) over the last axis (|y_true| >= epsilon)."""
    y_true, y_pred = _pair(y_true, y_pred)
    scale = ops.maximum(ops.absolute(y_true), backend.epsilon())
    return 100.0 * ops.mean(ops.absolute((y_true - y_pred) / scale), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(1 + y_pred) - log(1 + y_true))**2) over the last axis (values >= epsilon)."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = backend.epsilon()
    first = ops.log(ops.maximum(y_pred, eps) + 1.0)
    second = ops.log(ops.maximum(y_true, eps) + 1.0)
    return ops.mean(ops.square(first - second), axis=-1)


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true))) over the last axis (computed without overflow)."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return ops.mean(x + ops.softplus(-2.0 * x) - math.log(2.0), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """Quadratic for |error| <= delta, linear beyond; averaged over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    error = ops.absolute(y_pred - y_true)
    quadratic = 0.5 * ops.square(error)
    linear = delta * error - 0.5 * delta**2
    return ops.mean(ops.where(ops.less_equal(error, delta), quadratic, linear), axis=-1)


def _l2_normalize(x, axis):
    norm = ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), 1e-12))
    return x / norm


def cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine of the angle between `y_true` and `y_pred` along `axis`."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient of `y_true` and `y_pred` along `axis`."""
    y_true, y_pred = _pair(y_true, y_pred)
    t = y_true - ops.mean(y_true, axis=axis, keepdims=True)
    p = y_pred - ops.mean(y_pred, axis=axis, keepdims=True)
    t_std = ops.sqrt(ops.mean(ops.square(t), axis=axis, keepdims=True))
    p_std = ops.sqrt(ops.mean(ops.square(p), axis=axis, keepdims=True))
    return ops.mean(ops.divide_no_nan(t * p, t_std * p_std), axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient of `y_true` and `y_pred` along `axis`."""
    y_true, y_pred = _pair(y_true, y_pred)
    t_mean = ops.mean(y_true, axis=axis, keepdims=True)
    p_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    t_var = ops.mean(ops.square(y_true - t_mean), axis=axis, keepdims=True)
    p_var = ops.mean(ops.square(y_pred - p_mean), axis=axis, keepdims=True)
    covar = ops.mean((y_true - t_mean) * (y_pred - p_mean), axis=axis, keepdims=True)
    value = ops.divide_no_nan(2.0 * covar, t_var + p_var + ops.square(t_mean - p_mean))
    return ops.squeeze(value, axis=axis)


class RootMeanSquaredError(Mean):
    """sqrt of the (weighted) mean of squared errors over all values seen."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _pair(y_true, y_pred)
        super().update_state(ops.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return ops.sqrt(super().result())

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


def _wrapper(fn, default_name, doc, axis=False, unlisted=None):
    if axis:

        def __init__(self, name=default_name, dtype=None, axis=-1):
            MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, axis=axis)

    else:

        def __init__(self, name=default_name, dtype=None):
            MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype)

    return {"__init__": __init__, "__doc__": doc, "_unlisted_defaults": unlisted or {}}


MeanAbsolutePercentageError = type(
    "MeanAbsolutePercentageError", (MeanMetricWrapper,),
    _wrapper(mean_absolute_percentage_error, "mean_absolute_percentage_error",
             "The mean absolute percentage error."),
)  # fmt: skip
MeanSquaredLogarithmicError = type(
    "MeanSquaredLogarithmicError", (MeanMetricWrapper,),
    _wrapper(mean_squared_logarithmic_error, "mean_squared_logarithmic_error",
             "The mean squared logarithmic error."),
)  # fmt: skip
LogCoshError = type(
    "LogCoshError", (MeanMetricWrapper,),
    _wrapper(log_cosh, "logcosh", "The mean of log(cosh(error))."),
)  # fmt: skip
CosineSimilarity = type(
    "CosineSimilarity", (MeanMetricWrapper,),
    _wrapper(cosine_similarity, "cosine_similarity",
             "The mean cosine similarity of labels and predictions.", axis=True,
             unlisted={"axis": -1}),
)  # fmt: skip
PearsonCorrelation = type(
    "PearsonCorrelation", (MeanMetricWrapper,),
    _wrapper(pearson_correlation, "pearson_correlation",
             "The mean Pearson correlation along `axis`.", axis=True),
)  # fmt: skip
ConcordanceCorrelation = type(
    "ConcordanceCorrelation", (MeanMetricWrapper,),
    _wrapper(concordance_correlation, "concordance_correlation",
             "The mean concordance correlation along `axis`.", axis=True),
)  # fmt: skip
for _cls in (MeanAbsolutePercentageError, MeanSquaredLogarithmicError, LogCoshError,
             CosineSimilarity, PearsonCorrelation, ConcordanceCorrelation):  # fmt: skip
    _cls.__module__ = __name__


class R2Score(Metric):
    """The coefficient of determination, 1 - SS_res / SS_tot, per output then aggregated.

    Args:
        class_aggregation: None (one score per output), "uniform_average" or
            "variance_weighted_average" (weighted by each output's variance).
        num_regressors: the number of independent regressors, for the adjusted R^2 (0 gives
            the plain R^2).
        name, dtype: as for Metric.

    The state (one sum per output) is created on the first update.
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):  # fmt: skip
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError(
                "R2Score: class_aggregation must be None, 'uniform_average' or "
                f"'variance_weighted_average'; received {class_aggregation!r}."
            )
        if not isinstance(num_regressors, int) or num_regressors < 0:
            raise ValueError(
                f"R2Score: num_regressors must be an int >= 0; received {num_regressors!r}."
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), name="num_samples", dtype="int32")
        self._built = False

    def _build(self, num_outputs):
        variables = {"squared_sum": "squared_sum", "sum": "sum", "total_mse": "residual"}
        add_state_variables(self, (num_outputs,), {**variables, "count": "count"})

    def _build_for(self, y_true, y_pred):
        """Creates the state for predictions shaped like `y_pred` (no-op once built)."""
        if not self._built:
            self._build(int(y_pred.shape[-1]) if len(y_pred.shape) > 1 else 1)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _pair(y_true, y_pred)
        y_true = ops.cast(y_true, self.dtype)
        y_pred = ops.cast(y_pred, self.dtype)
        if len(y_pred.shape) == 1:
            y_pred = ops.expand_dims(y_pred, -1)
            y_true = ops.expand_dims(y_true, -1)
        if len(y_pred.shape) != 2 or tuple(y_true.shape) != tuple(y_pred.shape):
            raise ValueError(
                "R2Score: y_true and y_pred must have the same shape, (batch,) or "
                f"(batch, outputs); received {tuple(y_true.shape)} and {tuple(y_pred.shape)}."
            )
        build_state_once(self, int(y_pred.shape[-1]))
        if sample_weight is None:
            weight = ops.ones_like(y_true)
        else:
            weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
            if len(weight.shape) == 1:
                weight = ops.expand_dims(weight, -1)
            weight = weight * ops.ones_like(y_true)
        self.squared_sum.assign_add(ops.sum(weight * ops.square(y_true), axis=0))
        self.sum.assign_add(ops.sum(weight * y_true, axis=0))
        self.total_mse.assign_add(ops.sum(weight * ops.square(y_true - y_pred), axis=0))
        self.count.assign_add(ops.sum(weight, axis=0))
        self.num_samples.assign_add(ops.cast(ops.shape(y_true)[0], "int32"))

    def result(self):
        count = ops.convert_to_tensor(self.count.value)
        mean = ops.divide_no_nan(self.sum.value, count)
        total = self.squared_sum.value - count * ops.square(mean)
        raw = 1.0 - ops.divide_no_nan(self.total_mse.value, total)
        raw = ops.where(ops.equal(total, 0.0), ops.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            score = ops.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = ops.divide_no_nan(ops.sum(raw * total), ops.sum(total))
        else:
            score = raw
        if self.num_regressors:
            n = ops.cast(self.num_samples.value, self.dtype)
            p = float(self.num_regressors)
            adjusted = 1.0 - (1.0 - score) * ops.divide_no_nan(n - 1.0, n - p - 1.0)
            score = ops.where(ops.greater(n - p - 1.0, 0.0), adjusted, score)
        return score

    def get_config(self):
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation, "num_regressors": self.num_regressors,
        }  # fmt: skip
