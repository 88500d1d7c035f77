"""California housing prices (1990 census): 20,640 block groups, 8 features each, and the
median house value in dollars. `version="small"` keeps the first 600 block groups.
"""

from cornu.datasets import downloads, splits

ORIGIN = downloads.KERAS_STORAGE + "california_housing.npz"
FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"
VERSIONS = {"large": None, "small": 600}


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Loads the California housing data, downloading it the first time.

    Args:
        version: "large" (all 20,640 rows) or "small" (the first 600).
        path: the cache file name, under `~/.keras/datasets/`.
        test_split: fraction held out for testing.
        seed: seed of the shuffle before splitting.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: float features `(N, 8)` and targets `(N,)`.
    """
    if version not in VERSIONS:
        raise ValueError(
            f"version must be 'large' (20,640 rows) or 'small' (600 rows); received "
            f"version={version!r}."
        )
    splits.check_test_split(test_split)
    local = downloads.fetch(path, ORIGIN, file_hash=FILE_HASH)
    x, y = downloads.load_npz(local, ("x", "y"))
    rows = VERSIONS[version]
    x, y = splits.shuffle_together(seed, x[:rows], y[:rows])
    return splits.split_train_test(test_split, x, y)
