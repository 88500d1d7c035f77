"""`Callback`: hooks the training loop calls at the start and end of training, epochs and batches."""


class Callback:
    """The base of every callback; override the hooks you need.

    `self.model` is the model being trained and `self.params` holds `epochs`, `steps` and
    `verbose`. Every hook receives a `logs` dict (empty where there is nothing to report;
    `on_predict_batch_end` gets `{"outputs": ...}`). Batch-level `logs` are lazy: reading a value converts it from the device, so a
    callback that does not read them costs nothing per step.
    """

    def __init__(self):
        self.params = None  # set by the loop (CallbackList.set_params) before any hook
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    # Keras 2 names, kept so older callbacks work.
    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass
