"""Keras 2 style `.h5` model files: Keras's fixtures load, and cornu's files round-trip."""

import h5py
import numpy as np
import pytest

import cornu
from cornu.saving import saving_api
from tests.saving import fixture_utils as fx


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


@pytest.mark.parametrize("name", fx.LEGACY)
def test_legacy_fixture_loads_and_matches_outputs(name):
    model = fx.load_or_skip(saving_api.load_model, fx.path(name, ".h5"))
    xs, ys = fx.inputs_outputs(name)
    fx.assert_outputs_close(fx.predict(model, xs), ys)
    assert model.compiled


def test_legacy_fixture_restores_optimizer_state():
    model = fx.load_or_skip(saving_api.load_model, fx.path("mlp_sequential", ".h5"))
    with h5py.File(fx.path("mlp_sequential", ".h5"), "r") as h5file:
        group = h5file["optimizer_weights"]
        names = [_text(n) for n in group.attrs["weight_names"]]
        stored = [np.asarray(group[n]) for n in names]
    assert len(model.optimizer.variables) == len(stored)
    for variable, value in zip(model.optimizer.variables, stored):
        np.testing.assert_allclose(np.asarray(variable.numpy()), value)


def test_legacy_weights_load_into_a_model(tmp_path):
    model = fx.load_or_skip(saving_api.load_model, fx.path("cnn_functional", ".keras"))
    for v in model.weights:
        v.assign(np.zeros(tuple(v.shape), dtype="float32"))
    saving_api.load_weights(model, fx.path("cnn_functional", ".h5"))
    xs, ys = fx.inputs_outputs("cnn_functional")
    fx.assert_outputs_close(fx.predict(model, xs), ys)


def test_save_and_load_round_trip(tmp_path):
    inputs = cornu.Input((3,), name="x")
    outputs = cornu.layers.Dense(2, name="out")(cornu.layers.Dense(4, name="hidden")(inputs))
    model = cornu.Model(inputs, outputs, name="legacy")
    rng = np.random.default_rng(0)
    for v in model.weights:
        v.assign(rng.normal(size=tuple(v.shape)).astype("float32"))
    model.compile(optimizer="sgd", loss="mse")
    target = tmp_path / "model.h5"
    saving_api.save_model(model, target)
    with h5py.File(target, "r") as h5file:
        assert {"model_config", "training_config", "keras_version", "backend"} <= set(h5file.attrs)
        group = h5file["model_weights"]
        layer_names = [_text(n) for n in group.attrs["layer_names"]]
        assert layer_names == ["x", "hidden", "out"]
        names = [_text(n) for n in group["hidden"].attrs["weight_names"]]
        assert len(names) == 2 and all(n in group["hidden"] for n in names)
        assert "optimizer_weights" in h5file
    loaded = saving_api.load_model(target)
    assert loaded.compiled and type(loaded.optimizer).__name__ == "SGD"
    for a, b in zip(loaded.weights, model.weights):
        np.testing.assert_array_equal(np.asarray(a.numpy()), np.asarray(b.numpy()))


def test_weights_only_h5_is_not_a_model(tmp_path):
    with h5py.File(tmp_path / "w.h5", "w") as h5file:
        h5file.create_group("model_weights")
    with pytest.raises(ValueError, match=r"w\.h5.*no 'model_config'"):
        saving_api.load_model(tmp_path / "w.h5")
