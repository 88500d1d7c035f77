"""`cornu.mixed_precision` names, and compile's LossScaleOptimizer for "mixed_float16"."""

import numpy as np

import cornu
from tests.conftest import requires_training


def test_names_alias_the_dtype_policy_api():
    mp = cornu.mixed_precision
    assert mp.Policy is cornu.DTypePolicy and mp.DTypePolicy is cornu.DTypePolicy
    assert mp.LossScaleOptimizer is cornu.optimizers.LossScaleOptimizer
    mp.set_global_policy("mixed_bfloat16")
    try:
        assert mp.global_policy().name == "mixed_bfloat16"
        assert cornu.layers.Dense(2).compute_dtype == "bfloat16"
    finally:
        mp.set_global_policy("float32")
    assert mp.global_policy().name == "float32"


def test_dtype_policies_serialize_round_trip():
    config = cornu.dtype_policies.serialize(cornu.DTypePolicy("mixed_float16"))
    assert config["module"] == "keras" and config["class_name"] == "DTypePolicy"
    assert cornu.dtype_policies.deserialize(config).name == "mixed_float16"


@requires_training
def test_mixed_float16_compile_wraps_and_trains():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 4)).astype("float32")
    y = x @ np.ones((4, 1), "float32")
    cornu.config.set_dtype_policy("mixed_float16")
    try:
        model = cornu.Sequential([cornu.Input((4,)), cornu.layers.Dense(8, activation="relu"),
                                  cornu.layers.Dense(1, dtype="float32")])  # fmt: skip
        model.compile(optimizer=cornu.optimizers.SGD(0.01), loss="mse")
        assert isinstance(model.optimizer, cornu.optimizers.LossScaleOptimizer)
        losses = model.fit(x, y, epochs=4, batch_size=16, verbose=0, shuffle=False)
    finally:
        cornu.config.set_dtype_policy("float32")
    assert losses.history["loss"][-1] < losses.history["loss"][0]
    plain = cornu.Sequential([cornu.Input((4,)), cornu.layers.Dense(1)])
    plain.compile(optimizer="sgd", loss="mse")
    assert not isinstance(plain.optimizer, cornu.optimizers.LossScaleOptimizer)
