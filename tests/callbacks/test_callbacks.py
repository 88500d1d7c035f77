"""The built-in callbacks: unit checks of their logic on a stub model (every backend) and
short `fit` runs (backends with gradients)."""

import csv
import http.server
import json
import math
import os
import threading
import urllib.parse
import warnings

import numpy as np
import pytest

import cornu
from cornu import callbacks, layers
from tests.conftest import requires_training

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 4)).astype("float32")
Y = (X @ np.array([1.0, -2.0, 0.5, 0.0], "float32"))[:, None]


class _Opt:
    def __init__(self, lr=0.1):
        self.learning_rate = lr


class _StubModel:
    """Just what the callbacks touch: stop_training, weights, an optimizer."""

    def __init__(self, lr=0.1):
        self.stop_training = False
        self.optimizer = _Opt(lr)
        self.weights_value = 0
        # mode="auto" reads a compiled metric's direction from the model's metrics.
        self.metrics = [cornu.metrics.BinaryAccuracy(name="accuracy")]

    def get_weights(self):
        return [self.weights_value]

    def set_weights(self, weights):
        self.weights_value = weights[0]


def _drive(callback, values, key="val_loss", model=None):
    """Runs epoch-end hooks with `values`; returns (epochs run, model)."""
    model = model or _StubModel()
    callback.set_model(model)
    callback.on_train_begin()
    run = 0
    for epoch, v in enumerate(values):
        model.weights_value = epoch
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, {key: v})
        run += 1
        if model.stop_training:
            break
    callback.on_train_end()
    return run, model


def make_model(lr=0.05, **opt_kwargs):
    model = cornu.Sequential([cornu.Input((4,)), layers.Dense(1)])
    model.compile(optimizer=cornu.optimizers.SGD(lr, **opt_kwargs), loss="mse")
    return model


# -- EarlyStopping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, values, expected_run",
    [
        ({}, [1.0, 0.9, 0.95, 0.8], 3),
        ({"patience": 2}, [1.0, 0.9, 0.95, 0.96, 0.5], 4),
        ({"patience": 1, "min_delta": 0.2}, [1.0, 0.9, 0.85, 0.5], 2),
        ({"monitor": "val_accuracy"}, [0.1, 0.2, 0.15, 0.3], 3),
        ({"mode": "max"}, [0.1, 0.2, 0.3, 0.25, 0.9], 4),
        ({"baseline": 0.5, "patience": 2}, [1.0, 0.9, 0.95, 0.96], 3),
        ({"baseline": 0.5, "patience": 1}, [1.0, 0.9, 0.8, 0.7], 4),
        ({"baseline": 0.5, "patience": 2}, [1.0, 0.4, 0.3, 0.2], 4),
        ({"start_from_epoch": 3}, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 5),
    ],
    ids=["patience0", "patience2", "min_delta", "auto_max_acc", "mode_max", "baseline_unmet",
         "baseline_unmet_but_improving", "baseline_met", "start_from_epoch"],
)  # fmt: skip
def test_early_stopping_rules(kwargs, values, expected_run):
    key = kwargs.get("monitor", "val_loss")
    run, model = _drive(callbacks.EarlyStopping(**kwargs), values, key=key)
    assert run == expected_run


def test_early_stopping_restore_best_weights():
    cb = callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    run, model = _drive(cb, [1.0, 0.5, 0.7, 0.9, 0.1])
    assert run == 4 and cb.stopped_epoch == 3 and cb.best_epoch == 1
    assert model.weights_value == 1


def test_early_stopping_missing_metric_warns_naming_available():
    cb = callbacks.EarlyStopping(monitor="val_nope", mode="min")
    model = _StubModel()
    cb.set_model(model)
    cb.on_train_begin()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(3):
            cb.on_epoch_end(epoch, {"loss": 1.0, "val_loss": 1.0})
    assert len(caught) == 3  # each epoch, as Keras does
    assert "val_nope" in str(caught[0].message) and "loss, val_loss" in str(caught[0].message)
    assert not model.stop_training


