"""OrbaxCheckpoint: checkpoints per epoch or per N batches, max_to_keep, save_best_only, and
restoring weights and optimizer state into a fresh model (through the callback and with Orbax
directly)."""

import sys

import numpy as np
import pytest

import cornu
from cornu import callbacks, layers
from tests.conftest import requires_training

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 3)).astype("float32")
Y = RNG.normal(size=(16, 1)).astype("float32")


def _model():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(2, activation="tanh"),
                              layers.Dense(1)])  # fmt: skip
    model.compile(optimizer=cornu.optimizers.Adam(0.05), loss="mse")
    return model


def _fit(model, cbs, **kwargs):
    """model.fit(X, Y) quietly, with the callbacks `cbs`."""
    return model.fit(X, Y, verbose=0, callbacks=cbs, **kwargs)


@requires_training
@pytest.mark.parametrize("background", [True, False], ids=["background", "blocking"])
def test_saves_each_epoch_and_restores_into_a_fresh_model(tmp_path, background):
    model = _model()
    callback = callbacks.OrbaxCheckpoint(
        tmp_path / "ckpt", max_to_keep=2, save_on_background=background
    )
    _fit(model, [callback], batch_size=8, epochs=3)
    assert callback.all_steps() == [1, 2]  # epochs 1 and 2 (0-based); max_to_keep=2

    fresh = _model()
    assert callback.load_checkpoint(model=fresh) == 2
    for got, want in zip(fresh.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    for got, want in zip(fresh.optimizer.variables, model.optimizer.variables, strict=True):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)
    # Training on from the restored state matches training on the original.
    model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    fresh.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for got, want in zip(fresh.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@requires_training
def test_checkpoint_is_a_numpy_pytree_orbax_reads_directly(tmp_path):
    import orbax.checkpoint as ocp

    model = _model()
    _fit(
        model, [callbacks.OrbaxCheckpoint(tmp_path, save_weights_only=True)], batch_size=8, epochs=1
    )
    with ocp.CheckpointManager(tmp_path) as manager:
        assert manager.all_steps() == [0]
        state = manager.restore(0, args=ocp.args.StandardRestore())
    assert sorted(state) == ["model_variables"]
    fresh = _model()
    fresh.set_weights([np.asarray(w) for w in state["model_variables"]])
    np.testing.assert_allclose(fresh.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-5)  # fmt: skip


@requires_training
def test_integer_save_freq_counts_batches(tmp_path):
    callback = callbacks.OrbaxCheckpoint(tmp_path, save_freq=3, max_to_keep=None)
    _fit(_model(), [callback], batch_size=4, epochs=2)
    assert callback.all_steps() == [3, 6]
    fresh = _model()
    assert callback.load_checkpoint(step=3, model=fresh) == 3
    with pytest.raises(ValueError, match=r"no checkpoint of step 4 .* available steps: \[3, 6\]"):
        callback.load_checkpoint(step=4, model=fresh)


@requires_training
def test_save_best_only_saves_on_improvement(tmp_path):
    callback = callbacks.OrbaxCheckpoint(
        tmp_path, monitor="loss", save_best_only=True, max_to_keep=None, save_on_background=False
    )
    callback.set_model(_model())
    callback.on_train_begin()
    for epoch, loss in enumerate([1.0, 0.5, 0.7, 0.4]):
        callback.on_epoch_end(epoch, {"loss": loss})
    callback.on_train_end()
    assert callback.all_steps() == [0, 1, 3]
    assert callback.best == 0.4


@requires_training
def test_missing_monitor_warns_with_the_available_names(tmp_path):
    callback = callbacks.OrbaxCheckpoint(tmp_path, save_best_only=True)
    with pytest.warns(UserWarning, match="metric 'val_loss', which is not available.*loss"):
        _fit(_model(), [callback], epochs=1)
    assert callback.all_steps() == []


@requires_training
def test_unwritable_directory_raises_before_training(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    with pytest.raises(PermissionError, match="OrbaxCheckpoint cannot write to directory"):
        _fit(_model(), [callbacks.OrbaxCheckpoint(blocker / "ckpt")], epochs=1)


def test_load_without_checkpoints_raises(tmp_path):
    callback = callbacks.OrbaxCheckpoint(tmp_path)
    with pytest.raises(FileNotFoundError, match="there is no checkpoint"):
        callback.load_checkpoint(model=object())


def test_missing_orbax_names_the_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "orbax.checkpoint", None)
    monkeypatch.setitem(sys.modules, "orbax", None)
    with pytest.raises(ImportError, match="pip install orbax-checkpoint"):
        callbacks.OrbaxCheckpoint(tmp_path).all_steps()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"save_freq": 0}, "`save_freq` must be 'epoch' or a positive int"),
        ({"save_freq": "batch"}, "`save_freq` must be"),
        ({"max_to_keep": 0}, "`max_to_keep` must be a positive int or None"),
    ],
    ids=["freq_zero", "freq_str", "keep_zero"],
)
def test_bad_arguments_raise(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=f"OrbaxCheckpoint: {match}"):
        callbacks.OrbaxCheckpoint(tmp_path, **kwargs)


def test_unknown_mode_warns_and_falls_back_to_auto(tmp_path):
    with pytest.warns(UserWarning, match="OrbaxCheckpoint: mode 'up' is unknown"):
        assert callbacks.OrbaxCheckpoint(tmp_path, mode="up").mode == "auto"


def test_get_config_round_trips(tmp_path):
    callback = callbacks.OrbaxCheckpoint(tmp_path, monitor="loss", save_freq=5, max_to_keep=3)
    clone = callbacks.OrbaxCheckpoint(**callback.get_config())
    assert clone.get_config() == callback.get_config()
