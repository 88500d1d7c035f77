"""`StringLookup`: maps strings to integer indices (or encodings), or indices back to strings."""

import zlib

import numpy as np

from cornu import backend
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers import arguments
from cornu.layers.preprocessing._adapt_data import to_numpy
from cornu.layers.preprocessing._index_lookup import FORWARDED, IndexLookup, index_dtype
from cornu.layers.preprocessing.data_layer import is_graph_tensor


def as_strings(values):
    """A NumPy array of `str` from strings, bytes (decoded as UTF-8), lists or tensors."""
    array = np.asarray(to_numpy(values))
    if array.dtype.kind == "U":
        return array
    if array.dtype.kind == "S" or (array.dtype == object and array.size and
                                   isinstance(array.flat[0], bytes)):  # fmt: skip
        return np.vectorize(lambda b: b.decode("utf-8") if isinstance(b, bytes) else str(b),
                            otypes=[str])(array) if array.size else array.astype(str)  # fmt: skip
    if array.dtype == object and all(isinstance(v, str) for v in array.flat):
        return array.astype(str)
    raise TypeError(
        f"StringLookup expects strings (or bytes); received an array of dtype {array.dtype}. "
        "Use IntegerLookup for integer features, or invert=True to map indices to strings."
    )


def _bucket(token, num_buckets):
    # A stable hash of the UTF-8 bytes. Keras hashes with FarmHash Fingerprint64, so which
    # of several OOV indices a given unknown string gets can differ from Keras.
    return zlib.crc32(token.encode("utf-8")) % num_buckets


class StringLookup(IndexLookup):
    """Maps strings to indices through a vocabulary (given, or learned by `adapt`).

    With `output_mode="int"` each string becomes its index: 0 for the mask token (when
    `mask_token` is set), then `num_oov_indices` indices for unknown strings, then the
    vocabulary. "one_hot", "multi_hot", "count" and "tf_idf" encode those indices as
    dense vectors (mask tokens are dropped). `invert=True` maps indices back to strings.
    The lookup runs on the host (NumPy), on every backend; inside `tf.data` pipelines the
    layer runs through `tf.py_function`.

    Args:
        max_tokens: the largest vocabulary size, special tokens included (None: no limit).
        num_oov_indices: how many indices unknown strings share (hashed among them).
        mask_token: a string that means "padding" (None: no mask index).
        oov_token: the string inverting an OOV index gives.
        vocabulary: a list or array of strings, or a text file path (one per line).
        idf_weights: for "tf_idf" with a given vocabulary, one weight per term.
        invert: map indices to strings instead.
        output_mode: "int", "one_hot", "multi_hot", "count" or "tf_idf".
        pad_to_max_tokens: encodings have `max_tokens` slots whatever the vocabulary size.
        sparse: must be False (cornu returns dense outputs).
        encoding: the text encoding of byte strings (only "utf-8").

    Example:
        >>> StringLookup(vocabulary=["a", "b"])(np.array(["b", "z"]))   # [2, 0]
    """

    _host_only = True

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None,
                 **kwargs):  # fmt: skip
        if encoding.lower().replace("-", "") != "utf8":
            raise ValueError(
                f"StringLookup: only encoding='utf-8' is supported; received encoding={encoding!r}."
            )
        super().__init__(**arguments.forwarded(locals(), FORWARDED))
        self.encoding = encoding

    @staticmethod
    def _prepare_tokens(array):
        return as_strings(array) if array.size else np.asarray(array, dtype=str)

    def __call__(self, inputs, **kwargs):
        if isinstance(inputs, KerasTensor) or is_graph_tensor(inputs):
            return super().__call__(inputs, **kwargs)
        self._require_vocabulary()
        if self.invert:
            return self._invert(inputs)
        return self._encode(self._lookup(inputs))

    def _lookup(self, inputs):
        strings = as_strings(inputs)
        table = {token: i for i, token in enumerate(self._tokens.tolist())}
        offset = self._oov_start() + self.num_oov_indices
        unique, inverse = np.unique(strings, return_inverse=True)
        indices = np.asarray([self._index_of(t, table, offset) for t in unique.tolist()],
                             dtype="int64")  # fmt: skip
        result = indices[inverse.reshape(-1)].reshape(strings.shape)
        return backend.convert_to_tensor(result, dtype=index_dtype())

    def _index_of(self, token, table, offset):
        if token == self.mask_token:
            return self._mask_index()
        found = table.get(token)
        if found is not None:
            return found + offset
        if self.num_oov_indices == 0:
            raise RuntimeError(
                f"StringLookup layer '{self.name}': {token!r} is not in the vocabulary and "
                "num_oov_indices=0 leaves no index for unknown strings; set "
                "num_oov_indices >= 1 or add the string to the vocabulary."
            )
        return self._oov_start() + _bucket(token, self.num_oov_indices)

    def _invert(self, inputs):
        indices = np.asarray(to_numpy(inputs)).astype("int64")
        table = np.asarray(self.get_vocabulary(), dtype=object)
        valid = (indices >= 0) & (indices < len(table))
        strings = np.where(valid, table[np.clip(indices, 0, len(table) - 1)], self.oov_token)
        if backend.backend() == "tensorflow":
            import tensorflow as tf

            return tf.constant(strings.astype(str))
        # Other backends have no string tensors: nested Python lists, as Keras gives on torch.
        return strings.astype(str).tolist()

    def _int_output_dtype(self):
        return "string" if self.invert else "int64"

    def get_config(self):
        return {**super().get_config(), "encoding": self.encoding}
