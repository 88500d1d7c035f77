"""`HashedCrossing`: crosses several categorical features into hashed bins."""

import sys

import numpy as np

from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.preprocessing._adapt_data import to_numpy
from cornu.layers.preprocessing._encoding import encoded_shape
from cornu.layers.preprocessing.data_layer import DataLayer, is_graph_tensor
from cornu.layers.preprocessing.hashing import (
    check_num_bins,
    check_output_mode,
    encode_bins,
    host_values,
)
from cornu.utils import hashing

# The starting key of TensorFlow's hashed crosses (`tf.sparse.cross_hashed`'s default).
_CROSS_KEY = 0xDECAFCAFFE


def _feature_hashes(values):
    """One 64-bit hash per element: strings by Fingerprint64, integers as their own
    two's-complement value (as TensorFlow's cross does)."""
    if values.dtype.kind in "iu":
        return [v & 0xFFFFFFFFFFFFFFFF for v in values.reshape(-1).tolist()]
    cache = {}
    out = []
    for v in values.reshape(-1).tolist():
        if v not in cache:
            cache[v] = hashing.fingerprint64(v)
        out.append(cache[v])
    return out


def cross_bins(features, num_bins):
    """The crossed bins of same-shaped NumPy `features` (str or int64), as int64."""
    hashes = [_feature_hashes(f) for f in features]
    out = np.empty((len(hashes[0]),), dtype="int64")
    for i, row in enumerate(zip(*hashes)):
        combined = _CROSS_KEY
        for h in row:
            combined = hashing.fingerprint_cat64(combined, h)
        out[i] = combined % num_bins
    return out.reshape(features[0].shape)


class HashedCrossing(DataLayer):
    """Crosses two or more categorical features (strings or integers, same shape) and
    hashes each combination into `num_bins` bins, with the bins Keras gives.

    Each element's features are hashed (strings with FarmHash Fingerprint64, integers as
    their value) and combined in order with TensorFlow's FingerprintCat64, as
    `tf.sparse.cross_hashed` does. Runs on the host (NumPy) on every backend.

    Args:
        num_bins: the number of bins.
        output_mode: "int" (the bins) or "one_hot".
        sparse: must be False (cornu returns dense outputs).

    Example:
        >>> HashedCrossing(num_bins=5)((np.array(["A", "B"]), np.array([101, 102])))
    """

    _host_only = True

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None,
                 **kwargs):  # fmt: skip
        if dtype is None:
            dtype = "int64" if output_mode == "int" else None
        super().__init__(name=name, dtype=dtype, autocast=False, **kwargs)
        self.num_bins = check_num_bins("HashedCrossing", num_bins)
        if output_mode not in ("int", "one_hot"):
            raise ValueError(
                "HashedCrossing: output_mode must be 'int' or 'one_hot'; received "
                f"output_mode={output_mode!r}."
            )
        self.output_mode = check_output_mode("HashedCrossing", output_mode, sparse)
        self.sparse = False
        self.built = True

    def _check_inputs(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(
                f"HashedCrossing layer '{self.name}' must be called on a tuple or list of at "
                f"least two features; received {type(inputs).__name__}"
                + (f" of {len(inputs)}" if isinstance(inputs, (list, tuple)) else "")
                + "."
            )

    def __call__(self, inputs, **kwargs):
        self._check_inputs(inputs)
        if any(is_graph_tensor(x) for x in inputs):
            return self._call_in_tf_graph(tuple(inputs))
        if any(isinstance(x, KerasTensor) for x in inputs):
            return super().__call__(tuple(inputs), **kwargs)
        return self.call(tuple(inputs))

    def _call_in_tf_graph(self, inputs):
        """Inside `tf.data` (or a tf.function): the crossing runs on the host through
        `tf.py_function`, on NumPy copies of the features."""
        tf = sys.modules["tensorflow"]

        def host(*features):
            return np.asarray(to_numpy(self.call(tuple(f.numpy() for f in features))))

        out_dtype = tf.int64 if self.output_mode == "int" else tf.float32
        out = tf.py_function(host, list(inputs), Tout=out_dtype)
        shape = inputs[0].shape
        if self.output_mode == "one_hot":
            shape = encoded_shape(tuple(shape.as_list()), self.num_bins, "one_hot")
        out.set_shape(shape)
        return out

    def call(self, inputs):
        self._check_inputs(inputs)
        features = []
        for x in inputs:
            array = np.asarray(to_numpy(x))
            if array.dtype.kind == "f":
                raise ValueError(
                    f"HashedCrossing layer '{self.name}': all inputs must have an integer or "
                    f"string dtype; received {array.dtype}. Cast floats to int or "
                    "discretize them first."
                )
            features.append(host_values(array, "HashedCrossing"))
        shapes = {f.shape for f in features}
        if len(shapes) > 1:
            raise ValueError(
                f"HashedCrossing layer '{self.name}': all inputs must have the same shape; "
                f"received shapes {[f.shape for f in features]}."
            )
        bins = cross_bins(features, self.num_bins)
        dtype = self.compute_dtype if self.output_mode != "int" else None
        if self.output_mode == "one_hot" and dtype == "int64":
            dtype = "float32"
        return encode_bins(bins, self.num_bins, self.output_mode, dtype)

    def compute_output_spec(self, inputs):
        shape = tuple(inputs[0].shape)
        if self.output_mode == "int":
            return KerasTensor(shape, dtype="int64")
        return KerasTensor(encoded_shape(shape, self.num_bins, "one_hot"), dtype="float32")

    def compute_output_shape(self, input_shape):
        return self.compute_output_spec([KerasTensor(tuple(s)) for s in input_shape]).shape

    def get_config(self):
        return {
            "num_bins": self.num_bins,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype_policy.name,
        }
