"""Fashion-MNIST: 60,000 training and 10,000 test 28x28 grey images of 10 kinds of clothing.

Labels: 0 T-shirt/top, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker,
8 bag, 9 ankle boot. The files are the original gzipped IDX files (big-endian header, then
uint8 values), cached in `~/.keras/datasets/fashion-mnist/`.
"""

import gzip

import numpy as np

from cornu.datasets import downloads

CACHE_SUBDIR = "datasets/fashion-mnist"
FILES = {
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_train": "train-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
}
# IDX headers: magic number and item count (labels); magic, count, rows, columns (images).
_LABEL_HEADER, _IMAGE_HEADER = 8, 16


def load_data():
    """Loads Fashion-MNIST, downloading it into `~/.keras/datasets/fashion-mnist/` first.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(N, 28, 28)` and uint8 labels
        `(N,)`.
    """
    paths = {
        key: downloads.fetch(name, downloads.KERAS_STORAGE + name, cache_subdir=CACHE_SUBDIR)
        for key, name in FILES.items()
    }
    y_train, y_test = (read_idx(paths[key], _LABEL_HEADER) for key in ("y_train", "y_test"))
    x_train, x_test = (
        read_idx(paths[key], _IMAGE_HEADER).reshape(-1, 28, 28) for key in ("x_train", "x_test")
    )
    return (x_train, y_train), (x_test, y_test)


def read_idx(path, header_bytes):
    """The uint8 payload of a gzipped IDX file, flat."""
    with gzip.open(path, "rb") as stream:
        return np.frombuffer(stream.read(), dtype=np.uint8, offset=header_bytes)
