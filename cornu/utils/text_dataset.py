"""`text_dataset_from_directory`: a dataset of texts (and labels) from the .txt files under a
directory.

With TensorFlow installed it is a `tf.data.Dataset` of `tf.string` (bytes), as in Keras;
without, a `HostDataset` of Python `str` (decoded as UTF-8) in NumPy arrays.
"""

import numpy as np

from cornu.utils import directory_index
from cornu.utils.directory_dataset import build_dataset

ALLOWLIST_FORMATS = (".txt",)


def text_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    max_length=None,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    format="tf",
    verbose=True,
):
    """Creates a dataset of texts from the .txt files under `directory`.

    With `labels="inferred"`, each subdirectory of `directory` is a class (sorted by name
    unless `class_names` orders them) and its files, at any depth, are labelled with the
    class's index.

    Args:
        directory: the directory to read.
        labels: "inferred", None (texts only), or a list of int labels, one per file in the
            order of a sorted walk of `directory`.
        label_mode: "int", "categorical", "binary" or None (texts only).
        class_names: with `labels="inferred"`, the subdirectories to use, in label order.
        batch_size: texts per batch; None yields single texts.
        max_length: keep at most this many bytes (UTF-8) of each text.
        shuffle: shuffle the files (with `seed`), and the samples again each epoch.
        seed: the shuffling seed (required with `shuffle` and `validation_split`).
        validation_split: the fraction of files (the last ones) kept for validation.
        subset: "training", "validation" or "both" (a list of the two datasets).
        follow_links: follow symbolic links to directories.
        format: "tf" (a `tf.data.Dataset`; without TensorFlow, cornu's own dataset) or
            "grain" (not supported: raises ImportError).
        verbose: print how many files were found.

    Returns:
        A dataset of `(texts, labels)` batches (texts alone when there are no labels), with a
        `class_names` attribute. For `subset="both"`, a list `[training, validation]`.

    Example:

    >>> ds = text_dataset_from_directory("reviews", batch_size=8)  # doctest: +SKIP
    >>> ds.class_names  # doctest: +SKIP
    ['neg', 'pos']
    """
    labels = directory_index.check_labels_args(labels, label_mode, class_names)
    label_mode = None if labels is None else label_mode
    directory_index.check_split_args(validation_split, subset, shuffle, seed)
    directory_index.check_format(format)
    seed = directory_index.resolve_seed(shuffle, seed)

    nothing_found = (
        f"No text files found in directory {directory}. Allowed format: .txt. Check the path, "
        "and that the files end in .txt."
    )
    paths, labels, class_names = directory_index.list_files(
        directory, labels, ALLOWLIST_FORMATS, class_names, follow_links, verbose, label_mode,
        shuffle, seed, nothing_found
    )  # fmt: skip
    use_tf = directory_index.wants_tf_dataset(format)
    loader = _TextLoader(max_length)

    def build(part_paths, part_labels):
        return build_dataset(
            part_paths,
            part_labels,
            label_mode,
            class_names,
            loader,
            batch_size,
            shuffle,
            seed,
            use_tf,
            with_file_paths=False,
        )

    parts = directory_index.split_files(paths, labels, validation_split, subset, verbose)
    return [build(*part) for part in parts] if subset == "both" else build(*parts)


class _TextLoader:
    def __init__(self, max_length):
        self.max_length = max_length

    def host(self, path):
        with open(path, "rb") as f:
            data = f.read()
        if self.max_length is not None:
            data = data[: self.max_length]
        # A cut through a multi-byte character drops its bytes rather than failing.
        return np.asarray(data.decode("utf-8", errors="ignore"))

    def tf(self, path):
        import tensorflow as tf

        text = tf.io.read_file(path)
        if self.max_length is not None:
            text = tf.strings.substr(text, 0, self.max_length)
        return text
