"""What the `*_dataset_from_directory` loaders share: checking their common arguments, listing
the files and their labels, shuffling, the validation split, label encoding, and choosing the
kind of dataset returned.

File order follows Keras's, so the same directory, seed and split give the same files: class
directories in `class_names` order (sorted by default); inside each, a walk that lists a
directory's own files (sorted) before its subdirectories (sorted). Shuffling is NumPy's
`RandomState(seed).shuffle`, applied to the paths and to the labels alike.
"""

import os

import numpy as np

_LABEL_MODES = ("int", "categorical", "binary", None)
_SUBSETS = ("training", "validation", "both")
_FORMATS = ("tf", "grain")


def check_labels_args(labels, label_mode, class_names):
    """Keras's order of argument checks; returns `labels` (None when label_mode is None)."""
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError(
            "`labels` argument should be a list/tuple of integer labels, of the same size as "
            "the number of files in the target directory. If you wish to infer the labels "
            'from the subdirectory names in the target directory, pass `labels="inferred"`. '
            "If you wish to get a dataset that only contains the files (no labels), pass "
            f"`labels=None`. Received: labels={labels}"
        )
    if label_mode not in _LABEL_MODES:
        raise ValueError(
            '`label_mode` argument must be one of "int", "categorical", "binary", or None. '
            f"Received: label_mode={label_mode}"
        )
    if labels is None or label_mode is None:
        if class_names:
            raise ValueError(
                "When `labels=None` (no labels), argument `class_names` cannot be specified."
            )
        return None
    if class_names and labels != "inferred":
        raise ValueError(
            'You can only pass `class_names` if `labels="inferred"`. '
            f"Received: labels={labels}, and class_names={class_names}"
        )
    return labels


def check_split_args(validation_split, subset, shuffle, seed):
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(
            f"`validation_split` must be between 0 and 1, received: {validation_split}"
        )
    if (validation_split is None) != (subset is None):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset is not None and subset not in _SUBSETS:
        raise ValueError(
            f'`subset` must be either "training", "validation" or "both", received: {subset}'
        )
    if validation_split and shuffle and seed is None:
        raise ValueError(
            "If using `validation_split` and shuffling the data, you must provide a `seed` "
            "argument, to make sure that there is no overlap between the training and "
            "validation subset."
        )


def check_format(format):
    if format not in _FORMATS:
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')
    return format


def wants_tf_dataset(format):
    """Whether to build a `tf.data.Dataset`.

    format="grain" needs grain, which cornu does not build on: a clear ImportError. The
    default, "tf", gives a `tf.data.Dataset` as in Keras whenever TensorFlow is installed, on
    every backend; without TensorFlow (only possible on jax, torch or numpy) it gives cornu's
    TensorFlow-free dataset instead of failing, so the same script runs either way.
    """
    if format == "grain":
        raise ImportError(
            "format='grain' requires the grain module, which is not installed (and cornu "
            "builds grain datasets nowhere). Install it with `pip install grain`, or use "
            "format='tf' (a tf.data.Dataset with TensorFlow, else cornu's own dataset)."
        )
    return tensorflow_available()


def tensorflow_available():
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        return False
    return True


def index_directory(directory, labels, formats, class_names=None, follow_links=False):
    """Lists the files under `directory` whose extension is in `formats` (lowercase).

    Returns:
        `(file_paths, labels, class_names)`: `labels` an int32 array (None when `labels` is
        None), `class_names` the class of each label (None when `labels` is None).
    """
    if labels == "inferred":
        subdirs = _class_directories(directory)
        class_names = list(class_names) if class_names else subdirs
        _check_class_names(class_names, subdirs)
        walked = [
            _walk(os.path.join(directory, name), formats, follow_links) for name in class_names
        ]
        paths = [path for found in walked for path in found]
        found = np.repeat(np.arange(len(class_names)), [len(f) for f in walked])
        return paths, found.astype("int32"), class_names
    paths = _walk(directory, formats, follow_links)
    if labels is None:
        return paths, None, None
    if len(labels) != len(paths):
        raise ValueError(
            "Expected the lengths of `labels` to match the number of files in the target "
            f"directory. len(labels) is {len(labels)} while we found {len(paths)} files in "
            f"directory {directory}."
        )
    class_names = [str(label) for label in sorted(set(labels))]
    return paths, np.asarray(labels, dtype="int32"), class_names


