"""`ReduceLROnPlateau`: lowers the learning rate when a metric stops improving."""

import warnings

import numpy as np

from cornu.backend.common import distribution_state
from cornu.callbacks import monitor as monitoring
from cornu.callbacks.callback import Callback
from cornu.callbacks.learning_rate_scheduler import get_lr, set_lr


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` after `patience` epochs without improvement.

    Each epoch's logs get `learning_rate`: the rate that epoch trained with (a reduction
    decided at its end shows from the next epoch on).

    Args:
        monitor: the log to watch.
        factor: the multiplier, in [0, 1).
        patience: epochs without improvement before a reduction.
        verbose: 1 prints each reduction.
        mode: "min", "max" or "auto" (see `EarlyStopping`).
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs after a reduction that count neither towards `patience` nor (the
            last of them excepted) as waiting; the counter runs down before it is checked.
        min_lr: the learning rate never goes below this.

    Example:

    ```python
    reduce = cornu.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
    model.fit(x, y, validation_split=0.2, epochs=50, callbacks=[reduce])
    ```
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
            warnings.warn(
                "ReduceLROnPlateau: `epsilon` is deprecated, use `min_delta`.", stacklevel=2
            )
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau got unexpected argument(s) {sorted(kwargs)}.")
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau: `factor` must be below 1.0 (it multiplies the "
                f"learning rate); received factor={factor!r}."
            )
        self.monitor = monitor
        self.factor = float(factor)
        self.patience = int(patience)
        self.verbose = verbose
        self.mode = monitoring.check_mode("ReduceLROnPlateau", mode)
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr
        self._reset()

    def _reset(self):
        self.wait = 0
        self.cooldown_counter = 0
        self.best = None
        self._direction = None

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        # The rate this epoch trained with, before any reduction below.
        logs["learning_rate"] = get_lr(self.model, "ReduceLROnPlateau")
        direction = monitoring.direction(self, "ReduceLROnPlateau")
        current = monitoring.read(self, logs, "Learning rate reduction")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if monitoring.is_improvement(direction, current, self.best, self.min_delta):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)

    def _reduce(self, epoch):
        old_lr = get_lr(self.model, "ReduceLROnPlateau")
        # Compared in float32, the optimizer's precision: a rate already at min_lr stays.
        if not old_lr > np.float32(self.min_lr):
            return
        new_lr = max(old_lr * self.factor, self.min_lr)
        set_lr(self.model, "ReduceLROnPlateau", new_lr)
        if self.verbose > 0 and distribution_state.is_chief():  # (process 0 speaks)
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
        self.cooldown_counter = self.cooldown
        self.wait = 0
