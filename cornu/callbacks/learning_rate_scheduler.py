"""`LearningRateScheduler`: sets the optimizer's learning rate at the start of each epoch."""

import numpy as np

from cornu.callbacks.callback import Callback
from cornu.callbacks.early_stopping import _refresh_loop_state


def _optimizer_of(model, name):
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ValueError(f"{name} needs a compiled model whose optimizer has a learning_rate.")
    return optimizer


def _get_lr(model, name):
    return float(np.asarray(_optimizer_of(model, name).learning_rate))


def _set_lr(model, name, value):
    _optimizer_of(model, name).learning_rate = value
    _refresh_loop_state(model)


class LearningRateScheduler(Callback):
    """Calls `schedule(epoch, lr)` at each epoch's start and uses the result as the
    learning rate; the rate used is logged as `learning_rate`.

    Args:
        schedule: a function `(epoch, lr) -> new lr` (epoch counts from 0, lr is a float).
        verbose: 1 prints each update.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                f"LearningRateScheduler: `schedule` must be callable; received {schedule!r}."
            )
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = _get_lr(self.model, "LearningRateScheduler")
        new_lr = self.schedule(epoch, lr)
        try:
            new_lr = float(np.asarray(new_lr))
        except (TypeError, ValueError):
            raise ValueError(
                f"LearningRateScheduler: the schedule must return a float; it returned "
                f"{new_lr!r} for epoch {epoch}."
            ) from None
        if not np.isfinite(new_lr):
            raise ValueError(
                f"LearningRateScheduler: the schedule returned a non-finite learning rate "
                f"{new_lr} for epoch {epoch}."
            )
        _set_lr(self.model, "LearningRateScheduler", new_lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {new_lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _get_lr(self.model, "LearningRateScheduler")
