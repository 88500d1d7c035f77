"""`IndexLookup`: what `StringLookup` and `IntegerLookup` share (vocabulary, adapt, encodings).

Index layout: in "int" mode (and for `invert`) index 0 is the mask token when there is one,
then come `num_oov_indices` OOV indices, then the vocabulary. The other output modes have no
mask index: mask tokens are dropped from the encodings, and index 0 is the first OOV index.
"""

import os

import numpy as np

from cornu import backend, ops
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.preprocessing import _vocabulary
from cornu.layers.preprocessing._adapt_data import iterate_batches
from cornu.layers.preprocessing._encoding import encode, encoded_shape
from cornu.layers.preprocessing.data_layer import DataLayer

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
# Keys of an IndexLookup config that are not constructor settings of cornu's layers.
_CONFIG_ONLY = ("vocabulary_size", "oov_method", "salt")


def index_dtype():
    """int64, or the backend's widest int when it has none (JAX without x64: int32)."""
    return dtypes.standardize_dtype(backend.convert_to_tensor(np.zeros((0,), "int64")).dtype)


# The constructor arguments IntegerLookup and StringLookup pass on to IndexLookup as they are.
FORWARDED = (
    "max_tokens",
    "num_oov_indices",
    "mask_token",
    "oov_token",
    "vocabulary",
    "idf_weights",
    "invert",
    "output_mode",
    "sparse",
    "pad_to_max_tokens",
    "name",
)


