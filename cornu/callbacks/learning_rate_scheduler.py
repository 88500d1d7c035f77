"""`LearningRateScheduler`: sets the optimizer's learning rate at the start of each epoch."""

import inspect

import numpy as np

from cornu.backend.common import distribution_state
from cornu.callbacks import loop_state
from cornu.callbacks.callback import Callback


def _optimizer_of(model, name):
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ValueError(f"{name} needs a compiled model whose optimizer has a learning_rate.")
    return optimizer


def get_lr(model, name):
    """The learning rate of `model`'s optimizer as a float; `name` (the callback) is named in
    the error when the model has no such optimizer."""
    return float(np.asarray(_optimizer_of(model, name).learning_rate))


def set_lr(model, name, value):
    """Sets the learning rate of `model`'s optimizer, also in a running loop."""
    _optimizer_of(model, name).learning_rate = value
    loop_state.refresh_loop_state(model)


def _takes_lr(schedule):
    """Whether `schedule` accepts `(epoch, lr)`; one taking only `epoch` is called so."""
    try:
        signature = inspect.signature(schedule)
    except (TypeError, ValueError):  # builtins without a signature: assume the documented form
        return True
    try:
        signature.bind(0, 0.0)
    except TypeError:
        return False
    return True


class LearningRateScheduler(Callback):
    """Calls `schedule(epoch, lr)` (or `schedule(epoch)`) at each epoch's start and uses the
    result as the learning rate; the rate used is logged as `learning_rate`.

    Args:
        schedule: a function `(epoch, lr) -> new lr`, or `epoch -> new lr` (epoch counts
            from 0, lr is a Python float); it must return a float.
        verbose: 1 prints each update.

    Example:

    ```python
    halve = cornu.callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr / 2)
    model.fit(x, y, epochs=5, callbacks=[halve])
    ```
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
        if _takes_lr(self.schedule):
            new_lr = self.schedule(epoch, get_lr(self.model, "LearningRateScheduler"))
        else:
            new_lr = self.schedule(epoch)
        set_lr(self.model, "LearningRateScheduler", _checked(new_lr, epoch))
        if self.verbose > 0 and distribution_state.is_chief():  # (process 0 speaks)
            print(
                f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                f"{get_lr(self.model, 'LearningRateScheduler')}."
            )

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = get_lr(self.model, "LearningRateScheduler")


def _checked(lr, epoch):
    """`lr` as a float; ints, tensors and strings are refused, as are NaN and infinities."""
    if not isinstance(lr, (float, np.floating)):
        raise ValueError(
            "LearningRateScheduler: the schedule must return a float (a Python or NumPy "
            f"float); it returned {lr!r} ({type(lr).__name__}) for epoch {epoch}. Wrap the "
            "value in float(...)."
        )
    lr = float(lr)
    if not np.isfinite(lr):
        raise ValueError(
            f"LearningRateScheduler: the schedule returned a non-finite learning rate {lr} "
            f"for epoch {epoch}."
        )
    return lr
