"""FeatureSpace: every feature type, crosses, concat/dict outputs, symbolic inputs and
encodings, configs, saving, and errors. Expected values are what Keras 3.15 gives."""

import json
import zipfile

import numpy as np
import pytest

import cornu
from cornu import ops
from cornu.utils import FeatureSpace as FS
from tests.conftest import requires_training

_DATA = {
    "f": np.array([1.0, 2.0, 3.0, 4.0], "float32"),
    "r": np.array([10.0, 20.0, 30.0, 40.0], "float32"),
    "n": np.array([1.0, 3.0, 5.0, 7.0], "float32"),
    "d": np.array([0.1, 0.5, 0.9, 0.3], "float32"),
    "ic": np.array([1, 2, 2, 3], "int64"),
    "sc": np.array(["a", "b", "b", "c"]),
    "sh": np.array(["x", "y", "z", "x"]),
    "ih": np.array([5, 6, 7, 5], "int64"),
}
# Keras 3.15's output for the first row of _DATA (features by name, then the cross).
_KERAS_ROW0 = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, -1.3416407, 2.0, 0, 0, 0, 1, 0, 0, 1, 0, 0,
               0, 0, 0, 0, 1] + [0] * 14  # fmt: skip


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _space(output_mode="concat"):
    return FS(
        features={
            "f": "float",
            "r": FS.float_rescaled(scale=0.1, offset=1.0),
            "n": "float_normalized",
            "d": FS.float_discretized(num_bins=3, bin_boundaries=[1 / 6, 0.4333333]),
            "ic": "integer_categorical",
            "sc": FS.string_categorical(max_tokens=5),
            "sh": FS.string_hashed(num_bins=8),
            "ih": FS.integer_hashed(num_bins=4),
        },
        crosses=[FS.cross(("sc", "ic"), crossing_dim=16)],
        output_mode=output_mode,
    )


def test_concat_output_matches_keras():
    space = _space()
    space.adapt(_DATA)
    out = to_np(space(_DATA))
    assert out.shape == (4, 42) and out.dtype == np.float32
    np.testing.assert_allclose(out[0], _KERAS_ROW0, rtol=1e-5, atol=1e-6)
    assert space.preprocessors["sc"].get_vocabulary() == ["[UNK]", "b", "c", "a"]
    assert space.preprocessors["ic"].get_vocabulary() == [-1, 2, 3, 1]
    one = to_np(space({k: v[0] for k, v in _DATA.items()}))  # one unbatched sample
    np.testing.assert_allclose(one, out[0], rtol=1e-6)


def test_dict_output_and_adapt_from_tf_data():
    tf = pytest.importorskip("tensorflow")
    space = FS(features={"sc": "string_categorical", "f": "float_normalized"}, output_mode="dict")
    data = {"sc": _DATA["sc"], "f": _DATA["f"]}
    space.adapt(tf.data.Dataset.from_tensor_slices(data).batch(2))
    out = space(data)
    assert list(out) == ["f", "sc"]
    np.testing.assert_allclose(to_np(out["f"])[:, 0], [-1.3416407, -0.4472136, 0.4472136, 1.3416407],
                               rtol=1e-5)  # fmt: skip
    np.testing.assert_array_equal(to_np(out["sc"]), np.eye(4)[[3, 1, 1, 2]])


def test_adapt_from_an_iterable_of_dict_batches():
    space = FS(features={"sc": "string_categorical"})
    space.adapt([{"sc": np.array(["a", "b"])}, {"sc": np.array(["b"])}])
    assert space.preprocessors["sc"].get_vocabulary() == ["[UNK]", "b", "a"]


def test_inputs_and_encoded_features():
    space = _space()
    space.adapt(_DATA)
    inputs = space.get_inputs()
    assert {n: (t.shape, t.dtype) for n, t in inputs.items()}["sc"] == ((None, 1), "string")
    assert inputs["ic"].dtype == "int32"
    assert space.get_encoded_features().shape == (None, 42)


