"""StringLookup and IntegerLookup: index layout, special tokens, adapt order, encodings,
tf-idf, inversion, configs and errors, against hand-computed NumPy values."""

import numpy as np
import pytest

from cornu import backend, layers, ops


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_string_lookup_int_mode():
    layer = layers.StringLookup(vocabulary=["a", "b", "c"])
    out = layer(np.array([["a", "c", "zzz"], ["b", "b", "a"]]))
    np.testing.assert_array_equal(to_np(out), [[1, 3, 0], [2, 2, 1]])
    assert layer.get_vocabulary() == ["[UNK]", "a", "b", "c"]
    assert layer.vocabulary_size() == 4
    assert int(to_np(layer("b"))) == 2
    np.testing.assert_array_equal(to_np(layer([b"c", b"q"])), [3, 0])  # bytes are decoded


def test_string_lookup_mask_is_dropped_from_encodings():
    ints = layers.StringLookup(vocabulary=["a", "b"], mask_token="")
    np.testing.assert_array_equal(to_np(ints(np.array(["", "a", "q"]))), [0, 2, 1])
    counts = layers.StringLookup(vocabulary=["a", "b"], mask_token="", output_mode="count")
    assert counts.get_vocabulary() == ["[UNK]", "a", "b"]
    np.testing.assert_array_equal(to_np(counts(np.array([["", "a", "q", "a"]]))), [[1, 2, 0]])


def test_special_tokens_at_the_start_are_stripped_and_elsewhere_refused():
    layer = layers.StringLookup(vocabulary=["", "[UNK]", "x"], mask_token="")
    assert layer.get_vocabulary() == ["", "[UNK]", "x"]
    with pytest.raises(ValueError, match="found the mask token"):
        layers.StringLookup(vocabulary=["x", ""], mask_token="")
    with pytest.raises(ValueError, match="repeated terms"):
        layers.StringLookup(vocabulary=["x", "x"])


def test_adapt_orders_by_count_then_token_and_caps_max_tokens():
    layer = layers.StringLookup()
    layer.adapt(np.array(["b", "a", "c", "b", "a", "d"]))
    assert layer.get_vocabulary() == ["[UNK]", "b", "a", "d", "c"]
    capped = layers.StringLookup(max_tokens=3)
    capped.adapt([["a", "b"], ["b", "c"], ["c", "c"]])
    assert capped.get_vocabulary() == ["[UNK]", "c", "b"]
    with pytest.raises(ValueError, match="cannot adapt"):
        layers.StringLookup(vocabulary=["a"]).adapt(["b"])


def test_adapt_from_tf_data():
    tf = pytest.importorskip("tensorflow")
    layer = layers.StringLookup()
    layer.adapt(tf.data.Dataset.from_tensor_slices(np.array(["x", "y", "y"])).batch(2))
    assert layer.get_vocabulary() == ["[UNK]", "y", "x"]


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("one_hot", [[[0, 1, 0, 0], [0, 0, 0, 1]], [[1, 0, 0, 0], [0, 0, 1, 0]]]),
        ("multi_hot", [[0, 1, 0, 1], [1, 0, 1, 0]]),
        ("count", [[0, 1, 0, 1], [1, 0, 1, 0]]),
    ],
    ids=["one_hot", "multi_hot", "count"],
)
def test_string_lookup_encodings(mode, expected):
    layer = layers.StringLookup(vocabulary=["a", "b", "c"], output_mode=mode)
    out = layer(np.array([["a", "c"], ["q", "b"]]))
    np.testing.assert_array_equal(to_np(out), expected)
    assert "int" in str(to_np(out).dtype)


def test_tf_idf_given_and_adapted():
    given = layers.StringLookup(vocabulary=["a", "b"], idf_weights=[1.0, 3.0],
                                output_mode="tf_idf")  # fmt: skip
    # The OOV slot weighs the mean idf (2.0).
    np.testing.assert_allclose(to_np(given(np.array([["b", "b", "q"]]))), [[2.0, 0.0, 6.0]])
    adapted = layers.StringLookup(output_mode="tf_idf")
    adapted.adapt(np.array([["x", "y"], ["y", "z"], ["z", "z"]]))
    idf_z, idf_x = np.log(1 + 3 / 3), np.log(1 + 3 / 2)
    np.testing.assert_allclose(to_np(adapted(np.array([["x", "z", "z"]])))[0, [1, 3]],
                               [2 * idf_z, idf_x], rtol=1e-6)  # fmt: skip


def test_string_inversion():
    layer = layers.StringLookup(vocabulary=["a", "b"], mask_token="", invert=True)
    out = layer(np.array([0, 1, 3, 9]))
    values = [
        s.decode() if isinstance(s, bytes) else s
        for s in np.asarray(out.numpy() if hasattr(out, "numpy") else out).reshape(-1).tolist()
    ]
    assert values == ["", "[UNK]", "b", "[UNK]"]


def test_integer_lookup_mask_oov_and_invert():
    layer = layers.IntegerLookup(vocabulary=[5, 6], mask_token=0, num_oov_indices=2)
    assert layer.get_vocabulary() == [0, -1, -1, 5, 6]
    np.testing.assert_array_equal(to_np(layer(np.array([0, 5, 6, 7, 8]))), [0, 3, 4, 2, 1])
    inverse = layers.IntegerLookup(vocabulary=[10, 20], invert=True)
    np.testing.assert_array_equal(to_np(inverse(np.array([1, 2, 0, 7]))), [10, 20, -1, -1])
    with pytest.raises(ValueError, match="expects integers"):
        layers.IntegerLookup(vocabulary=[1])(np.array(["a"]))


def test_integer_lookup_without_oov_rejects_unknown_values():
    layer = layers.IntegerLookup(vocabulary=[1, 2], num_oov_indices=0)
    np.testing.assert_array_equal(to_np(layer(np.array([2, 1]))), [1, 0])
    with pytest.raises(RuntimeError, match="num_oov_indices=0"):
        layer(np.array([3]))


def test_integer_lookup_inside_a_model():
    import cornu

    model = cornu.Sequential(
        [
            cornu.Input((3,), dtype="int32"),
            layers.IntegerLookup(vocabulary=[5, 6], output_mode="multi_hot"),
        ]
    )
    out = model.predict(np.array([[5, 9, 5]], "int32"), verbose=0)
    np.testing.assert_array_equal(np.asarray(out), [[1, 1, 0]])


def test_config_round_trip_and_errors():
    layer = layers.StringLookup(vocabulary=["a", "b"], num_oov_indices=2, mask_token="")
    config = layer.get_config()
    assert config["vocabulary"] == ["a", "b"] and config["vocabulary_size"] == 5
    clone = layers.StringLookup.from_config(config)
    assert clone.get_vocabulary() == layer.get_vocabulary()
    with pytest.raises(ValueError, match="output_mode must be one of"):
        layers.StringLookup(output_mode="bad")
    with pytest.raises(ValueError, match="must be 'int' when invert"):
        layers.IntegerLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="pass idf_weights"):
        layers.StringLookup(vocabulary=["a"], output_mode="tf_idf")
    with pytest.raises(RuntimeError, match="no vocabulary yet"):
        layers.StringLookup()(np.array(["a"]))
    assert backend.backend() in ("numpy", "jax", "torch", "tensorflow")
