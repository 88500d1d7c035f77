"""Vocabulary building for the lookup layers: checks on a given vocabulary, and the token
counts and inverse document frequencies that `adapt()` learns (all NumPy, on the host)."""

import math

import numpy as np

from cornu.layers.preprocessing import _adapt_data


def read_vocabulary(vocabulary):
    """A vocabulary given as a list, array or tensor, or as the path of a text file with one
    token per line, as a 1-D NumPy array."""
    if isinstance(vocabulary, str):
        with open(vocabulary, encoding="utf-8") as f:
            return np.asarray([line.rstrip("\r\n") for line in f])
    return np.asarray(_adapt_data.to_numpy(vocabulary)).reshape(-1)


def strip_special_tokens(layer, tokens, mask_token, oov_token, num_oov_indices):
    """Removes the mask and OOV tokens a saved vocabulary may start with (in that order);
    a mask token anywhere else is an error."""
    tokens = list(tokens)
    oov = [oov_token] * num_oov_indices
    expected = ([] if mask_token is None else [mask_token]) + oov
    # Keras strips the special tokens only as a whole prefix (mask first, then the OOVs).
    if expected and tokens[: len(expected)] == expected:
        tokens = tokens[len(expected) :]
    elif mask_token is not None and oov and tokens[: len(oov)] == oov:
        tokens = tokens[len(oov) :]
    if mask_token is not None and mask_token in tokens:
        raise ValueError(
            f"{layer}: found the mask token {mask_token!r} inside `vocabulary`. A vocabulary "
            "does not need the mask and OOV tokens; either remove them, or put them only at "
            f"the start, in this order: {expected}."
        )
    return tokens


def check_unique(layer, tokens):
    values, counts = np.unique(np.asarray(tokens), return_counts=True)
    repeated = values[counts > 1].tolist()
    if repeated:
        raise ValueError(
            f"{layer}: the vocabulary has repeated terms {repeated}; pass each term once "
            "(e.g. deduplicate it with np.unique)."
        )


class TokenCounter:
    """Streams batches of tokens: how often each token occurs, and in how many documents
    (rows of a batch; each element of a 1-D batch is its own document)."""

    def __init__(self, ignore):
        self.ignore = [t for t in ignore if t is not None]
        self.counts = {}
        self.doc_counts = {}
        self.num_docs = 0

    def update(self, batch):
        batch = np.asarray(batch)
        docs = batch.reshape(batch.shape[0], -1) if batch.ndim > 1 else batch.reshape(-1, 1)
        self.num_docs += docs.shape[0]
        tokens, counts = np.unique(docs, return_counts=True)
        for token, count in zip(tokens.tolist(), counts.tolist()):
            self.counts[token] = self.counts.get(token, 0) + count
        for row in docs:
            for token in np.unique(row).tolist():
                self.doc_counts[token] = self.doc_counts.get(token, 0) + 1

    def vocabulary(self, max_size):
        """The tokens by decreasing count, ties by decreasing token (Keras's order)."""
        for token in self.ignore:
            self.counts.pop(token, None)
        ranked = sorted(self.counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
        tokens = [token for token, _ in ranked]
        return tokens if max_size is None else tokens[: max(max_size, 0)]

    def idf(self, tokens):
        """`log(1 + num_docs / (1 + document_count))` for each token (as in Keras's TF-IDF)."""
        return np.asarray(
            [math.log(1 + self.num_docs / (1 + self.doc_counts.get(t, 0))) for t in tokens],
            dtype="float32",
        )
