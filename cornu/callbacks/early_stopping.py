"""`EarlyStopping`: stops training when a monitored quantity stops improving."""

import numpy as np

from cornu.backend.common import distribution_state
from cornu.callbacks import loop_state
from cornu.callbacks import monitor as monitoring
from cornu.callbacks.callback import Callback


def _copy_weights(model):
    """The model's weights as owned NumPy copies (torch's may share memory with it)."""
    return [np.array(w, copy=True) for w in model.get_weights()]


class EarlyStopping(Callback):
    """Stops training when `monitor` has not improved for `patience` epochs.

    Args:
        monitor: the log to watch (e.g. "val_loss").
        min_delta: the smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints a message when stopping and when restoring weights.
        mode: "min", "max", or "auto" (a loss goes down; a compiled metric goes the way its
            class does; other names raise and ask for "min" or "max").
        baseline: a value the metric must beat: epochs that improve on the best so far but
            not on `baseline` still count towards `patience` (training never stops on an
            epoch that improved, though).
        restore_best_weights: at the end, restore the weights of the best epoch.
        start_from_epoch: epochs to wait before watching (a warm-up).

    Example:

    ```python
    stop = cornu.callbacks.EarlyStopping(monitor="val_loss", patience=3)
    model.fit(x, y, validation_split=0.2, epochs=100, callbacks=[stop])
    stop.stopped_epoch  # 0 if training ran to the end
    ```
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
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.mode = monitoring.check_mode("EarlyStopping", mode)
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self._reset_progress()

    def _reset_progress(self):
        """Forgets what an earlier `fit` saw: the wait, the best value and its weights."""
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None
        self._direction = None

    def on_train_begin(self, logs=None):
        self._reset_progress()

    def on_epoch_end(self, epoch, logs=None):
        direction = monitoring.direction(self, "EarlyStopping")
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = _copy_weights(self.model)
        self.wait += 1
        if monitoring.is_improvement(direction, current, self.best, self.min_delta):
            self._record_best(epoch, current, direction)
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def _record_best(self, epoch, current, direction):
        self.best, self.best_epoch = current, epoch
        if self.restore_best_weights:
            self.best_weights = _copy_weights(self.model)
        # Patience restarts only once the baseline is beaten too.
        if self.baseline is None or monitoring.is_improvement(
            direction, current, float(self.baseline), self.min_delta
        ):
            self.wait = 0

    def on_train_end(self, logs=None):
        says = self.verbose > 0 and distribution_state.is_chief()  # (process 0 speaks)
        if self.stopped_epoch > 0 and says:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if says:
                print(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)
            loop_state.refresh_loop_state(self.model)

    def get_monitor_value(self, logs):
        """The monitored value from `logs` as a float (None, with a warning, if missing)."""
        return monitoring.read(self, logs, "Early stopping")