def test_early_stopping_bad_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="EarlyStopping: mode 'up' is unknown"):
        cb = callbacks.EarlyStopping(mode="up")
    assert cb.mode == "auto"


def test_early_stopping_auto_mode_unknown_monitor_asks_for_mode():
    cb = callbacks.EarlyStopping(monitor="val_score")
    cb.set_model(_StubModel())
    cb.on_train_begin()
    with pytest.raises(ValueError, match="monitor='val_score' should go down or up.*mode='min'"):
        cb.on_epoch_end(0, {"val_score": 1.0})
    per_output_loss = callbacks.EarlyStopping(monitor="val_out_loss", patience=0)
    run, _ = _drive(per_output_loss, [1.0, 2.0, 3.0], key="val_out_loss")
    assert run == 2 and per_output_loss.mode == "auto"


# -- ReduceLROnPlateau ---------------------------------------------------------------------


def test_reduce_lr_on_plateau_patience_cooldown_min_lr():
    cb = callbacks.ReduceLROnPlateau(factor=0.5, patience=1, cooldown=1, min_lr=0.03)
    model = _StubModel(lr=0.1)
    cb.set_model(model)
    cb.on_train_begin()
    lrs = []
    for epoch, v in enumerate([1.0, 1.0, 1.0, 1.0, 1.0, 1.0]):
        logs = {"val_loss": v}
        cb.on_epoch_end(epoch, logs)
        lrs.append(logs["learning_rate"])
    # The rate each epoch trained with: reductions at the ends of epochs 1 and 2 (a cooldown of
    # 1 runs out at the start of the next epoch's check), then min_lr holds.
    np.testing.assert_allclose(lrs, [0.1, 0.1, 0.05, 0.03, 0.03, 0.03])


def test_reduce_lr_on_plateau_min_delta_and_mode():
    cb = callbacks.ReduceLROnPlateau(monitor="accuracy", factor=0.1, patience=2, min_delta=0.05)
    model = _StubModel(lr=1.0)
    run, _ = _drive(cb, [0.5, 0.52, 0.53, 0.9], key="accuracy", model=model)
    # 0.52 and 0.53 are not 0.05 better than 0.5: the second non-improvement reduces.
    assert model.optimizer.learning_rate == pytest.approx(0.1)


def test_reduce_lr_on_plateau_errors():
    with pytest.raises(ValueError, match="ReduceLROnPlateau: `factor` must be below 1.0"):
        callbacks.ReduceLROnPlateau(factor=1.0)
    with pytest.raises(TypeError, match="unexpected argument"):
        callbacks.ReduceLROnPlateau(bogus=1)


# -- LambdaCallback, TerminateOnNaN, LearningRateScheduler (stub) --------------------------


def test_lambda_callback_calls_functions():
    seen = []
    cb = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(("epoch_end", epoch, logs["loss"])),
        on_train_begin=lambda logs: seen.append(("train_begin",)),
        on_test_end=lambda logs: seen.append(("test_end",)),
    )
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 2.0})
    cb.on_test_end({})
    cb.on_train_batch_end(0, {})  # not given: a no-op
    assert seen == [("train_begin",), ("epoch_end", 0, 2.0), ("test_end",)]
    with pytest.raises(TypeError, match="unknown hook 'on_foo'"):
        callbacks.LambdaCallback(on_foo=print)


@pytest.mark.parametrize("value", [float("nan"), float("inf")], ids=["nan", "inf"])
def test_terminate_on_nan(value, capsys):
    cb = callbacks.TerminateOnNaN()
    model = _StubModel()
    cb.set_model(model)
    cb.on_train_batch_end(0, {"loss": 1.0})
    assert not model.stop_training
    cb.on_train_batch_end(1, {"loss": value})
    assert model.stop_training
    with pytest.raises(RuntimeError, match="the loss of batch 2 is"):
        strict = callbacks.TerminateOnNaN(raise_error=True)
        strict.set_model(_StubModel())
        strict.on_train_batch_end(2, {"loss": value})


