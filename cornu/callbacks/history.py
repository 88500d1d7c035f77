"""`History`: records each epoch's logs; `fit` returns it."""

from cornu.callbacks.callback import Callback


class History(Callback):
    """`history.history["loss"]` is the list of each epoch's loss (and likewise every metric).

    Attributes:
        epoch: the epoch indices recorded.
        history: metric name -> list of per-epoch Python floats.
    """

    def __init__(self):
        super().__init__()
        self.epoch = []
        self.history = {}

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def set_model(self, model):
        super().set_model(model)
        model.history = self
