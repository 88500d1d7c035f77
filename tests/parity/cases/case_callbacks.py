"""The built-in callbacks as users see them: History, EarlyStopping, ReduceLROnPlateau,
LearningRateScheduler, ModelCheckpoint, CSVLogger, TerminateOnNaN (files written, values
logged, attributes, messages printed, warnings and errors)."""

import os
import warnings

import numpy as np

from tests.parity.case import case


def _data(n=20):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")


def _model(keras, H, lr=0.05, metrics=(), trainable=True):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    H.det_weights(model)
    model.trainable = trainable
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse", metrics=list(metrics))
    return model


def _user_warnings(fn):
    """Runs fn; returns (its result, how many UserWarnings it gave)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, sum(1 for w in caught if issubclass(w.category, UserWarning)
                       and not issubclass(w.category, DeprecationWarning))  # fmt: skip


def _files(folder="."):
    found = []
    for root, _, names in os.walk(folder):
        found += [os.path.relpath(os.path.join(root, n), folder) for n in names]
    return sorted(found)


def _lr(keras, model):
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


# -- History ---------------------------------------------------------------------------------


@case(rtol=1e-4)
def case_history_attributes(keras, H):
    x, y = _data()
    model = _model(keras, H, metrics=["mae"])
    h = model.fit(x, y, epochs=3, batch_size=5, shuffle=False, verbose=0)
    return (h is model.history, type(h).__name__, h.params, h.epoch, H.rounded(h),
            type(h.history["loss"][0]).__name__, h.model is model)  # fmt: skip


@case()
def case_history_new_per_fit_and_initial_epoch(keras, H):
    x, y = _data()
    model = _model(keras, H)
    h1 = model.fit(x, y, epochs=2, verbose=0)
    h2 = model.fit(x, y, epochs=4, initial_epoch=2, verbose=0)
    return h1 is h2, h2.epoch, len(h2.history["loss"]), model.history is h2


@case()
def case_history_given_by_user_is_reused(keras, H):
    x, y = _data()
    mine = keras.callbacks.History()
    model = _model(keras, H)
    h1 = model.fit(x, y, epochs=2, verbose=0, callbacks=[mine])
    h2 = model.fit(x, y, epochs=2, verbose=0, callbacks=[mine])
    return h1 is mine, h2 is mine, mine.epoch, len(mine.history["loss"])


# -- EarlyStopping ---------------------------------------------------------------------------


def _stop_on_loss(keras, H, epochs, lr=0.05, **early_stopping_kw):
    """Fits with EarlyStopping(monitor="loss", ...); returns (epochs run, the callback)."""
    x, y = _data()
    es = keras.callbacks.EarlyStopping(monitor="loss", **early_stopping_kw)
    h = _model(keras, H, lr=lr).fit(x, y, epochs=epochs, shuffle=False, verbose=0, callbacks=[es])
    return len(h.history["loss"]), es


@case()
def case_early_stopping_flat_loss_patience(keras, H):
    n, es = _stop_on_loss(keras, H, 20, lr=0.0, patience=2)
    return n, es.stopped_epoch, es.wait, es.best_epoch


@case(rtol=1e-4, atol=1e-6)
def case_early_stopping_restore_best_weights(keras, H):
    x, y = _data()
    model = _model(keras, H)
    snapshots = []
    spy = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: snapshots.append(H.weights(model))
    )
    es = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    h = model.fit(x, y, epochs=20, shuffle=False, validation_data=(x, -y), verbose=0,
                  callbacks=[spy, es])  # fmt: skip
    best = int(np.argmin(h.history["val_loss"]))
    return (len(h.history["loss"]), es.stopped_epoch, es.best_epoch, best,
            H.weights(model), snapshots[best])  # fmt: skip


@case(rtol=1e-4)
def case_early_stopping_baseline_never_beaten_but_improving(keras, H):
    n, es = _stop_on_loss(keras, H, 6, patience=2, baseline=1e-6)
    return n, es.stopped_epoch, es.wait, es.best_epoch, es.best


@case()
def case_early_stopping_baseline_not_beaten_on_flat_loss(keras, H):
    n, es = _stop_on_loss(keras, H, 10, lr=0.0, patience=3, baseline=1e-6)
    return n, es.stopped_epoch, es.wait


@case()
def case_early_stopping_baseline_beaten(keras, H):
    n, es = _stop_on_loss(keras, H, 5, patience=1, baseline=1e6)
    return n, es.stopped_epoch, es.wait


@case()
def case_early_stopping_start_from_epoch(keras, H):
    n, es = _stop_on_loss(keras, H, 10, lr=0.0, patience=1, start_from_epoch=3)
    return n, es.stopped_epoch, es.best_epoch


@case()
def case_early_stopping_min_delta(keras, H):
    n, es = _stop_on_loss(keras, H, 10, lr=1e-3, patience=1, min_delta=10.0)
    return n, es.stopped_epoch


@case()
def case_early_stopping_patience_zero(keras, H):
    n, es = _stop_on_loss(keras, H, 10, lr=0.0, patience=0)
    return n, es.stopped_epoch


@case()
def case_early_stopping_auto_mode_from_metric(keras, H):
    x, y = _data()
    model = _model(keras, H, lr=0.0, metrics=["mae"])
    es = keras.callbacks.EarlyStopping(monitor="val_mae", patience=1)
    h = model.fit(x, y, epochs=10, shuffle=False, validation_data=(x, y), verbose=0,
                  callbacks=[es])  # fmt: skip
    return len(h.history["loss"]), es.stopped_epoch, es.mode


@case()
def case_early_stopping_auto_mode_accuracy_is_max(keras, H):
    x, y = _data()
    labels = (y[:, 0] > 0).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    H.det_weights(model)
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="binary_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    es = keras.callbacks.EarlyStopping(monitor="accuracy", patience=1)
    h = model.fit(x, labels, epochs=6, shuffle=False, verbose=0, callbacks=[es])
    return len(h.history["loss"]), es.stopped_epoch


@case()
def case_early_stopping_missing_monitor_warns(keras, H):
    x, y = _data()
    es = keras.callbacks.EarlyStopping(monitor="nope", mode="min", patience=0)
    model = _model(keras, H)
    h, count = _user_warnings(lambda: model.fit(x, y, epochs=3, verbose=0, callbacks=[es]))
    return len(h.history["loss"]), es.stopped_epoch, count > 0


@case()
def case_early_stopping_auto_mode_unknown_monitor_raises(keras, H):
    x, y = _data()
    es = keras.callbacks.EarlyStopping(monitor="nope")
    model = _model(keras, H)
    return H.raises(model.fit, x, y, epochs=2, verbose=0, callbacks=[es])


@case()
def case_early_stopping_attributes(keras, H):
    es = keras.callbacks.EarlyStopping()
    neg = keras.callbacks.EarlyStopping(min_delta=-0.5, patience=3)
    return (es.monitor, es.patience, es.min_delta, es.wait, es.stopped_epoch, es.best,
            es.baseline, es.start_from_epoch, es.mode, es.restore_best_weights,
            es.best_weights, es.verbose, neg.min_delta, neg.patience)  # fmt: skip


@case()
def case_early_stopping_bad_mode_warns_and_uses_auto(keras, H):
    es, count = _user_warnings(lambda: keras.callbacks.EarlyStopping(mode="bogus"))
    return es.mode, count


@case()
def case_early_stopping_verbose_messages(keras, H):
    x, y = _data()
    es = keras.callbacks.EarlyStopping(monitor="loss", patience=1, verbose=1,
                                       restore_best_weights=True)  # fmt: skip
    model = _model(keras, H, lr=0.0)
    return H.capture_stdout(model.fit, x, y, epochs=10, shuffle=False, verbose=0, callbacks=[es])


# -- ReduceLROnPlateau -----------------------------------------------------------------------


def _plateau(keras, H, epochs=8, **kwargs):
    x, y = _data()
    model = _model(keras, H, lr=1.0, trainable=False)  # a frozen model: a flat loss
    cb = keras.callbacks.ReduceLROnPlateau(monitor="loss", **kwargs)
    h = model.fit(x, y, epochs=epochs, shuffle=False, verbose=0, callbacks=[cb])
    return h.history["learning_rate"], _lr(keras, model), cb.wait, cb.cooldown_counter


@case()
def case_reduce_lr_patience_and_logged_rate(keras, H):
    return _plateau(keras, H, patience=2, factor=0.5)


@case()
def case_reduce_lr_cooldown(keras, H):
    return _plateau(keras, H, patience=1, factor=0.5, cooldown=2)


@case()
def case_reduce_lr_min_lr(keras, H):
    return _plateau(keras, H, patience=1, factor=0.5, min_lr=0.3)


@case()
def case_reduce_lr_verbose_messages(keras, H):
    return H.capture_stdout(_plateau, keras, H, epochs=6, patience=1, factor=0.5, min_lr=0.3,
                            verbose=1)  # fmt: skip


@case()
def case_reduce_lr_no_reduction_while_improving(keras, H):
    x, y = _data()
    model = _model(keras, H, lr=0.05)
    cb = keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=1, factor=0.1)
    h = model.fit(x, y, epochs=5, shuffle=False, verbose=0, callbacks=[cb])
    return h.history["learning_rate"], _lr(keras, model)


@case()
def case_reduce_lr_worsening_val_loss(keras, H):
    x, y = _data()
    model = _model(keras, H, lr=0.05)
    cb = keras.callbacks.ReduceLROnPlateau(patience=1, factor=0.5, cooldown=1)
    h = model.fit(x, y, epochs=6, shuffle=False, validation_data=(x, -y), verbose=0,
                  callbacks=[cb])  # fmt: skip
    return h.history["learning_rate"], cb.wait, cb.cooldown_counter


@case()
def case_reduce_lr_arguments(keras, H):
    cb = keras.callbacks.ReduceLROnPlateau()
    attrs = (cb.monitor, cb.factor, cb.patience, cb.mode, cb.min_delta, cb.cooldown, cb.min_lr,
             cb.wait, cb.best, cb.cooldown_counter)  # fmt: skip
    return attrs, H.raises(keras.callbacks.ReduceLROnPlateau, factor=1.0)


@case()
def case_reduce_lr_auto_mode_unknown_monitor_raises(keras, H):
    x, y = _data()
    cb = keras.callbacks.ReduceLROnPlateau(monitor="nope")
    return H.raises(_model(keras, H).fit, x, y, epochs=2, verbose=0, callbacks=[cb])


# -- LearningRateScheduler -------------------------------------------------------------------


def _schedule(keras, H, fn, epochs=3, verbose=0, initial_epoch=0):
    x, y = _data()
    model = _model(keras, H, lr=0.1)
    cb = keras.callbacks.LearningRateScheduler(fn, verbose=verbose)
    h = model.fit(x, y, epochs=epochs, initial_epoch=initial_epoch, verbose=0, callbacks=[cb])
    return h.history["learning_rate"], sorted(h.history), _lr(keras, model)


@case()
def case_lr_scheduler_one_argument_schedule(keras, H):
    return _schedule(keras, H, lambda epoch: 0.1 / (epoch + 1))


@case()
def case_lr_scheduler_two_argument_schedule(keras, H):
    return _schedule(keras, H, lambda epoch, lr: lr * 0.5)


@case()
def case_lr_scheduler_lr_with_default(keras, H):
    def schedule(epoch, lr=0.3):
        return lr * 2

    return _schedule(keras, H, schedule)


@case()
def case_lr_scheduler_numpy_float(keras, H):
    return _schedule(keras, H, lambda epoch: np.float32(0.5))


@case()
def case_lr_scheduler_int_result_raises(keras, H):
    return H.raises(_schedule, keras, H, lambda epoch: 1)


@case()
def case_lr_scheduler_verbose_messages(keras, H):
    return H.capture_stdout(_schedule, keras, H, lambda epoch, lr: lr * 0.5, verbose=1)


@case()
def case_lr_scheduler_sees_initial_epoch(keras, H):
    seen = []
    _schedule(keras, H, lambda epoch, lr: seen.append(epoch) or lr, epochs=4, initial_epoch=2)
    return seen


@case()
def case_lr_scheduler_on_a_schedule_optimizer_raises(keras, H):
    x, y = _data()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    decay = keras.optimizers.schedules.ExponentialDecay(0.1, 1, 0.5)
    model.compile(optimizer=keras.optimizers.SGD(decay), loss="mse")
    cb = keras.callbacks.LearningRateScheduler(lambda epoch: 0.01)
    return H.raises(model.fit, x, y, epochs=1, verbose=0, callbacks=[cb])


# -- ModelCheckpoint -------------------------------------------------------------------------


def _checkpoint(keras, H, path, epochs=3, vy=None, fit_kwargs=None, **kwargs):
    x, y = _data()
    model = _model(keras, H)
    cb = keras.callbacks.ModelCheckpoint(path, **kwargs)
    fit = dict(epochs=epochs, batch_size=5, shuffle=False, verbose=0,
               validation_data=(x, y if vy is None else vy), callbacks=[cb])  # fmt: skip
    fit.update(fit_kwargs or {})
    model.fit(x, y, **fit)
    return _files(), cb.best


@case()
def case_checkpoint_epoch_template(keras, H):
    return _checkpoint(keras, H, "m_{epoch:02d}.keras")


@case()
def case_checkpoint_val_loss_template_weights(keras, H):
    return _checkpoint(keras, H, "w_{epoch}_{val_loss:.2f}.weights.h5", save_weights_only=True)


@case(rtol=1e-4)
def case_checkpoint_save_best_only(keras, H):
    return _checkpoint(keras, H, "best_{epoch}.keras", save_best_only=True, vy=-_data()[1])


@case(rtol=1e-4)
def case_checkpoint_save_best_only_mode_max(keras, H):
    return _checkpoint(keras, H, "b_{epoch}.keras", save_best_only=True, mode="max",
                       vy=-_data()[1])  # fmt: skip


@case(rtol=1e-4)
def case_checkpoint_monitor_loss_improving(keras, H):
    return _checkpoint(keras, H, "b_{epoch}.keras", save_best_only=True, monitor="loss")


@case()
def case_checkpoint_verbose_best_only_messages(keras, H):
    return H.capture_stdout(_checkpoint, keras, H, "b_{epoch}.keras", save_best_only=True,
                            monitor="loss", verbose=1)  # fmt: skip


@case()
def case_checkpoint_verbose_not_improving_messages(keras, H):
    return H.capture_stdout(_checkpoint, keras, H, "b.keras", save_best_only=True, verbose=1,
                            vy=-_data()[1])  # fmt: skip


@case()
def case_checkpoint_verbose_every_epoch_messages(keras, H):
    return H.capture_stdout(_checkpoint, keras, H, "e_{epoch}.weights.h5", epochs=2,
                            save_weights_only=True, verbose=1)  # fmt: skip


@case()
def case_checkpoint_int_save_freq_with_batch(keras, H):
    return _checkpoint(keras, H, "f_{epoch}_{batch}.keras", epochs=2, save_freq=3)


@case()
def case_checkpoint_creates_folders(keras, H):
    return _checkpoint(keras, H, os.path.join("sub", "dir", "m_{epoch}.keras"), epochs=2)


@case()
def case_checkpoint_initial_value_threshold(keras, H):
    return _checkpoint(keras, H, "t_{epoch}.keras", save_best_only=True,
                       initial_value_threshold=0.0)  # fmt: skip


@case()
def case_checkpoint_filepath_suffix_errors(keras, H):
    make = keras.callbacks.ModelCheckpoint
    return (H.raises(make, "m.txt"), H.raises(make, "m.h5", save_weights_only=True),
            H.raises(make, "m.keras", save_weights_only=True),
            H.raises(make, "m", save_weights_only=True), H.raises(make, "m.keras", save_freq="x"),
            H.raises(make, "legacy.h5") is not None)  # fmt: skip


@case()
def case_checkpoint_missing_template_key_raises(keras, H):
    return H.raises(_checkpoint, keras, H, "m_{foo}.keras", epochs=1)


@case()
def case_checkpoint_best_only_missing_monitor_still_saves(keras, H):
    x, y = _data()
    model = _model(keras, H)
    cb = keras.callbacks.ModelCheckpoint("m_{epoch}.keras", save_best_only=True)
    _, count = _user_warnings(lambda: model.fit(x, y, epochs=2, verbose=0, callbacks=[cb]))
    return _files(), count > 0, cb.best


@case()
def case_checkpoint_attributes(keras, H):
    cb = keras.callbacks.ModelCheckpoint("a.keras")
    return (cb.monitor, cb.verbose, cb.save_best_only, cb.save_weights_only, cb.save_freq,
            cb.best, cb.filepath, cb.mode)  # fmt: skip


# -- CSVLogger -------------------------------------------------------------------------------


def _csv_runs(keras, H, **kwargs):
    x, y = _data()
    model = _model(keras, H, metrics=["mse"])
    cbs = [keras.callbacks.CSVLogger("log.csv", **kwargs),
           keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr)]  # fmt: skip
    model.fit(x, y, epochs=2, shuffle=False, verbose=0, validation_data=(x, y), callbacks=cbs)
    first = open("log.csv").read()
    model.fit(x, y, epochs=1, shuffle=False, verbose=0, callbacks=cbs)
    with open("log.csv") as f:
        return first, f.read()


def _csv_table(text, sep=","):
    rows = [line.split(sep) for line in text.splitlines()]
    return rows[0], [[float(v) if v != "NA" else v for v in row] for row in rows[1:]]


@case(rtol=1e-4)
def case_csv_logger_columns_and_second_fit(keras, H):
    first, second = _csv_runs(keras, H)
    return _csv_table(first), _csv_table(second)


@case(rtol=1e-4)
def case_csv_logger_append(keras, H):
    first, second = _csv_runs(keras, H, append=True)
    return _csv_table(second)


@case()
def case_csv_logger_separator(keras, H):
    first, _ = _csv_runs(keras, H, separator=";")
    return first.splitlines()[0], len(first.splitlines())


@case()
def case_csv_logger_attributes(keras, H):
    cb = keras.callbacks.CSVLogger("z.csv")
    return cb.filename, cb.sep, cb.append, cb.keys, cb.append_header, cb.writer, cb.csv_file


# -- TerminateOnNaN --------------------------------------------------------------------------


def _nan_data():
    x, y = _data()
    x = x.copy()
    x[7] = np.nan
    return x, y


@case()
def case_terminate_on_nan_stops_at_the_batch(keras, H):
    x, y = _nan_data()
    model = _model(keras, H)
    seen = []
    spy = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(batch),
        on_epoch_end=lambda epoch, logs: seen.append(("epoch_end", epoch)),
    )
    text = H.capture_stdout(model.fit, x, y, epochs=3, batch_size=5, shuffle=False, verbose=0,
                            callbacks=[keras.callbacks.TerminateOnNaN(), spy])  # fmt: skip
    return seen, text, len(model.history.history["loss"]), model.stop_training


@case()
def case_terminate_on_nan_raise_error(keras, H):
    x, y = _nan_data()
    model = _model(keras, H)
    cb = keras.callbacks.TerminateOnNaN(raise_error=True)
    return H.raises(model.fit, x, y, epochs=3, batch_size=5, shuffle=False, verbose=0,
                    callbacks=[cb])  # fmt: skip


def _serve_posts(received):
    """Starts a local HTTP server that records each POST (path, content type, body)."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append((self.path, self.headers.get("Content-Type"),
                             self.headers.get("X-Run"), body.decode("utf-8")))  # fmt: skip
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _decoded_posts(received):
    import json
    import urllib.parse

    out = []
    for path, content_type, run, body in received:
        if content_type == "application/json":
            payload = json.loads(body)
        else:
            form = urllib.parse.parse_qs(body)
            payload = {field: json.loads(values[0]) for field, values in form.items()}
        out.append((path, content_type.split(";")[0], run, payload))
    return out