@requires_training
def test_model_on_encoded_features_trains():
    space = FS(features={"f": "float_normalized", "g": FS.float_rescaled(scale=0.5)})
    data = {"f": np.arange(8, dtype="float32"), "g": np.ones(8, "float32")}
    space.adapt(data)
    encoded = space.get_encoded_features()
    outputs = cornu.layers.Dense(1)(encoded)
    model = cornu.Model(space.get_inputs(), outputs)
    model.compile(optimizer="sgd", loss="mse")
    x = {k: v.reshape(-1, 1) for k, v in data.items()}
    history = model.fit(x, np.zeros((8, 1)), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    processed = space(data)
    assert to_np(model.layers[-1](processed)).shape == (8, 1)


def test_config_matches_keras_layout_and_round_trips():
    space = _space()
    space.adapt(_DATA)
    config = space.get_config()
    assert set(config) == {"features", "output_mode", "crosses", "crossing_dim", "hashing_dim",
                           "num_discretization_bins"}  # fmt: skip
    feature = config["features"]["f"]
    assert feature["module"] == "keras.src.layers.preprocessing.feature_space"
    assert feature["registered_name"] == "Feature"
    assert feature["config"]["preprocessor"]["registered_name"] == "TFDIdentity"
    assert config["crosses"][0]["config"] == {"feature_names": ("sc", "ic"), "crossing_dim": 16,
                                               "output_mode": "one_hot"}  # fmt: skip
    again = FS.from_config(json.loads(json.dumps(config)))
    assert isinstance(again.preprocessors["sc"], cornu.layers.StringLookup)
    assert again.crosses[0].feature_names == ("sc", "ic")


def test_save_writes_keras_layout(tmp_path):
    space = _space()
    space.adapt(_DATA)
    path = str(tmp_path / "space.keras")
    space.save(path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        config = json.loads(archive.read("config.json"))
        vocab = archive.read("assets/preprocessors/string_lookup/vocabulary.txt").decode()
    assert {"assets/preprocessors/integer_lookup/vocabulary.txt", "model.weights.h5"} <= names
    assert config["module"] == "keras.utils" and config["class_name"] == "FeatureSpace"
    assert config["build_config"]["ic"] == {}
    assert vocab == "[UNK]\nb\nc\na"


def test_save_and_load_numeric_features(tmp_path):
    space = FS(features={"f": "float_normalized", "d": FS.float_discretized(num_bins=3)},
               crosses=None)  # fmt: skip
    space.adapt({"f": _DATA["f"], "d": _DATA["d"]})
    path = str(tmp_path / "space.keras")
    space.save(path)
    loaded = cornu.saving.load_model(path)
    data = {"f": _DATA["f"], "d": _DATA["d"]}
    np.testing.assert_allclose(to_np(loaded(data)), to_np(space(data)), rtol=1e-6)


def test_save_and_load_restores_vocabularies(tmp_path):
    space = FS(features={"sc": "string_categorical"})
    space.adapt({"sc": _DATA["sc"]})
    path = str(tmp_path / "space.keras")
    space.save(path)
    loaded = cornu.saving.load_model(path)
    assert loaded.preprocessors["sc"].get_vocabulary() == ["[UNK]", "b", "c", "a"]


def test_errors():
    with pytest.raises(ValueError, match="unknown feature type 'text'"):
        FS(features={"a": "text"})
    with pytest.raises(ValueError, match="output_mode must be one of"):
        FS(features={"a": "float"}, output_mode="list")
    with pytest.raises(ValueError, match="names features \\['zz'\\]"):
        FS(features={"a": "string_categorical"}, crosses=[("a", "zz")])
    space = FS(features={"a": "string_categorical"})
    with pytest.raises(ValueError, match="must be adapted before use"):
        space({"a": np.array(["x"])})
    space.adapt({"a": np.array(["x"])})
    with pytest.raises(ValueError, match="lacks the features \\['a'\\]"):
        space({"b": np.array(["x"])})
    with pytest.raises(TypeError, match="dataset of dicts"):
        FS(features={"a": "float_normalized"}).adapt([np.array([1.0])])
