"""`cornu.datasets` (Keras's `keras.datasets`): small standard datasets as NumPy arrays.

Each module's `load_data()` downloads its files once into `$KERAS_HOME/datasets` (default
`~/.keras/datasets`), with Keras's file names, origins and hashes, so the two libraries share
one cache. Only NumPy and the standard library are used: importing this is cheap.
"""

from cornu.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)
