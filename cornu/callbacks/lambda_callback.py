"""`LambdaCallback`: a callback built from plain functions."""

from cornu.callbacks.callback import Callback

_HOOKS = (
    "on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
    "on_predict_batch_begin", "on_predict_batch_end",
)  # fmt: skip


def _make_hook(name, takes_index):
    if takes_index:

        def hook(self, index, logs=None):
            fn = self._functions.get(name)
            if fn is not None:
                fn(index, logs)

    else:

        def hook(self, logs=None):
            fn = self._functions.get(name)
            if fn is not None:
                fn(logs)

    hook.__name__ = name
    return hook


class LambdaCallback(Callback):
    """A callback whose hooks are the functions given.

    Epoch and batch hooks are called as `fn(epoch_or_batch, logs)`, the begin/end hooks of
    train/test/predict as `fn(logs)`. Any hook name of `Callback` may be passed (as a
    keyword); unknown names raise a TypeError.
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        functions = dict(
            on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
            on_train_begin=on_train_begin, on_train_end=on_train_end,
            on_train_batch_begin=on_train_batch_begin, on_train_batch_end=on_train_batch_end,
        )  # fmt: skip
        for key, fn in kwargs.items():
            if key not in _HOOKS:
                raise TypeError(
                    f"LambdaCallback got an unknown hook {key!r}; expected one of "
                    f"{', '.join(_HOOKS)}."
                )
            functions[key] = fn
        for key, fn in functions.items():
            if fn is not None and not callable(fn):
                raise TypeError(f"LambdaCallback: `{key}` must be callable; received {fn!r}.")
        self._functions = {k: f for k, f in functions.items() if f is not None}


for _name in _HOOKS:
    setattr(LambdaCallback, _name, _make_hook(_name, "batch" in _name or "epoch" in _name))
del _name
