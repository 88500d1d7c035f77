"""`EarlyStopping`: stops training when a monitored quantity stops improving.

Also holds the private helpers the other monitoring callbacks share (the comparison for
`mode`, the missing-metric warning, and keeping a running loop's state in step with
variables a callback assigns).
"""

import warnings

import numpy as np

from cornu.callbacks.callback import Callback

_MAX_HINTS = ("acc", "accuracy", "auc", "precision", "recall", "f1", "iou")


def _resolve_mode(name, monitor, mode):
    """Returns "min" or "max" for `mode` ("auto" guesses from the metric's name)."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(
            f"{name}: `mode` must be one of 'auto', 'min', 'max'; received mode={mode!r}."
        )
    if mode != "auto":
        return mode
    base = monitor[4:] if monitor.startswith("val_") else monitor
    base = base.lower()
    if any(base == h or base.endswith("_" + h) or base.startswith(h) for h in _MAX_HINTS):
        return "max"
    return "min"


def _improved(mode, current, reference, min_delta):
    """Whether `current` beats `reference` by more than `min_delta` (None beats nothing)."""
    if reference is None:
        return True
    if mode == "min":
        return current + min_delta < reference
    return current - min_delta > reference


def _get_monitor(callback, name, logs):
    """The monitored value as a float, or None (warning once, naming the logs that exist)."""
    logs = logs or {}
    value = logs.get(callback.monitor)
    if value is None:
        if not getattr(callback, "_warned_missing", False):
            callback._warned_missing = True
            warnings.warn(
                f"{name} is monitoring '{callback.monitor}', which is not in the logs; the "
                f"available metrics are: {', '.join(sorted(logs)) or '(none)'}.",
                stacklevel=3,
            )
        return None
    return float(np.asarray(value))


def _refresh_loop_state(model):
    """After assigning a model's variables mid-loop, make the running loop see them (the JAX
    trainer keeps its state outside the Variables while a loop runs)."""
    refresh = getattr(model, "_loop_refresh", None)
    if refresh is not None:
        refresh()


def _sync_from_loop(model):
    """Copies a running loop's state into the Variables (before reading or saving them)."""
    sync = getattr(model, "_loop_sync", None)
    if sync is not None:
        sync()


def _copy_weights(model):
    """The model's weights as owned NumPy copies (torch's may share memory with it)."""
    return [np.array(w, copy=True) for w in model.get_weights()]


class EarlyStopping(Callback):
    """Stops training when `monitor` has not improved for `patience` epochs.

    Args:
        monitor: the log to watch (e.g. "val_loss").
        min_delta: the smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints a message when stopping.
        mode: "min", "max", or "auto" (max for accuracy-like names, else min).
        baseline: a value the metric must beat; training stops if it does not within
            `patience` epochs.
        restore_best_weights: at the end, restore the weights of the best epoch.
        start_from_epoch: epochs to wait before watching (a warm-up).
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__()
        if patience < 0:
            raise ValueError(f"EarlyStopping: `patience` must be >= 0; received {patience!r}.")
        self.monitor = monitor
        self.min_delta = abs(float(min_delta))
        self.patience = int(patience)
        self.verbose = verbose
        self.mode = _resolve_mode("EarlyStopping", monitor, mode)
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = int(start_from_epoch)
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None
        self._warned_missing = False

    def on_epoch_end(self, epoch, logs=None):
        current = _get_monitor(self, "EarlyStopping", logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = _copy_weights(self.model)
        self.wait += 1
        if _improved(self.mode, current, self.best, self.min_delta):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = _copy_weights(self.model)
            if self.baseline is None or _improved(
                self.mode, current, float(self.baseline), self.min_delta
            ):
                self.wait = 0
                return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring the weights from the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
            _refresh_loop_state(self.model)

    def get_monitor_value(self, logs):
        """The monitored value from `logs` as a float (None, with a warning, if missing)."""
        return _get_monitor(self, "EarlyStopping", logs)
