"""`CallbackList`: calls every callback's hook; per-batch hooks only reach callbacks that
override them, so idle callbacks cost nothing per step. cornu's own callbacks read batch logs
lazily; user callbacks get them as a plain dict, as in Keras."""

from cornu.callbacks.callback import Callback
from cornu.callbacks.history import History
from cornu.callbacks.progbar_logger import ProgbarLogger

_BATCH_HOOKS = (
    "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
    "on_predict_batch_begin", "on_predict_batch_end",
)  # fmt: skip


class CallbackList(Callback):
    """A list of callbacks acting as one.

    Args:
        callbacks: a list of Callback instances (or one Callback).
        add_history: append a History callback (fit does, and returns it).
        add_progbar: append a ProgbarLogger.
        model: the model, set on every callback.
        **params: `epochs`, `steps`, `verbose`, set on every callback.
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        if isinstance(callbacks, Callback):  # one callback, not in a list
            callbacks = [callbacks]
        callbacks = list(callbacks or [])
        for c in callbacks:
            if not isinstance(c, Callback):
                raise TypeError(
                    f"callbacks must be cornu.callbacks.Callback instances; received "
                    f"{type(c).__name__}."
                )
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in callbacks):
            callbacks.append(ProgbarLogger())
        if add_history and not any(isinstance(c, History) for c in callbacks):
            callbacks.append(History())
        self.callbacks = callbacks
        self._overriding = {
            hook: [c for c in callbacks if _overrides(c, hook)] for hook in _BATCH_HOOKS
        }
        # Keras 2's on_batch_* alias the train hooks.
        for c in callbacks:
            if _overrides(c, "on_batch_begin"):
                self._overriding["on_train_batch_begin"].append(_Alias(c.on_batch_begin))
            if _overrides(c, "on_batch_end"):
                self._overriding["on_train_batch_end"].append(_Alias(c.on_batch_end))
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        for c in self.callbacks:
            c.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        for c in self.callbacks:
            c.set_params(params)

    def _all(self, hook, *args):
        *index, logs = args
        # Hooks always get a dict, one shared by all callbacks: what one adds (learning_rate),
        # the next ones see.
        logs = {} if logs is None else logs
        for c in self.callbacks:
            getattr(c, hook)(*index, logs)

    def overrides(self, hook):
        """Whether any callback implements `hook` (loops skip building batch logs if not)."""
        return bool(self._overriding[hook])

    def _batch(self, hook, batch, logs):
        logs = {} if logs is None else logs
        plain = logs if isinstance(logs, dict) else None
        for c in self._overriding[hook]:
            if _reads_lazy_logs(c):
                getattr(c, hook)(batch, logs)
                continue
            # User callbacks get a real dict (they may write to it, or check its type);
            # converting it reads the values from the device, once per batch.
            if plain is None:
                plain = dict(logs)
            getattr(c, hook)(batch, plain)

    def on_train_begin(self, logs=None):
        self._all("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._all("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._all("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._all("on_epoch_end", epoch, logs)

    def on_test_begin(self, logs=None):
        self._all("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._all("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._all("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._all("on_predict_end", logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._batch("on_predict_batch_end", batch, logs)

    def __iter__(self):
        return iter(self.callbacks)


class _Alias:
    def __init__(self, fn):
        self.fn = fn

    def on_train_batch_begin(self, batch, logs=None):
        self.fn(batch, logs)

    on_train_batch_end = on_train_batch_begin


def _reads_lazy_logs(callback):
    """cornu's own callbacks take batch logs as a lazy Mapping (read only when needed)."""
    return type(callback).__module__.startswith("cornu.callbacks.") and not isinstance(
        callback, _Alias
    )


def _overrides(callback, hook):
    method = getattr(type(callback), hook, None)
    return method is not None and method is not getattr(Callback, hook)
