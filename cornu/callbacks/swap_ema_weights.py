"""`SwapEMAWeights`: evaluates (and optionally checkpoints) with the optimizer's moving
average of the weights."""

import numpy as np

from cornu import ops
from cornu.callbacks import loop_state
from cornu.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Swaps the model's weights with the optimizer's exponential moving average (EMA)
    during evaluation, and swaps them back afterwards. The optimizer must have
    `use_ema=True`.

    Args:
        swap_on_epoch: also hold the EMA weights in the model between each epoch's end and
            the next epoch's start, so callbacks after this one (e.g. `ModelCheckpoint`)
            see them.
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_in_model = False

    def _check(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not getattr(optimizer, "use_ema", False):
            raise ValueError(
                "SwapEMAWeights needs an optimizer created with use_ema=True; received "
                f"{type(optimizer).__name__ if optimizer is not None else None}"
                + ("" if optimizer is None else " with use_ema=False")
                + "."
            )
        return optimizer

    def _swap(self):
        optimizer = self._check()
        if not optimizer.built:
            return
        for variable in self.model.trainable_variables:
            index = optimizer._get_variable_index(variable)
            average = optimizer._model_variables_moving_average[index]
            if average is None:  # an overwrite_with_gradient variable (float8): no average
                continue
            current = np.array(ops.convert_to_numpy(variable.value))
            variable.assign(np.array(ops.convert_to_numpy(average.value)))
            average.assign(current)
        loop_state.refresh_loop_state(self.model)
        self._ema_in_model = not self._ema_in_model

    def on_train_begin(self, logs=None):
        self._check()
        self._ema_in_model = False

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_in_model:
            self._swap()

    def on_epoch_end(self, epoch, logs=None):
        if not self.swap_on_epoch or self._ema_in_model:
            return
        epochs = (self.params or {}).get("epochs") or float("inf")
        if epoch + 1 >= epochs:
            # The last epoch (as Keras): the model keeps the averages, which stay averages,
            # rather than swapping them with the raw weights that fit would then restore.
            self._check().finalize_variable_values(self.model.trainable_variables)
            loop_state.refresh_loop_state(self.model)
        else:
            self._swap()

    def on_test_begin(self, logs=None):
        if not self._ema_in_model:
            self._swap()
            self._swapped_for_test = True

    def on_test_end(self, logs=None):
        if getattr(self, "_swapped_for_test", False) and self._ema_in_model:
            self._swap()
        self._swapped_for_test = False

    def on_train_end(self, logs=None):
        if self._ema_in_model:
            self._swap()
