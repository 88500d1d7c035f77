"""`TextVectorization`: strings -> standardized tokens -> n-grams -> vocabulary indices or
encodings, on the host (NumPy), with Keras's tokenization rules.

The built-in steps follow TensorFlow's string ops, as Keras applies them: "lower" lowers
ASCII letters only, "strip_punctuation" removes ASCII punctuation only, "whitespace"
splits on ASCII whitespace runs, "character" splits into Unicode code points, and n-grams
join tokens with a space (all unigrams of a document first, then all bigrams, ...).
"""

import os
import re
import string
import sys

import numpy as np

from cornu import backend
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.preprocessing._adapt_data import iterate_batches, to_numpy
from cornu.layers.preprocessing._encoding import encoded_shape
from cornu.layers.preprocessing._index_lookup import index_dtype
from cornu.layers.preprocessing.data_layer import DataLayer, is_graph_tensor
from cornu.layers.preprocessing.string_lookup import StringLookup, as_strings

STANDARDIZE_MODES = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT_MODES = ("whitespace", "character")
OUTPUT_MODES = ("int", "multi_hot", "count", "tf_idf")

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_NO_PUNCTUATION = str.maketrans("", "", string.punctuation)
_ASCII_WHITESPACE = re.compile("[ \t\n\r\x0b\x0c]+")


def standardize_text(text, mode):
    """One string through a built-in standardization."""
    if mode in ("lower", "lower_and_strip_punctuation"):
        text = text.translate(_ASCII_LOWER)
    if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
        text = text.translate(_NO_PUNCTUATION)
    return text


def split_text(text, mode):
    """One string's tokens through a built-in split."""
    if mode == "character":
        return list(text)
    return [t for t in _ASCII_WHITESPACE.split(text) if t]


def make_ngrams(tokens, ngrams):
    """The n-grams of `tokens` for each size in `ngrams`, smallest size first."""
    out = []
    for n in ngrams:
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def _token_lists(result):
    """A split callable's result (a tf.RaggedTensor, nested lists or a 2-D array) as lists
    of str."""
    if hasattr(result, "to_list"):
        result = result.to_list()
    elif not isinstance(result, list):
        result = np.asarray(to_numpy(result)).tolist()
    return [[t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in row]
            for row in result]  # fmt: skip


def _pad(rows, width):
    """Rows of tokens padded with "" (the mask token) and cut to `width`."""
    out = np.full((len(rows), width), "", dtype=object)
    for i, row in enumerate(rows):
        row = row[:width]
        out[i, : len(row)] = row
    return out.astype(str) if out.size else np.zeros(out.shape, dtype=str)


