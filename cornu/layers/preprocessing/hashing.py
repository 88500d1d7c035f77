"""`Hashing`: maps strings and integers to bins with TensorFlow's string hashes."""

import numpy as np

from cornu import backend
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.preprocessing._adapt_data import to_numpy
from cornu.layers.preprocessing._encoding import encode, encoded_shape
from cornu.layers.preprocessing._index_lookup import index_dtype
from cornu.layers.preprocessing.data_layer import DataLayer, is_graph_tensor
from cornu.utils import hashing

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def check_num_bins(layer, num_bins):
    if isinstance(num_bins, bool) or not isinstance(num_bins, int) or num_bins < 1:
        raise ValueError(
            f"{layer}: num_bins must be a positive int; received num_bins={num_bins!r}."
        )
    return num_bins


def check_output_mode(layer, output_mode, sparse):
    if output_mode not in OUTPUT_MODES:
        raise ValueError(
            f"{layer}: output_mode must be one of {OUTPUT_MODES}; received "
            f"output_mode={output_mode!r}."
        )
    if sparse:
        raise ValueError(
            f"{layer}: sparse outputs are not supported by cornu; received sparse={sparse!r}."
        )
    return output_mode


def host_values(inputs, layer):
    """`inputs` (a tensor, array, list or scalar) as a NumPy array of str or int64, as the
    hashes see them: bytes are decoded, floats are truncated to integers (as Keras does)."""
    array = np.asarray(to_numpy(inputs))
    if array.dtype.kind == "S" or (array.dtype == object and array.size and
                                   isinstance(array.flat[0], bytes)):  # fmt: skip
        return np.vectorize(lambda b: b.decode("utf-8") if isinstance(b, bytes) else str(b),
                            otypes=[str])(array)  # fmt: skip
    if array.dtype.kind in "iuf":
        return array.astype("int64")
    if array.dtype.kind == "U" or array.dtype == object:
        return array.astype(str)
    raise TypeError(
        f"{layer} expects string or integer inputs; received an array of dtype {array.dtype}."
    )


def encode_bins(bins, num_bins, output_mode, dtype):
    """int64 NumPy `bins` as the layer's output tensor."""
    indices = backend.convert_to_tensor(bins, dtype=index_dtype())
    if output_mode == "int":
        return indices
    return encode(indices, num_bins, output_mode, dtype)


class Hashing(DataLayer):
    """Hashes strings or integers into `num_bins` bins, with the bins Keras gives.

    Without `salt` the hash is FarmHash Fingerprint64 (TensorFlow's
    `tf.strings.to_hash_bucket_fast`); with `salt` it is SipHash-2-4 keyed by the two salt
    integers (`to_hash_bucket_strong`). Integers are hashed as their decimal strings. With
    `mask_value`, that value goes to bin 0 and the others share bins 1..num_bins-1. The
    hashing runs on the host (NumPy) on every backend.

    Args:
        num_bins: the number of bins, mask bin included.
        mask_value: a value that maps to bin 0 (None: no mask bin).
        salt: an int (used for both key halves) or a pair of ints: use the keyed hash.
        output_mode: "int" (the bins), or "one_hot", "multi_hot", "count" encodings.
        sparse: must be False (cornu returns dense outputs).

    Example:
        >>> Hashing(num_bins=3)(np.array([["A"], ["B"], ["C"]]))
    """

    _host_only = True

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):  # fmt: skip
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else None
        super().__init__(autocast=False, **kwargs)
        self.num_bins = check_num_bins("Hashing", num_bins)
        self.output_mode = check_output_mode("Hashing", output_mode, sparse)
        self.sparse = False
        self.mask_value = mask_value
        self.salt = self._check_salt(salt)
        self.built = True

    @staticmethod
    def _check_salt(salt):
        if salt is None:
            return None
        if isinstance(salt, int) and not isinstance(salt, bool):
            return [salt, salt]
        if (
            isinstance(salt, (list, tuple))
            and len(salt) == 2
            and all(isinstance(s, int) and not isinstance(s, bool) for s in salt)
        ):
            return list(salt)
        raise ValueError(
            "Hashing: salt must be an int or a pair of ints (the two 64-bit keys of "
            f"SipHash); received salt={salt!r}."
        )

    def hash_bins(self, inputs):
        """The bins of `inputs` as an int64 NumPy array (before any encoding)."""
        values = host_values(inputs, "Hashing")
        if self.mask_value is None:
            return hashing.hash_buckets(values, self.num_bins, self.salt)
        if self.num_bins < 2:
            raise ValueError(
                "Hashing: with mask_value, num_bins must be at least 2 (bin 0 is the mask "
                f"bin); received num_bins={self.num_bins}."
            )
        bins = hashing.hash_buckets(values, self.num_bins - 1, self.salt) + 1
        return np.where(values == np.asarray(self.mask_value, values.dtype), 0, bins)

    def __call__(self, inputs, **kwargs):
        if isinstance(inputs, KerasTensor) or is_graph_tensor(inputs):
            return super().__call__(inputs, **kwargs)
        return self.call(inputs)

    def call(self, inputs):
        dtype = self.compute_dtype if self.output_mode != "int" else None
        return encode_bins(self.hash_bins(inputs), self.num_bins, self.output_mode, dtype)

    def compute_output_spec(self, inputs):
        shape = tuple(inputs.shape)
        if self.output_mode == "int":
            return KerasTensor(shape, dtype="int64")
        return KerasTensor(encoded_shape(shape, self.num_bins, self.output_mode),
                           dtype=self.compute_dtype)  # fmt: skip

    def compute_output_shape(self, input_shape):
        return self.compute_output_spec(KerasTensor(tuple(input_shape), dtype="string")).shape

    def get_config(self):
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
