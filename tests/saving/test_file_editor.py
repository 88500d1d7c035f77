"""`KerasFileEditor`: inspecting, comparing and editing `.keras` / `.weights.h5` files, with
atomic writes that never damage the source or an existing target."""

import os

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.saving import KerasFileEditor, file_editor, saving_api
from tests.saving import fixture_utils as fx

RNG = np.random.default_rng(3)


def model_with(first="hidden", second="head"):
    inputs = cornu.Input((3,))
    x = cornu.layers.Dense(4, activation="relu", name=first)(inputs)
    return cornu.Model(inputs, cornu.layers.Dense(2, name=second)(x))


def randomized(model):
    for v in model.weights:
        v.assign(RNG.normal(size=tuple(v.shape)).astype("float32"))
    return model


def predict(model, x):
    return np.asarray(backend.convert_to_numpy(model(x)))


@pytest.fixture
def saved(tmp_path):
    model = randomized(model_with())
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    return model, path


def test_summaries_list_objects_and_shapes(saved, capsys):
    _, path = saved
    editor = KerasFileEditor(path)
    assert set(editor.weights_dict) == {"layers/dense", "layers/dense_1", "layers/input_layer", ""}
    assert [v.shape for v in editor.weights_dict["layers/dense"].values()] == [(3, 4), (4,)]
    lines = editor.summary()
    printed = capsys.readouterr().out
    assert "layers/dense_1  (name: head)" in printed
    assert "0: shape=(4, 2) dtype=float32" in printed
    assert "Total stored values: 26" in lines[1]


def test_compare_reports_matches_and_mismatches(saved, capsys):
    model, path = saved
    editor = KerasFileEditor(path)
    result = editor.compare(model)
    assert result["status"] == "success" and result["error_count"] == 0
    assert result["match_count"] == 4  # the model, its input layer and two Dense layers
    inputs = cornu.Input((3,))
    wider = cornu.Model(inputs, cornu.layers.Dense(2)(cornu.layers.Dense(5)(inputs)))
    result = editor.compare(wider)
    assert result["status"] == "error" and result["error_count"] == 2
    assert "the model has variable shapes [(3, 5), (5,)] but the file has [(3, 4), (4,)]" in (
        capsys.readouterr().out
    )


def test_rename_object_then_load_into_the_renamed_model(saved, tmp_path):
    model, path = saved
    x = RNG.normal(size=(5, 3)).astype("float32")
    editor = KerasFileEditor(path)
    editor.rename_object("layers/dense", "encoder")
    assert "layers/encoder" in editor.weights_dict and "layers/dense" not in editor.weights_dict
    target = tmp_path / "renamed.weights.h5"
    editor.save(target)
    renamed = model_with(first="encoder")
    renamed.load_weights(target)
    np.testing.assert_allclose(predict(renamed, x), predict(model, x), rtol=1e-6)
    with pytest.raises(ValueError, match="'hidden'.*no group 'layers/dense/vars'"):
        model_with().load_weights(target)
    assert KerasFileEditor(path).compare(model)["status"] == "success"  # source untouched


def test_delete_and_add_object_and_weights(saved, tmp_path):
    model, path = saved
    x = RNG.normal(size=(4, 3)).astype("float32")
    editor = KerasFileEditor(path)
    kernel, bias = (np.asarray(v) for v in editor.weights_dict["layers/dense_1"].values())
    editor.delete_object("dense_1")  # a unique last path part names the object too
    assert editor.compare(model)["error_count"] == 1
    editor.add_object("layers/dense_1", [kernel, bias])
    assert editor.compare(model)["status"] == "success"
    editor.delete_weight("layers/dense_1", "1")
    assert list(editor.weights_dict["layers/dense_1"]) == ["0"]
    assert editor.compare(model)["status"] == "error"
    editor.add_weights("layers/dense_1", [np.zeros(2, "float32")])
    assert list(editor.weights_dict["layers/dense_1"]) == ["0", "1"]
    editor.resave_weights(tmp_path / "edited.weights.h5")
    fresh = model_with()
    fresh.load_weights(tmp_path / "edited.weights.h5")
    np.testing.assert_array_equal(backend.convert_to_numpy(fresh.layers[-1].bias), np.zeros(2))
    np.testing.assert_allclose(backend.convert_to_numpy(fresh.layers[-1].kernel), kernel)
    expected = predict(model, x) - np.asarray(bias)
    np.testing.assert_allclose(predict(fresh, x), expected, rtol=1e-5, atol=1e-6)


