"""The Layer base class: weights, tracking, building, training flag, losses, stateless_call,
dtype policies, config, and (on torch) being an nn.Module."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from tests.conftest import requires_training


class Scale(cornu.Layer):
    def __init__(self, regularize=False, **kwargs):
        super().__init__(**kwargs)
        self.regularize = regularize

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1],), initializer="ones", name="w",
            regularizer="l2" if self.regularize else None,
        )  # fmt: skip
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="count")

    def call(self, x, training=None):
        self.count.assign_add(1.0)
        if training:
            self.add_loss(ops.sum(x) * 0.0 + 1.0)
        return x * self.w


class Block(cornu.Layer):
    def __init__(self):
        super().__init__()
        self.inner = [layers.Dense(3), layers.Dense(2)]
        self.extra = {"head": layers.Dense(1)}

    def call(self, x):
        for layer in self.inner:
            x = layer(x)
        return self.extra["head"](x)


def test_build_on_first_call_and_weights():
    layer = Scale()
    assert not layer.built
    out = layer(np.ones((2, 4), "float32"))
    assert layer.built and ops.shape(out) == (2, 4)
    assert layer.name.startswith("scale")  # "scale", or "scale_<n>" after other tests
    assert [v.path for v in layer.weights] == [f"{layer.name}/w", f"{layer.name}/count"]
    assert len(layer.trainable_weights) == 1 and len(layer.non_trainable_weights) == 1
    assert layer.count_params() == 5


def test_nested_tracking_in_lists_and_dicts():
    block = Block()
    block(np.ones((1, 5), "float32"))
    assert len(block.weights) == 6
    block.inner.append(layers.Dense(4))  # added after assignment: still tracked
    assert block.inner[-1] in block._layers


def test_get_and_set_weights():
    layer = layers.Dense(2)
    layer(np.ones((1, 3), "float32"))
    weights = [np.full((3, 2), 0.5, "float32"), np.array([1.0, -1.0], "float32")]
    layer.set_weights(weights)
    np.testing.assert_allclose(layer.get_weights()[0], weights[0])
    with pytest.raises(
        ValueError, match=r"has shape \(3, 2\), but the array given for it has shape \(2, 2\)"
    ):
        layer.set_weights([np.zeros((2, 2)), np.zeros(2)])
    with pytest.raises(ValueError, match="has 2 weights but set_weights received 1"):
        layer.set_weights([np.zeros((3, 2))])


def test_freezing():
    block = Block()
    block(np.ones((1, 5), "float32"))
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == 6
    block.trainable = True
    assert len(block.trainable_weights) == 6


def test_count_params_before_build_raises():
    with pytest.raises(ValueError, match="is not built yet"):
        layers.Dense(2).count_params()


def test_training_flag_reaches_inner_layers_and_losses():
    outer = cornu.Sequential([cornu.Input((3,)), Scale()])
    outer(np.ones((2, 3), "float32"), training=True)
    assert len(outer.losses) == 1
    outer(np.ones((2, 3), "float32"), training=False)
    assert len(outer.losses) == 0


def test_regularization_losses():
    layer = Scale(regularize=True)
    layer(np.ones((1, 2), "float32"))
    (penalty,) = layer.losses
    np.testing.assert_allclose(float(ops.convert_to_numpy(penalty)), 0.01 * 2, rtol=1e-6)


def test_stateless_call_is_pure():
    layer = Scale()
    x = np.ones((1, 2), "float32")
    layer(x)
    trainable = [np.full((2,), 3.0, "float32")]
    non_trainable = [np.zeros((), "float32")]
    out, new_non_trainable = layer.stateless_call(trainable, non_trainable, x)
    np.testing.assert_allclose(ops.convert_to_numpy(out), [[3.0, 3.0]])
    assert float(ops.convert_to_numpy(new_non_trainable[0])) == 1.0
    assert float(layer.count.numpy()) == 1.0  # the layer's own state is untouched
    with pytest.raises(
        ValueError, match="has 1 trainable_variables, but stateless_call received 2"
    ):
        layer.stateless_call([trainable[0], trainable[0]], non_trainable, x)


def test_mixed_precision_policy():
    layer = layers.Dense(2, dtype="mixed_float16")
    out = layer(np.ones((1, 3), "float32"))
    assert layer.compute_dtype == "float16" and layer.variable_dtype == "float32"
    assert ops.dtype(out) == "float16"
    assert layer.kernel.dtype == "float32"


def test_input_spec_error_names_layer_and_shapes():
    layer = layers.Dense(4, name="dense_probe")
    layer(np.ones((2, 3), "float32"))
    with pytest.raises(
        ValueError, match=r"layer 'dense_probe'.*axis -1 of input shape to have value 3.*\(2, 5\)"
    ):
        layer(np.ones((2, 5), "float32"))


def test_config_round_trip():
    layer = layers.Dense(3, activation="relu", use_bias=False, name="probe")
    config = layer.get_config()
    assert config["units"] == 3 and config["activation"] == "relu"
    assert config["dtype"]["config"]["name"] == "float32"
    clone = layers.Dense.from_config(config)
    assert clone.units == 3 and not clone.use_bias and clone.name == "probe"


def test_bad_constructor_arguments():
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        layers.Dense(3, bogus=1)
    with pytest.raises(ValueError, match="units must be a positive int"):
        layers.Dense(0)
    with pytest.raises(ValueError, match="Unknown activation: 'rellu'. Did you mean: 'relu'"):
        layers.Dense(3, activation="rellu")


def test_dense_matches_numpy():
    layer = layers.Dense(3, activation="relu")
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    out = ops.convert_to_numpy(layer(x))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(out, np.maximum(x @ kernel + bias, 0), rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(backend.backend() != "torch", reason="torch modules are the torch backend's")
def test_layers_are_torch_modules_trained_by_torch_optim():
    import torch

    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(4), layers.Dense(1)])
    assert isinstance(model, torch.nn.Module)
    params = list(model.parameters())
    assert len(params) == 4
    assert sorted(n.split(".")[-1] for n, _ in model.named_parameters()) == [
        "bias",
        "bias",
        "kernel",
        "kernel",
    ]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.ones(8, 3), torch.zeros(8, 1)
    before = torch.nn.functional.mse_loss(model(x), y).item()
    for _ in range(20):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
    assert loss.item() < before * 0.1


@pytest.mark.skipif(backend.backend() != "jax", reason="jax.jit is the jax backend's")
def test_jax_loop_over_the_stateless_api():
    import jax
    import jax.numpy as jnp

    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(4), layers.Dense(1)])
    x, y = jnp.ones((8, 3), "float32"), jnp.zeros((8, 1), "float32")

    def loss_fn(trainable, non_trainable):
        out, _ = model.stateless_call(trainable, non_trainable, x)
        return jnp.mean((out - y) ** 2)

    @jax.jit
    def step(trainable, non_trainable):
        loss, grads = jax.value_and_grad(loss_fn)(trainable, non_trainable)
        return loss, [w - 0.02 * g for w, g in zip(trainable, grads)]

    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    first, trainable = step(trainable, non_trainable)
    for _ in range(60):
        loss, trainable = step(trainable, non_trainable)
    assert float(loss) < float(first) * 0.1


@pytest.mark.skipif(
    backend.backend() != "tensorflow", reason="GradientTape is the tensorflow backend's"
)
def test_tensorflow_gradient_tape_over_cornu_variables():
    import tensorflow as tf

    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(1)])
    x, y = tf.ones((8, 3)), tf.zeros((8, 1))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x) - y) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    assert all(g is not None for g in grads) and len(grads) == 2


@requires_training
def test_gradients_flow_through_a_model():
    model = cornu.Sequential([cornu.Input((2,)), layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse")
    before = model.get_weights()[0].copy()
    model.train_on_batch(np.ones((4, 2), "float32"), np.zeros((4, 1), "float32"))
    assert not np.allclose(before, model.get_weights()[0])


def test_mixed_precision_casts_every_positional_float_input():
    class Sum(cornu.Layer):
        def call(self, a, b):
            return a + b

    layer = Sum(dtype="mixed_float16")
    out = layer(np.ones((2, 2), "float32"), np.ones((2, 2), "float32"))
    assert backend.standardize_tensor_dtype(out) == "float16"
    assert layer(cornu.Input((2,)), cornu.Input((2,))).dtype == "float16"


def test_symbolic_outputs_carry_the_mask_a_real_call_would_give():
    tokens = cornu.Input((5,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(tokens)
    assert embedded._keras_mask.shape == (None, 5)
    assert embedded._keras_mask.dtype == "bool"
    dense = layers.Dense(2)(embedded)  # supports masking: passes the mask on
    assert dense._keras_mask.shape == (None, 5)
    pooled = layers.GlobalAveragePooling1D()(embedded)  # consumes it
    assert getattr(pooled, "_keras_mask", None) is None
    assert getattr(layers.Dense(2)(cornu.Input((3,))), "_keras_mask", None) is None


# -- Keras parity: weight order, trainable flags, build, call arguments, own state ---------


class Mixed(cornu.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sub = layers.Dense(1, name="sub")

    def build(self, input_shape):
        self.sub.build(input_shape)
        self.b = self.add_weight(shape=(1,), name="b", trainable=False)
        self.a = self.add_weight(shape=(1,), name="a")

    def call(self, x):
        return self.sub(x)


def test_weights_list_own_trainable_then_own_frozen_then_sublayers():
    layer = Mixed(name="mixed")
    layer.build((None, 2))
    assert [v.name for v in layer.weights] == ["a", "b", "kernel", "bias"]
    assert [v.path for v in layer.weights][2:] == ["mixed/sub/kernel", "mixed/sub/bias"]
    assert layer.built


def test_trainable_toggle_only_flips_weights_created_trainable():
    bn = layers.BatchNormalization()
    bn.build((None, 3))
    bn.trainable = False
    bn.trainable = True
    assert [v.trainable for v in bn.weights] == [True, True, False, False]
    assert len(bn.trainable_weights) == 2 and len(bn.non_trainable_weights) == 2


def test_sublayers_built_during_the_first_call_are_named_under_the_caller():
    class Outer(cornu.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2, name="inner")

        def call(self, x):
            return self.dense(x)

    layer = Outer(name="outer")
    layer(np.ones((1, 3), "float32"))
    assert [v.path for v in layer.weights] == ["outer/inner/kernel", "outer/inner/bias"]


def test_add_variable_and_add_weight_signatures():
    layer = cornu.Layer()
    v = layer.add_variable((2,), "ones", "int32", trainable=False, name="v")
    assert v.dtype == "int32" and not v.trainable
    assert layer.add_weight(shape=(1,)).name.startswith("variable")
    with pytest.raises(ValueError, match="takes `name` as a keyword argument"):
        layer.add_weight("w", (2,))
    with pytest.raises(TypeError):
        layer.add_weight((3,), "ones", "float32", False)


def test_build_with_several_shapes_is_keyed_by_call_argument():
    class QV(cornu.Layer):
        def build(self, query_shape, value_shape):
            self.got = (query_shape, value_shape)

        def call(self, query, value):
            return query + value

    layer = QV()
    layer(np.ones((2, 3), "float32"), value=np.ones((2, 3), "float32"))
    assert layer.got == ((2, 3), (2, 3))
    config = layer.get_build_config()
    assert config == {"shapes_dict": {"query_shape": (2, 3), "value_shape": (2, 3)}}
    revived = QV()
    revived.build_from_config(config)
    assert revived.built and revived.got == ((2, 3), (2, 3))

    class Bad(cornu.Layer):
        def build(self, s1, s2):
            pass

        def call(self, x, y):
            return x + y

    with pytest.raises(ValueError, match="must name each `<call argument>_shape`"):
        Bad()(np.ones((1, 1), "float32"), np.ones((1, 1), "float32"))


def test_python_scalars_cannot_be_positional_call_arguments():
    class Scale2(cornu.Layer):
        def call(self, x, factor=2.0):
            return x * factor

    layer = Scale2()
    with pytest.raises(ValueError, match="only input tensors may be passed positionally"):
        layer(np.ones((1, 2), "float32"), 3.0)
    np.testing.assert_allclose(
        ops.convert_to_numpy(layer(np.ones((1, 2), "float32"), factor=3.0)), 3.0
    )


def test_save_and_load_own_variables():
    layer = layers.Dense(2)
    layer.build((None, 3))
    store = {}
    layer.save_own_variables(store)
    assert sorted(store) == ["0", "1"]
    other = layers.Dense(2)
    other.build((None, 3))
    other.load_own_variables(store)
    np.testing.assert_allclose(other.get_weights()[0], layer.get_weights()[0])
    with pytest.raises(ValueError, match="holds 3 entries"):
        other.load_own_variables({**store, "2": np.ones((2,))})


def test_custom_save_own_variables_reach_weights_files(tmp_path):
    class Own(cornu.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(2,), initializer="ones", name="w")
            self.note = 0.0

        def call(self, x):
            return x * self.w

        def save_own_variables(self, store):
            super().save_own_variables(store)
            store["note"] = np.array([7.0])

        def load_own_variables(self, store):
            self.note = float(np.asarray(store["note"])[0])
            self.w.assign(np.asarray(store["0"]))

    model = cornu.Sequential([cornu.Input((2,)), Own(name="own")])
    path = str(tmp_path / "own.weights.h5")
    model.save_weights(path)
    fresh = cornu.Sequential([cornu.Input((2,)), Own(name="own")])
    fresh.load_weights(path)
    assert fresh.layers[0].note == 7.0
