"""CategoryEncoding and Discretization: the standard battery, NumPy comparisons for every
output mode, Keras's documented examples, adapt (exact quantiles, streamed batches), config
and errors."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu.testing import run_layer_test

RNG = np.random.default_rng(0)
DOC_X = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]], "float32")


def numpy_encode(x, n, mode, weights=None):
    x = np.asarray(x)
    if mode == "one_hot":
        if x.shape and x.shape[-1] == 1:
            x = x[..., 0]
        return (x[..., None] == np.arange(n)).astype("float32")
    hits = (x[..., None] == np.arange(n)).astype("float32")
    if mode == "multi_hot":
        return hits.max(-2)
    if weights is not None:
        hits = hits * np.asarray(weights, "float32")[..., None]
    return hits.sum(-2)


@pytest.mark.parametrize(
    "init_kwargs, input_shape, output_shape",
    [
        ({"num_tokens": 5, "output_mode": "one_hot"}, (4,), (4, 5)),
        ({"num_tokens": 5, "output_mode": "one_hot"}, (4, 1), (4, 5)),
        ({"num_tokens": 6, "output_mode": "one_hot"}, (3, 2), (3, 2, 6)),
        ({"num_tokens": 10}, (3, 4), (3, 10)),
        ({"num_tokens": 10, "output_mode": "count"}, (3, 4), (3, 10)),
    ],
    ids=["one_hot_1d", "one_hot_trailing_1", "one_hot_append", "multi_hot", "count"],
)
def test_category_encoding_battery(init_kwargs, input_shape, output_shape):
    run_layer_test(layers.CategoryEncoding, init_kwargs, input_shape=input_shape,
                   input_dtype="int32", expected_output_shape=output_shape,
                   expected_output_dtype="float32", expected_num_trainable_weights=0,
                   expected_num_non_trainable_weights=0)  # fmt: skip


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
def test_category_encoding_matches_numpy(mode):
    x = RNG.integers(0, 7, size=(5, 3)).astype("int64")
    out = ops.convert_to_numpy(layers.CategoryEncoding(7, output_mode=mode)(x))
    np.testing.assert_array_equal(out, numpy_encode(x, 7, mode))
    # Out-of-range values add nothing.
    bad = np.array([[-1, 2, 9]], "int32")
    out = ops.convert_to_numpy(layers.CategoryEncoding(7, output_mode=mode)(bad))
    np.testing.assert_array_equal(out, numpy_encode(bad, 7, mode))


def test_category_encoding_documented_examples_and_weights():
    one_hot = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 2, 0, 1])
    np.testing.assert_array_equal(ops.convert_to_numpy(one_hot), np.eye(4)[[3, 2, 0, 1]])
    tokens = [[0, 1], [0, 0], [1, 2], [3, 1]]
    weights = np.array([[0.1, 0.2], [0.1, 0.1], [0.2, 0.3], [0.4, 0.2]])
    out = layers.CategoryEncoding(4, output_mode="count")(tokens, count_weights=weights)
    np.testing.assert_allclose(ops.convert_to_numpy(out),
                               [[0.1, 0.2, 0, 0], [0.2, 0, 0, 0], [0, 0.2, 0.3, 0],
                                [0, 0.2, 0, 0.4]], rtol=1e-6)  # fmt: skip
    half = layers.CategoryEncoding(4, dtype="float16")(np.array([[1, 1]]))
    assert backend.standardize_dtype(half.dtype) == "float16"


def test_category_encoding_symbolic_with_count_weights():
    tokens = cornu.Input((3,), dtype="int32")
    weights = cornu.Input((3,))
    out = layers.CategoryEncoding(5, output_mode="count")(tokens, count_weights=weights)
    assert out.shape == (None, 5)
    model = cornu.Model([tokens, weights], out)
    t = np.array([[1, 1, 4]], "int32")
    w = np.array([[0.5, 2.0, 1.0]], "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(model([t, w])),
                               numpy_encode(t, 5, "count", w), rtol=1e-6)  # fmt: skip


@pytest.mark.parametrize(
    "init_kwargs, output_shape, output_dtype",
    [
        ({"bin_boundaries": [-1.0, 0.0, 1.0]}, (3, 4), "int32"),
        ({"bin_boundaries": [0.0, 1.0], "output_mode": "one_hot"}, (3, 4, 3), "float32"),
        ({"bin_boundaries": [-0.5, 0.5], "output_mode": "multi_hot"}, (3, 3), "float32"),
        ({"bin_boundaries": [0.0], "output_mode": "count", "dtype": "float64"}, (3, 2), "float64"),
    ],
    ids=["int", "one_hot", "multi_hot", "count_float64"],
)
def test_discretization_battery(init_kwargs, output_shape, output_dtype):
    run_layer_test(layers.Discretization, init_kwargs, input_shape=(3, 4),
                   expected_output_shape=output_shape, expected_output_dtype=output_dtype,
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   run_training_check=False)  # fmt: skip


def test_discretization_documented_examples():
    out = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])(DOC_X)
    np.testing.assert_array_equal(ops.convert_to_numpy(out), [[0, 2, 3, 1], [1, 3, 2, 1]])
    layer = layers.Discretization(num_bins=4, epsilon=0.01)
    assert not layer.is_adapted
    layer.adapt(DOC_X)
    assert layer.is_adapted
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(DOC_X)),
                                  [[0, 2, 3, 2], [1, 3, 3, 1]])  # fmt: skip


def test_discretization_matches_numpy_and_adapt_streams():
    data = RNG.normal(size=(40, 3)).astype("float32")
    layer = layers.Discretization(num_bins=5)
    layer.adapt(data[i : i + 7] for i in range(0, 40, 7))
    expected = np.quantile(data.astype("float64"), [0.2, 0.4, 0.6, 0.8], method="inverted_cdf")
    np.testing.assert_allclose(layer.bin_boundaries, expected)
    x = RNG.normal(size=(4, 3)).astype("float32")
    out = layer(x)
    np.testing.assert_array_equal(ops.convert_to_numpy(out),
                                  np.digitize(x, np.float32(expected)))  # fmt: skip
    one_hot = layers.Discretization(bin_boundaries=layer.bin_boundaries, output_mode="count")
    np.testing.assert_array_equal(
        ops.convert_to_numpy(one_hot(x)),
        numpy_encode(np.digitize(x, np.float32(expected)), 5, "count"),
    )
    # Integer inputs are bucketed as floats.
    ints = layers.Discretization([1.5, 2.5])(np.array([[1, 2, 3]], "int32"))
    np.testing.assert_array_equal(ops.convert_to_numpy(ints), [[0, 1, 2]])


def test_discretization_config_round_trip_after_adapt_and_symbolic():
    layer = layers.Discretization(num_bins=3, output_mode="multi_hot")
    layer.adapt(np.arange(9.0))
    config = layer.get_config()
    assert config["bin_boundaries"] == [2.0, 5.0] and config["num_bins"] == 3
    revived = layers.Discretization.from_config(config)
    assert revived.bin_boundaries == [2.0, 5.0] and revived.num_bins == 3
    inputs = cornu.Input((4,))
    outputs = revived(inputs)
    assert outputs.shape == (None, 3) and outputs.dtype == "float32"
    int_out = layers.Discretization([0.0])(inputs)
    assert int_out.shape == (None, 4) and int_out.dtype == "int32"


def test_errors():
    with pytest.raises(ValueError, match="CategoryEncoding: num_tokens must be a positive int"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match="CategoryEncoding: output_mode must be one of"):
        layers.CategoryEncoding(3, output_mode="int")
    with pytest.raises(ValueError, match="CategoryEncoding: sparse outputs are not supported"):
        layers.CategoryEncoding(3, sparse=True)
    with pytest.raises(ValueError, match="count_weights is only used with output_mode='count'"):
        layers.CategoryEncoding(3)(np.array([[1]]), count_weights=np.ones((1, 1)))
    with pytest.raises(ValueError, match=r"count_weights must have the inputs' shape \(1, 2\)"):
        layers.CategoryEncoding(3, "count")(np.array([[1, 2]]), count_weights=np.ones((1, 1)))
    with pytest.raises(ValueError, match="Discretization: pass bin_boundaries, or num_bins"):
        layers.Discretization()
    with pytest.raises(ValueError, match="pass bin_boundaries or num_bins, not both"):
        layers.Discretization([0.0, 1.0], num_bins=5)
    with pytest.raises(ValueError, match="bin_boundaries must be a sorted list"):
        layers.Discretization([1.0, 0.0])
    with pytest.raises(ValueError, match="Discretization: num_bins must be a positive int"):
        layers.Discretization(num_bins=0)
    with pytest.raises(ValueError, match="Discretization: output_mode must be one of"):
        layers.Discretization([0.0], output_mode="tf_idf")
    with pytest.raises(ValueError, match="was given bin_boundaries, so it cannot be adapted"):
        layers.Discretization([0.0]).adapt(np.ones(3))
    with pytest.raises(ValueError, match="has no bin boundaries yet: call adapt"):
        layers.Discretization(num_bins=2)(np.ones((1, 2), "float32"))
    with pytest.raises(ValueError, match="needs its bin boundaries"):
        layers.Discretization(num_bins=2, output_mode="one_hot")(cornu.Input((2,)))
    with pytest.raises(ValueError, match="adapt\\(\\) received no data"):
        layers.Discretization(num_bins=2).adapt(np.array([np.nan]))
