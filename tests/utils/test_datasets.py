"""split_dataset and timeseries_dataset_from_array (tf.data, or torch Subsets on torch)."""

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from cornu import utils  # noqa: E402


def _rows(part):
    return [np.asarray(r[0] if isinstance(r, tuple) else r) for r in part]


def test_split_sizes_and_order():
    x = np.arange(50, dtype="float32").reshape(25, 2)
    left, right = utils.split_dataset(x, left_size=0.5)
    assert (len(_rows(left)), len(_rows(right))) == (12, 13)
    left, right = utils.split_dataset((x, np.arange(25)), left_size=3, right_size=4)
    np.testing.assert_array_equal(np.stack(_rows(left)), x[:3])
    assert len(_rows(right)) == 4


def test_split_errors():
    x = np.arange(10.0)
    with pytest.raises(ValueError, match="At least one of the `left_size` or `right_size`"):
        utils.split_dataset(x)
    with pytest.raises(ValueError, match="positive integer smaller than 10"):
        utils.split_dataset(x, left_size=10)
    with pytest.raises(ValueError, match="left side dataset split will be empty"):
        utils.split_dataset(x, left_size=0.01)
    with pytest.raises(TypeError, match="Invalid `left_size` Type"):
        utils.split_dataset(x, left_size=True)
    with pytest.raises(TypeError, match="Unsupported dataset type"):
        utils.split_dataset({"a": x}, left_size=2)


def test_timeseries_windows_targets_and_ranges():
    data = np.arange(20, dtype="float32")
    ds = utils.timeseries_dataset_from_array(data, data[3:], sequence_length=3, batch_size=4)
    xs = np.concatenate([np.asarray(a) for a, _ in ds])
    ys = np.concatenate([np.asarray(b) for _, b in ds])
    assert xs.shape == (17, 3)
    np.testing.assert_array_equal(ys, data[3:])
    ds = utils.timeseries_dataset_from_array(data, None, 4, sampling_rate=2, sequence_stride=3)
    np.testing.assert_array_equal(np.asarray(next(iter(ds)))[1], [3, 5, 7, 9])
    with pytest.raises(ValueError, match="`end_index` must be higher than `start_index`"):
        utils.timeseries_dataset_from_array(data, None, 3, start_index=5, end_index=5)
