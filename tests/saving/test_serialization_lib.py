"""serialize/deserialize_keras_object: the Keras layout of values, functions and classes, the
registry, custom activations found on load, and safe mode."""

import json
import zipfile

import numpy as np
import pytest

import cornu
from cornu.saving import serialization_lib

S, D = cornu.saving.serialize_keras_object, cornu.saving.deserialize_keras_object


def test_plain_values_keep_keras_markers():
    # On the numpy backend an ndarray is a backend tensor, recorded as "__tensor__".
    marker = "__tensor__" if cornu.backend.backend() == "numpy" else "__numpy__"
    assert S(np.arange(3, dtype="int32")) == {
        "class_name": marker, "config": {"value": [0, 1, 2], "dtype": "int32"}
    }  # fmt: skip
    restored = D(S(np.arange(3, dtype="int32")))
    assert restored.dtype == np.int32 and restored.tolist() == [0, 1, 2]
    assert S((1, (2, 3))) == (1, (2, 3))
    assert D(S(b"ab")) == b"ab"


def test_functions_are_recorded_under_builtins_by_name():
    def local_fn(x):
        return x

    assert S(local_fn) == {
        "module": "builtins", "class_name": "function", "config": "local_fn",
        "registered_name": "function",
    }  # fmt: skip
    assert D(S(cornu.activations.relu)) is cornu.activations.relu
    with pytest.raises(TypeError, match="Could not locate function 'local_fn'"):
        D(S(local_fn))


def test_module_names_follow_keras():
    assert S(cornu.DTypePolicy("float32"))["module"] == "keras"
    assert S(cornu.layers.Layer())["module"] == "keras"
    assert S(cornu.random.SeedGenerator(1))["module"] == "keras.random"
    assert S(cornu.layers.Dense(1))["module"] == "keras.layers"


def test_unregistered_class_is_recorded_under_its_own_name():
    class Plus(cornu.layers.Layer):
        def call(self, x):
            return x + 1

    config = S(Plus())
    assert config["registered_name"] == "Plus"
    assert isinstance(D(config, custom_objects={"Plus": Plus}), Plus)


def test_registering_a_name_again_replaces_it():
    register = cornu.saving.register_keras_serializable(package="ser_test", name="fn")
    first, second = register(lambda x: x), register(lambda x: x * 2)
    assert cornu.saving.get_registered_object("ser_test>fn") is second
    assert first is not second


def test_model_config_has_build_and_compile_entries():
    model = cornu.Sequential([cornu.Input((2,)), cornu.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    config = json.loads(model.to_json())
    assert config["module"] == "keras" and config["build_config"] == {"input_shape": [None, 2]}
    assert config["compile_config"]["loss"] == "mse"
    assert config["compile_config"]["jit_compile"] == (cornu.backend.backend() in ("jax", "numpy"))


def test_custom_activation_found_by_registered_name_on_load(tmp_path):
    @cornu.saving.register_keras_serializable(package="ser_act")
    def doubled(x):
        return x * 2.0

    def tripled(x):
        return x * 3.0

    x = np.ones((1, 3), "float32")
    for fn, name in ((doubled, "ser_act>doubled"), (tripled, "tripled")):
        model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2, activation=fn)])
        path = str(tmp_path / "act.keras")
        model.save(path)
        with zipfile.ZipFile(path) as archive:
            saved = json.loads(archive.read("config.json"))["config"]["layers"][1]
        assert saved["config"]["activation"]["config"] == name
        custom = None if fn is doubled else {"tripled": tripled}
        loaded = cornu.saving.load_model(path, custom_objects=custom)
        assert loaded.layers[0].activation is fn
        np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(TypeError, match="Could not locate function 'tripled'"):
        cornu.saving.load_model(path)


def test_load_model_safe_mode_false_allows_lambdas_for_that_load(tmp_path):
    model = cornu.Sequential([cornu.Input((2,)), cornu.layers.Lambda(lambda z: z * 2.0)])
    path = str(tmp_path / "lam.keras")
    model.save(path)
    with pytest.raises(ValueError, match="load it with `safe_mode=False`"):
        cornu.saving.load_model(path)
    loaded = cornu.saving.load_model(path, safe_mode=False)
    np.testing.assert_allclose(loaded.predict(np.ones((1, 2), "float32"), verbose=0), [[2.0, 2.0]])
    assert serialization_lib.in_safe_mode() is None
    with pytest.raises(ValueError):
        cornu.saving.load_model(path)


def test_load_weights_of_a_missing_file_is_file_not_found(tmp_path):
    model = cornu.Sequential([cornu.Input((2,)), cornu.layers.Dense(1)])
    with pytest.raises(FileNotFoundError, match="absent.weights.h5': no such file"):
        model.load_weights(str(tmp_path / "absent.weights.h5"))


def test_backend_tensors_round_trip_as_keras_tensor_markers():
    tensor = cornu.ops.convert_to_tensor(np.arange(3, dtype="int32"))
    config = S(tensor)
    assert config == {"class_name": "__tensor__", "config": {"value": [0, 1, 2], "dtype": "int32"}}
    back = D(config)
    assert cornu.backend.is_tensor(back)
    np.testing.assert_array_equal(cornu.ops.convert_to_numpy(back), [0, 1, 2])
