"""Where the dataset loaders fetch their files from, and how they read `.npz` archives.

The origins, cache names and hashes are the ones Keras uses, so a dataset downloaded by either
library (in `$KERAS_HOME/datasets`, default `~/.keras/datasets`) serves both.
"""

import numpy as np

from cornu.utils import file_utils

# Keras's public mirror of the small datasets.
KERAS_STORAGE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def fetch(fname, origin, file_hash=None, cache_subdir="datasets", extract=False):
    """The local path of `fname`, downloaded from `origin` first if it is not cached."""
    return file_utils.get_file(
        fname=fname,
        origin=origin,
        file_hash=file_hash,
        cache_subdir=cache_subdir,
        extract=extract,
    )


def load_npz(path, names, allow_pickle=False):
    """The arrays `names` of the `.npz` file at `path`, in that order."""
    with np.load(path, allow_pickle=allow_pickle) as archive:
        missing = [name for name in names if name not in archive.files]
        if missing:
            raise ValueError(
                f"{path!r} has arrays {sorted(archive.files)} but not {missing}: it is not the "
                f"expected dataset file. Delete it so that it is downloaded again."
            )
        return tuple(archive[name] for name in names)
