"""CIFAR-10: 50,000 training and 10,000 test 32x32 colour images in 10 classes.

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
9 truck. The archive is unpacked under `~/.keras/datasets/cifar-10-batches-py-target/`.
"""

import os

from cornu.datasets import cifar_batches, downloads

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
DIRNAME = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))


def load_data():
    """Loads CIFAR-10, downloading and unpacking it the first time.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(N, 32, 32, 3)` (or
        `(N, 3, 32, 32)` when `image_data_format()` is "channels_first") and uint8 labels of
        shape `(N, 1)`.
    """
    root = downloads.fetch(f"{DIRNAME}-target", ORIGIN, file_hash=FILE_HASH, extract=True)
    folder = os.path.join(root, DIRNAME)
    x_train, y_train = cifar_batches.read_batches(folder, TRAIN_BATCHES, "labels")
    x_test, y_test = cifar_batches.read_batches(folder, ("test_batch",), "labels")
    return (x_train, y_train.astype("uint8")), (x_test, y_test.astype("uint8"))
