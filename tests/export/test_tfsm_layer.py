"""`TFSMLayer`: an exported SavedModel called as a layer, its variables the layer's weights."""

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.export.tfsm_layer import TFSMLayer

TF_ONLY = pytest.mark.skipif(
    backend.backend() != "tensorflow",
    reason="TFSMLayer runs TensorFlow SavedModel graphs: tensorflow backend only",
)
RNG = np.random.default_rng(1)


def exported(tmp_path):
    inputs = cornu.Input((3,), name="features")
    x = cornu.layers.Dense(4, activation="relu")(inputs)
    x = cornu.layers.Dropout(0.5)(x)
    model = cornu.Model(inputs, cornu.layers.Dense(2)(x))
    archive = cornu.export.ExportArchive()
    archive.track(model)
    spec = [cornu.InputSpec(shape=(None, 3), dtype="float32")]
    archive.add_endpoint("serve", lambda t: model(t, training=False), input_signature=spec)
    archive.add_endpoint("train_call", lambda t: model(t, training=True), input_signature=spec)
    archive.write_out(tmp_path / "m", verbose=False)
    return model, str(tmp_path / "m")


@TF_ONLY
def test_tfsm_layer_in_a_functional_model_reproduces_the_outputs(tmp_path):
    model, path = exported(tmp_path)
    x = RNG.normal(size=(5, 3)).astype("float32")
    expected = np.asarray(model.predict(x, verbose=0))
    layer = TFSMLayer(path)
    inputs = cornu.Input((3,))
    wrapper = cornu.Model(inputs, layer(inputs))
    assert tuple(wrapper.outputs[0].shape) == (None, 2)
    np.testing.assert_allclose(np.asarray(wrapper.predict(x, verbose=0)), expected, rtol=1e-5,
                               atol=1e-6)  # fmt: skip
    assert [tuple(w.shape) for w in layer.trainable_weights] == [(3, 4), (4,), (4, 2), (2,)]
    for mine, theirs in zip(layer.trainable_weights, model.trainable_weights):
        np.testing.assert_array_equal(backend.convert_to_numpy(mine),
                                      backend.convert_to_numpy(theirs))  # fmt: skip
    # The weights are the SavedModel's variables: assigning them changes what it computes.
    layer.trainable_weights[-1].assign(np.full((2,), 10.0, "float32"))
    np.testing.assert_allclose(np.asarray(layer(x)), expected - model.layers[-1].bias.numpy() + 10,
                               rtol=1e-5, atol=1e-5)  # fmt: skip


@TF_ONLY
def test_tfsm_layer_trains_and_uses_the_training_endpoint(tmp_path):
    model, path = exported(tmp_path)
    x = RNG.normal(size=(8, 3)).astype("float32")
    frozen = TFSMLayer(path, trainable=False)
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == 4
    layer = TFSMLayer(path, call_training_endpoint="train_call")
    inference = np.asarray(layer(x))
    training = np.asarray(layer(x, training=True))
    assert training.shape == inference.shape and not np.allclose(training, inference)
    inputs = cornu.Input((3,))
    wrapper = cornu.Model(inputs, layer(inputs))
    wrapper.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse")
    before = [w.numpy().copy() for w in layer.trainable_weights]
    wrapper.fit(x, np.zeros((8, 2), "float32"), epochs=1, verbose=0)
    assert any(not np.allclose(b, w.numpy()) for b, w in zip(before, layer.trainable_weights))


@TF_ONLY
def test_tfsm_layer_config_round_trip_and_errors(tmp_path):
    _, path = exported(tmp_path)
    layer = TFSMLayer(path, call_training_endpoint="train_call", name="served")
    config = layer.get_config()
    assert config["filepath"] == path and config["call_endpoint"] == "serve"
    clone = TFSMLayer.from_config(config)
    assert clone.name == "served" and clone.call_training_endpoint == "train_call"
    with pytest.raises(ValueError, match="call_endpoint='predict' is not an endpoint.*'serve'"):
        TFSMLayer(path, call_endpoint="predict")
    with pytest.raises(ValueError, match="must be a SavedModel directory"):
        TFSMLayer(str(tmp_path / "missing"))
    signature_layer = TFSMLayer(path, call_endpoint="serving_default")
    out = signature_layer(np.ones((2, 3), "float32"))
    assert tuple(out["output_0"].shape) == (2, 2)


@pytest.mark.skipif(backend.backend() == "tensorflow", reason="TFSMLayer works there")
def test_tfsm_layer_needs_the_tensorflow_backend(tmp_path):
    name = backend.backend()
    with pytest.raises(ValueError, match=f"TFSMLayer .*current backend is '{name}'"):
        TFSMLayer(str(tmp_path))
