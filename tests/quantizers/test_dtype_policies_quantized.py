"""Quantized dtype policies and DTypePolicyMap."""

import pytest

from cornu import dtype_policies as dp


@pytest.mark.parametrize(
    "name, cls, compute, mode",
    [
        ("int8_from_float32", dp.QuantizedDTypePolicy, "float32", "int8"),
        ("int4_from_mixed_bfloat16", dp.QuantizedDTypePolicy, "bfloat16", "int4"),
        ("float8_from_float32", dp.QuantizedFloat8DTypePolicy, "float32", "float8"),
        ("int4/128_from_float32", dp.Int4DTypePolicy, "float32", "int4"),
        ("gptq/4/128_from_float32", dp.GPTQDTypePolicy, "float32", "gptq"),
        ("awq/4/64_from_bfloat16", dp.AWQDTypePolicy, "bfloat16", "awq"),
    ],
    ids=["int8", "int4_mixed", "float8", "int4_blocks", "gptq", "awq"],
)
def test_policies_by_name(name, cls, compute, mode):
    policy = dp.get(name)
    assert type(policy) is cls and policy.name == name
    assert policy.compute_dtype == compute and policy.quantization_mode == mode
    config = dp.serialize(policy)
    assert config["module"] == "keras.dtype_policies" and config["class_name"] == cls.__name__
    assert dp.deserialize(config).name == name
    assert dp.get(config).name == name


def test_policy_errors():
    with pytest.raises(ValueError, match="doesn't work well with compute_dtype='float16'"):
        dp.QuantizedDTypePolicy("int8", "mixed_float16")
    # int4 from float16 is allowed, as in Keras (only int8's range is too narrow for it).
    assert dp.Int4DTypePolicy("int4/128", "mixed_float16").name == "int4/128_from_mixed_float16"
    with pytest.raises(ValueError, match="Invalid quantization mode"):
        dp.QuantizedDTypePolicy("foo")
    with pytest.raises(ValueError, match="Expected format 'int4/<block_size>'"):
        dp.Int4DTypePolicy("int8")
    with pytest.raises(ValueError, match="Expected format 'gptq/<weight_bits>/<group_size>'"):
        dp.GPTQDTypePolicy("gptq")


def test_policy_map():
    policies = dp.DTypePolicyMap(default_policy="bfloat16")
    policies["block/dense"] = "int8_from_float32"
    policies["attention/.*"] = "float16"
    assert policies["block/dense"].name == "int8_from_float32"
    assert policies["attention/query"].name == "float16"  # a regex key
    assert policies["other"].name == "bfloat16"
    assert list(policies) == ["block/dense", "attention/.*"] and len(policies) == 2
    restored = dp.deserialize(dp.serialize(policies))
    assert restored["block/dense"].name == "int8_from_float32"
    assert restored.default_policy.name == "bfloat16"
    with pytest.raises(ValueError, match="already has a policy"):
        policies["block/dense"] = "float32"
    policies["block/.*"] = "float32"
    with pytest.raises(ValueError, match="matches several keys"):
        policies["block/dense2"]
