"""`Normalization`: `(x - mean) / sqrt(variance)` with statistics given or learned by `adapt`."""

import numpy as np

from cornu import backend, ops
from cornu.backend.common import scopes
from cornu.layers.preprocessing._adapt_data import is_array_data, iterate_batches, to_numpy
from cornu.layers.preprocessing.data_layer import DataLayer


def _count_dtype():
    # Keras gives `count` the backend's default integer type: int64 on TensorFlow, int32 on
    # the others (a saved `count` keeps that dtype, so archives match Keras's).
    return "int64" if backend.backend() == "tensorflow" else "int32"


def _standardize_axis(axis):
    if axis is None:
        return ()
    if isinstance(axis, int) and not isinstance(axis, bool):
        return (axis,)
    if isinstance(axis, (list, tuple)) and all(
        isinstance(a, int) and not isinstance(a, bool) for a in axis
    ):
        return tuple(axis)
    raise TypeError(
        f"Normalization: axis must be an int, a tuple of ints or None; received axis={axis!r}."
    )


def _stat_config(value):
    """A JSON-friendly copy of a user-given mean/variance (float or nested list)."""
    if value is None:
        return None
    array = np.asarray(to_numpy(value), dtype="float64")
    return array.tolist() if array.ndim else float(array)


class Normalization(DataLayer):
    """Shifts and scales inputs to zero mean and unit variance, per index of `axis`.

    The statistics are either given (`mean`, `variance`: numbers or arrays broadcastable to
    the kept axes) or computed from data with `adapt()`, which streams over batches. Without
    either, the layer starts at mean 0 and variance 1. Outputs are `(x - mean) /
    max(sqrt(variance), epsilon)`, or `mean + x * max(sqrt(variance), epsilon)` when `invert`.

    Args:
        axis: the axis or axes that keep separate statistics (-1: one per feature); None
            normalizes with one scalar mean and variance.
        mean, variance: fixed statistics (both or neither).
        invert: undo a normalization instead of applying it.

    Weights (adapted layers only, all non-trainable, in this order): `mean` and `variance`
    (shape: the input's sizes on `axis`) and an integer `count` (int64 on TensorFlow, int32
    elsewhere), which, like Keras 3's, is saved but not updated by `adapt`.

    Example:
        >>> layer = Normalization()
        >>> layer.adapt(np.array([[0.0], [2.0]], "float32"))
        >>> layer(np.array([[2.0]], "float32"))   # [[1.0]]
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _standardize_axis(axis)
        if (mean is None) != (variance is None):
            raise ValueError(
                "Normalization: pass both mean and variance, or neither (then call adapt()); "
                f"received mean={mean!r} and variance={variance!r}."
            )
        if not isinstance(invert, bool):
            raise TypeError(f"Normalization: invert must be a bool; received invert={invert!r}.")
        self.input_mean = _stat_config(mean)
        self.input_variance = _stat_config(variance)
        self.invert = invert
        self.supports_masking = True
        self._keep_axes = None
        self._broadcast_shape = None

    # -- building ------------------------------------------------------------------------

    def _plan(self, input_shape):
        """Sorted kept axes, the statistics' shape and their broadcast shape for an input."""
        ndim = len(input_shape)
        keep = []
        for a in self.axis:
            if not -ndim <= a < ndim:
                raise ValueError(
                    f"Normalization layer '{self.name}': axis {a} is out of range for inputs "
                    f"of shape {tuple(input_shape)}."
                )
            keep.append(a % ndim)
        if len(set(keep)) != len(keep):
            raise ValueError(
                f"Normalization layer '{self.name}': axis {self.axis} names an axis twice."
            )
        keep = sorted(keep)
        stat_shape = tuple(input_shape[a] for a in keep)
        if any(d is None for d in stat_shape):
            raise ValueError(
                f"Normalization layer '{self.name}' needs known sizes on axis {self.axis}; "
                f"received input shape {tuple(input_shape)}."
            )
        broadcast = tuple(input_shape[a] if a in keep else 1 for a in range(ndim))
        return tuple(keep), stat_shape, broadcast

    def build(self, input_shape):
        keep, stat_shape, broadcast = self._plan(tuple(input_shape))
        self._keep_axes, self._stat_shape, self._broadcast_shape = keep, stat_shape, broadcast
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                shape=stat_shape, initializer="zeros", trainable=False, name="mean"
            )
            self.adapt_variance = self.add_weight(
                shape=stat_shape, initializer="ones", trainable=False, name="variance"
            )
            self.count = self.add_weight(
                shape=(), initializer="zeros", dtype=_count_dtype(), trainable=False, name="count"
            )
        else:
            self._mean_value = self._fixed_stat("mean", self.input_mean)
            self._variance_value = self._fixed_stat("variance", self.input_variance)
        self.built = True

    def _fixed_stat(self, name, value):
        array = np.asarray(value, dtype="float64")
        try:
            if array.ndim == len(self._broadcast_shape):  # already in the input's layout
                array = np.broadcast_to(array, self._broadcast_shape)
            else:
                array = np.broadcast_to(array, self._stat_shape)
        except ValueError:
            raise ValueError(
                f"Normalization layer '{self.name}': {name} of shape {array.shape} does not "
                f"broadcast to the statistics' shape {self._stat_shape} (the input's sizes on "
                f"axis {self.axis}) or to {self._broadcast_shape}."
            ) from None
        return np.array(array.reshape(self._broadcast_shape))  # a writable copy, not a view

    # -- calling -------------------------------------------------------------------------

    def _statistics(self, dtype):
        if self.input_mean is None:
            mean = ops.reshape(ops.cast(self.adapt_mean, dtype), self._broadcast_shape)
            variance = ops.reshape(ops.cast(self.adapt_variance, dtype), self._broadcast_shape)
        else:
            mean = ops.convert_to_tensor(self._mean_value, dtype=dtype)
            variance = ops.convert_to_tensor(self._variance_value, dtype=dtype)
        return mean, variance

    @property
    def mean(self):
        """The mean in the input's broadcast layout, e.g. (1, features); None until built."""
        return self._statistics(self.compute_dtype)[0] if self.built else None

    @property
    def variance(self):
        """The variance in the input's broadcast layout; None until built."""
        return self._statistics(self.compute_dtype)[1] if self.built else None

    def call(self, inputs):
        dtype = self.compute_dtype
        x = ops.cast(inputs, dtype)
        mean, variance = self._statistics(dtype)
        std = ops.maximum(ops.sqrt(variance), backend.epsilon())
        if self.invert:
            return ops.add(mean, ops.multiply(x, std))
        return ops.divide(ops.subtract(x, mean), std)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    # -- adapting ------------------------------------------------------------------------

    def adapt(self, data, batch_size=None, steps=None):
        """Sets `mean` and `variance` to the statistics of `data`, over every axis not in
        `axis`. Batches are combined exactly (Chan et al.'s parallel variance), in float64.

        Args:
            data: a NumPy array or tensor, a tf.data dataset of feature batches, or any
                iterable of batches (DataLoader, generator, list of arrays).
            batch_size: rows per batch when `data` is an array.
            steps: read at most this many batches.
        """
        if self.input_mean is not None:
            raise ValueError(
                f"Normalization layer '{self.name}' was given mean and variance, so it cannot "
                "be adapted; create it without them to learn them from data."
            )
        count, mean, m2 = 0, None, None
        for batch in iterate_batches("Normalization", data, batch_size, steps):
            if not self.built:
                # Keras builds with the whole array's shape, or (None, ...) for datasets.
                array_data = is_array_data(data)
                if array_data:
                    shape = tuple(data.shape) if hasattr(data, "shape") else np.shape(data)
                else:
                    shape = (None,) + batch.shape[1:]
                self._build_for_adapt(shape)
            batch_count, batch_mean, batch_m2 = self._batch_moments(batch)
            if batch_count == 0:
                continue
            if mean is None:
                count, mean, m2 = batch_count, batch_mean, batch_m2
                continue
            total = count + batch_count
            delta = batch_mean - mean
            mean = mean + delta * (batch_count / total)
            m2 = m2 + batch_m2 + np.square(delta) * (count * batch_count / total)
            count = total
        if mean is None:
            raise ValueError(f"Normalization layer '{self.name}': adapt() received no data.")
        self.adapt_mean.assign(mean.astype(self.adapt_mean.dtype))
        self.adapt_variance.assign((m2 / count).astype(self.adapt_variance.dtype))

    def _build_for_adapt(self, shape):
        with scopes.name_scope(self.name, caller=self):
            self.build(shape)
        self._build_shapes = shape

    def _batch_moments(self, batch):
        batch = np.asarray(batch, dtype="float64")
        if batch.ndim != len(self._broadcast_shape):
            raise ValueError(
                f"Normalization layer '{self.name}' was built for {len(self._broadcast_shape)}-D "
                f"inputs, but adapt() received a batch of shape {batch.shape}."
            )
        stat_shape = tuple(batch.shape[a] for a in self._keep_axes)
        if stat_shape != self._stat_shape:
            raise ValueError(
                f"Normalization layer '{self.name}' keeps statistics of shape "
                f"{self._stat_shape} on axis {self.axis}, but adapt() received a batch of shape "
                f"{batch.shape}."
            )
        reduce_axes = tuple(a for a in range(batch.ndim) if a not in self._keep_axes)
        batch_count = int(np.prod([batch.shape[a] for a in reduce_axes]))
        if batch_count == 0:
            return 0, None, None
        # Kept axes first (in order), then the reduced ones flattened.
        flat = np.transpose(batch, self._keep_axes + reduce_axes).reshape(
            self._stat_shape + (batch_count,)
        )
        batch_mean = flat.mean(axis=-1)
        batch_m2 = np.square(flat - batch_mean[..., None]).sum(axis=-1)
        return batch_count, batch_mean, batch_m2

    # -- config --------------------------------------------------------------------------

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": self.input_mean,
            "variance": self.input_variance,
        }