def test_keras_archive_edit_keeps_config_and_source(tmp_path):
    model = randomized(model_with())
    source = tmp_path / "m.keras"
    model.save(source)
    before = source.read_bytes()
    editor = KerasFileEditor(source)
    assert editor.config["class_name"] == "Functional"
    editor.delete_weight("layers/dense", "1")
    editor.add_weights("layers/dense", {"1": np.full(4, 0.5, "float32")})
    editor.save(tmp_path / "edited.keras")
    loaded = saving_api.load_model(tmp_path / "edited.keras")
    np.testing.assert_allclose(backend.convert_to_numpy(loaded.layers[1].bias), np.full(4, 0.5))
    np.testing.assert_allclose(backend.convert_to_numpy(loaded.layers[2].kernel),
                               backend.convert_to_numpy(model.layers[2].kernel))  # fmt: skip
    assert source.read_bytes() == before
    editor.save(source)  # over the source itself: the edit is in memory, the write atomic
    assert KerasFileEditor(source).weights_dict["layers/dense"]["1"].tolist() == [0.5] * 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edited.keras", "m.keras"]


def test_an_interrupted_save_keeps_the_existing_file(saved, tmp_path, monkeypatch):
    model, path = saved
    before = path.read_bytes()
    editor = KerasFileEditor(path)
    editor.delete_object("layers/dense")

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        editor.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_editor_errors(saved, tmp_path):
    model, path = saved
    with pytest.raises(ValueError, match="must end in '.keras' or '.weights.h5'"):
        KerasFileEditor(tmp_path / "model.bin")
    broken = tmp_path / "broken.weights.h5"
    broken.write_bytes(b"not hdf5")
    with pytest.raises(ValueError, match="cannot read '.*broken.weights.h5' as an HDF5"):
        KerasFileEditor(broken)
    editor = KerasFileEditor(path)
    with pytest.raises(ValueError, match="no object 'missing'.*Objects: \\["):
        editor.delete_object("missing")
    with pytest.raises(ValueError, match="'layers/dense_1' already exists"):
        editor.rename_object("layers/dense", "dense_1")
    with pytest.raises(ValueError, match="new_name must be a non-empty name without '/'"):
        editor.rename_object("layers/dense", "a/b")
    with pytest.raises(ValueError, match="add_object: 'layers/dense' already exists"):
        editor.add_object("layers/dense", [np.zeros(1)])
    with pytest.raises(ValueError, match="object 'layers/dense' has no weight '7'"):
        editor.delete_weight("layers/dense", 7)
    with pytest.raises(ValueError, match="already has weight\\(s\\) \\['0'\\]"):
        editor.add_weights("layers/dense", {"0": np.zeros(1)})
    with pytest.raises(TypeError, match="weights must be a dict of name -> array or a list"):
        editor.add_weights("layers/dense", np.zeros(1))
    with pytest.raises(ValueError, match="holds weights only, so it cannot be saved as a .keras"):
        editor.save(tmp_path / "x.keras")
    with pytest.raises(ValueError, match="resave_weights: filepath must end in '.weights.h5'"):
        editor.resave_weights(tmp_path / "x.h5")
    editor.add_object("extra/deep/block", {"w": np.ones(2)})
    editor.add_object("other/block", {"w": np.ones(2)})
    with pytest.raises(ValueError, match="'block' is ambiguous"):
        editor.delete_object("block")


def test_fixture_compares_with_the_model_loaded_from_it():
    source = fx.path("transformer_block", ".keras")
    model = fx.load_or_skip(saving_api.load_model, source)
    editor = KerasFileEditor(source)
    assert "layers/multi_head_attention/_softmax" in editor._groups
    assert editor.compare(model)["status"] == "success"
    assert file_editor._index_key("10") > file_editor._index_key("9")
