"""`TFSMLayer`: a TensorFlow SavedModel's endpoint called as a cornu layer (tensorflow backend)."""

import os

from cornu import backend, config
from cornu.layers.layer import Layer


def _wrap_tf_variable(tf_variable, trainable):
    """A cornu Variable whose storage *is* `tf_variable`, so the SavedModel's functions (which
    captured it) see every assignment made through cornu."""
    variable = backend.Variable(
        initializer=tf_variable,
        dtype=tf_variable.dtype.name,
        trainable=trainable,
        name=tf_variable.name.split(":")[0].split("/")[-1] or "variable",
    )
    variable._storage = tf_variable
    return variable


class TFSMLayer(Layer):
    """Calls an endpoint of a TensorFlow SavedModel (e.g. one written by `Model.export`) as a
    layer; the SavedModel's variables become the layer's weights.

    Only the tensorflow backend can run SavedModel graphs.

    Args:
        filepath: the SavedModel directory.
        call_endpoint: the endpoint (or signature) used for inference calls.
        call_training_endpoint: an optional endpoint used when `training=True`.
        trainable: whether the SavedModel's trainable variables are trainable weights.
        name, dtype: as for any layer.

    Example:
        >>> model.export("exported")
        >>> layer = TFSMLayer("exported", call_endpoint="serve")
        >>> outputs = layer(x)
    """

    def __init__(self, filepath, call_endpoint="serve", call_training_endpoint=None,
                 trainable=True, name=None, dtype=None):  # fmt: skip
        current = config.backend()
        if current != "tensorflow":
            raise ValueError(
                f"TFSMLayer runs TensorFlow SavedModel graphs, which needs the tensorflow "
                f"backend; the current backend is '{current}'. Switch to it "
                "(CORNU_BACKEND=tensorflow), or load the model's .keras file instead."
            )
        super().__init__(trainable=trainable, name=name, dtype=dtype)
        import tensorflow as tf

        filepath = os.fspath(filepath)
        if not os.path.isdir(filepath):
            raise ValueError(
                f"TFSMLayer: filepath must be a SavedModel directory; received '{filepath}', "
                "which is not a directory."
            )
        self.filepath = filepath
        self.call_endpoint = call_endpoint
        self.call_training_endpoint = call_training_endpoint
        self._reloaded = tf.saved_model.load(filepath)
        self._call_fn = self._endpoint(call_endpoint, "call_endpoint")
        self._training_fn = (
            None if call_training_endpoint is None
            else self._endpoint(call_training_endpoint, "call_training_endpoint")
        )  # fmt: skip
        self._wrap_variables()
        self.built = True

    def _endpoint(self, endpoint, argument):
        fn = getattr(self._reloaded, endpoint, None)
        if callable(fn):
            return fn
        signatures = getattr(self._reloaded, "signatures", {})
        if endpoint in signatures:
            signature = signatures[endpoint]
            return lambda *args: signature(*args)
        methods = sorted(
            n for n in dir(self._reloaded)
            if not n.startswith("_") and hasattr(getattr(self._reloaded, n, None),
                                                 "concrete_functions")
        )  # fmt: skip
        raise ValueError(
            f"TFSMLayer: {argument}='{endpoint}' is not an endpoint of the SavedModel at "
            f"'{self.filepath}'. Available endpoints: {methods}; signatures: "
            f"{sorted(signatures)}."
        )

    def _wrap_variables(self):
        import tensorflow as tf

        # An archive written by cornu (or Keras) lists its variables; other SavedModels
        # expose none this way and are called with their variables as constants.
        trainable = list(getattr(self._reloaded, "trainable_variables", []) or [])
        trainable_ids = {id(v) for v in trainable}
        every = list(getattr(self._reloaded, "variables", []) or [])
        for v in trainable:
            if all(v is not w for w in every):
                every.append(v)
        for tf_variable in every:
            if isinstance(tf_variable, tf.Variable):
                self._track(_wrap_tf_variable(tf_variable, id(tf_variable) in trainable_ids))

    def call(self, inputs, training=False):
        fn = self._training_fn if training and self._training_fn is not None else self._call_fn
        return fn(inputs)

    def get_config(self):
        return {
            **super().get_config(),
            "filepath": self.filepath,
            "call_endpoint": self.call_endpoint,
            "call_training_endpoint": self.call_training_endpoint,
        }
