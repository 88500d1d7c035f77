"""CIFAR-100: 50,000 training and 10,000 test 32x32 colour images in 100 fine classes, grouped
into 20 coarse ones. The archive is unpacked under `~/.keras/datasets/cifar-100-python-target/`.
"""

import os

from cornu.datasets import cifar_batches, downloads

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
DIRNAME = "cifar-100-python"
LABEL_MODES = ("fine", "coarse")


def load_data(label_mode="fine"):
    """Loads CIFAR-100, downloading and unpacking it the first time.

    Args:
        label_mode: "fine" (100 classes) or "coarse" (20 superclasses).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(N, 32, 32, 3)` (or channels
        first, per `image_data_format()`) and int64 labels of shape `(N, 1)`.
    """
    if label_mode not in LABEL_MODES:
        raise ValueError(
            f"label_mode must be 'fine' (100 classes) or 'coarse' (20 superclasses); received "
            f"label_mode={label_mode!r}."
        )
    root = downloads.fetch(f"{DIRNAME}-target", ORIGIN, file_hash=FILE_HASH, extract=True)
    folder = os.path.join(root, DIRNAME)
    key = f"{label_mode}_labels"
    x_train, y_train = cifar_batches.read_batches(folder, ("train",), key)
    x_test, y_test = cifar_batches.read_batches(folder, ("test",), key)
    return (x_train, y_train), (x_test, y_test)
