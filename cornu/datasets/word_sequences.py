"""The word-index transformation shared by the IMDB and Reuters loaders.

Reviews and newswires are stored as lists of word ranks (1 = most frequent word). Loading
applies, in this order: mark each start with `start_char` and shift ranks by `index_from`;
keep only the sequences shorter than `maxlen` (Keras 3 drops those of exactly `maxlen` too,
though its docs say "longer than", and cornu matches it); then keep ranks in
`[skip_top, num_words)`, replacing the others by `oov_char` (or dropping them when `oov_char`
is None).
"""

import json

import numpy as np


def offset(sequences, start_char, index_from):
    """Shifts every rank by `index_from` and prepends `start_char` (unless None)."""
    head = [] if start_char is None else [start_char]
    return [head + [word + index_from for word in seq] for seq in sequences]


def keep_shorter(maxlen, sequences, labels):
    """(sequences, labels) of the sequences shorter than `maxlen` (None keeps all)."""
    if not maxlen:
        return sequences, labels
    keep = [i for i, seq in enumerate(sequences) if len(seq) < maxlen]
    return [sequences[i] for i in keep], labels[keep]


def limit_vocabulary(sequences, num_words, skip_top, oov_char):
    """Keeps ranks in [skip_top, num_words); others become `oov_char` or are dropped."""
    if not num_words:
        num_words = max((max(seq) for seq in sequences if seq), default=0)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in seq] for seq in sequences]
    return [[w for w in seq if skip_top <= w < num_words] for seq in sequences]


def to_object_array(sequences):
    """A 1-D object array of lists (np.array would make a 2-D int array of equal lengths)."""
    out = np.empty(len(sequences), dtype=object)
    out[:] = [list(seq) for seq in sequences]
    return out


def check_not_empty(sequences, maxlen):
    if not len(sequences):
        raise ValueError(
            f"maxlen={maxlen} is so short that no sequence is left (the start character counts "
            f"toward the length). Pass a larger maxlen, or maxlen=None to keep all."
        )


def load_word_index(path):
    """The {word: rank} dict of a word-index JSON file."""
    with open(path, encoding="utf8") as stream:
        return json.load(stream)
