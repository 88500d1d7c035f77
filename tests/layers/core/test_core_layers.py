"""Core, activation, regularization and reshaping layers: the standard battery per config,
NumPy comparisons with the layers' own weights, masks in models, Lambda configs, errors."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from tests.conftest import requires_training
from tests.helpers import layer_battery_test

RNG = np.random.default_rng(0)
TOKENS = np.array([[1, 2, 0, 0], [3, 9, 4, 0]], "int32")


def double(x):
    return x * 2.0


def scaled(x, factor=1.0):
    return x * factor


def keep_mask(inputs, mask=None):
    return mask


def last_two(input_shape):
    return tuple(input_shape[:-1]) + (2,)


def first_two_features(x):
    return x[..., :2]


CASES = [
    ("einsum_dense_matmul", layers.EinsumDense,
     {"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c"},
     {"input_shape": (2, 3), "expected_output_shape": (2, 4), "expected_num_trainable_weights": 2}),
    ("einsum_dense_3d_no_bias", layers.EinsumDense,
     {"equation": "abc,cd->abd", "output_shape": (None, 5)},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 5), "expected_num_trainable_weights": 1}),
    ("einsum_dense_two_out_axes", layers.EinsumDense,
     {"equation": "abc,cde->abde", "output_shape": (3, 2, 5), "bias_axes": "de", "activation": "relu"},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 2, 5), "expected_num_trainable_weights": 2}),
    ("einsum_dense_ellipsis", layers.EinsumDense,
     {"equation": "...b,bc->...c", "output_shape": 6, "bias_axes": "c"},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 6)}),
    ("embedding", layers.Embedding, {"input_dim": 10, "output_dim": 3},
     {"input_data": TOKENS, "expected_output_shape": (2, 4, 3), "expected_output_dtype": "float32",
      "expected_num_trainable_weights": 1, "supports_masking": False}),
    ("embedding_mask_zero", layers.Embedding, {"input_dim": 10, "output_dim": 3, "mask_zero": True},
     {"input_data": TOKENS, "expected_output_shape": (2, 4, 3), "supports_masking": True}),
    ("embedding_regularized", layers.Embedding,
     {"input_dim": 10, "output_dim": 2, "embeddings_regularizer": "l2", "embeddings_initializer": "ones"},
     {"input_data": TOKENS, "expected_output_shape": (2, 4, 2)}),
    ("identity", layers.Identity, {},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "supports_masking": True,
      "expected_num_trainable_weights": 0}),
    ("identity_int", layers.Identity, {},
     {"input_shape": (2, 3), "input_dtype": "int32", "expected_output_dtype": "int32"}),
    ("lambda_function", layers.Lambda, {"function": double},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "supports_masking": False}),
    ("lambda_arguments", layers.Lambda, {"function": scaled, "arguments": {"factor": 3.0}},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3)}),
    ("lambda_output_shape_tuple", layers.Lambda, {"function": first_two_features, "output_shape": (4, 2)},
     {"input_shape": (2, 4, 3), "expected_output_shape": (2, 4, 2)}),
    ("lambda_output_shape_fn_and_mask", layers.Lambda,
     {"function": first_two_features, "output_shape": last_two, "mask": keep_mask},
     {"input_shape": (2, 4, 3), "expected_output_shape": (2, 4, 2), "supports_masking": True}),
    ("masking", layers.Masking, {"mask_value": 0.0},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4), "supports_masking": True}),
    ("activation_relu", layers.Activation, {"activation": "relu"},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "supports_masking": True}),
    ("activation_softmax", layers.Activation, {"activation": "softmax"},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3)}),
    ("dropout", layers.Dropout, {"rate": 0.5},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "expected_num_seed_generators": 1,
      "expected_num_trainable_weights": 0, "expected_num_non_trainable_weights": 0,
      "supports_masking": True}),
    ("dropout_noise_shape_seed", layers.Dropout, {"rate": 0.3, "noise_shape": (None, 1, 4), "seed": 7},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4), "expected_num_seed_generators": 1}),
    ("dropout_rate_zero", layers.Dropout, {"rate": 0.0},
     {"input_shape": (2, 3), "expected_num_seed_generators": 0}),
    ("flatten", layers.Flatten, {},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 12), "supports_masking": False}),
    ("flatten_channels_first", layers.Flatten, {"data_format": "channels_first"},
     {"input_shape": (2, 3, 4, 5), "expected_output_shape": (2, 60)}),
    ("flatten_rank1", layers.Flatten, {}, {"input_shape": (4,), "expected_output_shape": (4, 1)}),
    ("reshape", layers.Reshape, {"target_shape": (4, 3)},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 4, 3)}),
    ("reshape_minus_one", layers.Reshape, {"target_shape": (-1, 2)},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 6, 2)}),
]  # fmt: skip


test_layer_battery = layer_battery_test(CASES)


# -- numeric checks against NumPy, with the layers' own weights --------------------------------


@pytest.mark.parametrize(
    "equation, output_shape, bias_axes, input_shape, bias_shape",
    [
        ("ab,bc->ac", (4,), "c", (2, 3), (4,)),
        ("abc,cde->abde", (3, 2, 5), "de", (2, 3, 4), (2, 5)),
        ("abc,cde->abde", (3, 2, 5), "d", (2, 3, 4), (2, 1)),
        ("abc,cd->abd", (None, 5), "b", (2, 3, 4), (3, 1)),
        ("...b,bc->...c", (6,), "c", (2, 3, 4), (6,)),
        ("abcd,cde->abe", (3, 5), None, (2, 3, 4, 2), None),
        ("ab...,bc->ac...", (5,), "c", (2, 3, 4), (5, 1)),
        ("...ab,bc->...ac", (None, 5), "c", (2, 3, 4), (5,)),
    ],
    ids=[
        "matmul",
        "two_out_axes",
        "partial_bias",
        "bias_on_sequence",
        "ellipsis",
        "contract_two",
        "trailing_ellipsis",
        "leading_ellipsis_two_letters",
    ],
)
def test_einsum_dense_matches_numpy(equation, output_shape, bias_axes, input_shape, bias_shape):
    layer = layers.EinsumDense(
        equation, output_shape, bias_axes=bias_axes, bias_initializer="random_normal"
    )
    x = RNG.normal(size=input_shape).astype("float32")
    out = ops.convert_to_numpy(layer(x))
    weights = layer.get_weights()
    expected = np.einsum(equation, x, weights[0])
    if bias_axes:
        assert weights[1].shape == bias_shape
        expected = expected + weights[1]
    else:
        assert len(weights) == 1
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    assert layer.full_output_shape == out.shape


def test_einsum_dense_activation_and_config():
    layer = layers.EinsumDense("ab,bc->ac", 3, activation="relu", bias_axes="c", name="ed")
    x = RNG.normal(size=(4, 2)).astype("float32")
    kernel, bias = layer(x) is not None and layer.get_weights()
    np.testing.assert_allclose(
        ops.convert_to_numpy(layer(x)), np.maximum(x @ kernel + bias, 0), rtol=1e-5, atol=1e-6
    )
    config = layer.get_config()
    assert config["equation"] == "ab,bc->ac" and config["output_shape"] == (3,)
    assert config["bias_axes"] == "c" and config["activation"] == "relu"


def test_embedding_matches_table_lookup():
    layer = layers.Embedding(10, 3)
    out = ops.convert_to_numpy(layer(TOKENS))
    (table,) = layer.get_weights()
    np.testing.assert_allclose(out, table[TOKENS], rtol=0, atol=0)
    assert np.all(np.abs(table) <= 0.05)  # the "uniform" initializer: U(-0.05, 0.05)


def test_embedding_weights_argument_and_float_indices():
    table = np.arange(12, dtype="float32").reshape(4, 3)
    layer = layers.Embedding(4, 3, weights=[table], input_length=7)
    assert layer.built
    assert [v.path for v in layer.weights] == [f"{layer.name}/embeddings"]
    out = layer(np.array([[3.0, 0.0]], "float32"))
    np.testing.assert_allclose(ops.convert_to_numpy(out), table[[[3, 0]]])
    assert "input_length" not in layer.get_config()


def test_embedding_mask_zero_compute_mask():
    layer = layers.Embedding(10, 2, mask_zero=True)
    mask = layer.compute_mask(TOKENS)
    np.testing.assert_array_equal(ops.convert_to_numpy(mask), TOKENS != 0)
    assert layers.Embedding(10, 2).compute_mask(TOKENS) is None
    symbolic = layer.compute_mask(cornu.Input((4,), dtype="int32"))
    assert tuple(symbolic.shape) == (None, 4) and symbolic.dtype == "bool"


def test_masking_matches_numpy():
    x = RNG.normal(size=(2, 4, 3)).astype("float32")
    x[0, 1] = 0.0
    x[1, 3] = 0.0
    x[1, 0, 0] = 0.0  # one zero feature alone does not mask the step
    layer = layers.Masking(0.0)
    keep = np.any(x != 0.0, axis=-1)
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), x * keep[..., None])
    np.testing.assert_array_equal(ops.convert_to_numpy(layer.compute_mask(x)), keep)


def test_masking_custom_value():
    x = np.array([[[-1.0, -1.0], [2.0, -1.0]]], "float32")
    layer = layers.Masking(mask_value=-1.0)
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), [[[0.0, 0.0], [2.0, -1.0]]])
    np.testing.assert_array_equal(ops.convert_to_numpy(layer.compute_mask(x)), [[False, True]])


class MaskProbe(cornu.Layer):
    """Returns its input's mask as a float tensor (so a model can output it)."""

    def call(self, inputs, mask=None):
        assert mask is not None, "no mask reached the probe"
        return ops.cast(mask, "float32")

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1])


