"""`ReduceLROnPlateau`: lowers the learning rate when a metric stops improving."""

import warnings

from cornu.callbacks.callback import Callback
from cornu.callbacks.early_stopping import _get_monitor, _improved, _resolve_mode
from cornu.callbacks.learning_rate_scheduler import _get_lr, _set_lr


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` after `patience` epochs without improvement.

    Args:
        monitor: the log to watch.
        factor: the multiplier, in [0, 1).
        patience: epochs without improvement before a reduction.
        verbose: 1 prints each reduction.
        mode: "min", "max" or "auto".
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the learning rate never goes below this.
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
        **kwargs,
    ):
        super().__init__()
        if "epsilon" in kwargs:  # Keras 1's name for min_delta.
            min_delta = kwargs.pop("epsilon")
            warnings.warn("ReduceLROnPlateau: `epsilon` is deprecated, use `min_delta`.")
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau got unexpected argument(s) {sorted(kwargs)}.")
        if not 0.0 <= factor < 1.0:
            raise ValueError(
                f"ReduceLROnPlateau: `factor` must be in [0, 1) (it multiplies the "
                f"learning rate); received factor={factor!r}."
            )
        self.monitor = monitor
        self.factor = float(factor)
        self.patience = int(patience)
        self.verbose = verbose
        self.mode = _resolve_mode("ReduceLROnPlateau", monitor, mode)
        self.min_delta = abs(float(min_delta))
        self.cooldown = int(cooldown)
        self.min_lr = float(min_lr)
        self._reset()

    def _reset(self):
        self.wait = 0
        self.cooldown_counter = 0
        self.best = None
        self._warned_missing = False

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        current = _get_monitor(self, "ReduceLROnPlateau", logs)
        if current is not None:
            if self.in_cooldown():
                # Cooldown epochs after a reduction neither count nor reduce.
                self.cooldown_counter -= 1
                self.wait = 0
                if _improved(self.mode, current, self.best, self.min_delta):
                    self.best = current
            elif _improved(self.mode, current, self.best, self.min_delta):
                self.best = current
                self.wait = 0
            else:
                self.wait += 1
                if self.wait >= self.patience:
                    old_lr = _get_lr(self.model, "ReduceLROnPlateau")
                    if old_lr > self.min_lr:
                        new_lr = max(old_lr * self.factor, self.min_lr)
                        _set_lr(self.model, "ReduceLROnPlateau", new_lr)
                        if self.verbose > 0:
                            print(
                                f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning "
                                f"rate to {new_lr}."
                            )
                        self.cooldown_counter = self.cooldown
                        self.wait = 0
        logs["learning_rate"] = _get_lr(self.model, "ReduceLROnPlateau")
