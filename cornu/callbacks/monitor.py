"""What the monitoring callbacks share: reading the monitored log, and whether it should go down
or up (`mode`).

`mode="auto"` is resolved when training first reports: a loss goes down; a compiled metric goes
the way its class does (its `_direction`, "up" or "down", when it declares one). A name that is
neither raises, asking for `mode="min"` or `mode="max"`, instead of guessing.
"""

import warnings

import numpy as np

_MODES = ("auto", "min", "max")

# Built-in metrics by the direction in which they improve. Metrics that only count or average
# (Mean, Sum, TruePositives, ...) have no direction: they need an explicit mode.
_UP = frozenset((
    "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "AUC", "Precision", "Recall",
    "PrecisionAtRecall", "RecallAtPrecision", "SensitivityAtSpecificity",
    "SpecificityAtSensitivity", "F1Score", "FBetaScore", "IoU", "MeanIoU", "BinaryIoU",
    "OneHotIoU", "OneHotMeanIoU", "R2Score", "CosineSimilarity", "PearsonCorrelation",
    "ConcordanceCorrelation",
))  # fmt: skip
_DOWN = frozenset((
    "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "RootMeanSquaredError", "LogCoshError", "BinaryCrossentropy",
    "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "KLDivergence", "Poisson",
    "Hinge", "SquaredHinge", "CategoricalHinge",
))  # fmt: skip


def check_mode(owner, mode):
    """`mode` itself when valid; an unknown mode warns and falls back to "auto"."""
    if mode in _MODES:
        return mode
    warnings.warn(
        f"{owner}: mode {mode!r} is unknown (expected one of {', '.join(_MODES)}); "
        "falling back to 'auto'.",
        stacklevel=3,
    )
    return "auto"


def direction(callback, owner):
    """ "min" or "max" for `callback.monitor`, resolved once against `callback.model`."""
    resolved = getattr(callback, "_direction", None)
    if resolved is None:
        resolved = _resolve(callback, owner)
        callback._direction = resolved
    return resolved


def _resolve(callback, owner):
    if callback.mode in ("min", "max"):
        return callback.mode
    name = callback.monitor[4:] if callback.monitor.startswith("val_") else callback.monitor
    if name == "loss" or name.endswith("_loss"):
        return "min"
    found = _metric_direction(getattr(callback, "model", None), name)
    if found is None:
        raise ValueError(
            f"{owner} cannot tell whether monitor={callback.monitor!r} should go down or up: "
            "it is not a loss, nor a compiled metric whose direction is known. Pass "
            "mode='min' to watch for the lowest value or mode='max' for the highest."
        )
    return found


def _metric_direction(model, name):
    for metric in _all_metrics(model):
        if metric.name != name:
            continue
        declared = getattr(metric, "_direction", None)
        if declared in ("up", "down"):
            return "max" if declared == "up" else "min"
        cls = type(metric).__name__
        if cls in _UP:
            return "max"
        if cls in _DOWN:
            return "min"
    return None


def _all_metrics(model):
    """The model's metrics, with a compiled-metrics container opened up."""
    found = []
    for metric in list(getattr(model, "metrics", None) or []):
        inner = getattr(metric, "metrics", None)
        found.extend(inner if isinstance(inner, list) else [metric])
    return found


def is_improvement(direction_, current, reference, min_delta=0.0):
    """Whether `current` beats `reference` by more than `min_delta` (None is beaten by all)."""
    if reference is None:
        return True
    if direction_ == "min":
        return current + min_delta < reference
    return current - min_delta > reference


def read(callback, logs, what):
    """The monitored value as a float, or None with a warning naming the logs that exist.

    `what` completes the sentence "... is conditioned on metric X": which behaviour waits.
    """
    logs = logs or {}
    value = logs.get(callback.monitor)
    if value is None:
        warnings.warn(
            f"{what} is conditioned on metric '{callback.monitor}', which is not available. "
            f"Available metrics are: {', '.join(logs) or '(none)'}.",
            stacklevel=3,
        )
        return None
    return float(np.asarray(value))