def test_learning_rate_scheduler_stub_and_errors():
    cb = callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    model = _StubModel(lr=1.0)
    cb.set_model(model)
    logs = {}
    cb.on_epoch_begin(0)
    cb.on_epoch_end(0, logs)
    assert model.optimizer.learning_rate == 0.5 and logs["learning_rate"] == 0.5
    bad = callbacks.LearningRateScheduler(lambda epoch, lr: "fast")
    bad.set_model(_StubModel())
    with pytest.raises(ValueError, match="must return a float"):
        bad.on_epoch_begin(0)
    with pytest.raises(TypeError, match="`schedule` must be callable"):
        callbacks.LearningRateScheduler(3)


# -- CSVLogger -------------------------------------------------------------------------------


def test_csv_logger_separator_and_append(tmp_path):
    path = tmp_path / "log.csv"
    cb = callbacks.CSVLogger(path, separator=";")
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 1.5, "acc": 0.25})
    cb.on_epoch_end(1, {"loss": 1.0, "acc": 0.5})
    cb.on_train_end()
    assert path.read_text().splitlines() == ["epoch;acc;loss", "0;0.25;1.5", "1;0.5;1.0"]
    again = callbacks.CSVLogger(path, separator=";", append=True)
    again.on_train_begin()
    again.on_epoch_end(2, {"loss": 0.5, "acc": 0.75})
    again.on_train_end()
    assert path.read_text().splitlines()[-1] == "2;0.75;0.5"
    assert path.read_text().count("epoch") == 1
    fresh = callbacks.CSVLogger(path)
    fresh.on_train_begin()
    fresh.on_epoch_end(0, {"loss": 3.0})
    fresh.on_train_end()
    assert path.read_text().splitlines() == ["epoch,loss", "0,3.0"]


# -- RemoteMonitor ---------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode()
        type(self).received.append((self.path, self.headers.get("Content-Type"), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Recorder.received = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    httpd.timeout = 5
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.received
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_remote_monitor_posts_json(server):
    root, received = server
    cb = callbacks.RemoteMonitor(root=root, path="/e/", send_as_json=True, headers={"X-A": "1"})
    cb.timeout = 5
    cb.on_epoch_end(3, {"loss": np.float32(0.5)})
    path, ctype, body = received[0]
    assert path == "/e/" and ctype == "application/json"
    assert json.loads(body) == {"epoch": 3, "loss": 0.5}


def test_remote_monitor_posts_form_field(server):
    root, received = server
    cb = callbacks.RemoteMonitor(root=root, field="payload")
    cb.timeout = 5
    cb.on_epoch_end(0, {"loss": 1.25})
    path, ctype, body = received[0]
    assert path == "/publish/epoch/end/"
    assert json.loads(urllib.parse.parse_qs(body)["payload"][0]) == {"epoch": 0, "loss": 1.25}


def test_remote_monitor_unreachable_warns():
    cb = callbacks.RemoteMonitor(root="http://127.0.0.1:9", path="/")
    cb.timeout = 2
    with pytest.warns(UserWarning, match="could not reach"):
        cb.on_epoch_end(0, {"loss": 1.0})


# -- ModelCheckpoint (construction and errors) ----------------------------------------------


def test_model_checkpoint_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="must end in '.weights.h5'"):
        callbacks.ModelCheckpoint(str(tmp_path / "w.keras"), save_weights_only=True)
    with pytest.raises(ValueError, match="must end in '.keras'"):
        callbacks.ModelCheckpoint(str(tmp_path / "m.txt"))
    with pytest.raises(ValueError, match="`save_freq` must be 'epoch' or a positive int"):
        callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), save_freq="batch")


