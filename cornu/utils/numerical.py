"""`to_categorical` and `normalize`: label and array helpers of `keras.utils`.

Both take two paths, as Keras's do: NumPy arrays and Python lists stay NumPy (float64 one-hot
labels, `np.linalg.norm` norms), backend tensors go through `cornu.ops` and stay tensors.
"""

import numpy as np

from cornu import backend, ops


def to_categorical(x, num_classes=None):
    """Converts a class vector (integers) to a binary class matrix (one-hot rows).

    Args:
        x: class ids from 0 to `num_classes - 1` (array-like or a backend tensor). A trailing
            axis of size 1 is dropped first, so `(n, 1)` labels give `(n, num_classes)`.
        num_classes: the number of classes; by default `max(x) + 1`.

    Returns:
        A float64 NumPy array of shape `x.shape + (num_classes,)` for array-like input, or a
        float tensor (via `ops.one_hot`) for a backend tensor.

    Example:

    >>> to_categorical([0, 2], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.]])
    """
    if backend.is_tensor(x):
        return _tensor_to_categorical(x, num_classes)
    labels = np.array(x, dtype="int64")
    labels = _drop_trailing_unit_axis(labels)
    if num_classes is None:
        num_classes = _inferred_num_classes(labels)
    flat = labels.reshape(-1)
    categorical = np.zeros((flat.shape[0], num_classes))
    categorical[np.arange(flat.shape[0]), flat] = 1
    return categorical.reshape(labels.shape + (num_classes,))


def _tensor_to_categorical(x, num_classes):
    labels = ops.convert_to_tensor(x)
    if len(labels.shape) > 1 and labels.shape[-1] == 1:
        labels = ops.squeeze(labels, axis=-1)
    if num_classes is None:
        # Keras 3.15 fails here (it passes None on); the largest label tells the count.
        num_classes = _inferred_num_classes(ops.convert_to_numpy(labels).astype("int64"))
    return ops.one_hot(ops.cast(labels, "int32"), num_classes)


def _drop_trailing_unit_axis(labels):
    if labels.ndim > 1 and labels.shape[-1] == 1:
        return labels.reshape(labels.shape[:-1])
    return labels


def _inferred_num_classes(labels):
    if labels.size == 0:
        raise ValueError(
            "to_categorical: cannot infer `num_classes` from empty labels; pass num_classes=."
        )
    return int(np.max(labels)) + 1


def normalize(x, axis=-1, order=2):
    """Divides `x` by its `order`-norm along `axis` (a zero norm leaves zeros as they are).

    Args:
        x: the array to normalize. A NumPy array is normalized with NumPy; anything else
            (lists, backend tensors) with `ops.normalize`.
        axis: the axis along which to take the norm (None: the whole array).
        order: the norm order (2 for L2, 1 for L1, `np.inf`, ...).

    Returns:
        The normalized array: a NumPy array for NumPy input, else a backend tensor.

    Example:

    >>> normalize(np.array([[3.0, 4.0]]))
    array([[0.6, 0.8]])
    """
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        return x / np.expand_dims(norm, -1 if axis is None else axis)
    x = ops.convert_to_tensor(x)
    if not backend.is_float_dtype(backend.standardize_dtype(x.dtype)):
        x = ops.cast(x, backend.floatx())
    if axis is None:
        axis = tuple(range(len(x.shape)))
    return ops.normalize(x, axis=axis, order=order)
