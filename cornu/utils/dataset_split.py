"""`split_dataset`: one dataset of samples into a left and a right part.

Arrays, tuples/lists of arrays, `tf.data.Dataset`s and torch `Dataset`s are accepted. The parts
are `tf.data.Dataset`s, or torch `Subset`s on the torch backend (or with
`preferred_backend="torch"`), as in Keras; TensorFlow / torch are imported on first call.
"""

import numpy as np

from cornu import config, tree


def split_dataset(
    dataset, left_size=None, right_size=None, shuffle=False, seed=None, preferred_backend=None
):
    """Splits `dataset` into two parts of `left_size` and `right_size` samples.

    Args:
        dataset: a NumPy array, a tuple or list of equally long arrays, a `tf.data.Dataset`
            or a torch `Dataset`.
        left_size: an int (samples) or a float in (0, 1) (a fraction); by default the
            complement of `right_size`.
        right_size: likewise; by default the complement of `left_size`.
        shuffle: shuffle the samples (with `seed`) before splitting.
        seed: the shuffling seed.
        preferred_backend: "tensorflow" or "torch": the kind of datasets returned (default:
            torch on the torch backend, else tensorflow).

    Returns:
        `(left, right)` datasets.

    Example:

    >>> left, right = split_dataset(np.arange(10), left_size=0.8)
    >>> len(list(left)), len(list(right))
    (8, 2)
    """
    total = _length(dataset)
    left_size, right_size = _sizes(left_size, right_size, total)
    order = np.arange(total)
    if shuffle:
        np.random.default_rng(seed).shuffle(order)
    left, right = order[:left_size], order[left_size : left_size + right_size]
    if (preferred_backend or _default_kind()) == "torch":
        return _torch_parts(dataset, left, right)
    return _tf_parts(dataset, left, right)


def _default_kind():
    return "torch" if config.backend() == "torch" else "tensorflow"


def _kind(dataset):
    module = type(dataset).__module__
    if isinstance(dataset, np.ndarray):
        return "array"
    if isinstance(dataset, (tuple, list)):
        return "arrays"
    if module.startswith("tensorflow") and hasattr(dataset, "element_spec"):
        return "tf"
    indexable = hasattr(dataset, "__getitem__") and hasattr(dataset, "__len__")
    if module.startswith("torch") or (indexable and not isinstance(dataset, (dict, str))):
        return "torch"  # a torch Dataset, or any sized dataset indexed by sample
    raise TypeError(
        f"Unsupported dataset type: {type(dataset)}. split_dataset takes a NumPy array, a "
        "tuple or list of arrays, a tf.data.Dataset or a torch Dataset."
    )


def _length(dataset):
    kind = _kind(dataset)
    if kind == "array":
        return len(dataset)
    if kind == "arrays":
        return _arrays_length(dataset)
    if kind == "tf":
        count = int(dataset.cardinality())
        return count if count >= 0 else sum(1 for _ in dataset)
    return len(dataset)


def _arrays_length(arrays):
    if not arrays:
        raise ValueError("split_dataset: received an empty tuple of arrays.")
    lengths = [len(a) for a in arrays]
    for i, n in enumerate(lengths):
        if not hasattr(arrays[i], "shape"):
            raise ValueError(
                "Expected a list of `numpy.ndarray` objects, received: "
                f"{type(arrays[i])} at index {i}."
            )
        if n != lengths[0]:
            raise ValueError(
                "Received a tuple of NumPy arrays with different lengths. Mismatch found at "
                f"index {i}: expected length {lengths[0]}, received {n}. Pass arrays of the "
                "same length."
            )
    return lengths[0]


def _sizes(left_size, right_size, total):
    if left_size is None and right_size is None:
        raise ValueError(
            "At least one of the `left_size` or `right_size` must be specified. Received: "
            "left_size=None and right_size=None"
        )
    left = _resolve(left_size, total, "left_size")
    right = _resolve(right_size, total, "right_size")
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(
            "The sum of `left_size` and `right_size` should be smaller than the "
            f"{total}. Received: left_size + right_size = {left + right} and "
            f"total_length = {total}"
        )
    for side, size in (("left", left), ("right", right)):
        if size == 0:
            raise ValueError(
                f"With `dataset` of length={total}, `left_size`={left} and "
                f"`right_size`={right}. Resulting {side} side dataset split will be empty. "
                "Adjust any of the aforementioned parameters"
            )
    return left, right


def _resolve(size, total, name):
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"Invalid `{name}` Type. Expected: int or float or None, Received: "
            f"type({name})={type(size)}."
        )
    is_int = isinstance(size, (int, np.integer))
    if (is_int and not 0 < size < total) or (not is_int and not 0 < size < 1):
        raise ValueError(
            f"`{name}` should be either a positive integer smaller than {total}, or a float "
            f"within the range `[0, 1]`. Received: {name}={size}"
        )
    return int(size) if is_int else int(round(size * total))


def _tf_parts(dataset, left, right):
    import tensorflow as tf

    columns = _columns(dataset)
    return tuple(
        tf.data.Dataset.from_tensor_slices(_take(columns, indices)) for indices in (left, right)
    )


def _columns(dataset):
    """The samples as NumPy arrays (a tuple of them for tuple/list input)."""
    kind = _kind(dataset)
    if kind == "array":
        return dataset
    if kind == "arrays":
        return tuple(np.asarray(a) for a in dataset)
    if kind == "tf":
        samples = list(dataset.as_numpy_iterator())
    else:
        samples = [dataset[i] for i in range(len(dataset))]
        samples = tree.map_structure(np.asarray, samples)
    return tree.map_structure(lambda *leaves: np.stack(leaves), *samples)


def _take(columns, indices):
    return tree.map_structure(lambda column: column[indices], columns)


def _torch_parts(dataset, left, right):
    from torch.utils import data as torch_data

    if _kind(dataset) == "torch":
        source = dataset
    else:
        columns = _columns(dataset)
        tensors = columns if isinstance(columns, tuple) else (columns,)
        source = torch_data.TensorDataset(*[_torch_tensor(c) for c in tensors])
    return (
        torch_data.Subset(source, left.tolist()),
        torch_data.Subset(source, right.tolist()),
    )


def _torch_tensor(column):
    import torch

    return torch.as_tensor(np.asarray(column))
