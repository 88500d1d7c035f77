"""What `compile(loss=..., metrics=...)` builds: one loss and one metrics container over all of
a model's outputs (given as one, a list, or a dict keyed by output name).

Names reach the logs as Keras gives them: a metric asked for by string logs under that string
("mae"), a function under its `__name__`, a Metric under its `name`; a repeated name gets
`_1`, `_2`...; a weighted metric whose name is taken gets `weighted_`. With several outputs,
each name is prefixed by its output's name (`out1_accuracy`) and each output's loss is
tracked on its own (`out1_loss`).
"""

import numpy as np

from cornu import backend, ops, tree
from cornu import losses as losses_module
from cornu import metrics as metrics_module
from cornu.backend.common import scopes
from cornu.losses.losses import check_label_range
from cornu.metrics.metric import Mean, Metric


def _output_names(model):
    """The names of a model's outputs in flat order (dict keys for dict outputs, else the
    producing layers' names), or None when the model has no known outputs (subclassed)."""
    outputs = getattr(model, "_flat_outputs", None)
    if not outputs:
        return None
    struct = getattr(model, "_outputs_struct", None)
    if isinstance(struct, dict):
        keys = [path[0] for path, _ in tree.flatten_with_path(struct)]
        if all(isinstance(k, str) for k in keys):
            return keys
    names = []
    for t in outputs:
        history = t._keras_history
        names.append(history.operation.name if history is not None else t.name)
    return names


def _names_for(names, n):
    """`names` when they describe `n` outputs, else None (outputs known only once called)."""
    return names if names is not None and len(names) == n else None


def flat_targets(y_true, names, n):
    """`y_true` as one array per output; a dict of targets is matched by output name."""
    if isinstance(y_true, dict) and names is not None and all(k in y_true for k in names):
        return [y_true[k] for k in names]
    flat = tree.flatten(y_true)
    if len(flat) != n:
        raise ValueError(
            f"The model has {n} output(s) but the targets `y` hold {len(flat)} array(s); "
            "pass one target per output (a list in output order, or a dict by output name)."
        )
    return flat


def _flat_sample_weights(sample_weight, names, n):
    """One sample weight (or None) per output; a single array applies to every output."""
    if isinstance(sample_weight, dict):
        return [sample_weight.get(k) for k in names] if names else tree.flatten(sample_weight)
    if isinstance(sample_weight, (list, tuple)) and len(sample_weight) == n and n > 1:
        return list(sample_weight)
    return [sample_weight] * n


# -- losses ------------------------------------------------------------------------------


def _losses_per_output(spec, names, n):
    """One loss spec (or None) per output, from a single spec, a list or a dict."""
    if isinstance(spec, dict):
        if names is None:
            if n == 1 and len(spec) == 1:
                return list(spec.values())
            raise ValueError(
                f"compile(loss=...) got a dict {sorted(spec)} but the model's outputs have no "
                "names (a subclassed model): pass a list of losses in output order."
            )
        if sorted(spec) != sorted(names):
            raise ValueError(
                f"compile(loss=...) expects the keys {names} (the model's output names) in "
                f"the loss dict; received {list(spec)}. Give None for an output without loss."
            )
        return [spec[name] for name in names]
    if isinstance(spec, (list, tuple)):
        if len(spec) > n:
            raise ValueError(
                f"compile(loss=...) got {len(spec)} losses for a model with {n} output(s)."
            )
        # A shorter list covers the first outputs (as Keras does); the rest have no loss.
        return list(spec) + [None] * (n - len(spec))
    return [spec] * n


def _weights_per_output(spec, names, n):
    if spec is None:
        return [1.0] * n
    if isinstance(spec, (int, float)):
        return [float(spec)] * n
    if isinstance(spec, dict):
        unknown = [k for k in spec if names is None or k not in names]
        if unknown:
            raise ValueError(
                f"compile(loss_weights=...) names outputs {unknown} that the model does not "
                f"have; its outputs are {names}."
            )
        return [float(spec.get(name, 1.0)) for name in names]
    if isinstance(spec, (list, tuple)):
        if len(spec) > n:
            raise ValueError(
                f"compile(loss_weights=...) has {len(spec)} weights for a model with {n} "
                "output(s); give one weight per output."
            )
        return [float(w) for w in spec] + [1.0] * (n - len(spec))
    raise TypeError(
        f"compile(loss_weights=...) expects a number, a list or a dict; received "
        f"{type(spec).__name__}."
    )


