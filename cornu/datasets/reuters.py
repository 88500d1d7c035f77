"""Reuters newswires: 11,228 newswires in 46 topics, each a list of word ranks (see
`word_sequences` for the argument semantics), split into training and test sets here.
"""

from cornu.datasets import downloads, splits, word_sequences

ORIGIN = downloads.KERAS_STORAGE + "reuters.npz"
FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_ORIGIN = downloads.KERAS_STORAGE + "reuters_word_index.json"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"
# Topic names by label, in the order of the label numbers.
LABEL_NAMES = (
    "cocoa",
    "grain",
    "veg-oil",
    "earn",
    "acq",
    "wheat",
    "copper",
    "housing",
    "money-supply",
    "coffee",
    "sugar",
    "trade",
    "reserves",
    "ship",
    "cotton",
    "carcass",
    "crude",
    "nat-gas",
    "cpi",
    "money-fx",
    "interest",
    "gnp",
    "meal-feed",
    "alum",
    "oilseed",
    "gold",
    "tin",
    "strategic-metal",
    "livestock",
    "retail",
    "ipi",
    "iron-steel",
    "rubber",
    "heat",
    "jobs",
    "lei",
    "bop",
    "zinc",
    "orange",
    "pet-chem",
    "dlr",
    "gas",
    "silver",
    "wpi",
    "hog",
    "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):  # fmt: skip
    """Loads the Reuters newswires, downloading them into `~/.keras/datasets/` the first time.

    Args:
        path: the cache file name.
        num_words: keep only ranks below this (the most frequent words); None keeps all.
        skip_top: also drop the ranks below this (the most frequent words).
        maxlen: keep only newswires shorter than this, the start mark included (Keras
            drops those of exactly `maxlen` too); None keeps all.
        test_split: fraction of the (shuffled, filtered) newswires held out for testing.
        seed: seed of the shuffle.
        start_char: marks the start of each newswire (None: no marker).
        oov_char: replaces the words dropped by `num_words`/`skip_top` (None: remove them).
        index_from: shifts the word ranks up by this much.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of ints, and int labels.
    """
    splits.check_test_split(test_split)
    local = downloads.fetch(path, ORIGIN, file_hash=FILE_HASH)
    xs, labels = splits.shuffle_together(
        seed, *downloads.load_npz(local, ("x", "y"), allow_pickle=True)
    )
    xs = word_sequences.offset(xs, start_char, index_from)
    xs, labels = word_sequences.keep_shorter(maxlen, xs, labels)
    word_sequences.check_not_empty(xs, maxlen)
    xs = word_sequences.to_object_array(
        word_sequences.limit_vocabulary(xs, num_words, skip_top, oov_char)
    )
    (x_train, y_train), (x_test, y_test) = splits.split_train_test(test_split, xs, labels)
    return (x_train, y_train), (x_test, y_test)


def get_word_index(path="reuters_word_index.json"):
    """The {word: rank} dict of Reuters (rank 1 is the most frequent word; add `index_from`)."""
    local = downloads.fetch(path, WORD_INDEX_ORIGIN, file_hash=WORD_INDEX_HASH)
    return word_sequences.load_word_index(local)


def get_label_names():
    """The 46 topic names, indexed by label."""
    return LABEL_NAMES