def test_model_checkpoint_unknown_key_names_it(tmp_path):
    cb = callbacks.ModelCheckpoint(str(tmp_path / "m-{val_los:.2f}.keras"))
    with pytest.raises(KeyError, match="uses the key 'val_los'.*available keys: epoch"):
        cb._file_path(0, None, {"val_loss": 1.0})


def test_model_checkpoint_unwritable_folder_raises_before_training(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    cb = callbacks.ModelCheckpoint(str(blocker / "sub" / "m.keras"))
    with pytest.raises(OSError, match="cannot create the folder"):
        cb.on_train_begin()


# -- fit runs -----------------------------------------------------------------------------


@requires_training
def test_fit_early_stopping_restores_best_weights():
    model = make_model()
    values = iter([1.0, 0.5, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])
    snapshots = []

    def fake_metric(epoch, logs):
        logs["val_score"] = next(values)
        snapshots.append([w.copy() for w in model.get_weights()])

    es = callbacks.EarlyStopping(
        monitor="val_score", mode="min", patience=2, restore_best_weights=True
    )
    history = model.fit(
        X, Y, epochs=8, batch_size=16, verbose=0,
        callbacks=[callbacks.LambdaCallback(on_epoch_end=fake_metric), es],
    )  # fmt: skip
    assert len(history.history["loss"]) == 4 and es.stopped_epoch == 3
    for got, want in zip(model.get_weights(), snapshots[1]):
        np.testing.assert_allclose(got, want)
    # The restored weights are what the model now computes with.
    np.testing.assert_allclose(
        np.asarray(model.predict(X[:4], verbose=0)),
        X[:4] @ snapshots[1][0] + snapshots[1][1], rtol=1e-5, atol=1e-5,
    )  # fmt: skip


@requires_training
def test_fit_learning_rate_scheduler_changes_training():
    model = make_model(lr=0.05)
    sched = callbacks.LearningRateScheduler(lambda epoch, lr: 0.0 if epoch >= 1 else lr)
    frozen = []
    cb = callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: frozen.append([w.copy() for w in model.get_weights()])
    )
    history = model.fit(X, Y, epochs=3, batch_size=16, verbose=0, callbacks=[sched, cb])
    assert history.history["learning_rate"] == [pytest.approx(0.05), 0.0, 0.0]
    # With lr 0 from epoch 1, the weights after epochs 1 and 2 equal those after epoch 0.
    for a, b in zip(frozen[0], frozen[2]):
        np.testing.assert_allclose(a, b)


@requires_training
def test_fit_reduce_lr_on_plateau_sets_optimizer_lr():
    model = make_model(lr=0.05)
    cb = callbacks.ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5, min_delta=1e9)
    history = model.fit(X, Y, epochs=3, batch_size=16, verbose=0, callbacks=[cb])
    # min_delta is huge: no epoch ever counts as improvement after the first. Each epoch logs
    # the rate it trained with; the reduction decided at its end shows from the next one.
    np.testing.assert_allclose(history.history["learning_rate"], [0.05, 0.05, 0.025])
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.0125)


@requires_training
def test_fit_terminate_on_nan():
    model = make_model(lr=0.05)
    y_bad = Y.copy()
    y_bad[20:] = np.nan
    history = model.fit(
        X, y_bad, epochs=3, batch_size=16, shuffle=False, verbose=0,
        callbacks=[callbacks.TerminateOnNaN()],
    )  # fmt: skip
    assert len(history.history["loss"]) == 1 and math.isnan(history.history["loss"][0])


@requires_training
def test_fit_csv_logger(tmp_path):
    model = make_model()
    path = tmp_path / "train.csv"
    model.fit(
        X, Y, epochs=2, batch_size=16, verbose=0, validation_split=0.25,
        callbacks=[callbacks.CSVLogger(str(path))],
    )  # fmt: skip
    with open(path) as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "loss", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1"]
    assert all(float(v) > 0 for r in rows[1:] for v in r[1:])


