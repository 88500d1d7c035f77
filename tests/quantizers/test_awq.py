"""AWQ: the scale search, `model.quantize("awq", config=...)` on Dense and EinsumDense
(Keras's variable layout and policies), `.keras` round trips, Keras interop and errors."""

import importlib.util

import numpy as np
import pytest

import cornu
from cornu.quantizers import awq
from tests.quantizers.keras_loads import keras_predicts


def _skewed(samples=256, size=16, seed=0):
    """Inputs whose rows differ in magnitude by two orders (AWQ's salient channels)."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((samples, size)) * np.geomspace(0.05, 5, size)).astype("float32")


def _dequantized(codes, scale, zero, g_idx, s):
    groups = np.floor(g_idx).astype(int)
    return (codes - zero[:, groups].T) * scale[:, groups].T / s[:, None]


def test_awq_output_error_below_round_to_nearest():
    x = _skewed()
    w = np.random.default_rng(1).standard_normal((16, 8))
    stats = awq.ActivationStatistics(16)
    for chunk in np.split(x, 4):
        stats.update(chunk)
    np.testing.assert_allclose(stats.magnitude, np.abs(x).mean(0), rtol=1e-5)
    codes, scale, zero, g_idx, s = awq.search_scales(w, stats, bits=3, group_size=8)
    rtn = awq.round_to_nearest(w, 3, 8)
    error_awq = np.linalg.norm(x @ (w - _dequantized(codes, scale, zero, g_idx, s)))
    error_rtn = np.linalg.norm(x @ (w - _dequantized(*rtn, np.ones(16))))
    assert error_awq < 0.9 * error_rtn, (error_awq, error_rtn)
    assert s.dtype == np.float64 and not np.allclose(s, 1)


def _model():
    L = cornu.layers
    x = cornu.Input((3, 16))
    h = L.Dense(12, activation="relu", name="d")(x)
    model = cornu.Model(x, L.EinsumDense("abc,cd->abd", output_shape=(3, 5), name="ed")(h))
    rng = np.random.default_rng(0)
    model.set_weights([rng.standard_normal(w.shape).astype("float32") * 0.5
                       for w in model.get_weights()])  # fmt: skip
    return model


def _config(model, **options):
    structure = {"pre_block_layers": [], "sequential_blocks": model.layers[1:]}
    options = {"dataset": _skewed(48).reshape(16, 3, 16), "tokenizer": lambda t: t,
               "group_size": 8, "num_grid_points": 5, **options}  # fmt: skip
    return cornu.quantizers.AWQConfig(
        num_samples=16, sequence_length=3, quantization_layer_structure=structure, **options
    )


def test_model_quantize_layout_policy_and_outputs():
    model = _model()
    x = _skewed(12, seed=3).reshape(4, 3, 16)
    reference = cornu.ops.convert_to_numpy(model(x))
    model.quantize("awq", config=_config(model))
    dense, einsum = model.layers[1:]
    assert [(v.name, tuple(v.shape), str(v.dtype)) for v in dense._own_weights()] == [
        ("bias", (12,), "float32"), ("kernel", (6, 16), "uint8"),
        ("kernel_scale", (12, 2), "float32"), ("kernel_zero", (12, 2), "uint8"),
        ("awq_scales", (16,), "float32"), ("g_idx", (16,), "float32"),
    ]  # fmt: skip
    assert [v.name for v in einsum._own_weights()] == [
        "kernel", "kernel_scale", "zero_point", "awq_scales", "g_idx"
    ]  # fmt: skip
    assert dense.dtype_policy.name == "awq/4/8_from_float32"
    assert type(einsum.dtype_policy).__name__ == "AWQDTypePolicy"
    saved = dense.get_config()["quantization_config"]
    assert saved["class_name"] == "AWQConfig" and saved["config"]["num_grid_points"] == 5
    error = np.abs(cornu.ops.convert_to_numpy(model(x)) - reference).max()
    assert error < 0.25 * np.abs(reference).max(), error


def test_keras_save_load_round_trip(tmp_path):
    model = _model()
    model.quantize("awq", config=_config(model))
    x = _skewed(6, seed=4).reshape(2, 3, 16)
    model.save(str(tmp_path / "awq.keras"))
    loaded = cornu.saving.load_model(str(tmp_path / "awq.keras"))
    np.testing.assert_array_equal(
        cornu.ops.convert_to_numpy(loaded(x)), cornu.ops.convert_to_numpy(model(x))
    )
    assert loaded.layers[2].dtype_policy.name == "awq/4/8_from_float32"


def test_errors():
    model = _model()
    config = _config(model)
    config.quantization_layer_structure = None
    with pytest.raises(ValueError, match="a valid quantization structure must be provided"):
        model.quantize("awq", config=config)
    with pytest.raises(ValueError, match="AWQ quantization requires a dataset and a tokenizer"):
        model.quantize("awq", config=_config(model, tokenizer=None))
    with pytest.raises(ValueError, match="requires a valid `config` argument of type `AWQConfig`"):
        model.quantize("awq")
    with pytest.raises(ValueError, match="AWQ only supports 4-bit quantization"):
        cornu.quantizers.AWQConfig(None, None, weight_bits=3)
    with pytest.raises(ValueError, match=r"call `model.quantize\('awq', config=...\)`"):
        model.layers[1].quantize("awq")


@pytest.mark.skipif(importlib.util.find_spec("keras") is None, reason="real Keras not installed")
def test_cornu_file_loads_in_keras(tmp_path):
    model = _model()
    model.quantize("awq", config=_config(model))
    x = _skewed(6, seed=4).reshape(2, 3, 16)
    predicted, printed = keras_predicts(model, x, str(tmp_path), "awq")
    assert "awq/4/8_from_float32" in printed
    np.testing.assert_allclose(predicted, cornu.ops.convert_to_numpy(model(x)), atol=1e-5)
