"""Callback hooks: which are called, in what order, with which logs and params, during fit
(with and without validation), evaluate and predict; stop_training from a callback."""

import numpy as np

from tests.parity.case import case

_INDEXED = (
    "on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end",
)  # fmt: skip
_PLAIN = (
    "on_train_begin", "on_train_end", "on_test_begin", "on_test_end", "on_predict_begin",
    "on_predict_end",
)  # fmt: skip


def _recorder(keras, stop_at=None):
    """A callback recording (hook, index, type of logs, sorted log keys) for every hook;
    `stop_at=(hook, index)` sets model.stop_training there."""

    class Recorder(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.record = []

        def _seen(self, hook, index, logs):
            entry = (hook,) if index is None else (hook, index)
            self.record.append(entry + (type(logs).__name__, sorted(logs or {})))
            if stop_at is not None and stop_at == (hook, index):
                self.model.stop_training = True

    for hook in _INDEXED:
        setattr(Recorder, hook, lambda self, i, logs=None, _h=hook: self._seen(_h, i, logs))
    for hook in _PLAIN:
        setattr(Recorder, hook, lambda self, logs=None, _h=hook: self._seen(_h, None, logs))
    return Recorder()


def _model(keras, metrics=("mae",), lr=0.05):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse", metrics=list(metrics))
    return model


def _data(n=20):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")


@case()
def case_fit_hook_order_with_validation(keras, H):
    x, y = _data()
    rec = _recorder(keras)
    _model(keras).fit(x, y, batch_size=10, epochs=2, validation_data=(x, y), verbose=0,
                      callbacks=[rec])  # fmt: skip
    return rec.record


@case()
def case_fit_hook_order_without_validation(keras, H):
    x, y = _data()
    rec = _recorder(keras)
    _model(keras, metrics=()).fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[rec])
    return rec.record


@case()
def case_fit_hook_order_validation_freq(keras, H):
    x, y = _data()
    rec = _recorder(keras)
    _model(keras).fit(x, y, batch_size=10, epochs=3, validation_data=(x, y), validation_freq=2,
                      verbose=0, callbacks=[rec])  # fmt: skip
    return [r for r in rec.record if "batch" not in r[0]]


@case()
def case_fit_hook_order_validation_split(keras, H):
    x, y = _data()
    rec = _recorder(keras)
    _model(keras).fit(x, y, batch_size=8, epochs=1, validation_split=0.25, verbose=0,
                      callbacks=[rec])  # fmt: skip
    return rec.record, rec.params


@case()
def case_evaluate_hook_order_and_logs(keras, H):
    x, y = _data()
    rec = _recorder(keras)
    model = _model(keras)
    H.det_weights(model)
    result = model.evaluate(x, y, batch_size=7, verbose=0, callbacks=[rec])
    return rec.record, rec.params, result


@case()
def case_predict_hook_order(keras, H):
    x, _ = _data()
    rec = _recorder(keras)
    _model(keras).predict(x, batch_size=6, verbose=0, callbacks=[rec])
    return rec.record, rec.params


@case()
def case_predict_batch_end_outputs(keras, H):
    x, _ = _data()
    model = _model(keras)
    H.det_weights(model)
    seen = []

    class Outputs(keras.callbacks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            seen.append((batch, np.asarray(keras.ops.convert_to_numpy(logs["outputs"]))))

    full = model.predict(x, batch_size=8, verbose=0, callbacks=[Outputs()])
    return seen, full


@case()
def case_logs_are_dicts_at_every_hook(keras, H):
    x, y = _data()
    rec = _recorder(keras)
    model = _model(keras)
    model.fit(x, y, batch_size=10, epochs=1, validation_data=(x, y), verbose=0, callbacks=[rec])
    model.evaluate(x, y, verbose=0, callbacks=[rec])
    model.predict(x, verbose=0, callbacks=[rec])
    return sorted({(r[0], r[-2]) for r in rec.record})


@case()
def case_batch_logs_can_be_written(keras, H):
    x, y = _data()
    seen = []

    class Writer(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            logs["extra"] = batch
            seen.append(sorted(logs))

    _model(keras).fit(x, y, batch_size=10, epochs=1, verbose=0, callbacks=[Writer()])
    return seen


@case(rtol=1e-4, atol=1e-6)
def case_batch_and_epoch_log_values(keras, H):
    x, y = _data()
    model = _model(keras)
    H.det_weights(model)
    batches, epochs = [], []
    cb = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: batches.append(dict(logs)),
        on_epoch_end=lambda e, logs: epochs.append(dict(logs)),
    )
    history = model.fit(x, y, batch_size=5, epochs=2, shuffle=False, validation_data=(x, y),
                        verbose=0, callbacks=[cb])  # fmt: skip
    return batches, epochs, H.rounded(history)


@case(rtol=1e-4, atol=1e-6)
def case_test_end_logs_match_evaluate(keras, H):
    x, y = _data()
    model = _model(keras)
    H.det_weights(model)
    seen = []
    cb = keras.callbacks.LambdaCallback(on_test_end=lambda logs: seen.append(dict(logs)))
    result = model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[cb], return_dict=True)
    return seen, result


@case()
def case_params_in_fit_evaluate_predict(keras, H):
    x, y = _data()
    seen = []

    class Params(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(("train", dict(self.params)))

        def on_test_begin(self, logs=None):
            seen.append(("test", dict(self.params)))

        def on_predict_begin(self, logs=None):
            seen.append(("predict", dict(self.params)))

    cb = Params()
    model = _model(keras)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, validation_data=(x, y),
              validation_batch_size=4, callbacks=[cb])  # fmt: skip
    model.evaluate(x, y, batch_size=7, verbose=2, callbacks=[cb])
    model.predict(x, batch_size=3, verbose=0, callbacks=[cb])
    model.fit(x, y, epochs=1, steps_per_epoch=2, batch_size=4, verbose=0, callbacks=[cb])
    return seen