@requires_training
def test_fit_model_checkpoint_templates_and_best_only(tmp_path):
    model = make_model()
    template = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.keras")
    model.fit(
        X, Y, epochs=2, batch_size=16, verbose=0, validation_split=0.25,
        callbacks=[callbacks.ModelCheckpoint(template)],
    )  # fmt: skip
    names = sorted(os.listdir(tmp_path))
    assert len(names) == 2 and names[0].startswith("ckpt-01-") and names[1].startswith("ckpt-02-")
    loaded = cornu.saving.load_model(str(tmp_path / names[1]))
    np.testing.assert_allclose(
        np.asarray(loaded.predict(X[:4], verbose=0)),
        np.asarray(model.predict(X[:4], verbose=0)), rtol=1e-5, atol=1e-5,
    )  # fmt: skip

    best_dir = tmp_path / "best"
    saves = []
    cb = callbacks.ModelCheckpoint(
        str(best_dir / "w.weights.h5"), monitor="score", mode="max", save_best_only=True,
        save_weights_only=True, initial_value_threshold=0.3,
    )  # fmt: skip
    scores = iter([0.2, 0.5, 0.4, 0.6])
    orig = model.save_weights

    def counting(path, overwrite=True):
        saves.append(path)
        return orig(path, overwrite=overwrite)

    model.save_weights = counting
    model.fit(
        X, Y, epochs=4, batch_size=16, verbose=0,
        callbacks=[callbacks.LambdaCallback(
            on_epoch_end=lambda e, logs: logs.__setitem__("score", next(scores))), cb],
    )  # fmt: skip
    assert len(saves) == 2 and cb.best == 0.6 and os.path.exists(best_dir / "w.weights.h5")
    fresh = make_model()
    fresh.load_weights(str(best_dir / "w.weights.h5"))
    for a, b in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b)


@requires_training
def test_fit_model_checkpoint_int_save_freq(tmp_path):
    model = make_model()
    template = str(tmp_path / "b-{epoch}-{batch}.weights.h5")
    model.fit(
        X, Y, epochs=2, batch_size=16, verbose=0,
        callbacks=[callbacks.ModelCheckpoint(template, save_weights_only=True, save_freq=3)],
    )  # fmt: skip
    # 4 batches per epoch, 8 in all: saves after batches 3 and 6 overall.
    assert sorted(os.listdir(tmp_path)) == ["b-1-3.weights.h5", "b-2-2.weights.h5"]


@requires_training
def test_fit_model_checkpoint_unknown_key_raises(tmp_path):
    model = make_model()
    cb = callbacks.ModelCheckpoint(str(tmp_path / "m-{accuracy:.2f}.keras"))
    with pytest.raises(KeyError, match="uses the key 'accuracy'"):
        model.fit(X, Y, epochs=1, batch_size=16, verbose=0, callbacks=[cb])


@requires_training
def test_fit_swap_ema_weights():
    model = make_model(lr=0.05, use_ema=True, ema_momentum=0.5)
    seen = {}

    def at_test_begin(logs):
        seen["eval"] = [w.copy() for w in model.get_weights()]

    def at_epoch_end(epoch, logs):
        seen["epoch_end"] = [w.copy() for w in model.get_weights()]

    swap = callbacks.SwapEMAWeights()
    model.fit(
        X, Y, epochs=2, batch_size=16, verbose=0, validation_split=0.25,
        callbacks=[swap, callbacks.LambdaCallback(
            on_test_begin=at_test_begin, on_epoch_end=at_epoch_end)],
    )  # fmt: skip
    ema = [np.asarray(cornu.ops.convert_to_numpy(v.value))
           for v in model.optimizer._model_variables_moving_average]  # fmt: skip
    # During evaluation the model held the EMA weights (differing from the trained ones).
    assert not np.allclose(seen["eval"][0], seen["epoch_end"][0])
    np.testing.assert_allclose(seen["eval"][0], ema[0])
    # After fit the weights are their averages (fit finalizes an EMA optimizer, as Keras's).
    np.testing.assert_allclose(model.get_weights()[0], ema[0])


