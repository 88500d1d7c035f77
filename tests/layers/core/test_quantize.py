"""`layer.quantize("int8")` on Dense, EinsumDense, Embedding and ReversibleEmbedding, and
`model.quantize`: variables, outputs within a quantization step, configs, saving, errors."""

import numpy as np
import pytest

import cornu
from tests.conftest import requires_training

L = cornu.layers
RNG = np.random.default_rng(0)


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _weights(layer):
    return [(v.path, tuple(v.shape), v.dtype, v.trainable) for v in layer.weights]


def test_dense_int8_variables_and_exact_output():
    layer = L.Dense(5, activation="relu", name="d")
    layer.build((None, 6))
    x = RNG.standard_normal((3, 6)).astype("float32")
    before = _np(layer(x))
    kernel, bias = (_np(w) for w in layer.weights[:2])
    layer.quantize("int8")
    assert _weights(layer) == [
        ("d/bias", (5,), "float32", True),
        ("d/kernel", (6, 5), "int8", False),
        ("d/kernel_scale", (5,), "float32", False),
    ]
    assert layer.dtype_policy.name == "int8_from_float32"
    # Keras's int8 path: inputs quantized per row, an integer matmul, then both scales.
    k_scale = 127 / (np.abs(kernel).max(axis=0) + 1e-7)
    k_int = np.clip(np.round(kernel * k_scale), -127, 127)
    x_scale = 127 / (np.abs(x).max(axis=-1, keepdims=True) + 1e-7)
    x_int = np.clip(np.round(x * x_scale), -127, 127)
    want = np.maximum((x_int @ k_int) / (x_scale * k_scale) + bias, 0)
    np.testing.assert_allclose(_np(layer(x)), want, rtol=1e-5, atol=1e-5)
    assert np.abs(_np(layer(x)) - before).max() < 0.05


@pytest.mark.parametrize(
    "equation, output_shape, bias_axes, input_shape, scale_shape",
    [
        ("ab,bc->ac", 5, "c", (3, 6), (1, 5)),
        ("abc,cde->abde", (2, 3, 4), "de", (3, 2, 6), (1, 1, 3, 4)),
        ("abc,ced->abde", (2, 4, 3), None, (3, 2, 6), (1, 1, 4, 3)),
        ("abcd,cde->abe", (2, 4), None, (3, 2, 3, 6), (1, 1, 4)),
    ],
    ids=["dense_like", "two_output_letters", "transposed_kernel", "two_contracted"],
)
def test_einsum_dense_int8(equation, output_shape, bias_axes, input_shape, scale_shape):
    layer = L.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes)
    layer.build((None,) + input_shape[1:])
    x = RNG.standard_normal(input_shape).astype("float32")
    before = _np(layer(x))
    layer.quantize("int8")
    assert tuple(layer.kernel_scale.shape) == scale_shape and layer.kernel.dtype == "int8"
    assert np.abs(_np(layer(x)) - before).max() < 0.05 * np.abs(before).max()


def test_embeddings_int8():
    ids = np.array([[1, 2, 6], [0, 3, 3]])
    layer = L.Embedding(7, 4, name="e")
    layer.build()
    table = _np(layer.embeddings)
    layer.quantize("int8")
    assert _weights(layer) == [
        ("e/embeddings", (7, 4), "int8", False),
        ("e/embeddings_scale", (7,), "float32", False),
    ]
    np.testing.assert_allclose(_np(layer(ids)), table[ids], atol=np.abs(table).max() / 127)
    for tie in (True, False):
        reversible = L.ReversibleEmbedding(7, 4, tie_weights=tie)
        reversible.build()
        hidden = RNG.standard_normal((2, 4)).astype("float32")
        before = _np(reversible(hidden, reverse=True))
        reversible.quantize("int8")
        assert reversible.embeddings.dtype == "int8"
        assert np.abs(_np(reversible(hidden, reverse=True)) - before).max() < 0.01
        assert _np(reversible(ids)).shape == (2, 3, 4)


def test_dense_int4_blocks():
    layer = L.Dense(3, name="d")
    layer.build((None, 10))
    kernel = _np(layer.kernel)
    x = RNG.standard_normal((2, 10)).astype("float32")
    layer.quantize("int4", config=cornu.quantizers.Int4QuantizationConfig(block_size=4))
    assert [w[:3] for w in _weights(layer)] == [
        ("d/bias", (3,), "float32"),
        ("d/kernel", (10, 2), "int8"),
        ("d/kernel_scale", (3, 3), "float32"),
        ("d/kernel_zero", (3, 3), "int8"),
        ("d/g_idx", (10,), "float32"),
    ]
    assert layer.dtype_policy.name == "int4/4_from_float32"
    values, scale, zero = (_np(t) for t in
                           cornu.quantizers.abs_max_quantize_grouped_with_zero_point(kernel, 4))  # fmt: skip
    rows = np.arange(10) // 4
    want = x @ ((values - zero[rows]) * scale[rows])
    np.testing.assert_allclose(_np(layer(x)), want, rtol=1e-5, atol=1e-5)
    restored = L.Dense.from_config(layer.get_config())
    restored.build((None, 10))
    assert [w[1:] for w in _weights(restored)] == [w[1:] for w in _weights(layer)]


