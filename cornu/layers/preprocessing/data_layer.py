"""`DataLayer`: the base of preprocessing layers, usable inside `tf.data` pipelines.

`dataset.map(layer)` calls the layer on symbolic TensorFlow tensors, whatever cornu's backend
is. On the tensorflow backend a numeric layer's ops trace into the dataset's graph as they
are. Otherwise (and always for a layer that works on the host, like `StringLookup`) the call
runs as a `tf.py_function`: each batch comes back to Python as NumPy, goes through the layer
eagerly on cornu's backend, and returns as a TensorFlow tensor with the static shape and
dtype of the layer's output spec. TensorFlow is only touched when the caller gave TF tensors.
"""

import sys

import numpy as np

from cornu import backend, tree
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.layer import Layer


def is_graph_tensor(x):
    """Whether `x` is a symbolic TensorFlow tensor (inside `tf.data.map` or a `tf.function`)."""
    if not type(x).__module__.startswith("tensorflow"):
        return False
    tf = sys.modules.get("tensorflow")
    return tf is not None and tf.is_symbolic_tensor(x)


def _spec_of(x):
    dtype = dtypes.standardize_dtype(x.dtype.name if hasattr(x.dtype, "name") else x.dtype)
    return KerasTensor(tuple(x.shape.as_list()) if x.shape.rank is not None else None,
                       dtype=dtype)  # fmt: skip


def _as_numpy(value, dtype):
    """A backend tensor, NumPy array or nested list as a NumPy array of `dtype`."""
    if isinstance(value, list):
        value = np.asarray(value, dtype=object)
    elif not isinstance(value, np.ndarray):
        value = np.asarray(backend.convert_to_numpy(value))
    if dtype == "string":
        return value.astype(object)
    return value.astype(dtype)


def call_through_py_function(layer, inputs, kwargs):
    """Runs `layer(inputs, **kwargs)` eagerly on NumPy batches from a TensorFlow graph."""
    tf = sys.modules["tensorflow"]
    spec = _spec_of(inputs)
    if not layer.built:
        layer._maybe_build((spec,))
    out_spec = layer.compute_output_spec(spec, **{k: v for k, v in kwargs.items()
                                                  if k != "training"})  # fmt: skip
    out_dtype = out_spec.dtype

    def host(x):
        value = x.numpy()
        if value.dtype == object:  # tf.string batches arrive as bytes: UTF-8 text
            value = _decode_utf8(value)
        return _as_numpy(layer(value, **kwargs), out_dtype)

    tf_dtype = tf.string if out_dtype == "string" else tf.as_dtype(out_dtype)
    out = tf.py_function(host, [inputs], Tout=tf_dtype)
    out.set_shape(out_spec.shape)
    return out


def _decode_utf8(value):
    """An object array of bytes (as tf.string batches arrive) as a str array."""
    decoded = [v.decode("utf-8") if isinstance(v, bytes) else v for v in value.ravel()]
    return np.array(decoded, dtype=str).reshape(value.shape)


class DataLayer(Layer):
    """A preprocessing layer that also runs inside `tf.data` pipelines on every backend.

    Subclasses that compute on the host (NumPy) set `_host_only = True`: in a TensorFlow
    graph they go through `tf.py_function` on the tensorflow backend too.
    """

    _host_only = False

    def __call__(self, *args, **kwargs):
        if args and self._needs_py_function(args[0]):
            return call_through_py_function(self, args[0], kwargs)
        return super().__call__(*args, **kwargs)

    def _needs_py_function(self, inputs):
        if not any(is_graph_tensor(x) for x in tree.flatten(inputs)):
            return False
        return self._host_only or backend.backend() != "tensorflow"
