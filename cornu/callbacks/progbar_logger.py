"""`ProgbarLogger`: prints the progress bar (verbose=1) or one line per epoch (verbose=2)."""

from cornu.backend.common import distribution_state
from cornu.callbacks.callback import Callback
from cornu.utils.progbar import Progbar


class ProgbarLogger(Callback):
    """Prints training progress with `cornu.utils.Progbar`; logs are read only when printed.
    In a multi-process job only process 0 prints (the others show the same numbers)."""

    def __init__(self):
        super().__init__()
        self._progbar = None
        self._seen = 0

    def _verbose(self):
        if not distribution_state.is_chief():
            return 0
        return (self.params or {}).get("verbose", 1)

    def _new_bar(self, target):
        self._progbar = Progbar(target=target, verbose=self._verbose(), unit_name="step")
        self._seen = 0

    def on_epoch_begin(self, epoch, logs=None):
        epochs = (self.params or {}).get("epochs", 1)
        if self._verbose() and epochs > 1:
            self._progbar_print(f"Epoch {epoch + 1}/{epochs}")
        self._new_bar((self.params or {}).get("steps"))

    def _progbar_print(self, text):
        Progbar.print_line(text)

    def on_train_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        self._progbar.update(self._seen, logs, finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        self._progbar.update(self._seen, logs, finalize=True)

    def on_test_begin(self, logs=None):
        if getattr(self.model, "_in_fit", False):
            return  # validation inside fit prints nothing of its own
        self._new_bar((self.params or {}).get("steps"))

    def on_test_batch_end(self, batch, logs=None):
        if not getattr(self.model, "_in_fit", False):
            self._seen = batch + 1
            self._progbar.update(self._seen, logs, finalize=False)

    def on_test_end(self, logs=None):
        if not getattr(self.model, "_in_fit", False):
            self._progbar.update(self._seen, logs, finalize=True)

    def on_predict_begin(self, logs=None):
        self._new_bar((self.params or {}).get("steps"))

    def on_predict_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        self._progbar.update(self._seen, None, finalize=False)

    def on_predict_end(self, logs=None):
        self._progbar.update(self._seen, None, finalize=True)
