"""What `compile(loss=..., metrics=...)` builds: one loss and one metrics container over all of
a model's outputs (given as one, a list, or a dict keyed by output name)."""

from cornu import losses as losses_module
from cornu import metrics as metrics_module
from cornu import ops, tree
from cornu.metrics.metric import Metric


def _output_names(model):
    outputs = getattr(model, "_flat_outputs", None)
    if outputs:
        names = []
        for t in outputs:
            history = t._keras_history
            names.append(history.operation.name if history is not None else t.name)
        return names
    return None


def _per_output(value, names, what):
    """Expands `value` (single, list, or dict by output name) to one entry per output."""
    if names is None or len(names) == 1:
        if isinstance(value, dict) and names and len(value) == 1:
            return list(value.values())
        if isinstance(value, (list, tuple)) and what == "loss" and len(value) == 1:
            return list(value)
        return [value]
    if isinstance(value, dict):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise ValueError(
                f"compile({what}=...) names outputs {unknown} that the model does not have; its "
                f"outputs are {names}."
            )
        return [value.get(name) for name in names]
    if isinstance(value, (list, tuple)) and what == "loss":
        if len(value) != len(names):
            raise ValueError(
                f"compile(loss=...) got {len(value)} losses for a model with {len(names)} "
                f"outputs {names}."
            )
        return list(value)
    return [value] * len(names)