class IndexLookup(DataLayer):
    """Base of the lookup layers; subclasses define `_lookup(inputs)` (tokens -> indices),
    `_invert(indices)` and `_prepare_tokens(array)` (the vocabulary's token type)."""

    _token_kind = "token"

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, **kwargs):  # fmt: skip
        for key in _CONFIG_ONLY:
            kwargs.pop(key, None)
        self._check_settings(max_tokens, num_oov_indices, invert, output_mode, sparse,
                             idf_weights, vocabulary, pad_to_max_tokens)  # fmt: skip
        super().__init__(autocast=False, **kwargs)
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.invert = bool(invert)
        self.output_mode = output_mode
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self._tokens = None  # the vocabulary without special tokens, a NumPy array
        self._idf = None
        self._static = False
        # As given (a list stays a tracked list, as in Keras); arrays are listed in configs.
        self.input_vocabulary = vocabulary
        self.input_idf_weights = idf_weights
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    def _check_settings(self, max_tokens, num_oov_indices, invert, output_mode, sparse,
                        idf_weights, vocabulary, pad_to_max_tokens):  # fmt: skip
        name = type(self).__name__
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"{name}: output_mode must be one of {OUTPUT_MODES}; received "
                f"output_mode={output_mode!r}."
            )
        if (
            isinstance(num_oov_indices, bool)
            or not isinstance(num_oov_indices, int)
            or (num_oov_indices < 0)
        ):
            raise ValueError(
                f"{name}: num_oov_indices must be an int >= 0; received "
                f"num_oov_indices={num_oov_indices!r}."
            )
        if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens <= 1):
            raise ValueError(
                f"{name}: max_tokens must be None or an int greater than 1; "
                f"received max_tokens={max_tokens!r}."
            )
        if invert and output_mode != "int":
            raise ValueError(
                f"{name}: output_mode must be 'int' when invert=True; received "
                f"output_mode={output_mode!r}."
            )
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                f"{name}: idf_weights are only used with output_mode='tf_idf'; "
                f"received idf_weights with output_mode={output_mode!r}."
            )
        if output_mode == "tf_idf" and vocabulary is not None and idf_weights is None:
            raise ValueError(
                f"{name}: with output_mode='tf_idf' and a given vocabulary, pass "
                "idf_weights too (one per vocabulary term)."
            )
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{name}: pad_to_max_tokens=True needs max_tokens to be set.")
        if sparse:
            raise ValueError(
                f"{name}: sparse outputs are not supported by cornu; received sparse={sparse!r}."
            )

    @staticmethod
    def _listed(value):
        """A config value: lists, tuples, file paths and None as they are, arrays listed."""
        if value is None or isinstance(value, (str, list, tuple)):
            return value
        return np.asarray(backend.convert_to_numpy(value) if hasattr(value, "shape") and
                          not isinstance(value, np.ndarray) else value).tolist()  # fmt: skip

    # -- vocabulary ----------------------------------------------------------------------

    def _special_tokens(self, int_layout=None):
        int_layout = self.output_mode == "int" if int_layout is None else int_layout
        mask = [self.mask_token] if int_layout and self.mask_token is not None else []
        return mask + [self.oov_token] * self.num_oov_indices

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary as a list, in index order (special tokens first unless excluded)."""
        tokens = [] if self._tokens is None else list(self._tokens)
        return (self._special_tokens() if include_special_tokens else []) + tokens

    def vocabulary_size(self):
        """The number of indices: the vocabulary plus the special tokens."""
        return len(self.get_vocabulary())

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets a fixed vocabulary (and, for "tf_idf", one idf weight per term)."""
        name = type(self).__name__
        tokens = self._prepare_tokens(_vocabulary.read_vocabulary(vocabulary))
        tokens = _vocabulary.strip_special_tokens(
            name, tokens.tolist(), self.mask_token, self.oov_token, self.num_oov_indices
        )
        _vocabulary.check_unique(name, tokens)
        size = len(tokens) + len(self._special_tokens())
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(
                f"{name}: the vocabulary has {size} entries with the special "
                f"tokens, more than max_tokens={self.max_tokens}."
            )
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(
                    f"{name}: output_mode='tf_idf' needs idf_weights with the vocabulary."
                )
            idf_weights = np.asarray(backend.convert_to_numpy(idf_weights)
                                     if not isinstance(idf_weights, (list, tuple))
                                     else idf_weights, dtype="float32").reshape(-1)  # fmt: skip
            if len(idf_weights) != len(tokens):
                raise ValueError(
                    f"{name}: idf_weights must have one weight per vocabulary "
                    f"term; received {len(idf_weights)} weights for "
                    f"{len(tokens)} terms."
                )
            self._idf = idf_weights
        self._tokens = self._prepare_tokens(np.asarray(tokens))
        self._static = True

    def adapt(self, data, batch_size=None, steps=None):
        """Learns the vocabulary (most frequent tokens first) and, for "tf_idf", the
        inverse document frequencies, from an array, a list, a tensor, a tf.data dataset
        or an iterable of batches. Replaces what an earlier `adapt` learned."""
        if self._static:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': cannot adapt after a "
                "fixed vocabulary was set through `vocabulary` or "
                "set_vocabulary(); create the layer without one to adapt it."
            )
        batches = iterate_batches(type(self).__name__, data, batch_size, steps)
        self.adapt_batches(self._prepare_tokens(np.asarray(b)) for b in batches)

    def adapt_batches(self, batches):
        """Learns the vocabulary from an iterable of token arrays (one document per row)."""
        counter = _vocabulary.TokenCounter([self.mask_token, self.oov_token])
        for batch in batches:
            counter.update(batch)
        budget = None
        if self.max_tokens is not None:
            budget = self.max_tokens - len(self._special_tokens())
        tokens = counter.vocabulary(budget)
        self._tokens = self._prepare_tokens(np.asarray(tokens))
        if self.output_mode == "tf_idf":
            self._idf = counter.idf(tokens)

    # -- saving (Keras's layout: idf weights in `vars`, the vocabulary as an asset) -------

    def save_own_variables(self, store):
        if self.output_mode == "tf_idf" and self._idf is not None:
            store["idf_weights"] = self._idf_vector()[: self.vocabulary_size()]

    def load_own_variables(self, store):
        if "idf_weights" in store and self.output_mode == "tf_idf":
            weights = np.asarray(store["idf_weights"], dtype="float32").reshape(-1)
            self._idf = weights[self.num_oov_indices :]

    def save_assets(self, dir_path):
        """Writes the vocabulary (special tokens included) as `vocabulary.txt`."""
        path = os.path.join(dir_path, "vocabulary.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(str(t) for t in self.get_vocabulary()))

    def load_assets(self, dir_path):
        """Reads back what `save_assets` wrote (a vocabulary saved by Keras too)."""
        with open(os.path.join(dir_path, "vocabulary.txt"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        name = type(self).__name__
        tokens = self._prepare_tokens(np.asarray(lines))
        tokens = _vocabulary.strip_special_tokens(
            name, tokens.tolist(), self.mask_token, self.oov_token, self.num_oov_indices
        )
        self._tokens = self._prepare_tokens(np.asarray(tokens))

    @property
    def is_adapted(self):
        return self._tokens is not None

    def _require_vocabulary(self):
        if self._tokens is None:
            raise RuntimeError(
                f"{type(self).__name__} layer '{self.name}' has no vocabulary yet: pass "
                "`vocabulary=` or call adapt() on data before calling it."
            )

    # -- calling -------------------------------------------------------------------------

    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()

    def call(self, inputs):
        self._require_vocabulary()
        if self.invert:
            return self._invert(inputs)
        return self._encode(self._lookup(inputs))

    def _encode(self, indices):
        if self.output_mode == "int":
            return indices
        out_dtype = self.compute_dtype if self.output_mode == "tf_idf" else index_dtype()
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        encoded = encode(indices, self._depth(), mode, out_dtype)
        if self.output_mode == "tf_idf":
            encoded = ops.multiply(encoded, ops.convert_to_tensor(self._idf_vector(),
                                                                  dtype=out_dtype))  # fmt: skip
        return encoded

    def _idf_vector(self):
        """One weight per output slot: the OOV slots get the vocabulary's mean weight, and
        padding slots 0."""
        oov = float(np.mean(self._idf)) if len(self._idf) else 0.0
        weights = np.concatenate([np.full((self.num_oov_indices,), oov, "float32"), self._idf])
        padded = np.zeros((self._depth(),), "float32")
        padded[: len(weights)] = weights[: self._depth()]
        return padded

    def _oov_start(self):
        """The first OOV index of the current layout."""
        return 1 if self.output_mode == "int" and self.mask_token is not None else 0

    def _mask_index(self):
        """The index of the mask token: 0 in "int" mode, else -1 (it matches no slot)."""
        return 0 if self.output_mode == "int" else -1

    def compute_output_spec(self, inputs):
        shape = tuple(inputs.shape)
        if self.output_mode == "int":
            return KerasTensor(shape, dtype=self._int_output_dtype())
        dtype = self.compute_dtype if self.output_mode == "tf_idf" else "int64"
        return KerasTensor(encoded_shape(shape, self._depth(), self.output_mode
                                         if self.output_mode != "tf_idf" else "count"),
                           dtype=dtype)  # fmt: skip

    def _int_output_dtype(self):
        return "int64"

    def compute_output_shape(self, input_shape):
        return self.compute_output_spec(KerasTensor(tuple(input_shape), dtype="int64")).shape

    def get_config(self):
        return {
            **super().get_config(),
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "idf_weights": self._listed(self.input_idf_weights),
            "vocabulary": self._listed(self.input_vocabulary),
            "vocabulary_size": self.vocabulary_size(),
            "oov_method": "floormod",
            "salt": None,
        }
