"""to_categorical and normalize: NumPy input stays NumPy, tensors go through ops."""

import numpy as np
import pytest

from cornu import backend, ops, utils


def test_to_categorical_one_hot_rows_as_float64():
    out = utils.to_categorical([0, 2, 1])
    np.testing.assert_array_equal(out, np.eye(3)[[0, 2, 1]])
    assert isinstance(out, np.ndarray)


def test_to_categorical_drops_a_trailing_unit_axis_and_keeps_others():
    assert utils.to_categorical([[1], [4]], num_classes=5).shape == (2, 5)
    assert utils.to_categorical([[1, 0], [2, 1]], 4).shape == (2, 2, 4)
    assert utils.to_categorical(2, 3).tolist() == [0.0, 0.0, 1.0]
    assert utils.to_categorical([], 3).shape == (0, 3)


def test_to_categorical_errors():
    with pytest.raises(IndexError):
        utils.to_categorical([0, 5], 3)
    with pytest.raises(ValueError, match="cannot infer `num_classes` from empty labels"):
        utils.to_categorical([])


def test_to_categorical_backend_tensor_infers_num_classes():
    labels = ops.convert_to_tensor(np.array([[0], [2]], "int32"))
    out = utils.to_categorical(labels)
    assert backend.is_tensor(out)
    np.testing.assert_array_equal(ops.convert_to_numpy(out), np.eye(3)[[0, 2]])


def test_normalize_numpy_orders_dtypes_and_zero_rows():
    x = np.array([[3.0, 4.0], [0.0, 0.0]], "float32")
    out = utils.normalize(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    np.testing.assert_allclose(utils.normalize(np.array([[3.0, -4.0]]), order=1), [[3 / 7, -4 / 7]])
    assert utils.normalize(np.array([[3, 4]])).dtype == np.float64
    assert utils.normalize(np.array([3.0, 4.0])).shape == (1, 2)


def test_normalize_numpy_along_another_axis_divides_each_column():
    x = np.array([[3.0, -4.0], [1.0, 2.0]])
    expected = x / np.linalg.norm(x, axis=0, keepdims=True)
    np.testing.assert_allclose(utils.normalize(x, axis=0), expected)


def test_normalize_tensor_and_list_use_ops():
    out = utils.normalize([[3.0, 4.0]])
    assert not isinstance(out, np.ndarray) or backend.backend() == "numpy"
    np.testing.assert_allclose(ops.convert_to_numpy(out), [[0.6, 0.8]], rtol=1e-6)
    one_d = utils.normalize(ops.convert_to_tensor(np.array([3.0, 4.0], "float32")))
    # A numpy-backend tensor is an ndarray, so it takes the NumPy path (a 2-D result).
    assert tuple(one_d.shape) == ((1, 2) if backend.backend() == "numpy" else (2,))
