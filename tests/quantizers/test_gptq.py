"""GPTQ: the per-layer solve, `model.quantize("gptq", config=...)` on Dense and EinsumDense
(Keras's variable layout and policies), `.keras` round trips, Keras interop and errors."""

import importlib.util

import numpy as np
import pytest

import cornu
from cornu.layers.core import quantized_gptq
from cornu.quantizers import gptq
from tests.quantizers.keras_loads import keras_predicts


def _correlated(samples=256, size=16, seed=0):
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((samples, 4)) @ rng.standard_normal((4, size))
    return (base + 0.05 * rng.standard_normal((samples, size))).astype("float32")


def _dequantized(codes, scale, zero, g_idx):
    groups = np.floor(g_idx).astype(int)
    return (codes - zero[:, groups].T) * scale[:, groups].T


@pytest.mark.parametrize("bits,group_size,symmetric,act_order", [
    (4, 8, False, False), (4, -1, True, False), (3, 8, False, True), (8, 4, True, True),
])  # fmt: skip
def test_gptq_output_error_below_round_to_nearest(bits, group_size, symmetric, act_order):
    x = _correlated()
    w = np.random.default_rng(1).standard_normal((16, 8))
    accumulator = gptq.HessianAccumulator(16)
    for chunk in np.split(x, 4):
        accumulator.update(chunk)
    np.testing.assert_allclose(accumulator.hessian, 2 * x.T.astype(float) @ x / len(x), rtol=1e-5)
    options = dict(bits=bits, group_size=group_size, symmetric=symmetric)
    rtn = _dequantized(*gptq.quantize_matrix(w, None, **options))
    solved = _dequantized(*gptq.quantize_matrix(w, accumulator.hessian,
                                                activation_order=act_order, **options))  # fmt: skip
    error_rtn = np.linalg.norm(x @ (w - rtn))
    error_gptq = np.linalg.norm(x @ (w - solved))
    assert error_gptq < 0.8 * error_rtn, (error_gptq, error_rtn)


def test_identity_hessian_is_round_to_nearest_in_static_groups():
    w = np.array([[0.5, -1.0], [0.25, 2.0], [-0.75, 0.1], [1.0, 0.3]], "float32")
    codes, scale, zero, g_idx = gptq.quantize_matrix(w, None, bits=4, group_size=2)
    groups = w.reshape(2, 2, 2)
    low, high = np.minimum(groups.min(1), 0), np.maximum(groups.max(1), 0)  # ranges hold 0
    np.testing.assert_allclose(scale.T, (high - low) / 15, rtol=1e-6)
    np.testing.assert_array_equal(zero.T, np.round(-low / scale.T))
    np.testing.assert_array_equal(g_idx, [0, 0.5, 1, 1.5])
    assert codes.min() >= 0 and codes.max() <= 15
    np.testing.assert_allclose(_dequantized(codes, scale, zero, g_idx), w, atol=scale.max() / 2)


def test_pack_unpack_round_trip():
    codes = np.arange(15 * 4).reshape(15, 4) % 16
    packed = quantized_gptq.pack(codes, 4)
    assert packed.shape == (8, 4) and packed.dtype == np.uint8
    np.testing.assert_array_equal(np.asarray(quantized_gptq.unpack(packed, 15, 4)), codes)


def _model(lib=cornu):
    L = lib.layers
    x = lib.Input((3, 16))
    h = L.Dense(12, activation="relu", name="d")(x)
    y = L.EinsumDense("abc,cd->abd", output_shape=(3, 5), bias_axes="d", name="ed")(h)
    model = lib.Model(x, y)
    rng = np.random.default_rng(0)
    model.set_weights([rng.standard_normal(w.shape).astype("float32") * 0.5
                       for w in model.get_weights()])  # fmt: skip
    return model


def _config(model, **options):
    structure = {"pre_block_layers": [], "sequential_blocks": model.layers[1:]}
    options = {"dataset": _correlated(48).reshape(16, 3, 16), "tokenizer": lambda t: t,
               "group_size": 8, **options}  # fmt: skip
    return cornu.quantizers.GPTQConfig(
        num_samples=16, sequence_length=3, quantization_layer_structure=structure, **options
    )


