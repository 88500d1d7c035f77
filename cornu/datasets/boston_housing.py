"""Boston housing prices: 506 Boston suburbs in the 1970s, 13 features each, and the median
home value in thousands of dollars. Shuffled with `seed`, then split.
"""

from cornu.datasets import downloads, splits

ORIGIN = downloads.KERAS_STORAGE + "boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston housing data, downloading it the first time.

    Args:
        path: the cache file name, under `~/.keras/datasets/`.
        test_split: fraction held out for testing.
        seed: seed of the shuffle before splitting.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: float64 features `(N, 13)` and targets `(N,)`.
    """
    splits.check_test_split(test_split)
    local = downloads.fetch(path, ORIGIN, file_hash=FILE_HASH)
    x, y = splits.shuffle_together(seed, *downloads.load_npz(local, ("x", "y")))
    return splits.split_train_test(test_split, x, y)