def test_swap_ema_weights_needs_use_ema():
    model = make_model()
    cb = callbacks.SwapEMAWeights()
    cb.set_model(model)
    with pytest.raises(ValueError, match="use_ema=True"):
        cb.on_train_begin()


@requires_training
def test_evaluate_with_swap_ema_weights_swaps_back():
    model = make_model(lr=0.05, use_ema=True, ema_momentum=0.9)
    for start in range(0, len(X), 16):  # (fit would end with the weights set to the averages)
        model.train_on_batch(X[start : start + 16], Y[start : start + 16])
    trained = [w.copy() for w in model.get_weights()]
    plain = model.evaluate(X, Y, verbose=0)
    with_ema = model.evaluate(X, Y, verbose=0, callbacks=[callbacks.SwapEMAWeights()])
    assert with_ema != pytest.approx(plain)
    for a, b in zip(model.get_weights(), trained):
        np.testing.assert_allclose(a, b)


@requires_training
def test_fit_early_stopping_default_monitor_val_loss():
    model = make_model(lr=0.0)  # nothing improves: stops after the first patience epochs
    es = callbacks.EarlyStopping(patience=1, min_delta=1e-3)
    history = model.fit(
        X, Y, epochs=6, batch_size=16, verbose=0, validation_data=(X[:16], Y[:16]),
        callbacks=[es],
    )  # fmt: skip
    assert len(history.history["val_loss"]) == 2 and es.stopped_epoch == 1


# -- Keras parity: hooks, logs and messages ------------------------------------------------


def test_callback_list_gives_every_hook_a_dict_and_accepts_one_callback():
    seen = []

    class Spy(callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(("train_begin", logs))

        def on_epoch_begin(self, epoch, logs=None):
            logs["note"] = epoch  # shared with the next callbacks of the same hook

        def on_train_batch_begin(self, batch, logs=None):
            seen.append(("batch_begin", logs))

    class Reader(callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            seen.append(("epoch_begin", dict(logs)))

    spy = Spy()
    assert callbacks.CallbackList(spy).callbacks == [spy]
    both = callbacks.CallbackList([spy, Reader()], model=_StubModel(), epochs=1)
    both.on_train_begin()
    both.on_epoch_begin(0)
    both.on_train_batch_begin(0)
    assert seen == [("train_begin", {}), ("epoch_begin", {"note": 0}), ("batch_begin", {})]
    assert callbacks.Callback().params is None


def test_callback_list_gives_user_callbacks_plain_dict_batch_logs():
    from collections.abc import Mapping

    class Lazy(Mapping):
        def __init__(self, raw):
            self.raw = raw

        def __getitem__(self, key):
            return self.raw[key]

        def __iter__(self):
            return iter(self.raw)

        def __len__(self):
            return len(self.raw)

    seen = []

    class Writer(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            logs["extra"] = 1.0
            seen.append(type(logs))

    cb_list = callbacks.CallbackList([Writer(), callbacks.TerminateOnNaN()], model=_StubModel())
    cb_list.on_train_batch_end(0, Lazy({"loss": 0.5}))
    assert seen == [dict]


def test_reduce_lr_on_plateau_keeps_waiting_at_min_lr_without_reducing(capsys):
    cb = callbacks.ReduceLROnPlateau(factor=0.5, patience=1, min_lr=0.5, verbose=1)
    model = _StubModel(lr=np.float32(1.0))
    cb.set_model(model)
    cb.on_train_begin()
    for epoch in range(5):
        cb.on_epoch_end(epoch, {"val_loss": 1.0})
    assert model.optimizer.learning_rate == 0.5 and cb.wait == 3
    assert capsys.readouterr().out.count("reducing learning rate") == 1


def test_learning_rate_scheduler_one_argument_schedule_and_float_result():
    cb = callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))
    model = _StubModel(lr=1.0)
    cb.set_model(model)
    cb.on_epoch_begin(1)
    assert model.optimizer.learning_rate == pytest.approx(0.05)
    for result in (1, np.asarray(0.5), "0.1"):
        bad = callbacks.LearningRateScheduler(lambda epoch, lr, result=result: result)
        bad.set_model(_StubModel())
        with pytest.raises(ValueError, match=r"must return a float .* Wrap the value in float"):
            bad.on_epoch_begin(0)
    ok = callbacks.LearningRateScheduler(lambda epoch: np.float32(0.25))
    ok.set_model(model)
    ok.on_epoch_begin(0)
    assert model.optimizer.learning_rate == 0.25


def test_csv_logger_keeps_its_columns_across_fits(tmp_path):
    path = tmp_path / "log.csv"
    cb = callbacks.CSVLogger(path)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0})
    cb.on_train_end()
    cb.on_train_begin()  # a second fit, without validation: same columns, "NA" where missing
    cb.on_epoch_end(0, {"loss": 0.5, "learning_rate": 0.1})
    cb.on_train_end()
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,0.5,NA"]
    assert cb.append_header is True


