"""boston_housing and california_housing: seeded shuffle, then a train/test split."""

import io

import numpy as np
import pytest

from cornu.datasets import boston_housing, california_housing


def _stored(cache, name, module):
    cache.place(f"datasets/{name}", cache.files[name], module)
    with np.load(io.BytesIO(cache.files[name])) as archive:
        return archive["x"], archive["y"]


def _rows(x, y):
    return sorted(map(tuple, np.column_stack([x, y]).tolist()))


def test_boston_shuffles_then_splits(cache):
    x, y = _stored(cache, "boston_housing.npz", boston_housing)
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    assert (x_train.shape, y_train.shape, x_test.shape) == ((8, 13), (8,), (3, 13))
    assert x_train.dtype == np.float64
    order = np.arange(11)
    np.random.RandomState(113).shuffle(order)
    np.testing.assert_array_equal(np.concatenate([x_train, x_test]), x[order])
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), y[order])


def test_boston_split_and_seed(cache):
    x, y = _stored(cache, "boston_housing.npz", boston_housing)
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(test_split=0.5, seed=3)
    assert (len(x_train), len(x_test)) == (5, 6)
    both = np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])
    assert _rows(*both) == _rows(x, y)


@pytest.mark.parametrize("version,sizes", [("large", (560, 140)), ("small", (480, 120))])
def test_california_versions(cache, version, sizes):
    x, y = _stored(cache, "california_housing.npz", california_housing)
    (x_train, y_train), (x_test, y_test) = california_housing.load_data(version=version)
    assert (len(x_train), len(x_test)) == sizes and x_train.shape[1] == 8
    kept = 600 if version == "small" else 700
    assert _rows(np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])) == _rows(
        x[:kept], y[:kept]
    )


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: california_housing.load_data(version="medium"), "version must be 'large'"),
        (lambda: boston_housing.load_data(test_split=1.0), "received test_split=1.0"),
    ],
    ids=["california_version", "boston_test_split"],
)
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
