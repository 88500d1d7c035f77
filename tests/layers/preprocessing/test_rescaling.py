"""Rescaling: the standard battery, NumPy comparisons (scalar and per-channel factors), int
inputs, config and errors."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu.testing import run_layer_test


@pytest.mark.parametrize(
    "init_kwargs",
    [
        {"scale": 0.5},
        {"scale": 1 / 127.5, "offset": -1.0},
        {"scale": [1.0, 2.0, 3.0], "offset": [0.0, 0.5, -1.0]},
    ],  # fmt: skip
    ids=["scale", "scale_offset", "per_channel"],
)
def test_layer_battery(init_kwargs):
    run_layer_test(
        layers.Rescaling,
        init_kwargs,
        input_shape=(2, 4, 3),
        expected_output_shape=(2, 4, 3),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )


def test_matches_numpy_and_casts_ints():
    x = np.arange(24, dtype="uint8").reshape(2, 4, 3) * 10
    out = layers.Rescaling(scale=[1.0, 0.5, 0.25], offset=1.0)(x)
    assert backend.standardize_dtype(out.dtype) == "float32"
    np.testing.assert_allclose(ops.convert_to_numpy(out),
                               x.astype("float32") * [1.0, 0.5, 0.25] + 1.0)  # fmt: skip
    half = layers.Rescaling(1 / 255, dtype="float16")(x)
    assert backend.standardize_dtype(half.dtype) == "float16"


def test_symbolic_and_config():
    inputs = cornu.Input((5,), dtype="int32")
    out = layers.Rescaling(2.0, offset=np.float32(0.5))(inputs)
    assert out.shape == (None, 5) and out.dtype == "float32"
    config = layers.Rescaling(np.array([1, 2]), offset=0.1).get_config()
    assert config["scale"] == [1.0, 2.0] and config["offset"] == 0.1
    assert layers.Rescaling.from_config(config).scale == [1.0, 2.0]


def test_errors():
    with pytest.raises(TypeError, match="Rescaling: scale must be a number or a list"):
        layers.Rescaling("big")
    with pytest.raises(TypeError, match="Rescaling: offset must be a number.*offset=True"):
        layers.Rescaling(1.0, offset=True)
