"""JaxLayer and FlaxLayer: weights from init_fn/params/Flax variables, the call_fn argument
combinations, training flag, rng and state, symbolic use, fit, saving and configs; on
tensorflow through jax2tf; torch and numpy refuse them as Keras does."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, saving
from tests.conftest import requires_training

SUPPORTED = backend.backend() in ("jax", "tensorflow")
supported_only = pytest.mark.skipif(not SUPPORTED, reason="JaxLayer runs on jax and tensorflow")
if SUPPORTED:
    jax = pytest.importorskip("jax")
    jnp = jax.numpy


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


@saving.register_keras_serializable("test_jax_layer")
def dense_init(rng, inputs):
    return {
        "w": jax.random.normal(rng, (inputs.shape[-1], 2), "float32"),
        "b": jnp.zeros((2,), "float32"),
    }


@saving.register_keras_serializable("test_jax_layer")
def dense_call(params, inputs):
    return inputs @ params["w"] + params["b"]


def counter_init(rng, inputs, training):
    assert training is True  # init_fn always gets training=True
    return {"w": jnp.ones((inputs.shape[-1], 1))}, {"steps": jnp.zeros(())}


def counter_call(params, state, rng, inputs, training):
    outputs = inputs @ params["w"]
    if training:
        outputs = outputs + 0.0 * jax.random.uniform(rng, outputs.shape, outputs.dtype)
        state = {"steps": state["steps"] + 1}
    return outputs, state


@pytest.mark.skipif(SUPPORTED, reason="checks the error torch and numpy give")
def test_refused_on_other_backends():
    with pytest.raises(ValueError, match="only supported with the JAX or Tensorflow backend"):
        layers.JaxLayer(lambda inputs: inputs)
    with pytest.raises(ValueError, match="only supported with the JAX or Tensorflow backend"):
        layers.FlaxLayer(None)


@supported_only
def test_init_fn_builds_params_in_pytree_order():
    layer = layers.JaxLayer(dense_call, dense_init, seed=1)
    out = layer(np.ones((3, 4), "float32"))
    assert tuple(out.shape) == (3, 2)
    # One weight per leaf, named by its pytree path, in pytree (sorted-key) order.
    assert [w.path.split("/")[-1] for w in layer.trainable_weights] == ["b", "w"]
    assert sorted(layer.params) == ["b", "w"]
    w, b = _np(layer.params["w"]), _np(layer.params["b"])
    np.testing.assert_allclose(_np(out), np.ones((3, 4)) @ w + b, rtol=1e-6)


@supported_only
def test_state_rng_and_training_flag():
    layer = layers.JaxLayer(counter_call, counter_init, seed=3)
    layer(np.ones((2, 4), "float32"))
    assert [w.trainable for w in layer.weights] == [True, False]
    assert float(_np(layer.state["steps"])) == 0.0  # inference leaves the state
    layer(np.ones((2, 4), "float32"), training=True)
    assert float(_np(layer.state["steps"])) == 1.0


@supported_only
def test_rng_given_in_training_only():
    seen = []

    def call_fn(rng, inputs):
        seen.append(rng is None)
        return inputs

    layer = layers.JaxLayer(call_fn, seed=5)
    layer(np.ones((1, 2), "float32"))
    layer(np.ones((1, 2), "float32"), training=True)
    assert seen == [True, False]
    assert layer.weights == []


@supported_only
def test_params_and_state_given_directly():
    def call_fn(params, state, inputs):
        return inputs * params["k"] + state["s"], state

    layer = layers.JaxLayer(
        call_fn,
        params={"k": np.full((2,), 2.0, "float64")},
        state={"s": np.ones((2,), "float32")},
    )
    out = layer(np.ones((1, 2), "float32"))
    np.testing.assert_allclose(_np(out), [[3.0, 3.0]])
    assert [(w.dtype, w.trainable) for w in layer.weights] == [
        ("float32", True),
        ("float32", False),
    ]


@supported_only
def test_symbolic_keeps_unknown_dims_and_pytree_io():
    def call_fn(params, inputs):
        return {"y": inputs["a"] @ params + inputs["b"], "a": inputs["a"]}

    layer = layers.JaxLayer(call_fn, params=np.ones((4, 3), "float32"))
    a, b = cornu.Input((4,)), cornu.Input((3,))
    out = layer({"a": a, "b": b})
    assert tuple(out["y"].shape) == (None, 3) and tuple(out["a"].shape) == (None, 4)


@supported_only
def test_argument_errors():
    with pytest.raises(ValueError, match="Missing required argument in `call_fn`: `inputs`"):
        layers.JaxLayer(lambda params, x: x, params=1.0)
    with pytest.raises(ValueError, match="Unsupported argument in `call_fn`: `foo`"):
        layers.JaxLayer(lambda params, inputs, foo: inputs, params=1.0)
    with pytest.raises(ValueError, match="cannot all be `None`"):
        layers.JaxLayer(dense_call)
    bad_init = layers.JaxLayer(counter_call, lambda rng, inputs: {"w": jnp.ones((2, 1))})
    with pytest.raises(ValueError, match=r"must return a tuple `\(params, state\)`"):
        bad_init(np.ones((1, 2), "float32"))
    no_state = layers.JaxLayer(
        lambda params, state, inputs: inputs, params=np.ones(2, "float32"), state=np.ones(2)
    )
    with pytest.raises(ValueError, match=r"must return a tuple `\(outputs, new_state\)`"):
        no_state(np.ones((1, 2), "float32"))


@supported_only
@requires_training
def test_fit_trains_params_and_updates_state():
    inputs = cornu.Input((4,))
    layer = layers.JaxLayer(counter_call, counter_init, seed=0)
    model = cornu.Model(inputs, layer(inputs))
    model.compile("sgd", "mse")
    x, y = np.ones((8, 4), "float32"), np.zeros((8, 1), "float32")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    # Two SGD steps on mean((4w)^2) from w=1 (Keras gives the same numbers).
    np.testing.assert_allclose(_np(layer.params["w"]), np.full((4, 1), 0.8464), rtol=1e-5)
    assert float(_np(layer.state["steps"])) == 2.0


@supported_only
def test_save_and_load_keras_file_and_weights(tmp_path):
    inputs = cornu.Input((4,))
    model = cornu.Model(inputs, layers.JaxLayer(dense_call, dense_init)(inputs))
    config = model.layers[1].get_config()
    assert config["call_fn"]["config"] == "test_jax_layer>dense_call"
    assert config["native_serialization_platforms"] is None
    x = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    expected = _np(model(x))
    model.save(tmp_path / "m.keras")
    restored = saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(_np(restored(x)), expected, rtol=1e-6)
    model.save_weights(tmp_path / "m.weights.h5")
    other = cornu.Model(inputs, layers.JaxLayer(dense_call, dense_init)(inputs))
    other.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_allclose(_np(other(x)), expected, rtol=1e-6)


# -- FlaxLayer --------------------------------------------------------------------------

if SUPPORTED:
    linen = pytest.importorskip("flax.linen")

    @saving.register_keras_serializable("test_jax_layer")
    class BatchNormMLP(linen.Module):
        features: int = 3

        @linen.compact
        def __call__(self, inputs, training=False):
            x = linen.Dense(self.features)(inputs)
            x = linen.BatchNorm(use_running_average=not training)(x)
            return linen.Dropout(0.5, deterministic=not training)(x)

        def doubled(self, inputs):
            return self(inputs) * 2

        def get_config(self):
            return {"features": self.features}


@supported_only
def test_flax_params_trainable_collections_not():
    layer = layers.FlaxLayer(BatchNormMLP())
    layer(np.ones((2, 4), "float32"))
    assert len(layer.trainable_weights) == 4 and len(layer.non_trainable_weights) == 2
    assert sorted(layer.params) == ["params"] and sorted(layer.state) == ["batch_stats"]
    mean = layer.state["batch_stats"]["BatchNorm_0"]["mean"]
    before = _np(mean).copy()
    layer(np.random.default_rng(0).standard_normal((4, 4)).astype("float32"), training=True)
    assert not np.allclose(_np(mean), before)  # batch statistics move in training


@supported_only
def test_flax_method_variables_and_config():
    module = BatchNormMLP()
    variables = module.init(jax.random.PRNGKey(0), np.ones((1, 4), "float32"))
    layer = layers.FlaxLayer(module, method=BatchNormMLP.doubled, variables=variables)
    x = np.ones((1, 4), "float32")
    expected = module.apply(variables, x, method=BatchNormMLP.doubled)
    np.testing.assert_allclose(_np(layer(x)), np.asarray(expected), rtol=1e-6)
    config = layer.get_config()
    assert config["module"]["registered_name"] == "test_jax_layer>BatchNormMLP"
    assert config["method"]["config"] == "doubled"
    assert "call_fn" not in config
    assert isinstance(layers.FlaxLayer.from_config(config).module, BatchNormMLP)


@supported_only
def test_flax_rejects_non_linen_modules():
    nnx = pytest.importorskip("flax.nnx")
    with pytest.raises(TypeError, match="flax.nnx.bridge.to_linen"):
        layers.FlaxLayer(nnx.Linear(2, 2, rngs=nnx.Rngs(0)))
    with pytest.raises(TypeError, match="expects a flax.linen.Module"):
        layers.FlaxLayer(lambda x: x)


@supported_only
@requires_training
def test_flax_fit_save_and_load(tmp_path):
    inputs = cornu.Input((4,))
    model = cornu.Model(inputs, layers.FlaxLayer(BatchNormMLP())(inputs))
    model.compile("adam", "mse")
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 4)).astype("float32"), np.zeros((8, 3), "float32")
    before = [_np(w).copy() for w in model.weights]
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert all(not np.allclose(b, _np(w)) for b, w in zip(before, model.weights))
    expected = _np(model.predict(x, verbose=0))
    model.save(tmp_path / "flax.keras")
    restored = saving.load_model(tmp_path / "flax.keras")
    np.testing.assert_allclose(_np(restored.predict(x, verbose=0)), expected, rtol=1e-5)