def test_embedding_int4():
    layer = L.Embedding(7, 6, name="e")
    layer.build()
    table = _np(layer.embeddings)
    layer.quantize("int4", config=cornu.quantizers.Int4QuantizationConfig(block_size=4))
    assert [w[:3] for w in _weights(layer)] == [
        ("e/embeddings", (7, 3), "int8"),
        ("e/embeddings_scale", (7, 2), "float32"),
        ("e/embeddings_zero", (7, 2), "int8"),
        ("e/g_idx", (6,), "float32"),
    ]
    # Keras's layout: the transposed table quantized on the host path (each block's own
    # range, zero points clipped), scales and zero points per row and block.
    values, scale, zero = (_np(t) for t in cornu.quantizers.abs_max_quantize_grouped_with_zero_point(
        table.T, 4, to_numpy=True))  # fmt: skip
    blocks = np.arange(6) // 4
    want = ((values.astype("float32") - zero[blocks]) * scale[blocks]).T
    ids = np.array([[1, 2, 6]])
    np.testing.assert_allclose(_np(layer(ids)), want[ids], rtol=1e-6, atol=1e-7)


def test_quantized_layer_config_round_trip():
    layer = L.Dense(3, name="d")
    layer.build((None, 4))
    layer.quantize("int8")
    config = layer.get_config()
    assert config["dtype"]["class_name"] == "QuantizedDTypePolicy"
    assert config["quantization_config"]["class_name"] == "Int8QuantizationConfig"
    restored = L.Dense.from_config(config)
    restored.build((None, 4))
    assert [w[1:] for w in _weights(restored)] == [w[1:] for w in _weights(layer)]
    built = L.Dense(3, dtype="int8_from_float32")
    built.build((None, 4))
    assert built.kernel.dtype == "int8" and built.quantization_config.mode == "int8"


def test_quantize_errors():
    with pytest.raises(ValueError, match="isn't yet built"):
        L.Dense(3).quantize("int8")
    layer = L.Dense(3)
    layer.build((None, 4))
    with pytest.raises(ValueError, match="Invalid quantization mode"):
        layer.quantize("int2")
    for mode in ("gptq", "awq"):  # calibrated: only through model.quantize(mode, config=...)
        with pytest.raises(ValueError, match="call `model.quantize"):
            layer.quantize(mode)
    with pytest.raises(NotImplementedError, match="block_size=None"):
        layer.quantize("int4", config=cornu.quantizers.Int4QuantizationConfig(block_size=None))
    layer.quantize("int8")
    with pytest.raises(ValueError, match="is already quantized"):
        layer.quantize("int8")
    embedding = L.Embedding(3, 2)
    embedding.build()
    with pytest.raises(NotImplementedError, match=r"Expected one of \('int8', 'int4'\)"):
        embedding.quantize("float8")
    norm = L.BatchNormalization()
    norm.build((None, 3))
    with pytest.raises(NotImplementedError, match="does not have a `quantize` method"):
        norm.quantize("int8")
    with pytest.raises(NotImplementedError, match="not supported yet in cornu"):
        L.Dense(3, dtype="int4_from_float32").build((None, 4))  # Keras's older int4 layout
    einsum = L.EinsumDense("abc,dc->abd", output_shape=(2, 3))
    einsum.build((None, 2, 4))
    with pytest.raises(NotImplementedError, match="contracted kernel letters must come first"):
        einsum.quantize("int4")


def _model():
    return cornu.Sequential([cornu.Input((6,)), L.Dense(5, name="d1"),
                             L.BatchNormalization(name="bn"), L.Dense(3, name="d2")])  # fmt: skip


@pytest.mark.parametrize(
    "filters, want",
    [(None, ["int8", None, "int8"]), ("d1", ["int8", None, None]),
     (["d2"], [None, None, "int8"]), (lambda layer: layer.name == "d2", [None, None, "int8"])],
    ids=["all", "regex", "list", "callable"],
)  # fmt: skip
def test_model_quantize_filters(filters, want):
    model = _model()
    model.quantize("int8", filters=filters)
    assert [layer.dtype_policy.quantization_mode for layer in model.layers] == want


def test_model_quantize_errors_and_predict():
    model = _model()
    x = RNG.standard_normal((4, 6)).astype("float32")
    before = model.predict(x, verbose=0)
    with pytest.raises(ValueError, match="either `mode` or `config`"):
        model.quantize()
    with pytest.raises(ValueError, match="Contradictory arguments"):
        model.quantize("int4", config=cornu.quantizers.Int8QuantizationConfig())
    with pytest.raises(ValueError, match="requires a valid `config` argument of type `GPTQConfig`"):
        model.quantize("gptq")
    model.quantize(config=cornu.quantizers.Int8QuantizationConfig())
    after = model.predict(x, verbose=0)  # the compiled predict function was reset
    assert np.abs(after - before).max() < 0.1
    with pytest.raises(ValueError, match="isn't yet built"):
        cornu.Sequential([L.Dense(2)]).quantize("int8")


def test_quantized_model_saves_and_loads(tmp_path):
    model = _model()
    model.quantize("int8")
    x = RNG.standard_normal((2, 6)).astype("float32")
    path = str(tmp_path / "q.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert [w[1:] for w in _weights(loaded)] == [w[1:] for w in _weights(model)]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@requires_training
def test_quantized_model_trains_its_float_weights():
    model = _model()
    model.quantize("int8")
    model.compile(optimizer="sgd", loss="mse")
    kernel = _np(model.layers[0].kernel)
    model.fit(np.ones((4, 6), "float32"), np.ones((4, 3), "float32"), epochs=1, verbose=0)
    np.testing.assert_array_equal(_np(model.layers[0].kernel), kernel)
    assert not np.array_equal(_np(model.layers[2].bias), np.zeros(3))
