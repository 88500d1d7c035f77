"""`SpectralNormalization`: wraps a layer so its kernel is divided by its spectral norm."""

from cornu import initializers, ops, tree
from cornu.backend.common import dtypes, scopes
from cornu.layers.core.wrapper import inner_call_kwargs
from cornu.layers.layer import Layer
from cornu.saving import serialization_lib


class SpectralNormalization(Layer):
    """Calls the wrapped layer with its kernel replaced by `kernel / sigma`, where `sigma`, the
    kernel's largest singular value, is estimated by power iteration.

    The kernel is viewed as a matrix `W` of shape `(prod(kernel.shape[:-1]), kernel.shape[-1])`.
    The layer keeps a non-trainable vector `vector_u` of shape `(1, kernel.shape[-1])`. Each
    call runs `power_iterations` steps `v = normalize(u W^T)`, `u = normalize(v W)` and uses
    `sigma = v W u^T` (with `u`, `v` treated as constants for gradients). In training the new
    `u` is stored; in inference the stored `u` is used unchanged. The kernel variable itself
    is never overwritten: gradients flow through the normalization to it.

    Args:
        layer: a layer with a `kernel` weight (Dense, Conv*, ...), or `embeddings`.
        power_iterations: the number of power-iteration steps per call (>= 1).

    Weights: the wrapped layer's, then `vector_u` (non-trainable).

    Example:
        >>> sn = SpectralNormalization(Dense(4))
        >>> sn(np.ones((2, 3), "float32"), training=True).shape
        (2, 4)
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            raise ValueError(
                "SpectralNormalization: layer must be a cornu Layer instance; received "
                f"layer={layer!r}."
            )
        if (
            not isinstance(power_iterations, int)
            or isinstance(power_iterations, bool)
            or power_iterations < 1
        ):
            raise ValueError(
                "SpectralNormalization: power_iterations must be an int >= 1; received "
                f"power_iterations={power_iterations!r}."
            )
        self.layer = layer
        self.power_iterations = power_iterations
        self.supports_masking = bool(getattr(layer, "supports_masking", False))

    def build(self, input_shape):
        if not self.layer.built:
            self.layer._maybe_build((_Shape(input_shape),))
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(
                f"SpectralNormalization layer '{self.name}': the wrapped layer "
                f"'{self.layer.name}' ({type(self.layer).__name__}) has no `kernel` or "
                "`embeddings` weight to normalize."
            )
        self._kernel = kernel
        # Keras lists the wrapped kernel among the wrapper's own weights: kernel, vector_u, bias.
        self._track_variable(kernel, kernel.trainable)
        self.vector_u = self.add_weight(
            shape=(1, kernel.shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02),
            trainable=False,
            name="vector_u",
        )
        self.built = True

    def normalized_weights(self):
        """`(new_vector_u, kernel / sigma)` from the current kernel and `vector_u`."""
        kernel = self._kernel.value
        dtype = kernel.dtype
        matrix = ops.reshape(kernel, (-1, kernel.shape[-1]))
        u = ops.cast(self.vector_u.value, dtype)
        v = None
        for _ in range(self.power_iterations):
            v = ops.normalize(ops.matmul(u, ops.transpose(matrix)), axis=-1, epsilon=1e-12)
            u = ops.normalize(ops.matmul(v, matrix), axis=-1, epsilon=1e-12)
        u = ops.stop_gradient(u)
        v = ops.stop_gradient(v)
        sigma = ops.matmul(ops.matmul(v, matrix), ops.transpose(u))
        normalized = ops.divide(kernel, ops.reshape(sigma, ()))
        return u, normalized

    def call(self, inputs, training=None, mask=None):
        new_u, kernel = self.normalized_weights()
        if training:
            self.vector_u.assign(ops.cast(new_u, self.vector_u.dtype))
        kwargs = inner_call_kwargs(self.layer, training, mask)
        own = [v for v in self.layer.variables if v is not self._kernel]
        given = [(v, v.value) for v in own]
        mapping = given + [(self._kernel, kernel)]
        with scopes.StatelessScope(mapping) as scope:
            outputs = self.layer(inputs, **kwargs)
        for variable, before in given:  # carry out the wrapped layer's own state updates
            after = scope.get_current_value(variable)
            if after is not None and after is not before:
                variable.assign(after)
        return tree.map_structure(self._to_compute_dtype, outputs)

    def _to_compute_dtype(self, x):
        dtype = getattr(x, "dtype", None)
        if dtype is None or not dtypes.is_float_dtype(dtype):
            return x
        if dtypes.standardize_dtype(dtype) == self.compute_dtype:
            return x
        return ops.cast(x, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "layer": serialization_lib.serialize_keras_object(self.layer),
            "power_iterations": self.power_iterations,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = serialization_lib.deserialize_keras_object(
            config["layer"], custom_objects
        )
        return cls(**config)


class _Shape(tuple):
    """A bare shape that `Layer._maybe_build` reads through `.shape`."""

    @property
    def shape(self):
        return tuple(self)
