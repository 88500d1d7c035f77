"""Preprocessing layers inside tf.data pipelines on every backend (through tf.py_function
where the backend is not TensorFlow, or for host-only layers)."""

import numpy as np
import pytest

from cornu import layers

tf = pytest.importorskip("tensorflow")


def first(dataset):
    return next(iter(dataset)).numpy()


def test_numeric_layers_map_over_datasets():
    x = np.arange(12, dtype="float32").reshape(6, 2)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(3)
    np.testing.assert_allclose(first(ds.map(layers.Rescaling(2.0, offset=1.0))), x[:3] * 2 + 1)
    norm = layers.Normalization(mean=1.0, variance=4.0)
    np.testing.assert_allclose(first(ds.map(norm)), (x[:3] - 1) / 2)
    ids = tf.data.Dataset.from_tensor_slices(np.array([0, 2, 1])).batch(3)
    np.testing.assert_array_equal(first(ids.map(layers.CategoryEncoding(3, "one_hot"))),
                                  np.eye(3)[[0, 2, 1]])  # fmt: skip


def test_lookup_layers_map_over_datasets():
    colors = np.array(["red", "blue", "pink"])
    ds = tf.data.Dataset.from_tensor_slices(colors).batch(3)
    lookup = layers.StringLookup(vocabulary=["red", "green", "blue"])
    out = ds.map(lookup)
    assert out.element_spec.dtype == tf.int64 and out.element_spec.shape.as_list() == [None]
    np.testing.assert_array_equal(first(out), [1, 3, 0])
    inverse = layers.StringLookup(vocabulary=["a", "b"], invert=True)
    strings = first(tf.data.Dataset.from_tensor_slices(np.array([2, 0])).batch(2).map(inverse))
    assert [s.decode() for s in strings] == ["b", "[UNK]"]
    ints = tf.data.Dataset.from_tensor_slices(np.array([4, 3, 9])).batch(3)
    np.testing.assert_array_equal(first(ints.map(layers.IntegerLookup(vocabulary=[3, 4]))),
                                  [2, 1, 0])  # fmt: skip


def test_non_ascii_strings_map_over_datasets():
    # tf.string batches reach host-side layers as UTF-8 bytes.
    lookup = layers.StringLookup(vocabulary=["café", "naïve"])
    data = tf.data.Dataset.from_tensor_slices(np.array(["café", "naïve", "x"])).batch(3)
    (batch,) = list(data.map(lookup))
    assert np.asarray(batch).tolist() == [1, 2, 0]