def test_terminate_on_nan_prints_the_batch(capsys):
    cb = callbacks.TerminateOnNaN()
    cb.set_model(_StubModel())
    cb.on_train_batch_end(4, {"loss": float("nan")})
    assert capsys.readouterr().out == "Batch 4: Invalid loss, terminating training\n"


def test_model_checkpoint_messages_and_missing_monitor(tmp_path, capsys):
    cb = callbacks.ModelCheckpoint(str(tmp_path / "m_{epoch}.keras"), save_best_only=True,
                                   monitor="loss", verbose=1)  # fmt: skip
    saved = []
    cb.set_model(_StubModel())
    cb.model.save = lambda path, overwrite=True: saved.append(os.path.basename(path))
    cb.on_epoch_end(0, {"loss": 2.0})
    cb.on_epoch_end(1, {"loss": 3.0})
    out = capsys.readouterr().out
    assert "Epoch 1: loss improved from None to 2.00000, saving model to" in out
    assert "Epoch 1: finished saving model to" in out
    assert "Epoch 2: loss did not improve from 2.00000" in out
    with pytest.warns(
        UserWarning, match="conditioned on metric 'loss'.*Available metrics are: acc"
    ):
        cb.on_epoch_end(2, {"acc": 1.0})  # a missing monitor warns and saves anyway
    assert saved == ["m_1.keras", "m_3.keras"]


@requires_training
def test_fit_train_end_logs_and_named_metrics():
    model = cornu.Sequential([cornu.Input((4,)), layers.Dense(1)])
    model.compile(optimizer=cornu.optimizers.SGD(0.01), loss="mse", metrics=["mae"])
    seen = {}
    spy = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.setdefault("epoch", list(logs)),
        on_train_end=lambda logs: seen.setdefault("train", list(logs)),
    )
    stop = callbacks.EarlyStopping(monitor="val_mae", patience=5)  # auto mode: MAE goes down
    sched = callbacks.LearningRateScheduler(lambda epoch, lr: lr)
    model.fit(X, Y, epochs=1, batch_size=32, verbose=0, validation_data=(X, Y),
              callbacks=[sched, stop, spy])  # fmt: skip
    assert sorted(seen["epoch"]) == ["learning_rate", "loss", "mae", "val_loss", "val_mae"]
    assert sorted(seen["train"]) == ["loss", "mae", "val_loss", "val_mae"]


@requires_training
def test_fit_reduce_lr_on_plateau_on_a_frozen_model():
    model = make_model(lr=1.0)
    model.trainable = False  # no gradients at all: the loss is flat
    model.compile(optimizer=cornu.optimizers.SGD(1.0), loss="mse")
    cb = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
    history = model.fit(X, Y, epochs=4, batch_size=32, shuffle=False, verbose=0, callbacks=[cb])
    np.testing.assert_allclose(history.history["learning_rate"], [1.0, 1.0, 0.5, 0.25])
