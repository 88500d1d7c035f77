"""Turning user data (arrays, Pandas, generators, ...) into batches for the training loop."""

import inspect

from cornu import tree
from cornu.trainers.data_adapters.array_data_adapter import (
    ArrayDataAdapter,
    is_array_like,
    train_validation_split,
)
from cornu.trainers.data_adapters.dataset_adapters import (
    PyDatasetAdapter,
    TFDatasetAdapter,
    TorchDataLoaderAdapter,
    is_tf_dataset,
    is_torch_dataloader,
)
from cornu.trainers.data_adapters.epoch_iterator import EpochIterator
from cornu.trainers.data_adapters.generator_data_adapter import GeneratorDataAdapter
from cornu.utils.data_packing import unpack
from cornu.utils.py_dataset import PyDataset


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                     shuffle=False, class_weight=None):  # fmt: skip
    """The adapter for `x`'s type, or a TypeError naming the supported types."""
    leaves = tree.flatten(x) if isinstance(x, (list, tuple, dict)) else [x]
    if leaves and all(is_array_like(leaf) for leaf in leaves):
        return ArrayDataAdapter(
            x, y, sample_weight, batch_size=batch_size, shuffle=shuffle,
            class_weight=class_weight, steps=steps_per_epoch,
        )  # fmt: skip
    dataset_like = isinstance(x, PyDataset) or is_tf_dataset(x) or is_torch_dataloader(x)
    if dataset_like and (y is not None or sample_weight is not None):
        raise ValueError(
            f"When x is a {type(x).__name__}, it must yield the targets itself: pass y=None "
            "and sample_weight=None."
        )
    if isinstance(x, PyDataset):
        return PyDatasetAdapter(x, steps=steps_per_epoch, shuffle=shuffle)
    if is_tf_dataset(x):
        return TFDatasetAdapter(x, steps=steps_per_epoch)
    if is_torch_dataloader(x):
        return TorchDataLoaderAdapter(x, steps=steps_per_epoch)
    if inspect.isgenerator(x) or (hasattr(x, "__next__") and hasattr(x, "__iter__")):
        if y is not None or sample_weight is not None:
            raise ValueError(
                "When x is a generator, it must yield the targets itself: pass y=None and "
                "sample_weight=None."
            )
        return GeneratorDataAdapter(x, steps=steps_per_epoch)
    # ValueError, as Keras raises for data it cannot read.
    raise ValueError(
        f"Unrecognized data type: x={_short(x)} (of type {type(x).__name__}). Expected NumPy arrays, lists, Pandas "
        "DataFrames/Series, backend tensors (or nested lists/dicts of them), a "
        "cornu.utils.PyDataset, a tf.data.Dataset, a torch DataLoader, or a Python generator "
        "yielding (x, y[, sample_weight]) batches."
    )


def get_epoch_iterator(x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                       shuffle=False, class_weight=None, replay=False):  # fmt: skip
    """The `EpochIterator` over `x`'s adapter (see `get_data_adapter` for the arguments)."""
    adapter = get_data_adapter(
        x, y, sample_weight, batch_size=batch_size, shuffle=shuffle, class_weight=class_weight
    )
    return EpochIterator(adapter, steps_per_epoch=steps_per_epoch, replay=replay)


def split_validation_data(validation_data):
    """`validation_data` -> `(x, y, sample_weight)`: a tuple or list of arrays is unpacked;
    a dataset, PyDataset, DataLoader or generator stays whole (as `x`), to be iterated."""
    if isinstance(validation_data, (tuple, list)):
        if not 1 <= len(validation_data) <= 3:
            raise ValueError(
                "validation_data should be `(x_val, y_val)` or `(x_val, y_val, "
                f"val_sample_weight)`, or a dataset; received a {type(validation_data).__name__} "
                f"of {len(validation_data)} elements."
            )
        return unpack(tuple(validation_data))
    return validation_data, None, None


def _short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