def test_model_quantize_layout_policy_and_outputs():
    model = _model()
    x = _correlated(12, seed=3).reshape(4, 3, 16)
    reference = cornu.ops.convert_to_numpy(model(x))
    model.quantize("gptq", config=_config(model))
    dense, einsum = model.layers[1:]
    assert [(v.name, tuple(v.shape), str(v.dtype)) for v in dense._own_weights()] == [
        ("bias", (12,), "float32"), ("kernel", (6, 16), "uint8"),
        ("kernel_scale", (12, 2), "float32"), ("kernel_zero", (12, 2), "uint8"),
        ("g_idx", (16,), "float32"),
    ]  # fmt: skip
    assert [(v.name, tuple(v.shape)) for v in einsum._own_weights()] == [
        ("bias", (5,)), ("kernel", (3, 12)), ("kernel_scale", (5, 2)), ("zero_point", (5, 2)),
        ("g_idx", (12,)),
    ]  # fmt: skip
    assert dense.dtype_policy.name == "gptq/4/8_from_float32"
    assert type(einsum.dtype_policy).__name__ == "GPTQDTypePolicy"
    config = dense.get_config()
    assert config["quantization_config"]["class_name"] == "GPTQConfig"
    assert config["quantization_config"]["config"]["dataset"] is None
    assert not any(v.trainable for v in dense.weights if v.name != "bias")
    error = np.abs(cornu.ops.convert_to_numpy(model(x)) - reference).max()
    assert error < 0.25 * np.abs(reference).max(), error


def test_keras_save_load_round_trip(tmp_path):
    model = _model()
    model.quantize("gptq", config=_config(model, weight_bits=8, group_size=-1))
    x = _correlated(6, seed=4).reshape(2, 3, 16)
    path = str(tmp_path / "gptq.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    np.testing.assert_array_equal(
        cornu.ops.convert_to_numpy(loaded(x)), cornu.ops.convert_to_numpy(model(x))
    )
    assert loaded.layers[1].dtype_policy.name == "gptq/8/-1_from_float32"


def test_strings_through_tokenizer_and_embedding():
    L = cornu.layers
    ids = cornu.Input((4,), dtype="int32")
    embedding = L.Embedding(10, 8)
    model = cornu.Model(ids, L.Dense(3, name="head")(embedding(ids)))
    structure = {"pre_block_layers": [embedding], "sequential_blocks": [model.layers[2]]}
    config = cornu.quantizers.GPTQConfig(
        dataset=["abcdefgh", "hgfedcbaij"], tokenizer=lambda text: [ord(c) - 97 for c in text],
        num_samples=8, sequence_length=4, group_size=4, quantization_layer_structure=structure,
    )  # fmt: skip
    model.quantize("gptq", config=config)
    assert embedding.dtype_policy.quantization_mode is None  # pre-block layers stay float
    assert model.layers[2].dtype_policy.name == "gptq/4/4_from_float32"
    assert model(np.array([[1, 2, 3, 4]], "int32")).shape == (1, 4, 3)


def test_errors():
    model = _model()
    config = _config(model)
    config.quantization_layer_structure = None
    with pytest.raises(ValueError, match="a valid quantization structure must be provided"):
        model.quantize("gptq", config=config)
    with pytest.raises(ValueError, match="requires a dataset and a tokenizer"):
        model.quantize("gptq", config=_config(model, tokenizer=None))
    with pytest.raises(ValueError, match="requires a valid `config` argument of type `GPTQConfig`"):
        model.quantize("gptq")
    with pytest.raises(ValueError, match="fewer than one sequence"):
        tiny = _config(model, dataset=["ab"], tokenizer=lambda t: [1, 2])
        model.quantize("gptq", config=tiny)
    with pytest.raises(ValueError, match=r"call `model.quantize\('gptq', config=...\)`"):
        model.layers[1].quantize("gptq", config=_config(model))
    model.quantize("gptq", config=_config(model))
    with pytest.raises(ValueError, match="is already quantized"):
        model.layers[1].quantize("int8")


@pytest.mark.skipif(importlib.util.find_spec("keras") is None, reason="real Keras not installed")
def test_cornu_file_loads_in_keras(tmp_path):
    model = _model()
    model.quantize("gptq", config=_config(model))
    x = _correlated(6, seed=4).reshape(2, 3, 16)
    predicted, printed = keras_predicts(model, x, str(tmp_path), "gptq")
    assert "gptq/4/8_from_float32" in printed
    np.testing.assert_allclose(predicted, cornu.ops.convert_to_numpy(model(x)), atol=1e-5)
