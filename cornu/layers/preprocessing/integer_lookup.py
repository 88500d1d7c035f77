"""`IntegerLookup`: maps integers to indices (or encodings), or indices back to integers."""

import numpy as np

from cornu import backend, ops
from cornu.layers import arguments
from cornu.layers.preprocessing._index_lookup import FORWARDED, IndexLookup, index_dtype


class IntegerLookup(IndexLookup):
    """Maps integer features to contiguous indices through a vocabulary (given, or learned
    by `adapt`).

    With `output_mode="int"` each value becomes its index: 0 for `mask_token` (when set),
    then `num_oov_indices` indices for unknown values (value mod `num_oov_indices`), then
    the vocabulary. "one_hot", "multi_hot", "count" and "tf_idf" encode those indices as
    dense vectors (mask values are dropped). `invert=True` maps indices back to values.
    The lookup is written with `cornu.ops`, so it also runs inside jitted models.

    Args:
        max_tokens: the largest vocabulary size, special tokens included (None: no limit).
        num_oov_indices: how many indices unknown values share.
        mask_token: an int that means "padding" (None: no mask index).
        oov_token: the value inverting an OOV index gives.
        vocabulary: a list or array of ints, or a text file path (one per line).
        vocabulary_dtype: "int64" (the only one supported, as in Keras).
        idf_weights: for "tf_idf" with a given vocabulary, one weight per term.
        invert: map indices to values instead.
        output_mode: "int", "one_hot", "multi_hot", "count" or "tf_idf".
        pad_to_max_tokens: encodings have `max_tokens` slots whatever the vocabulary size.
        sparse: must be False (cornu returns dense outputs).

    Example:
        >>> IntegerLookup(vocabulary=[12, 36])(np.array([36, 7]))   # [2, 0]
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False, name=None,
                 **kwargs):  # fmt: skip
        if vocabulary_dtype != "int64":
            raise ValueError(
                f"IntegerLookup: only vocabulary_dtype='int64' is supported; "
                f"received vocabulary_dtype={vocabulary_dtype!r}."
            )
        super().__init__(**arguments.forwarded(locals(), FORWARDED))
        self.vocabulary_dtype = vocabulary_dtype

    @staticmethod
    def _prepare_tokens(array):
        array = np.asarray(array)
        if array.dtype.kind in "US":
            try:
                return array.astype("int64")
            except ValueError:
                raise ValueError(
                    f"IntegerLookup expects integers; received strings such as "
                    f"{array.reshape(-1)[:3].tolist()}."
                ) from None
        return array.astype("int64")

    def __call__(self, inputs, **kwargs):
        if isinstance(inputs, (np.ndarray, list)) and np.asarray(inputs).dtype.kind in "US":
            raise ValueError(
                f"IntegerLookup layer '{self.name}' expects integers; received strings such "
                f"as {np.asarray(inputs).reshape(-1)[:3].tolist()}. Use StringLookup for "
                "string features."
            )
        return super().__call__(inputs, **kwargs)

    def _lookup(self, inputs):
        dtype = index_dtype()
        x = ops.cast(inputs, dtype)
        n = len(self._tokens)
        offset = self._oov_start() + self.num_oov_indices
        if self.num_oov_indices:
            unknown = ops.add(ops.mod(x, self.num_oov_indices), self._oov_start())
        else:
            unknown = ops.full_like(x, -1)
        if n:
            order = np.argsort(self._tokens, kind="stable")
            keys = ops.convert_to_tensor(self._tokens[order], dtype=dtype)
            slots = ops.convert_to_tensor(order + offset, dtype=dtype)
            position = ops.clip(ops.searchsorted(keys, ops.reshape(x, (-1,))), 0, n - 1)
            position = ops.reshape(position, ops.shape(x))
            found = ops.equal(ops.take(keys, position), x)
            indices = ops.where(found, ops.take(slots, position), unknown)
        else:
            found, indices = ops.zeros_like(x, dtype="bool"), unknown
        if self.mask_token is not None:
            indices = ops.where(ops.equal(x, self.mask_token), self._mask_index(), indices)
            found = ops.logical_or(found, ops.equal(x, self.mask_token))
        if not self.num_oov_indices:
            self._check_all_found(found)
        return indices

    def _check_all_found(self, found):
        try:
            missing = not bool(np.all(backend.convert_to_numpy(found)))
        except Exception:  # a traced value (inside jit): nothing to check eagerly
            return
        if missing:
            raise RuntimeError(
                f"IntegerLookup layer '{self.name}': a value is not in the vocabulary and "
                "num_oov_indices=0 leaves no index for unknown values; set "
                "num_oov_indices >= 1 or add the value to the vocabulary."
            )

    def _invert(self, inputs):
        dtype = index_dtype()
        table = np.asarray(self.get_vocabulary(), dtype="int64")
        index = ops.cast(inputs, dtype)
        valid = ops.logical_and(ops.greater_equal(index, 0), ops.less(index, len(table)))
        values = ops.take(ops.convert_to_tensor(table, dtype=dtype),
                          ops.clip(index, 0, len(table) - 1))  # fmt: skip
        return ops.where(valid, values, ops.cast(self.oov_token, dtype))

    def get_config(self):
        config = {**super().get_config(), "vocabulary_dtype": self.vocabulary_dtype}
        if config["vocabulary"] is not None and not isinstance(config["vocabulary"], str):
            # Keras records integer vocabularies as plain lists of ints.
            config["vocabulary"] = np.asarray(config["vocabulary"]).tolist()
        return config