@case(rtol=1e-4, atol=1e-5)
def case_remote_monitor_posts_each_epoch(keras, H):
    x, y = _data()
    received = []
    server = _serve_posts(received)
    root = f"http://127.0.0.1:{server.server_port}"
    try:
        model = _model(keras, H, metrics=["mae"])
        form = keras.callbacks.RemoteMonitor(root=root, headers={"X-Run": "a"})
        as_json = keras.callbacks.RemoteMonitor(root=root, path="/json/", send_as_json=True)
        model.fit(x, y, batch_size=10, epochs=2, verbose=0, validation_split=0.2, shuffle=False,
                  callbacks=[form, as_json])  # fmt: skip
    finally:
        server.shutdown()
    return _decoded_posts(received)


@case()
def case_ema_weights_after_fit(keras, H):
    # fit ends with the weights set to the optimizer's averages; SwapEMAWeights with
    # swap_on_epoch swaps on every epoch but the last, where the averages stay in the model.
    x = np.linspace(0, 1, 24, dtype="float32").reshape(8, 3)
    y = np.ones((8, 2), "float32")
    out = {}
    for label, swap in (("plain", None), ("swap_on_epoch", True), ("swap_for_eval", False),
                        ("loss_scaled", None)):  # fmt: skip
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        model.layers[0].kernel.assign(np.arange(6, dtype="float32").reshape(3, 2) / 10)
        optimizer = keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5)
        if label == "loss_scaled":  # the EMA is the wrapped optimizer's
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        model.compile(optimizer, "mse")
        seen = []

        def state(*_, model=model, seen=seen):
            average = [v for v in model.optimizer.variables if "average" in v.path][0]
            seen.append((np.asarray(model.weights[0]).copy(), np.asarray(average).copy()))

        probe = keras.callbacks.LambdaCallback(  # (Keras on tensorflow builds the optimizer
            on_epoch_begin=lambda epoch, logs: epoch and state(),  # in the first step)
            on_epoch_end=state,
            on_train_end=state,
        )
        extra = [] if swap is None else [keras.callbacks.SwapEMAWeights(swap_on_epoch=swap)]
        history = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0,
                            validation_data=(x, y), callbacks=extra + [probe])  # fmt: skip
        out[label] = {"seen": seen, "val_loss": history.history["val_loss"],
                      "final": model.get_weights()}  # fmt: skip
    return out
