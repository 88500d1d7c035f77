"""`set_random_seed`: one call seeds Python, NumPy, the framework and cornu's global generator."""

import random

import numpy as np

from cornu import config
from cornu.random import seed_generator


def set_random_seed(seed):
    """Seeds every random source cornu and the backend framework use.

    Args:
        seed: a non-negative int.

    Example:
        >>> cornu.utils.set_random_seed(1337)
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise TypeError(f"set_random_seed expects a non-negative int; received {seed!r}.")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    name = config.backend()
    if name == "torch":
        import torch

        torch.manual_seed(seed)
    elif name == "tensorflow":
        import tensorflow as tf

        tf.random.set_seed(seed)
    seed_generator.reset_global_seed_generator(seed)