def resolve_loss(spec):
    """A Loss instance from a name, a function, a class or a Loss."""
    found = losses_module.get(spec)
    if isinstance(found, type):
        found = found()
    if not isinstance(found, losses_module.Loss):
        found = losses_module.LossFunctionWrapper(found, name=getattr(found, "__name__", "loss"))
    return found


def _last_dim(y_pred):
    shape = getattr(y_pred, "shape", ())
    return shape[-1] if len(shape) and isinstance(shape[-1], int) else None


def _sparse_ignore_class(loss):
    """For a sparse categorical cross-entropy, its `ignore_class` (None if unset); else False."""
    fn = getattr(loss, "fn", None)
    if fn is not losses_module.sparse_categorical_crossentropy:
        return False
    return loss._fn_kwargs.get("ignore_class")


def _loss_label(spec, loss):
    """How an unnamed output's loss tracker is called: the string given, else the loss's name."""
    return spec if isinstance(spec, str) else loss.name


class CompileLoss:
    """The total training loss: the weighted sum of each output's loss. With more than one
    output loss, `metrics` holds a Mean tracker per output (`<output>_loss`)."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self._spec, self._weights_spec, self.output_names = loss, loss_weights, output_names
        self._losses = None
        self._trackers = {}
        self.built = False

    @property
    def metrics(self):
        return list(self._trackers.values())

    def build(self, y_true, y_pred):
        n = len(tree.flatten(y_pred))
        names = _names_for(self.output_names, n)
        specs = _losses_per_output(self._spec, names, n)
        self._losses = [resolve_loss(s) if s is not None else None for s in specs]
        weights = self._weights_spec
        if isinstance(weights, (list, tuple)) and not isinstance(self._spec, (list, tuple, dict)):
            # One loss for all outputs takes one weight (as Keras counts losses).
            if len(weights) != 1:
                raise ValueError(
                    f"compile(loss_weights=...) has {len(weights)} weights for one loss; give "
                    "one weight, or one loss per output."
                )
            weights = weights[0]
        self._loss_weights = _weights_per_output(weights, names, n)
        # The host-side label checks, decided once: (output index, classes, ignore_class) for
        # each sparse cross-entropy output whose number of classes is known.
        self._host_checks = [
            (i, classes, _sparse_ignore_class(loss))
            for i, (loss, classes) in enumerate(
                zip(self._losses, [_last_dim(p) for p in tree.flatten(y_pred)])
            )
            if _sparse_ignore_class(loss) is not False and classes is not None
        ]
        active = [i for i, loss in enumerate(self._losses) if loss is not None]
        if len(active) > 1:
            self._trackers = {
                i: Mean(
                    name=f"{names[i]}_loss"
                    if names
                    else f"{_loss_label(specs[i], self._losses[i])}_loss"
                )
                for i in active
            }
        self.built = True

    def has_host_checks(self):
        """Whether any output's loss checks host labels (a sparse cross-entropy)."""
        return self.built and bool(self._host_checks)

    def check_host_targets(self, y_true):
        """Checks host-side (NumPy) labels of sparse cross-entropy outputs against the number
        of classes. Compiled steps cannot raise on values: out-of-range labels would give a
        silent zero loss there, so each host batch is checked before it is converted."""
        if not self.built or not self._host_checks or y_true is None:
            return
        names = _names_for(self.output_names, len(self._losses))
        flat_true = flat_targets(y_true, names, len(self._losses))
        for i, classes, ignore in self._host_checks:
            yt = flat_true[i]
            if isinstance(yt, np.ndarray):
                labels = yt.reshape(yt.shape[:-1]) if yt.ndim > 1 and yt.shape[-1] == 1 else yt
                check_label_range(labels, classes, ignore)

    def __call__(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        flat_pred = tree.flatten(y_pred)
        names = _names_for(self.output_names, len(flat_pred))
        if y_true is None:
            raise ValueError(
                f"The model was compiled with loss={self._spec!r}, but the data has no targets "
                "(y is None). Pass y (or batches of (x, y)), or compile without a loss and "
                "train with add_loss() or an overridden compute_loss()."
            )
        flat_true = flat_targets(y_true, names, len(flat_pred))
        flat_sw = _flat_sample_weights(sample_weight, names, len(flat_pred))
        total = None
        for i, (loss, yt, yp, sw) in enumerate(zip(self._losses, flat_true, flat_pred, flat_sw)):
            if loss is None:
                continue
            value = loss(yt, yp, sample_weight=sw)
            if i in self._trackers:
                # Each output's own (unweighted) loss, averaged over samples like `loss`.
                batch = backend.shape(yp)[0] if len(yp.shape) else 1
                self._trackers[i].update_state(ops.stop_gradient(value), sample_weight=batch)
            weight = self._loss_weights[i]
            value = value * weight if weight != 1.0 else value
            total = value if total is None else total + value
        if total is None:
            raise ValueError(
                "compile(loss=...) gives no loss for any output: pass a loss for at least one."
            )
        return total


# -- metrics -----------------------------------------------------------------------------


def _check_metrics_argument(spec, what):
    if spec is not None and not isinstance(spec, (list, tuple, dict)):
        raise ValueError(
            f"compile({what}=...) expects a list, tuple or dict of metrics; received {spec!r} "
            f"of type {type(spec).__name__}. Write {what}=[{spec!r}]."
        )


def _as_metric_list(entry, what):
    """A per-output entry (one metric, a list of them, or None) as a list of metrics."""
    if entry is None:
        return []
    items = list(entry) if isinstance(entry, (list, tuple)) else [entry]
    for item in items:
        if item is None:
            raise ValueError(
                f"compile({what}=...) holds None where a metric was expected; remove it."
            )
    return items


def _metrics_per_output(spec, names, n, what):
    """One list of metric specs per output."""
    if spec is None:
        return [[] for _ in range(n)]
    if isinstance(spec, dict):
        if n == 1 and len(spec) == 1:
            return [_as_metric_list(next(iter(spec.values())), what)]
        unknown = [k for k in spec if names is None or k not in names]
        if unknown:
            raise ValueError(
                f"compile({what}=...) names outputs {unknown} that the model does not have; "
                f"its outputs are {names}."
            )
        return [_as_metric_list(spec.get(name), what) for name in names]
    if n == 1:
        flat = []
        for entry in spec:  # (a nested list, [["mae"]], is accepted for one output)
            flat.extend(entry if isinstance(entry, (list, tuple)) else [entry])
        return [_as_metric_list(flat, what)]
    if len(spec) != n:
        raise ValueError(
            f"compile({what}=...) got a list of {len(spec)} entries for a model with {n} "
            f"outputs {names}: give one entry (a metric or a list of metrics) per output, or a "
            "dict by output name."
        )
    return [_as_metric_list(entry, what) for entry in spec]


def _accuracy_for(y_true, y_pred):
    """The accuracy "accuracy"/"acc" means for these shapes: binary for one unit, sparse for
    integer labels (a missing or size-1 class axis), else categorical."""
    pred_last = y_pred.shape[-1] if len(y_pred.shape) else 1
    true_shape = tuple(y_true.shape)
    if pred_last == 1:
        return metrics_module.BinaryAccuracy()
    if len(true_shape) < len(y_pred.shape) or (true_shape and true_shape[-1] == 1):
        return metrics_module.SparseCategoricalAccuracy()
    return metrics_module.CategoricalAccuracy()


def resolve_metric(item, y_true, y_pred):
    """A Metric from a string, a function, a class or a Metric; a string names it."""
    if item in ("accuracy", "acc"):
        metric = _accuracy_for(y_true, y_pred)
    else:
        metric = metrics_module.get(item)
        if isinstance(metric, type):
            metric = metric()
    if isinstance(item, str):
        metric.name = item  # a metric asked for by name logs under that name ("mae")
    return metric


class _Entry:
    """One compiled metric: which output it watches, whether weighted, its log name."""

    def __init__(self, index, metric, weighted, log_name):
        self.index, self.metric, self.weighted, self.log_name = index, metric, weighted, log_name


class CompileMetrics(Metric):
    """All compiled metrics of a model; `result()` is a dict of their values by log name."""

    def __init__(self, metrics, weighted_metrics, output_names=None, loss=None):
        super().__init__(name="compile_metrics")
        _check_metrics_argument(metrics, "metrics")
        _check_metrics_argument(weighted_metrics, "weighted_metrics")
        self._spec, self._weighted_spec = metrics, weighted_metrics
        self.output_names, self._loss = output_names, loss
        self._built = False
        self._entries = []

    @property
    def built(self):
        return self._built

    @property
    def variables(self):
        return [v for entry in self._entries for v in entry.metric.variables]

    @property
    def metrics(self):
        return [entry.metric for entry in self._entries]

    def build(self, y_true, y_pred):
        flat_pred = tree.flatten(y_pred)
        n = len(flat_pred)
        names = _names_for(self.output_names, n)
        flat_true = flat_targets(y_true, names, n)
        prefixes = [f"{name}_" for name in names] if names and n > 1 else [""] * n
        taken = set()
        for spec, weighted, what in (
            (self._spec, False, "metrics"), (self._weighted_spec, True, "weighted_metrics")
        ):  # fmt: skip
            for index, items in enumerate(_metrics_per_output(spec, names, n, what)):
                for item in items:
                    metric = resolve_metric(item, flat_true[index], flat_pred[index])
                    if hasattr(metric, "_build_for"):  # state sized from the data (F1, R2...)
                        metric._build_for(flat_true[index], flat_pred[index])
                    log_name = _unique_log_name(prefixes[index], metric.name, weighted, taken)
                    taken.add(log_name)
                    self._entries.append(_Entry(index, metric, weighted, log_name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self._built:
            self.build(y_true, y_pred)
        flat_pred = tree.flatten(y_pred)
        names = _names_for(self.output_names, len(flat_pred))
        flat_true = flat_targets(y_true, names, len(flat_pred))
        flat_sw = _flat_sample_weights(sample_weight, names, len(flat_pred))
        for entry in self._entries:
            sw = flat_sw[entry.index] if entry.weighted else None
            i = entry.index
            entry.metric.update_state(flat_true[i], flat_pred[i], sample_weight=sw)

    def result(self):
        return {entry.log_name: entry.metric.result() for entry in self._entries}

    def reset_state(self):
        for entry in self._entries:
            entry.metric.reset_state()

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        mapping = list(zip(self.variables, metric_variables))
        with scopes.StatelessScope(mapping) as scope:
            self.update_state(*args, **kwargs)
        return [
            scope.get_current_value(v) if scope.get_current_value(v) is not None else value
            for v, value in mapping
        ]

    def stateless_result(self, metric_variables):
        with scopes.StatelessScope(list(zip(self.variables, metric_variables))):
            return self.result()

    def stateless_reset_state(self):
        return [value for entry in self._entries for value in entry.metric.stateless_reset_state()]


def _unique_log_name(prefix, name, weighted, taken):
    """`prefix + name`, made unique among `taken`: a weighted metric first tries `weighted_`,
    then (as every metric) a `_1`, `_2`... suffix."""
    if weighted and prefix + name in taken:
        name = f"weighted_{name}"
    candidate, i = prefix + name, 0
    while candidate in taken:
        i += 1
        candidate = f"{prefix}{name}_{i}"
    return candidate


def metrics_in_order(model, logs):
    """The values of `logs` as a list, in the order evaluate() returns them: each tracked
    metric's own name in `model.metrics` order, the compiled metrics expanded, then the other
    keys sorted (a quirk kept from Keras: a name seen twice gives its value twice)."""
    order = []
    for metric in model.metrics:
        if isinstance(metric, CompileMetrics):
            order.extend(m.name for m in metric.metrics)
        else:
            order.append(metric.name)
    values = [logs[name] for name in order if name in logs]
    values += [logs[key] for key in sorted(logs) if key not in set(order)]
    return values


def total_loss(values):
    """Sum of a list of scalar tensors (0.0 for an empty list)."""
    total = None
    for value in values:
        total = value if total is None else ops.add(total, value)
    return total