class CompileLoss:
    """The total training loss: the weighted sum of each output's loss."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self._spec, self._weights_spec, self.output_names = loss, loss_weights, output_names
        self._losses = None

    def build(self, y_true, y_pred):
        names = self.output_names
        n = len(tree.flatten(y_pred))
        if names is None or len(names) != n:
            names = [f"output_{i}" for i in range(n)] if n > 1 else None
        specs = _per_output(self._spec, names, "loss")
        if len(specs) == 1 and n > 1:
            specs = specs * n
        losses = []
        for spec in specs:
            if spec is None:
                losses.append(None)
                continue
            found = losses_module.get(spec)
            if isinstance(found, type):
                found = found()
            if not isinstance(found, losses_module.Loss):
                found = losses_module.LossFunctionWrapper(
                    found, name=getattr(found, "__name__", "loss")
                )
            losses.append(found)
        weights = self._weights_spec
        if weights is None:
            weights = [1.0] * len(losses)
        elif isinstance(weights, dict):
            weights = [weights.get(name, 1.0) for name in names]
        elif not isinstance(weights, (list, tuple)):
            weights = [weights]
        if len(weights) != len(losses):
            raise ValueError(
                f"compile(loss_weights=...) has {len(weights)} entries for {len(losses)} losses."
            )
        self._losses, self._loss_weights = losses, list(weights)

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self._losses is None:
            self.build(y_true, y_pred)
        flat_pred = tree.flatten(y_pred)
        flat_true = (
            [y_true[k] for k in sorted(y_true)] if isinstance(y_true, dict) else tree.flatten(y_true)
        )
        if len(flat_true) != len(flat_pred):
            raise ValueError(
                f"The model has {len(flat_pred)} output(s) but the targets `y` hold "
                f"{len(flat_true)} array(s)."
            )
        flat_sw = (
            tree.flatten(sample_weight) if isinstance(sample_weight, (list, tuple, dict))
            else [sample_weight] * len(flat_pred)
        )  # fmt: skip
        total = None
        for loss, weight, yt, yp, sw in zip(
            self._losses, self._loss_weights, flat_true, flat_pred, flat_sw
        ):
            if loss is None:
                continue
            value = loss(yt, yp, sample_weight=sw)
            value = value * weight if weight != 1.0 else value
            total = value if total is None else total + value
        if total is None:
            raise ValueError("compile(loss=...) gives no loss for any output.")
        return total


class CompileMetrics(Metric):
    """All compiled metrics of a model; `result()` is a dict of their values."""

    def __init__(self, metrics, weighted_metrics, output_names=None, loss=None):
        super().__init__(name="compile_metrics")
        self._spec, self._weighted_spec = metrics, weighted_metrics
        self.output_names, self._loss = output_names, loss
        self._built = False
        self._entries = []  # (output index, metric, weighted)

    @property
    def built(self):
        return self._built

    @property
    def variables(self):
        return [v for _, metric, _ in self._entries for v in metric.variables]

    @property
    def metrics(self):
        return [metric for _, metric, _ in self._entries]

    def build(self, y_true, y_pred):
        flat_pred = tree.flatten(y_pred)
        flat_true = tree.flatten(y_true)
        names = self.output_names
        if names is None or len(names) != len(flat_pred):
            names = [f"output_{i}" for i in range(len(flat_pred))] if len(flat_pred) > 1 else None
        for spec, weighted in ((self._spec, False), (self._weighted_spec, True)):
            if spec is None:
                continue
            per_output = _per_output(spec, names, "metrics")
            if len(per_output) == 1 and len(flat_pred) > 1:
                per_output = per_output * len(flat_pred)
            for index, output_spec in enumerate(per_output):
                if output_spec is None:
                    continue
                items = output_spec if isinstance(output_spec, (list, tuple)) else [output_spec]
                for item in items:
                    metric = self._resolve(item, flat_true[index], flat_pred[index])
                    if hasattr(metric, "_build_for"):  # state sized from the data (F1, R2...)
                        metric._build_for(flat_true[index], flat_pred[index])
                    if names is not None and len(flat_pred) > 1:
                        metric.name = f"{names[index]}_{metric.name}"
                    if weighted:
                        metric.name = f"weighted_{metric.name}"
                    self._entries.append((index, metric, weighted))
        self._built = True

    def _resolve(self, item, y_true, y_pred):
        if item in ("accuracy", "acc"):
            pred_last = y_pred.shape[-1] if len(y_pred.shape) else 1
            true_shape = tuple(y_true.shape)
            if pred_last == 1:
                metric = metrics_module.BinaryAccuracy()
            elif len(true_shape) < len(y_pred.shape) or true_shape[-1] == 1:
                metric = metrics_module.SparseCategoricalAccuracy()
            else:
                metric = metrics_module.CategoricalAccuracy()
            metric.name = item if item == "acc" else "accuracy"
            return metric
        metric = metrics_module.get(item)
        if isinstance(metric, type):
            metric = metric()
        return metric

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self._built:
            self.build(y_true, y_pred)
        flat_pred = tree.flatten(y_pred)
        flat_true = (
            [y_true[k] for k in sorted(y_true)] if isinstance(y_true, dict) else tree.flatten(y_true)
        )
        for index, metric, weighted in self._entries:
            sw = sample_weight if weighted else None
            if isinstance(sw, (list, tuple)):
                sw = sw[index]
            metric.update_state(flat_true[index], flat_pred[index], sample_weight=sw)

    def result(self):
        return {metric.name: metric.result() for _, metric, _ in self._entries}

    def reset_state(self):
        for _, metric, _ in self._entries:
            metric.reset_state()

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        from cornu.backend.common import scopes

        mapping = list(zip(self.variables, metric_variables))
        with scopes.StatelessScope(mapping) as scope:
            self.update_state(*args, **kwargs)
        return [
            scope.get_current_value(v) if scope.get_current_value(v) is not None else value
            for v, value in mapping
        ]

    def stateless_result(self, metric_variables):
        from cornu.backend.common import scopes

        with scopes.StatelessScope(list(zip(self.variables, metric_variables))):
            return self.result()

    def stateless_reset_state(self):
        return [value for _, metric, _ in self._entries for value in metric.stateless_reset_state()]


def total_loss(values):
    """Sum of a list of scalar tensors (0.0 for an empty list)."""
    total = None
    for value in values:
        total = value if total is None else ops.add(total, value)
    return total
