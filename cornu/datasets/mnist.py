"""MNIST handwritten digits: 60,000 training and 10,000 test images of 28x28 grey pixels.

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, x_train.dtype, y_train.shape  # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'), (60000,))
"""

from cornu.datasets import downloads

ORIGIN = downloads.KERAS_STORAGE + "mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Loads MNIST, downloading it into `~/.keras/datasets/` the first time.

    Args:
        path: the cache file name, under `~/.keras/datasets/`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(N, 28, 28)` with values 0-255,
        and uint8 digit labels 0-9 of shape `(N,)`.
    """
    local = downloads.fetch(path, ORIGIN, file_hash=FILE_HASH)
    x_train, y_train, x_test, y_test = downloads.load_npz(
        local, ("x_train", "y_train", "x_test", "y_test")
    )
    return (x_train, y_train), (x_test, y_test)