def _masked_steps():
    x = RNG.normal(size=(2, 4, 3)).astype("float32")
    x[0, 2] = 0.0
    x[1, 0] = 0.0
    return x, np.any(x != 0.0, axis=-1).astype("float32")


def test_masking_mask_propagates_through_dense_in_functional_model():
    x, expected = _masked_steps()
    inputs = cornu.Input((4, 3))
    hidden = layers.Dense(5)(layers.Masking()(inputs))
    model = cornu.Model(inputs, [hidden, MaskProbe()(hidden)])
    out, mask = model(x)
    assert ops.shape(out) == (2, 4, 5)
    np.testing.assert_array_equal(ops.convert_to_numpy(mask), expected)


def test_masking_mask_propagates_through_dense_in_sequential_model():
    x, expected = _masked_steps()
    model = cornu.Sequential(
        [cornu.Input((4, 3)), layers.Masking(), layers.Dense(5), layers.Dropout(0.5), MaskProbe()]
    )
    np.testing.assert_array_equal(ops.convert_to_numpy(model(x)), expected)


def test_embedding_mask_propagates_in_functional_model():
    inputs = cornu.Input((4,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(inputs)
    model = cornu.Model(inputs, MaskProbe()(layers.Dense(2)(embedded)))
    np.testing.assert_array_equal(ops.convert_to_numpy(model(TOKENS)), TOKENS != 0)


def test_dropout_statistics_and_scaling():
    rate = 0.3
    layer = layers.Dropout(rate, seed=3)
    x = np.ones((200, 50), "float32")
    out = ops.convert_to_numpy(layer(x, training=True))
    dropped = np.mean(out == 0.0)
    assert abs(dropped - rate) < 0.02
    np.testing.assert_allclose(out[out != 0], 1.0 / (1.0 - rate), rtol=1e-6)
    assert abs(out.mean() - 1.0) < 0.05
    second = ops.convert_to_numpy(layer(x, training=True))
    assert not np.array_equal(out, second)  # the generator advanced


def test_dropout_identity_when_not_training():
    layer = layers.Dropout(0.5)
    x = RNG.normal(size=(3, 4)).astype("float32")
    for training in (None, False, 0):
        np.testing.assert_array_equal(ops.convert_to_numpy(layer(x, training=training)), x)


def test_dropout_noise_shape_broadcasts():
    layer = layers.Dropout(0.5, noise_shape=(None, 1, 6), seed=1)
    out = ops.convert_to_numpy(layer(np.ones((4, 5, 6), "float32"), training=True))
    assert np.all(out == out[:, :1, :])  # the same mask for every step
    assert 0 < np.mean(out == 0) < 1


def test_dropout_seed_is_reproducible_and_rate_one():
    x = np.ones((8, 8), "float32")
    a = ops.convert_to_numpy(layers.Dropout(0.5, seed=11)(x, training=True))
    b = ops.convert_to_numpy(layers.Dropout(0.5, seed=11)(x, training=True))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ops.convert_to_numpy(layers.Dropout(1.0)(x, training=True)), 0)


def test_dropout_stateless_call_advances_seed_state():
    layer = layers.Dropout(0.5, seed=5)
    x = np.ones((4, 6), "float32")
    assert len(layer.non_trainable_variables) == 1 and layer.weights == []
    state = [layer.non_trainable_variables[0].value]
    out1, state = layer.stateless_call([], state, x, training=True)
    out2, state = layer.stateless_call([], state, x, training=True)
    assert not np.array_equal(ops.convert_to_numpy(out1), ops.convert_to_numpy(out2))


@pytest.mark.skipif(backend.backend() != "jax", reason="jax.jit is the jax backend's")
def test_dropout_under_jax_jit():
    import jax

    layer = layers.Dropout(0.5, seed=2)
    x = np.ones((4, 6), "float32")

    @jax.jit
    def step(state):
        return layer.stateless_call([], state, x, training=True)

    state = [layer.non_trainable_variables[0].value]
    out1, state = step(state)
    out2, state = step(state)
    assert not np.array_equal(np.asarray(out1), np.asarray(out2))
    assert set(np.unique(np.asarray(out1))) <= {0.0, 2.0}


@pytest.mark.skipif(backend.backend() != "tensorflow", reason="tf.function traces are TF's")
def test_dropout_with_unknown_batch_under_tf_function():
    import tensorflow as tf

    layer = layers.Dropout(0.5, noise_shape=(None, 1, 4), seed=3)
    plain = layers.Dropout(0.5, seed=3)
    spec = [tf.TensorSpec((None, 3, 4), tf.float32)]
    out = tf.function(lambda x: layer(x, training=True), input_signature=spec)(tf.ones((5, 3, 4)))
    out = out.numpy()
    assert out.shape == (5, 3, 4) and np.all(out == out[:, :1])
    assert set(np.unique(out)) <= {0.0, 2.0}
    out = tf.function(lambda x: plain(x, training=True), input_signature=spec)(tf.ones((5, 3, 4)))
    assert set(np.unique(out.numpy())) == {0.0, 2.0}


@requires_training
def test_dropout_is_active_inside_fit():
    model = cornu.Sequential([cornu.Input((6,)), layers.Dropout(0.99, seed=1), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((16, 6), "float32")
    model.fit(x, np.zeros((16, 1), "float32"), epochs=1, verbose=0)
    np.testing.assert_allclose(
        ops.convert_to_numpy(model.predict(x, verbose=0)),
        ops.convert_to_numpy(model.layers[1](x)),
        rtol=1e-5,
    )


def test_flatten_channels_first_matches_numpy():
    x = RNG.normal(size=(2, 3, 4, 5)).astype("float32")
    out = ops.convert_to_numpy(layers.Flatten(data_format="channels_first")(x))
    np.testing.assert_array_equal(out, np.transpose(x, (0, 2, 3, 1)).reshape(2, -1))
    out_last = ops.convert_to_numpy(layers.Flatten(data_format="channels_last")(x))
    np.testing.assert_array_equal(out_last, x.reshape(2, -1))


def test_flatten_unknown_dims_symbolic():
    out = layers.Flatten()(cornu.Input((None, 4)))
    assert tuple(out.shape) == (None, None)
    out = layers.Flatten()(cornu.Input((3, 4)))
    assert tuple(out.shape) == (None, 12)


def test_reshape_matches_numpy():
    x = RNG.normal(size=(2, 3, 4)).astype("float32")
    out = ops.convert_to_numpy(layers.Reshape((2, -1, 3))(x))
    np.testing.assert_array_equal(out, x.reshape(2, 2, -1, 3))
    assert tuple(layers.Reshape((-1, 2))(cornu.Input((None, 4))).shape) == (None, None, 2)
    assert layers.Reshape((-1, 2)).compute_output_shape((None, 3, 4)) == (None, 6, 2)


def test_activation_matches_numpy_and_callables():
    x = RNG.normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.Activation("tanh")(x)), np.tanh(x), rtol=1e-6
    )
    layer = layers.Activation(cornu.activations.relu)
    assert layer.get_config()["activation"] == "relu"
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), np.maximum(x, 0))


