"""Wrapper and ReversibleEmbedding: batteries, NumPy checks with the layers' own weights,
config round trips, errors."""

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.testing import run_layer_test
from tests.conftest import requires_training

RNG = np.random.default_rng(0)
TOKENS = np.array([[1, 2, 0, 0], [3, 9, 4, 0]], "int32")


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


# -- Wrapper -----------------------------------------------------------------------------


def test_wrapper_battery():
    run_layer_test(
        layers.Wrapper,
        {"layer": layers.Dense(4)},
        input_shape=(2, 3),
        expected_output_shape=(2, 4),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=0,
    )


def test_wrapper_calls_the_wrapped_layer_and_nests_its_config():
    dense = layers.Dense(3, name="inner")
    wrapper = layers.Wrapper(dense, name="outer")
    x = RNG.normal(size=(2, 4)).astype("float32")
    y = _np(wrapper(x))
    kernel, bias = (_np(v.value) for v in dense.weights)
    np.testing.assert_allclose(y, x @ kernel + bias, rtol=1e-5, atol=1e-6)
    config = wrapper.get_config()
    assert config["name"] == "outer"
    assert config["layer"]["class_name"] == "Dense"
    assert config["layer"]["config"]["units"] == 3
    revived = layers.Wrapper.from_config(config)
    assert isinstance(revived.layer, layers.Dense) and revived.layer.units == 3
    assert revived.layer is not dense


def test_wrapper_subclasses_and_symbolic_use():
    assert issubclass(layers.TimeDistributed, layers.Wrapper)
    assert issubclass(layers.Bidirectional, layers.Wrapper)
    inputs = cornu.Input((5, 3))
    outputs = layers.TimeDistributed(layers.Dense(2))(inputs)
    assert tuple(outputs.shape) == (None, 5, 2)
    bi = layers.Bidirectional(layers.LSTM(2))
    assert bi.layer is bi.forward_layer
    out = bi(np.ones((1, 4, 3), "float32"))
    assert tuple(out.shape) == (1, 4)
    assert len(bi.weights) == 6


def test_wrapper_errors():
    with pytest.raises(ValueError, match="Wrapper: layer must be a Layer instance"):
        layers.Wrapper("dense")
    with pytest.raises(ValueError, match="TimeDistributed: layer must be a Layer instance"):
        layers.TimeDistributed(3)


# -- ReversibleEmbedding -----------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Gradients do not exist")  # the battery never calls reverse
@pytest.mark.parametrize(
    "name, kwargs, n_weights",
    [
        ("tied", {}, 1),
        ("untied", {"tie_weights": False}, 2),
        ("mask_zero", {"mask_zero": True}, 1),
    ],
)
def test_reversible_embedding_battery(name, kwargs, n_weights):
    run_layer_test(
        layers.ReversibleEmbedding,
        {"input_dim": 10, "output_dim": 3, **kwargs},
        input_data=TOKENS,
        expected_output_shape=(2, 4, 3),
        expected_output_dtype="float32",
        expected_num_trainable_weights=n_weights,
        supports_masking=bool(kwargs.get("mask_zero")),
    )


@pytest.mark.parametrize("tie_weights", [True, False], ids=["tied", "untied"])
@pytest.mark.parametrize("cap", [None, 2.0], ids=["no_cap", "soft_cap"])
def test_reversible_embedding_matches_numpy(tie_weights, cap):
    layer = layers.ReversibleEmbedding(
        10, 4, tie_weights=tie_weights, logit_soft_cap=cap, embeddings_initializer="normal"
    )
    embedded = _np(layer(TOKENS))
    names = [w.name for w in layer.weights]
    assert names == (["embeddings"] if tie_weights else ["embeddings", "reverse_embeddings"])
    table = _np(layer.embeddings.value)
    np.testing.assert_allclose(embedded, table[TOKENS], rtol=1e-6)
    hidden = RNG.normal(size=(2, 3, 4)).astype("float32") * 3
    logits = _np(layer(hidden, reverse=True))
    reverse = table.T if tie_weights else _np(layer.reverse_embeddings.value)
    assert reverse.shape == (4, 10)
    expected = hidden @ reverse
    if cap is not None:
        expected = np.tanh(expected / cap) * cap
        assert np.abs(logits).max() <= cap
    np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=1e-5)


def test_reversible_embedding_reverse_dtype_and_symbolic():
    layer = layers.ReversibleEmbedding(10, 4, reverse_dtype="float64")
    logits = layer(np.ones((2, 4), "float32"), reverse=True)
    assert cornu.backend.standardize_dtype(logits.dtype) == "float64"
    tokens = cornu.Input((5,), dtype="int32")
    hidden = layer(tokens)
    out = layer(hidden, reverse=True)
    assert tuple(out.shape) == (None, 5, 10)
    assert out.dtype == "float64"
    model = cornu.Model(tokens, out)
    y = model(np.array([[1, 2, 3, 0, 0]], "int32"))
    assert tuple(y.shape) == (1, 5, 10)
    assert layer.compute_output_shape((None, 5, 4), reverse=True) == (None, 5, 10)


def test_reversible_embedding_config_round_trip():
    layer = layers.ReversibleEmbedding(
        7, 3, tie_weights=False, mask_zero=True, reverse_dtype="float32", logit_soft_cap=5.0
    )
    config = layer.get_config()
    for key, value in (
        ("tie_weights", False), ("reverse_dtype", "float32"), ("logit_soft_cap", 5.0),
        ("input_dim", 7), ("output_dim", 3), ("mask_zero", True),
    ):  # fmt: skip
        assert config[key] == value
    revived = layers.ReversibleEmbedding.from_config(config)
    assert revived.get_config() == config


@requires_training
def test_reversible_embedding_trains_tied_table():
    tokens = cornu.Input((4,), dtype="int32")
    emb = layers.ReversibleEmbedding(6, 3, embeddings_initializer="normal")
    logits = emb(layers.Dense(3)(emb(tokens)), reverse=True)
    model = cornu.Model(tokens, logits)
    loss = cornu.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer="sgd", loss=loss)
    before = _np(emb.embeddings.value).copy()
    x = RNG.integers(0, 6, size=(8, 4)).astype("int32")
    model.fit(x, x, epochs=1, batch_size=4, verbose=0)
    assert not np.allclose(before, _np(emb.embeddings.value))


def test_reversible_embedding_errors():
    with pytest.raises(ValueError, match="ReversibleEmbedding: logit_soft_cap must be a positive"):
        layers.ReversibleEmbedding(5, 2, logit_soft_cap=0)
    with pytest.raises(ValueError, match="ReversibleEmbedding: reverse_dtype must be a float"):
        layers.ReversibleEmbedding(5, 2, reverse_dtype="int32")
    with pytest.raises(ValueError, match="Embedding: input_dim must be a positive int"):
        layers.ReversibleEmbedding(0, 2)
