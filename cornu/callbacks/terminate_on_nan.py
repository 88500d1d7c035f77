"""`TerminateOnNaN`: stops training when the loss becomes NaN or infinite."""

import math

import numpy as np

from cornu.backend.common import distribution_state
from cornu.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops training (or raises, with `raise_error=True`) at the first batch whose loss is
    NaN or infinite.

    Args:
        raise_error: raise a RuntimeError instead of setting `model.stop_training`.
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        if not logs or "loss" not in logs:
            return
        loss = float(np.asarray(logs["loss"]))
        if math.isnan(loss) or math.isinf(loss):
            if self.raise_error:
                raise RuntimeError(
                    f"TerminateOnNaN: the loss of batch {batch} is {loss}; stopping training "
                    "(raise_error=True). Lower the learning rate or check the data for NaN."
                )
            if distribution_state.is_chief():  # (every process stops; process 0 says so)
                print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