def test_identity_passes_structures_through():
    x = RNG.normal(size=(2, 3)).astype("float32")
    out = layers.Identity()({"a": x, "b": [x]})
    np.testing.assert_array_equal(ops.convert_to_numpy(out["b"][0]), x)
    sym = layers.Identity()(cornu.Input((3,), dtype="int32"))
    assert sym.dtype == "int32" and tuple(sym.shape) == (None, 3)


# -- Lambda -------------------------------------------------------------------------------------


def test_lambda_function_serialized_by_name():
    layer = layers.Lambda(double)
    config = layer.get_config()
    assert config["function"]["class_name"] == "function"
    assert config["function"]["config"] == "double"
    clone = layers.Lambda.from_config(config)
    assert clone.function is double


def test_lambda_takes_mask_and_training():
    seen = {}

    def fn(x, mask=None, training=None):
        seen.update(mask=mask, training=training)
        return x

    layer = layers.Lambda(fn)
    x = np.ones((2, 3), "float32")
    layer(x, mask=np.array([True, False]), training=True)
    assert seen["training"] is True and seen["mask"] is not None


def test_lambda_output_dtype_inferred():
    out = layers.Lambda(lambda x: ops.cast(x, "int32"))(cornu.Input((3,)))
    assert out.dtype == "int32" and tuple(out.shape) == (None, 3)