def list_files(directory, labels, formats, class_names, follow_links, verbose, label_mode,
               shuffle, seed, nothing_found):  # fmt: skip
    """(paths, labels, class_names) as the loaders use them: indexed, reported (when
    `verbose`), checked (some files found, else ValueError(`nothing_found`); two classes for
    binary labels), and shuffled with `seed` when `shuffle`."""
    paths, labels, class_names = index_directory(
        directory, labels, formats, class_names, follow_links
    )
    report_found(paths, labels, class_names, verbose)
    if not paths:
        raise ValueError(nothing_found)
    check_binary(label_mode, class_names)
    if shuffle:
        paths, labels = shuffle_files(paths, labels, seed)
    return paths, labels, class_names


def _class_directories(directory):
    return sorted(
        name for name in os.listdir(directory) if os.path.isdir(os.path.join(directory, name))
    )


def _check_class_names(class_names, subdirs):
    if not set(class_names) <= set(subdirs):
        raise ValueError(
            "The `class_names` passed did not match the names of the subdirectories of the "
            f"target directory. Expected: {subdirs} (or a subset of it), but received: "
            f"class_names={class_names}"
        )


def _walk(directory, formats, follow_links):
    # A directory's own files (sorted) come before its subdirectories' (sorted), as in Keras.
    found = []
    for root, dirs, files in os.walk(directory, followlinks=follow_links):
        dirs.sort()
        found += [
            os.path.join(root, name) for name in sorted(files) if name.lower().endswith(formats)
        ]
    return found


def report_found(paths, labels, class_names, verbose):
    if not verbose:
        return
    if labels is None:
        print(f"Found {len(paths)} files.")
    else:
        print(f"Found {len(paths)} files belonging to {len(class_names)} classes.")


def shuffle_files(paths, labels, seed):
    """Shuffles paths and labels alike with NumPy's `RandomState(seed)`, as Keras does."""
    paths = list(paths)
    np.random.RandomState(seed).shuffle(paths)
    if labels is not None:
        labels = np.array(labels)
        np.random.RandomState(seed).shuffle(labels)
    return paths, labels


def split_files(paths, labels, validation_split, subset, verbose):
    """The `subset` of (paths, labels): the last `int(validation_split * n)` files are the
    validation ones. For "both", a list of the two."""
    if subset == "both":
        return [
            split_files(paths, labels, validation_split, part, verbose)
            for part in ("training", "validation")
        ]
    if not validation_split:
        return paths, labels
    num_val = int(validation_split * len(paths))
    cut = len(paths) - num_val
    part = slice(0, cut) if subset == "training" else slice(cut, None)
    paths = paths[part]
    labels = None if labels is None else labels[part]
    if verbose:
        print(f"Using {len(paths)} files for {subset}.")
    return paths, labels


def encode_labels(labels, label_mode, num_classes):
    """int labels -> what `label_mode` asks for: int32, one-hot float32 (out-of-range labels
    give zeros, as `tf.one_hot`), or float32 of shape (n, 1) for "binary"."""
    if labels is None or label_mode is None:
        return None
    labels = np.asarray(labels, dtype="int32")
    if label_mode == "int":
        return labels
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    return (labels[:, None] == np.arange(num_classes)[None, :]).astype("float32")


def check_binary(label_mode, class_names):
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            'When passing `label_mode="binary"`, there must be exactly 2 class_names. '
            f"Received: class_names={class_names}"
        )


def resolve_seed(shuffle, seed):
    """Keras draws a seed when shuffling without one."""
    if shuffle and seed is None:
        return int(np.random.randint(1e6))
    return seed