class TextVectorization(DataLayer):
    """Turns strings into sequences of token indices or into document encodings.

    Each string is standardized, split into tokens, extended with n-grams, and looked up
    in a vocabulary (given, or learned by `adapt`, most frequent first). With
    `output_mode="int"` the output is the indices (0: padding, 1: out of vocabulary),
    padded with 0 to the longest document of the batch or to `output_sequence_length`.
    "multi_hot", "count" and "tf_idf" give one vector of `vocabulary_size()` per document.
    Strings come as NumPy str/bytes/object arrays or lists (tf.string tensors on the
    tensorflow backend). Callables given as `standardize` or `split` receive the batch
    as a tf.string tensor on the tensorflow backend and as a NumPy array of str otherwise.

    Args:
        max_tokens: the largest vocabulary size, special tokens included (None: no limit).
        standardize: "lower_and_strip_punctuation", "lower", "strip_punctuation", None or
            a callable (strings -> strings).
        split: "whitespace", "character", None (each string is one token) or a callable
            (strings -> lists of tokens).
        ngrams: None, an int n (all n-grams up to n) or a tuple of n-gram sizes.
        output_mode: "int", "multi_hot", "count" or "tf_idf".
        output_sequence_length: "int" outputs are padded or cut to this length.
        pad_to_max_tokens: encodings have `max_tokens` slots whatever the vocabulary size.
        vocabulary: a list or array of strings, or a text file path (one per line).
        idf_weights: for "tf_idf" with a given vocabulary, one weight per term.
        sparse: must be False (cornu returns dense outputs).
        ragged: "int" outputs as a tf.RaggedTensor (tensorflow backend only).
        encoding: the text encoding of byte strings (only "utf-8").

    Example:
        >>> layer = TextVectorization(output_sequence_length=3)
        >>> layer.adapt(["the cat sat", "the dog"])
        >>> layer(np.array(["The dog sat!"]))   # [[2, 4, 5]]
    """

    _host_only = True

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int",
                 output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None,
                 **kwargs):  # fmt: skip
        kwargs.pop("vocabulary_size", None)
        self._check_settings(standardize, split, ngrams, output_mode, output_sequence_length,
                             sparse, ragged)  # fmt: skip
        super().__init__(name=name, autocast=False, **kwargs)
        self.max_tokens = max_tokens
        self.standardize = standardize
        self.split = split
        self.ngrams = ngrams
        self.output_mode = output_mode
        self.output_sequence_length = output_sequence_length
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.sparse = False
        self.ragged = bool(ragged)
        self.encoding = encoding
        self._ngram_sizes = self._ngram_sizes_of(ngrams)
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            mask_token="",
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            encoding=encoding,
            dtype=self.dtype_policy.name,
            name=f"{self.name}_lookup",
        )
        self.built = True

    @staticmethod
    def _check_settings(standardize, split, ngrams, output_mode, output_sequence_length,
                        sparse, ragged):  # fmt: skip
        if not (standardize is None or callable(standardize) or standardize in STANDARDIZE_MODES):
            raise ValueError(
                f"TextVectorization: standardize must be one of {STANDARDIZE_MODES}, None or "
                f"a callable; received standardize={standardize!r}."
            )
        if not (split is None or callable(split) or split in SPLIT_MODES):
            raise ValueError(
                f"TextVectorization: split must be one of {SPLIT_MODES}, None or a callable; "
                f"received split={split!r}."
            )
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"TextVectorization: output_mode must be one of {OUTPUT_MODES}; received "
                f"output_mode={output_mode!r}."
            )
        if output_sequence_length is not None:
            if output_mode != "int":
                raise ValueError(
                    "TextVectorization: output_sequence_length is only used with "
                    f"output_mode='int'; received output_sequence_length="
                    f"{output_sequence_length!r} with output_mode={output_mode!r}."
                )
            if not isinstance(output_sequence_length, int) or output_sequence_length < 1:
                raise ValueError(
                    "TextVectorization: output_sequence_length must be a positive int or "
                    f"None; received {output_sequence_length!r}."
                )
        if ngrams is not None and split is None:
            raise ValueError(
                "TextVectorization: ngrams need tokens, so split must not be None; received "
                f"ngrams={ngrams!r} with split=None."
            )
        if sparse:
            raise ValueError(
                "TextVectorization: sparse outputs are not supported by cornu; received "
                f"sparse={sparse!r}."
            )
        if ragged and backend.backend() != "tensorflow":
            raise ValueError(
                "TextVectorization: ragged=True needs the tensorflow backend (only "
                f"TensorFlow has ragged tensors); the backend is {backend.backend()!r}."
            )
        if ragged and (output_mode != "int" or output_sequence_length is not None):
            raise ValueError(
                "TextVectorization: ragged=True is only for output_mode='int' without "
                "output_sequence_length."
            )

    @staticmethod
    def _ngram_sizes_of(ngrams):
        if ngrams is None:
            return None
        if isinstance(ngrams, int) and not isinstance(ngrams, bool) and ngrams >= 1:
            return tuple(range(1, ngrams + 1))
        if (
            isinstance(ngrams, (tuple, list))
            and ngrams
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in ngrams)
        ):
            return tuple(ngrams)
        raise ValueError(
            "TextVectorization: ngrams must be None, a positive int or a tuple of positive "
            f"ints; received ngrams={ngrams!r}."
        )

    # -- vocabulary (held by the inner StringLookup) -------------------------------------

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary as a list, in index order (special tokens first unless excluded)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The number of indices: the vocabulary plus the special tokens."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets a fixed vocabulary (and, for "tf_idf", one idf weight per term)."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    def adapt(self, data, batch_size=None, steps=None):
        """Learns the vocabulary (and the idf weights for "tf_idf") from strings: an array,
        a list, a tensor, a tf.data dataset or an iterable of batches."""
        lookup = self._lookup_layer
        if lookup._static:
            raise ValueError(
                f"TextVectorization layer '{self.name}': cannot adapt after a fixed "
                "vocabulary was set; create the layer without one to adapt it."
            )
        batches = iterate_batches("TextVectorization", data, batch_size, steps)
        lookup.adapt_batches(self._documents(b) for b in batches)

    def _documents(self, batch):
        """A batch of strings as a 2-D array of tokens, one padded row per document."""
        strings = self._as_documents(batch)
        if self.split is None:
            return strings.reshape(-1, 1)
        rows = self._tokenize(strings)
        return _pad(rows, max([len(r) for r in rows] + [1]))

    # -- text processing -----------------------------------------------------------------

    def _as_documents(self, inputs):
        """The standardized strings, as a NumPy str array of the input's shape (with a
        trailing axis of 1 dropped when the strings are to be split)."""
        strings = as_strings(inputs) if not _is_tf_tensor(inputs) else as_strings(
            inputs.numpy())  # fmt: skip
        if self.split is not None:
            if strings.ndim == 2 and strings.shape[-1] == 1:
                strings = strings[:, 0]
            self._check_rank(strings.shape)
        return self._standardized(strings)

    def _check_rank(self, shape):
        if len(shape) > 1:
            raise ValueError(
                f"TextVectorization layer '{self.name}': to split strings into tokens the "
                "input must have shape (batch,) or (batch, 1); received shape "
                f"{tuple(shape)}. Pass one string per document, or split=None."
            )

    def _standardized(self, strings):
        if self.standardize is None or not strings.size:
            return strings
        if callable(self.standardize):
            result = self.standardize(_to_user(strings))
            return as_strings(result).reshape(strings.shape)
        mode = self.standardize
        return np.asarray([standardize_text(s, mode) for s in strings.reshape(-1).tolist()],
                          dtype=str).reshape(strings.shape)  # fmt: skip

    def _tokenize(self, strings):
        """Lists of tokens (n-grams included) for a 0-D or 1-D array of strings."""
        flat = strings.reshape(-1)
        if callable(self.split):
            rows = _token_lists(self.split(_to_user(flat))) if flat.size else []
        else:
            rows = [split_text(s, self.split) for s in flat.tolist()]
        if self._ngram_sizes is not None:
            rows = [make_ngrams(r, self._ngram_sizes) for r in rows]
        return rows

    # -- calling -------------------------------------------------------------------------

    def __call__(self, inputs, **kwargs):
        if isinstance(inputs, KerasTensor) or is_graph_tensor(inputs):
            return super().__call__(inputs, **kwargs)
        return self.call(inputs)

    def call(self, inputs):
        self._lookup_layer._require_vocabulary()
        strings = self._as_documents(inputs)
        lookup = self._lookup_layer
        if self.split is None:
            if self.output_mode == "int":
                return lookup(strings)
            if strings.ndim == 0:
                return lookup(strings.reshape(1, 1))[0]
            return lookup(strings)
        rows = self._tokenize(strings)
        if self.output_mode != "int":
            docs = _pad(rows, max([len(r) for r in rows] + [1]))
            out = lookup(docs)
            return out[0] if strings.ndim == 0 else out
        if self.ragged:
            return self._ragged(rows)
        width = self.output_sequence_length or max([len(r) for r in rows] + [0])
        indices = lookup(_pad(rows, width)) if width else backend.convert_to_tensor(
            np.zeros((len(rows), 0), "int64"), dtype=index_dtype())  # fmt: skip
        return indices[0] if strings.ndim == 0 else indices

    def _ragged(self, rows):
        tf = sys.modules["tensorflow"]
        flat = [t for row in rows for t in row]
        values = self._lookup_layer(np.asarray(flat, dtype=str)) if flat else tf.zeros(
            (0,), "int64")  # fmt: skip
        return tf.RaggedTensor.from_row_lengths(values, [len(r) for r in rows])

    def compute_output_spec(self, inputs):
        shape = tuple(inputs.shape)
        if self.split is not None and len(shape) == 2 and shape[-1] == 1:
            shape = shape[:-1]
        if self.split is not None:
            self._check_rank(shape)
        depth = self._lookup_layer._depth() if self._lookup_layer.is_adapted else None
        if self.output_mode == "int":
            if self.split is None:
                return KerasTensor(shape, dtype="int64")
            return KerasTensor(shape + (self.output_sequence_length,), dtype="int64")
        if self.split is not None:
            shape = shape + (1,)
        dtype = self.compute_dtype if self.output_mode == "tf_idf" else "int64"
        if depth is None and self.pad_to_max_tokens:
            depth = self.max_tokens
        return KerasTensor(encoded_shape(shape, depth, "count"), dtype=dtype)

    def compute_output_shape(self, input_shape):
        return self.compute_output_spec(KerasTensor(tuple(input_shape), dtype="string")).shape

    # -- saving --------------------------------------------------------------------------

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        if os.path.exists(os.path.join(dir_path, "vocabulary.txt")):
            self._lookup_layer.load_assets(dir_path)

    def get_config(self):
        lookup = self._lookup_layer
        return {
            **super().get_config(),
            "max_tokens": self.max_tokens,
            "standardize": self.standardize,
            "split": self.split,
            "ngrams": self.ngrams,
            "output_mode": self.output_mode,
            "output_sequence_length": self.output_sequence_length,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "sparse": self.sparse,
            "ragged": self.ragged,
            "vocabulary": lookup._listed(lookup.input_vocabulary),
            "idf_weights": lookup._listed(lookup.input_idf_weights),
            "encoding": self.encoding,
            "vocabulary_size": self.vocabulary_size(),
        }


def _is_tf_tensor(x):
    return type(x).__module__.startswith("tensorflow") and hasattr(x, "numpy")


def _to_user(strings):
    """What a user's standardize/split callable receives: a tf.string tensor on the
    tensorflow backend, else a NumPy array of str."""
    if backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.constant(strings)
    return strings
