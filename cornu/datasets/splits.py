"""Seeded shuffling and train/test splitting shared by the loaders that split one array."""

import numpy as np


def shuffle_together(seed, *arrays):
    """`arrays` reordered by one permutation drawn from `np.random.RandomState(seed)`."""
    order = np.arange(len(arrays[0]))
    np.random.RandomState(seed).shuffle(order)
    return tuple(array[order] for array in arrays)


def check_test_split(test_split):
    if not 0 <= test_split < 1:
        raise ValueError(
            f"test_split is the fraction of samples held out for testing, in [0, 1); "
            f"received test_split={test_split}."
        )


def split_train_test(test_split, *arrays):
    """((train parts...), (test parts...)), the first `int(n * (1 - test_split))` rows training."""
    check_test_split(test_split)
    cut = int(len(arrays[0]) * (1 - test_split))
    return tuple(a[:cut] for a in arrays), tuple(a[cut:] for a in arrays)