@case()
def case_set_model_then_set_params(keras, H):
    x, y = _data()
    seen = []

    class Order(keras.callbacks.Callback):
        def set_model(self, model):
            seen.append(("set_model", type(model).__name__))
            super().set_model(model)

        def set_params(self, params):
            seen.append(("set_params", sorted(params)))
            super().set_params(params)

        def on_train_begin(self, logs=None):
            seen.append("train_begin")

    model = _model(keras)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[Order()])
    model.evaluate(x, y, verbose=0, callbacks=[Order()])
    return seen


@case()
def case_callback_model_and_params_before_fit(keras, H):
    x, y = _data()
    cb = keras.callbacks.Callback()
    before = (cb.model, cb.params)
    model = _model(keras)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[cb])
    return before, cb.model is model, model.stop_training


@case()
def case_stop_training_in_batch_end(keras, H):
    x, y = _data()
    rec = _recorder(keras, stop_at=("on_train_batch_end", 0))
    history = _model(keras).fit(x, y, batch_size=5, epochs=3, validation_data=(x, y),
                                verbose=0, callbacks=[rec])  # fmt: skip
    return rec.record, len(history.history["loss"])


@case()
def case_stop_training_in_epoch_end(keras, H):
    x, y = _data()
    rec = _recorder(keras, stop_at=("on_epoch_end", 1))
    history = _model(keras).fit(x, y, batch_size=10, epochs=5, verbose=0, callbacks=[rec])
    return [r for r in rec.record if "batch" not in r[0]], history.epoch


@case()
def case_stop_training_in_train_begin(keras, H):
    x, y = _data()
    rec = _recorder(keras, stop_at=("on_train_begin", None))
    history = _model(keras).fit(x, y, batch_size=10, epochs=3, verbose=0, callbacks=[rec])
    return [r[0] for r in rec.record], history.epoch


@case()
def case_train_end_logs_exclude_callback_additions(keras, H):
    x, y = _data()
    seen = []
    sched = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr)
    spy = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: seen.append(("epoch_end", list(logs))),
        on_train_end=lambda logs: seen.append(("train_end", list(logs))),
    )
    model = _model(keras, metrics=())
    history = model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y), callbacks=[sched, spy])
    return seen, list(history.history)


@case()
def case_logs_added_by_a_callback_reach_history(keras, H):
    x, y = _data()

    class Adds(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["my_value"] = float(epoch) * 2

    history = _model(keras, metrics=()).fit(x, y, epochs=3, verbose=0, callbacks=[Adds()])
    return history.history["my_value"], sorted(history.history)


@case()
def case_keras2_batch_hook_aliases(keras, H):
    x, y = _data()
    seen = []

    class Old(keras.callbacks.Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("batch_begin", batch))

        def on_batch_end(self, batch, logs=None):
            seen.append(("batch_end", batch, sorted(logs)))

    model = _model(keras, metrics=())
    model.fit(x, y, batch_size=10, epochs=1, verbose=0, callbacks=[Old()])
    model.evaluate(x, y, batch_size=10, verbose=0, callbacks=[Old()])
    return seen


@case()
def case_single_callback_not_in_a_list(keras, H):
    x, y = _data()
    rec = _recorder(keras)
    history = _model(keras).fit(x, y, epochs=1, batch_size=20, verbose=0, callbacks=rec)
    return [r[0] for r in rec.record], type(history).__name__


@case()
def case_callback_reused_across_fits(keras, H):
    x, y = _data()
    rec = _recorder(keras)
    model = _model(keras, metrics=())
    model.fit(x, y, epochs=2, batch_size=20, verbose=0, callbacks=[rec])
    model.fit(x, y, epochs=4, initial_epoch=2, batch_size=20, verbose=0, callbacks=[rec])
    return [r[:2] for r in rec.record if r[0] in ("on_epoch_begin", "on_train_begin")]


@case()
def case_lambda_callback_hooks_and_logs(keras, H):
    x, y = _data()
    seen = []
    cb = keras.callbacks.LambdaCallback(
        on_train_begin=lambda logs: seen.append(("train_begin", logs)),
        on_epoch_begin=lambda epoch, logs: seen.append(("epoch_begin", epoch, logs)),
        on_test_begin=lambda logs: seen.append(("test_begin", logs)),
        on_test_batch_end=lambda batch, logs: seen.append(("test_batch_end", batch, sorted(logs))),
        on_predict_batch_end=lambda batch, logs: seen.append(("pbe", batch, sorted(logs))),
        on_predict_end=lambda logs: seen.append(("predict_end", logs)),
    )
    model = _model(keras, metrics=())
    model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y), callbacks=[cb])
    model.evaluate(x, y, verbose=0, callbacks=[cb])
    model.predict(x, verbose=0, callbacks=[cb])
    return seen


@case()
def case_progbar_verbose2_lines(keras, H):
    import re

    x, y = _data()
    model = _model(keras)
    H.det_weights(model)

    def run():
        model.fit(x, y, epochs=2, batch_size=10, verbose=2, shuffle=False, validation_data=(x, y))
        model.evaluate(x, y, batch_size=10, verbose=2)

    text = H.capture_stdout(run)
    return re.sub(r"\d+(ms|s|us)(/step)?", "T", text)
