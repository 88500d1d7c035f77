"""int8- and int4-quantized `.keras` files pass both ways: cornu's load in real Keras (run in a
subprocess) and Keras's load in cornu, with the same variables and predictions. Skipped when
Keras is not installed."""

import importlib.util
import os

import numpy as np
import pytest

import cornu
from tests.helpers import keras_report

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("keras") is None, reason="real Keras (the oracle) is not installed"
)

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


def quantized_models(lib):
    """The same quantized models under `lib` (cornu or keras), with fixed float weights."""
    L = lib.layers
    rng = np.random.default_rng(0)
    dense = lib.Sequential([lib.Input((6,)), L.Dense(5, activation="relu"), L.Dense(3)])
    ids = lib.Input((3,), dtype="int32")
    h = L.Embedding(7, 4)(ids)
    h = L.EinsumDense("abc,cd->abd", output_shape=(3, 2), bias_axes="d")(h)
    embed = lib.Model(ids, h)
    int4 = lib.Sequential([lib.Input((10,)), L.Dense(5, activation="relu"), L.Dense(3)])
    ids4 = lib.Input((3,), dtype="int32")
    h4 = L.Embedding(7, 6)(ids4)
    embed4 = lib.Model(ids4, L.EinsumDense("abc,cd->abd", output_shape=(3, 2))(h4))
    models = {"dense": dense, "embed": embed, "int4": int4, "embed_int4": embed4}
    for name, model in models.items():
        model.set_weights([rng.standard_normal(w.shape).astype("float32")
                           for w in model.get_weights()])  # fmt: skip
        if name == "embed_int4":
            model.quantize("int4", config=lib.quantizers.Int4QuantizationConfig(block_size=4))
        elif name == "int4":
            model.quantize("int4", config=lib.quantizers.Int4QuantizationConfig(block_size=4))
        else:
            model.quantize("int8")
    inputs = {
        "dense": rng.standard_normal((4, 6)).astype("float32"),
        "embed": np.array([[1, 2, 6], [0, 3, 3]], "int32"),
        "int4": rng.standard_normal((4, 10)).astype("float32"),
        "embed_int4": np.array([[1, 2, 6], [0, 3, 3]], "int32"),
    }
    return models, inputs


_IN_KERAS = """
import json, os, sys
import numpy as np
import keras
folder, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, root)
from tests.layers.core.test_quantize_keras_interop import quantized_models
report = {}
models, inputs = quantized_models(keras)
for name, model in models.items():
    loaded = keras.saving.load_model(os.path.join(folder, "cornu_" + name + ".keras"))
    report[name] = {
        "out": np.asarray(loaded.predict(inputs[name], verbose=0), "float32").tolist(),
        "weights": [[v.path.split("/")[-1], list(v.shape), str(v.dtype)] for v in loaded.weights],
    }
    model.save(os.path.join(folder, "keras_" + name + ".keras"))
    np.save(os.path.join(folder, "keras_" + name + ".npy"), model.predict(inputs[name], verbose=0))
print("REPORT" + json.dumps(report))
"""


def _weights(model):
    return [[v.path.split("/")[-1], list(v.shape), str(v.dtype)] for v in model.weights]


def test_int8_models_pass_both_ways(tmp_path):
    models, inputs = quantized_models(cornu)
    expected = {}
    for name, model in models.items():
        expected[name] = np.asarray(model.predict(inputs[name], verbose=0))
        model.save(str(tmp_path / f"cornu_{name}.keras"))
    report = keras_report(_IN_KERAS, tmp_path, _ROOT)
    for name, model in models.items():
        # cornu -> Keras: same variables, same predictions.
        assert report[name]["weights"] == _weights(model), name
        np.testing.assert_allclose(report[name]["out"], expected[name], rtol=1e-5, atol=1e-5)
        # Keras -> cornu: loads with Keras's layout and predicts what Keras predicted.
        loaded = cornu.saving.load_model(str(tmp_path / f"keras_{name}.keras"))
        assert _weights(loaded) == _weights(model), name
        keras_out = np.load(tmp_path / f"keras_{name}.npy")
        np.testing.assert_allclose(
            np.asarray(loaded.predict(inputs[name], verbose=0)), keras_out, rtol=1e-5, atol=1e-5
        )