def test_lambda_with_python_lambda_refused_unless_unsafe(monkeypatch):
    layer = layers.Lambda(lambda x: x * 3.0 + 1.0)
    config = layer.get_config()
    assert config["function"]["class_name"] == "__lambda__"
    assert config["function"]["config"]["source"] == "lambda x: x * 3.0 + 1.0"
    monkeypatch.setitem(cornu.config._flags, "unsafe_deserialization", False)
    with pytest.raises(ValueError, match=r"enable_unsafe_deserialization\(\)"):
        layers.Lambda.from_config(config)
    monkeypatch.setitem(cornu.config._flags, "unsafe_deserialization", True)
    clone = layers.Lambda.from_config(config)
    x = np.ones((2, 2), "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(clone(x)), 4.0)


def test_lambda_nested_function_and_custom_objects(monkeypatch):
    def offset(x):
        return x + 5.0

    config = layers.Lambda(offset).get_config()
    assert config["function"]["class_name"] == "__lambda__"
    monkeypatch.setitem(cornu.config._flags, "unsafe_deserialization", True)
    clone = layers.Lambda.from_config(config)
    np.testing.assert_allclose(ops.convert_to_numpy(clone(np.zeros((1, 2), "float32"))), 5.0)
    config = layers.Lambda(double).get_config()
    config["function"]["config"] = "mystery"
    with pytest.raises(ValueError, match="cannot find the function 'mystery'"):
        layers.Lambda.from_config(config)
    clone = layers.Lambda.from_config(config, custom_objects={"mystery": offset})
    assert clone.function is offset


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: layers.EinsumDense("ab->ac", 3), ValueError, "equation must look like"),
        (lambda: layers.EinsumDense("ab,bc->ac", (3, 4)), ValueError, "has 1 output dims"),
        (lambda: layers.EinsumDense("ab,bc->ac", 3, bias_axes="z"), ValueError, "bias_axes must be letters"),
        (lambda: layers.EinsumDense("ab,bc->ac", 3, lora_rank=2), ValueError, "lora_rank is not supported"),
        (lambda: layers.EinsumDense("ab,bc->ac", 3, quantization_config={}), ValueError, "quantization_config is not supported"),
        (lambda: layers.EinsumDense("ab,bc->ac", 3, gptq_unpacked_column_size=4), ValueError, "gptq_unpacked_column_size"),
        (lambda: layers.EinsumDense("ab,bc->ac", "x"), ValueError, "output_shape must be an int"),
        (lambda: layers.Embedding(0, 3), ValueError, "input_dim must be a positive int"),
        (lambda: layers.Embedding(5, 3, lora_rank=4), ValueError, "lora_rank is not supported"),
        (lambda: layers.Embedding(5, 3, weights=[np.zeros((5, 3))] * 2), ValueError, "weights must be a list holding one array"),
        (lambda: layers.Embedding(5, 3, weights=[np.zeros((4, 3))]), ValueError, r"has shape \(5, 3\)"),
        (lambda: layers.Dropout(1.5), ValueError, r"rate must be a number in \[0, 1\]"),
        (lambda: layers.Dropout(0.5, seed="a"), ValueError, "seed must be an int"),
        (lambda: layers.Flatten(data_format="nhwc"), ValueError, "data_format must be"),
        (lambda: layers.Reshape((-1, -1)), ValueError, "at most one entry of target_shape may be -1"),
        (lambda: layers.Reshape((0, 2)), ValueError, "target_shape must be a tuple of positive ints"),
        (lambda: layers.Masking("x"), ValueError, "mask_value must be a number"),
        (lambda: layers.Lambda(3), ValueError, "function must be callable"),
        (lambda: layers.Lambda(double, output_shape=3), ValueError, "output_shape must be a tuple"),
        (lambda: layers.Activation("rellu"), ValueError, "Unknown activation"),
        (lambda: layers.Identity(bogus=1), TypeError, "unexpected keyword argument"),
    ],
    ids=[
        "ed_equation", "ed_output_rank", "ed_bias_axes", "ed_lora", "ed_quant", "ed_gptq",
        "ed_output_shape", "emb_input_dim", "emb_lora", "emb_weights_list", "emb_weights_shape",
        "dropout_rate", "dropout_seed", "flatten_format", "reshape_two_minus_one",
        "reshape_zero", "masking_value", "lambda_callable", "lambda_output_shape",
        "activation_name", "identity_kwargs",
    ],
)  # fmt: skip
def test_constructor_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_call_time_errors():
    with pytest.raises(
        ValueError, match=r"cannot reshape samples of shape \(3, 4\) .* to target_shape \(5,\)"
    ):
        layers.Reshape((5,))(np.ones((2, 3, 4), "float32"))
    with pytest.raises(
        ValueError, match=r"expects the input to have rank 2; received shape \(2, 3, 4\)"
    ):
        layers.EinsumDense("ab,bc->ac", 3)(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match="output_shape gives dim 'b' size 7"):
        layers.EinsumDense("abc,cd->abd", (7, 2))(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match="noise_shape .* has rank 2"):
        layers.Dropout(0.5, noise_shape=(1, 3))(np.ones((2, 3, 4), "float32"), training=True)
