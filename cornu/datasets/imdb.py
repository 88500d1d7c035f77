"""IMDB movie reviews: 25,000 training and 25,000 test reviews labelled positive (1) or
negative (0), each a list of word ranks (see `word_sequences` for the argument semantics).
"""

import warnings

import numpy as np

from cornu.datasets import downloads, word_sequences

ORIGIN = downloads.KERAS_STORAGE + "imdb.npz"
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_ORIGIN = downloads.KERAS_STORAGE + "imdb_word_index.json"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):  # fmt: skip
    """Loads IMDB, downloading it into `~/.keras/datasets/` the first time.

    Args:
        path: the cache file name.
        num_words: keep only ranks below this (the most frequent words); None keeps all.
        skip_top: also drop the ranks below this (the most frequent words).
        maxlen: keep only reviews shorter than this, the start mark included (Keras drops
            those of exactly `maxlen` too); None keeps all.
        seed: seed of the shuffle of each split.
        start_char: marks the start of each review (None: no marker).
        oov_char: replaces the words dropped by `num_words`/`skip_top` (None: remove them).
        index_from: shifts the word ranks up by this much.
        **kwargs: ignored with a warning (Keras accepts them for backward compatibility).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of ints, and int labels.

    Example:
        >>> (x_train, y_train), _ = load_data(num_words=10000)  # doctest: +SKIP
    """
    _warn_unknown(kwargs)
    local = downloads.fetch(path, ORIGIN, file_hash=FILE_HASH)
    x_train, y_train, x_test, y_test = downloads.load_npz(
        local, ("x_train", "y_train", "x_test", "y_test"), allow_pickle=True
    )
    rng = np.random.RandomState(seed)
    splits = []
    for x, y in ((x_train, y_train), (x_test, y_test)):
        order = np.arange(len(x))
        rng.shuffle(order)
        x = word_sequences.offset(x[order], start_char, index_from)
        splits.append(word_sequences.keep_shorter(maxlen, x, y[order]))
    (x_train, y_train), (x_test, y_test) = splits
    word_sequences.check_not_empty(x_train, maxlen)
    word_sequences.check_not_empty(x_test, maxlen)
    xs = word_sequences.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    cut = len(x_train)
    return ((word_sequences.to_object_array(xs[:cut]), y_train),
            (word_sequences.to_object_array(xs[cut:]), y_test))  # fmt: skip


def _warn_unknown(kwargs):
    # Keras accepts and ignores any other keyword (once for old spellings such as `nb_words`);
    # ignoring them too keeps old scripts running, but a typo deserves a word.
    if kwargs:
        warnings.warn(
            f"imdb.load_data ignores the keyword arguments {sorted(kwargs)}; its arguments are "
            f"path, num_words, skip_top, maxlen, seed, start_char, oov_char and index_from.",
            stacklevel=3,
        )


def get_word_index(path="imdb_word_index.json"):
    """The {word: rank} dict of IMDB (rank 1 is the most frequent word; add `index_from`)."""
    local = downloads.fetch(path, WORD_INDEX_ORIGIN, file_hash=WORD_INDEX_HASH)
    return word_sequences.load_word_index(local)
