"""Reading the pickled CIFAR batches (the "python version" of CIFAR-10 and CIFAR-100).

Each batch is a pickled dict with bytes keys: b"data" is a uint8 array of shape (N, 3072),
rows holding the red, green and blue 32x32 planes in turn; the labels are lists of ints. The
pickles are read with an unpickler that only builds NumPy arrays, because a cache file can
be replaced by anyone who can write to the cache folder and a plain `pickle.load` would run
whatever it names.
"""

import os
import pickle

import numpy as np

from cornu import config

# Old (Python 2 / NumPy 1) pickles name numpy.core; NumPy 2 moved it to numpy._core.
_NUMPY_CORE = "numpy._core.multiarray" if hasattr(np, "_core") else "numpy.core.multiarray"
_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): (_NUMPY_CORE, "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"): (_NUMPY_CORE, "_reconstruct"),
    ("numpy", "ndarray"): ("numpy", "ndarray"),
    ("numpy", "dtype"): ("numpy", "dtype"),
    # Python 3 protocol-2 pickles store bytes as codecs.encode(str, "latin1").
    ("_codecs", "encode"): ("_codecs", "encode"),
}


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(
                f"A CIFAR batch may only hold NumPy arrays, lists and dicts, but this one names "
                f"{module}.{name}; the cached file may be corrupted or tampered with. Delete it "
                f"so that it is downloaded again."
            )
        return super().find_class(*_ALLOWED[(module, name)])


def read_batch(path, label_key):
    """(data uint8 (N, 3072), labels list) of the batch file at `path`."""
    with open(path, "rb") as stream:
        # encoding="bytes": the files come from Python 2, where their keys were byte strings.
        batch = _ArrayUnpickler(stream, encoding="bytes").load()
    batch = {key.decode("utf8") if isinstance(key, bytes) else key: v for key, v in batch.items()}
    return np.asarray(batch["data"], dtype=np.uint8), batch[label_key]


def read_batches(folder, names, label_key):
    """Images (N, 32, 32, 3) or (N, 3, 32, 32) per `image_data_format`, and labels (N, 1)."""
    parts = [read_batch(os.path.join(folder, name), label_key) for name in names]
    images = np.concatenate([data for data, _ in parts]).reshape(-1, 3, 32, 32)
    labels = np.concatenate([np.asarray(found) for _, found in parts]).reshape(-1, 1)
    if config.image_data_format() == "channels_last":
        images = images.transpose(0, 2, 3, 1)
    return images, labels
