"""`Metric`: state in Variables, `update_state`/`result`/`reset_state`, and their stateless
twins (written once here, over StatelessScope) for jit-compiled training steps."""

from cornu import backend, initializers, ops
from cornu.backend.common import dtypes, scopes
from cornu.graph.operation import auto_name
from cornu.losses.loss import listed_function_arguments, num_elements
from cornu.utils.identifiers import snake_case


class Metric:
    """The base of every metric. Subclasses create state with `add_variable` in `__init__`,
    and implement `update_state(...)` and `result()`.

    Args:
        dtype: the dtype of the metric's state and result; `floatx()` when None.
        name: the metric's name (the key it has in training logs).
    """

    # Metrics that Keras names like layers when unnamed (`auc`, then `auc_1`, ...).
    _auto_named = False

    def __init__(self, dtype=None, name=None):
        if not name:
            name = snake_case(type(self).__name__)
            name = auto_name(name) if self._auto_named else name
        self.name = name
        self._dtype = dtypes.standardize_dtype(dtype) if dtype is not None else backend.floatx()
        self._variables = []
        self._initial_values = []

    @property
    def dtype(self):
        return self._dtype

    @property
    def variables(self):
        return list(self._variables)

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None):
        """Creates a non-trainable state Variable of this metric."""
        init = initializers.get(initializer)
        dtype = dtypes.standardize_dtype(dtype or self._dtype)
        with scopes.name_scope(self.name.replace("/", "_"), caller=self):
            variable = backend.Variable(
                init, shape=tuple(shape), dtype=dtype, trainable=False,
                aggregation=aggregation, name=name,
            )  # fmt: skip
        self._variables.append(variable)
        self._initial_values.append((init, tuple(shape), dtype))
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Keras's other spelling of `add_variable` (a zeros initializer when None)."""
        return self.add_variable(shape, initializer or "zeros", dtype=dtype, name=name)

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state().")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def reset_state(self):
        """Sets every state variable back to its initial value."""
        for variable, (init, shape, dtype) in zip(self._variables, self._initial_values):
            variable.assign(init(shape, dtype=dtype))

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    # -- the stateless API ---------------------------------------------------------------

    def _mapping(self, metric_variables):
        metric_variables = list(metric_variables)
        if len(metric_variables) != len(self._variables):
            raise ValueError(
                f"Metric '{self.name}' has {len(self._variables)} variables; received "
                f"{len(metric_variables)} values."
            )
        return list(zip(self._variables, metric_variables))

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """`update_state` as a pure function: returns the new variable values."""
        mapping = self._mapping(metric_variables)
        with scopes.StatelessScope(mapping) as scope:
            self.update_state(*args, **kwargs)
        return [
            scope.get_current_value(v) if scope.get_current_value(v) is not None else value
            for v, value in mapping
        ]

    def stateless_result(self, metric_variables):
        """`result()` computed from the given variable values."""
        with scopes.StatelessScope(self._mapping(metric_variables)):
            return self.result()

    def stateless_reset_state(self):
        """The initial variable values (what `reset_state` would assign)."""
        return [init(shape, dtype=dtype) for init, shape, dtype in self._initial_values]

    def get_config(self):
        return {"name": self.name, "dtype": self._dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class Mean(Metric):
    """The (weighted) mean of the values it is given."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")
        self.count = self.add_variable((), name="count")

    def update_state(self, values, sample_weight=None):
        values = ops.cast(ops.convert_to_tensor(values), self.dtype)
        if sample_weight is None:
            self.total.assign_add(ops.sum(values))
            self.count.assign_add(ops.cast(num_elements(values), self.dtype))
            return
        if type(sample_weight) in (int, float) and not values.shape:
            # One weighted value (the trainer's loss tracker: the loss weighted by the batch).
            self.total.assign_add(values * float(sample_weight))
            self.count.assign_add(float(sample_weight))
            return
        weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
        while len(weight.shape) < len(values.shape):
            weight = ops.expand_dims(weight, -1)
        weight = weight * ops.ones_like(values)  # broadcast (works with run-time shapes too)
        self.total.assign_add(ops.sum(values * weight))
        self.count.assign_add(ops.sum(weight))

    def result(self):
        return ops.divide_no_nan(self.total.value, self.count.value)


class Sum(Metric):
    """The (weighted) sum of the values it is given."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")

    def update_state(self, values, sample_weight=None):
        values = ops.cast(ops.convert_to_tensor(values), self.dtype)
        if sample_weight is not None:
            weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
            while len(weight.shape) < len(values.shape):
                weight = ops.expand_dims(weight, -1)
            values = values * weight
        self.total.assign_add(ops.sum(values))

    def result(self):
        # A copy: a result must not change when later updates add to the state in place.
        return ops.copy(self.total.value)


def add_state_variables(metric, shape, variables):
    """Creates state Variables of `shape` for a metric that builds its state lazily (on its
    first update), `variables` mapping attribute names to Variable names, and marks it built."""
    for attribute, name in variables.items():
        setattr(metric, attribute, metric.add_variable(shape, name=name))
    metric._built = True


def build_state_once(metric, size):
    """Builds a lazily-built metric's state (`metric._build(size)`) unless it is built. The
    first update must run eagerly: a stateless (compiled) step cannot create Variables."""
    if metric._built:
        return
    if scopes.in_stateless_scope():
        raise ValueError(
            f"{type(metric).__name__} '{metric.name}' creates its state on its first update, "
            "which cannot happen inside a stateless (compiled) step: call "
            "`metric._build_for(y_true, y_pred)` or `update_state` once eagerly first."
        )
    metric._build(size)


class MeanMetricWrapper(Mean):
    """The mean of `fn(y_true, y_pred, **kwargs)` over all samples seen.

    Args:
        fn: a function of `(y_true, y_pred)` returning per-sample values.
        name, dtype: as for Metric.
        **kwargs: passed to `fn`.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    # Arguments Keras leaves out of this metric's config: kept only when not at their default,
    # so a config equals Keras's and still round-trips a non-default value.
    _unlisted_defaults = {}

    def get_config(self):
        listed = listed_function_arguments(self._fn_kwargs, self._unlisted_defaults)
        return {**super().get_config(), **listed}
