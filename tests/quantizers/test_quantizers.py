"""`cornu.quantizers`: the primitives against NumPy, the configs and the registry."""

import numpy as np
import pytest

import cornu
from cornu import quantizers as q

X = np.array([[0.5, -1.2, 3.0], [0.1, 0.2, -0.05]], "float32")


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def test_abs_max_quantize_matches_numpy():
    values, scale = q.abs_max_quantize(X, axis=-1)
    want_scale = 127 / (np.max(np.abs(X), axis=-1, keepdims=True) + 1e-7)
    np.testing.assert_allclose(_np(scale), want_scale, rtol=1e-6)
    np.testing.assert_array_equal(_np(values), np.clip(np.round(X * want_scale), -127, 127))
    assert _np(values).dtype == np.int8


def test_grouped_quantization_round_trips_within_a_step():
    w = np.random.default_rng(0).standard_normal((10, 3)).astype("float32")
    values, scale, zero = (_np(t) for t in q.abs_max_quantize_grouped_with_zero_point(w, 4))
    assert values.shape == (10, 3) and scale.shape == (3, 3) and zero.shape == (3, 3)
    rows = np.arange(10) // 4
    restored = (values.astype("float32") - zero[rows]) * scale[rows]
    assert np.all(np.abs(restored - w) <= scale[rows] / 2 + 1e-6)
    assert values.min() >= -8 and values.max() <= 7


def test_grouped_quantization_rejects_other_ranks():
    with pytest.raises(ValueError, match="expects a 2D tensor"):
        q.abs_max_quantize_grouped_with_zero_point(np.zeros((2, 3, 4), "float32"), 2)


@pytest.mark.parametrize("axis", [0, -1], ids=["axis0", "axis_last"])
@pytest.mark.parametrize("dtype", ["int8", "uint8"])
def test_pack_unpack_int4_round_trip(axis, dtype):
    low, high = (-8, 8) if dtype == "int8" else (0, 16)
    arr = np.random.default_rng(1).integers(low, high, (5, 3)).astype(dtype)
    packed, shape, length = q.pack_int4(arr, axis=axis, dtype=dtype)
    assert tuple(_np(packed).shape) == shape and length == arr.shape[axis]
    assert _np(packed).shape[axis] == (arr.shape[axis] + 1) // 2
    np.testing.assert_array_equal(_np(q.unpack_int4(packed, length, axis=axis, dtype=dtype)), arr)


def test_pack_int4_checks_dtypes():
    with pytest.raises(TypeError, match="expects a tensor of dtype int8"):
        q.pack_int4(np.zeros((2, 2), "int32"))
    with pytest.raises(ValueError, match="dtype must be 'int8' or 'uint8'"):
        q.pack_int4(np.zeros((2, 2), "int8"), dtype="int16")


def test_float8_helpers():
    np.testing.assert_allclose(_np(q.compute_float8_scale(3.0, 1.0, 448.0)), 3.0 / 448, rtol=1e-6)
    assert float(_np(q.compute_float8_scale(0.0, 4.0, 448.0))) == 4.0
    history = _np(q.compute_float8_amax_history(X, np.array([1.0, 5.0, 2.0], "float32")))
    np.testing.assert_array_equal(history, [3.0, 2.0, 1.0])
    out = _np(q.quantize_and_dequantize(X * 100, np.float32(0.5), "float8_e4m3fn", "float32"))
    np.testing.assert_array_equal(out, [[48.0, -120.0, 224.0], [10.0, 20.0, -5.0]])
    with pytest.raises(ValueError, match="quantized_dtype must be one of"):
        q.quantize_and_dequantize(X, 1.0, "int8", "float32")


def test_fake_quant_levels():
    out = _np(q.fake_quant_with_min_max_vars(np.array([-2.0, 0.0, 0.3, 2.0], "float32"), -1, 1))
    step = 2 / 255
    assert out[0] == pytest.approx(-127 * step, abs=1e-6)  # clipped to the nudged range
    assert out[1] == 0.0  # zero is a level
    assert abs(out[2] - 0.3) <= step / 2 + 1e-6
    with pytest.raises(ValueError, match="num_bits must be an int in"):
        q.fake_quant_with_min_max_vars(X, -1, 1, num_bits=1)


def test_quantizer_objects_and_registry():
    quantizer = q.AbsMaxQuantizer(axis=-1)
    assert quantizer.get_config()["axis"] == (-1,)
    assert "axis" not in q.AbsMaxQuantizer().get_config()
    restored = q.deserialize(q.serialize(quantizer))
    assert isinstance(restored, q.AbsMaxQuantizer) and restored.axis == (-1,)
    assert q.get("abs_max_quantizer", axis=0).axis == (0,)
    assert q.get(None) is None and q.get(quantizer) is quantizer
    np.testing.assert_array_equal(_np(q.Quantizer()(X)), X)
    with pytest.raises(ValueError, match="Could not interpret quantizer identifier"):
        q.get("nope")
    with pytest.raises(ValueError, match="needs an axis"):
        q.AbsMaxQuantizer()(X)
    assert cornu.Quantizer is q.Quantizer


def test_configs():
    assert q.Int8QuantizationConfig().mode == "int8"
    assert isinstance(q.Int8QuantizationConfig().activation_quantizer, q.AbsMaxQuantizer)
    int4 = q.Int4QuantizationConfig(block_size=64)
    assert int4.activation_quantizer is None and int4.get_config()["block_size"] == 64
    assert q.Float8QuantizationConfig().get_config() == {}
    for config in (q.Int8QuantizationConfig(), int4, q.Float8QuantizationConfig()):
        assert q.deserialize(q.serialize(config)).get_config() == config.get_config()
    with pytest.raises(NotImplementedError, match="Do not instantiate QuantizationConfig"):
        q.QuantizationConfig().mode
    with pytest.raises(ValueError, match="block_size must be None, -1 .* or a positive int"):
        q.Int4QuantizationConfig(block_size=0)
    assert q.Int4QuantizationConfig(block_size=-1).block_size == -1  # per column, as None
    custom = q.AbsMaxQuantizer(axis=0, value_range=(-8, 7), output_dtype="int8")
    assert q.Int4QuantizationConfig(weight_quantizer=custom, block_size=None).block_size is None
    with pytest.raises(ValueError, match="takes no custom weight_quantizer"):
        q.Int4QuantizationConfig(weight_quantizer=custom)  # blocks of 128 by default
    with pytest.raises(TypeError, match="weight_quantizer must be a Quantizer"):
        q.Int8QuantizationConfig(weight_quantizer=3)
    assert q.GPTQConfig(None, None).mode == "gptq" and q.AWQConfig(None, None).mode == "awq"
