"""Building a directory loader's dataset from its file list, written once for every loader:
a `tf.data.Dataset` (as Keras returns) or, without TensorFlow, a `HostDataset`.

Both pipelines are: files -> loaded samples (zipped with their encoded labels) -> shuffled
anew each epoch (when `shuffle`) -> batched (unless `batch_size` is None). The result carries
`class_names` (and `file_paths` where Keras sets it).
"""

import numpy as np

from cornu.utils import directory_index
from cornu.utils.host_dataset import HostDataset


def build_dataset(
    paths,
    labels,
    label_mode,
    class_names,
    loader,
    batch_size,
    shuffle,
    seed,
    use_tf,
    with_file_paths=True,
):
    """The dataset of `loader`'s samples for `paths`.

    Args:
        paths: the file paths, in order.
        labels: int labels (or None).
        label_mode: "int", "categorical", "binary" or None.
        class_names: the class names (or None).
        loader: an object with `host(path) -> np.ndarray` and `tf(path_tensor) -> tf.Tensor`
            (a function for `tf.data.Dataset.map`); `pad_batches = True` when samples differ
            in length and batches pad them to the longest.
        batch_size: samples per batch, or None for unbatched samples.
        shuffle, seed: shuffle the samples each epoch (the file list is shuffled already).
        use_tf: build a `tf.data.Dataset`.
        with_file_paths: set the `file_paths` attribute.
    """
    num_classes = len(class_names) if class_names else 0
    encoded = directory_index.encode_labels(labels, label_mode, num_classes)
    build = _tf_dataset if use_tf else _host_dataset
    dataset = build(paths, encoded, loader, batch_size, shuffle, seed)
    dataset.class_names = class_names
    if with_file_paths:
        dataset.file_paths = list(paths)
    return dataset


def _host_dataset(paths, encoded, loader, batch_size, shuffle, seed):
    def element(i):
        sample = loader.host(paths[i])
        return sample if encoded is None else (sample, encoded[i])

    dataset = HostDataset.from_function(element, len(paths))
    if shuffle:
        dataset = dataset.shuffle(seed=seed)
    return dataset if batch_size is None else _batched(dataset, loader, batch_size)


def _batched(dataset, loader, batch_size):
    # Samples of different lengths (audio without output_sequence_length) pad to the longest.
    if getattr(loader, "pad_batches", False):
        return dataset.padded_batch(batch_size)
    return dataset.batch(batch_size)


def _tf_dataset(paths, encoded, loader, batch_size, shuffle, seed):
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(np.asarray(paths, dtype=object).astype(str))
    dataset = dataset.map(loader.tf, num_parallel_calls=tf.data.AUTOTUNE)
    if encoded is not None:
        dataset = tf.data.Dataset.zip((dataset, tf.data.Dataset.from_tensor_slices(encoded)))
    if shuffle:
        dataset = dataset.shuffle(buffer_size=(batch_size or 128) * 8, seed=seed)
    if batch_size is not None:
        dataset = _batched(dataset, loader, batch_size)
    return dataset.prefetch(tf.data.AUTOTUNE)


def no_files_message(kind, directory, formats):
    return (
        f"No {kind} found in directory {directory}. Allowed formats: {formats}. Check the path, "
        "and that the files have one of these extensions."
    )
