"""`Discretization`: buckets continuous values by bin boundaries (given or adapted)."""

import numpy as np

from cornu import config, ops
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.preprocessing._adapt_data import iterate_batches
from cornu.layers.preprocessing._encoding import check_output_mode, encode, encoded_shape
from cornu.layers.preprocessing.data_layer import DataLayer

_MODES = ("int", "one_hot", "multi_hot", "count")
_INT_OUTPUT = "int32"  # Keras returns int32 bin indices whatever the dtype


class Discretization(DataLayer):
    """Replaces each value by the index of its bin: `bin_boundaries=[0., 1., 2.]` makes the
    bins (-inf, 0), [0, 1), [1, 2), [2, inf), so -1.5 -> 0, 0.0 -> 1 and 3.4 -> 3.

    The boundaries are given, or learned by `adapt()` as the `num_bins`-quantiles of the
    data. Keras computes them with an approximate streaming summary (tolerance `epsilon`);
    cornu keeps every adapted value and takes exact quantiles (the smallest value whose
    empirical CDF reaches i / num_bins), which agrees with Keras's documented examples.

    Args:
        bin_boundaries: a sorted list of boundaries (then do not call `adapt`).
        num_bins: the number of bins `adapt` learns boundaries for.
        epsilon: Keras's quantile tolerance (kept in the config; cornu's quantiles are exact).
        output_mode: "int" (bin indices), or "one_hot" / "multi_hot" / "count" encodings
            of the indices over `len(bin_boundaries) + 1` slots.
        sparse: must be False (cornu returns dense outputs).
        dtype: the layer's dtype (default floatx): the output dtype of the encodings.
            "int" outputs are always int32, as in Keras.
        name: the layer's name.

    Example:
        >>> Discretization([0.0, 1.0, 2.0])(np.array([[-1.5, 1.0, 3.4, 0.5]]))   # [[0, 2, 3, 1]]
    """

    def __init__(
        self,
        bin_boundaries=None,
        num_bins=None,
        epsilon=0.01,
        output_mode="int",
        sparse=False,
        dtype=None,
        name=None,
    ):
        output_mode = check_output_mode("Discretization", output_mode, _MODES)
        if dtype is None:
            dtype = config.floatx()
        # Inputs are values to bucket, never to be cast to an integer compute dtype.
        super().__init__(dtype=dtype, name=name, autocast=False)
        if bin_boundaries is None and num_bins is None:
            raise ValueError(
                "Discretization: pass bin_boundaries, or num_bins and then call adapt(); "
                "received neither."
            )
        if num_bins is not None and (
            isinstance(num_bins, bool) or not isinstance(num_bins, int) or num_bins < 1
        ):
            raise ValueError(
                f"Discretization: num_bins must be a positive int; received num_bins={num_bins!r}."
            )
        if sparse:
            raise ValueError(
                "Discretization: sparse outputs are not supported by cornu yet; received "
                f"sparse={sparse!r}."
            )
        self.bin_boundaries = None
        if bin_boundaries is not None:
            self.bin_boundaries = self._check_boundaries(bin_boundaries)
            # Both are allowed only as an adapted layer's config: num_bins - 1 boundaries.
            if num_bins is not None and len(self.bin_boundaries) != num_bins - 1:
                raise ValueError(
                    "Discretization: pass bin_boundaries or num_bins, not both (unless there "
                    "are num_bins - 1 boundaries, as in an adapted layer's config); received "
                    f"bin_boundaries={bin_boundaries!r} and num_bins={num_bins!r}."
                )
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    @staticmethod
    def _check_boundaries(bin_boundaries):
        values = np.asarray(bin_boundaries, dtype="float64")
        if values.ndim != 1 or np.any(np.diff(values) < 0):
            raise ValueError(
                "Discretization: bin_boundaries must be a sorted list of numbers; received "
                f"bin_boundaries={bin_boundaries!r}."
            )
        return [float(v) for v in values]

    @property
    def is_adapted(self):
        """Whether the layer has boundaries (given or learned)."""
        return self.bin_boundaries is not None

    def adapt(self, data, batch_size=None, steps=None):
        """Learns `num_bins - 1` boundaries: the data's `i / num_bins` quantiles.

        Args:
            data: a NumPy array or tensor, a tf.data dataset of batches, or any iterable of
                batches (DataLoader, generator, list of arrays).
            batch_size: rows per batch when `data` is an array.
            steps: read at most this many batches.
        """
        if self.num_bins is None:
            raise ValueError(
                f"Discretization layer '{self.name}' was given bin_boundaries, so it cannot be "
                "adapted; create it with num_bins instead."
            )
        chunks = [
            np.asarray(batch, dtype="float64").ravel()
            for batch in iterate_batches("Discretization", data, batch_size, steps)
        ]
        values = np.concatenate(chunks) if chunks else np.zeros((0,))
        values = values[~np.isnan(values)]
        if values.size == 0:
            raise ValueError(f"Discretization layer '{self.name}': adapt() received no data.")
        levels = np.arange(1, self.num_bins) / self.num_bins
        self.bin_boundaries = [float(v) for v in np.quantile(values, levels, method="inverted_cdf")]

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(
                f"Discretization layer '{self.name}' has no bin boundaries yet: call adapt() "
                "on data first (or pass bin_boundaries)."
            )
        x = ops.convert_to_tensor(inputs)
        if not dtypes.is_float_dtype(x.dtype):
            x = ops.cast(x, "float32")
        boundaries = ops.convert_to_tensor(np.asarray(self.bin_boundaries), dtype=x.dtype)
        indices = ops.digitize(x, boundaries)
        if self.output_mode == "int":
            return ops.cast(indices, _INT_OUTPUT)
        return encode(indices, len(self.bin_boundaries) + 1, self.output_mode,
                      self.compute_dtype)  # fmt: skip

    def compute_output_spec(self, inputs):
        if self.output_mode == "int":
            return KerasTensor(tuple(inputs.shape), dtype=_INT_OUTPUT)
        return super().compute_output_spec(inputs)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        if self.bin_boundaries is None:
            raise ValueError(
                f"Discretization layer '{self.name}' needs its bin boundaries (adapt it first) "
                f"to know the output size of output_mode={self.output_mode!r}."
            )
        return encoded_shape(input_shape, len(self.bin_boundaries) + 1, self.output_mode)

    def get_config(self):
        # Keras's layout: the dtype as its name, and no "trainable" (there are no weights).
        return {
            "name": self.name,
            "dtype": self.dtype_policy.name,
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        trainable = config.pop("trainable", True)  # the constructor takes no **kwargs
        layer = cls(**config)
        layer.trainable = trainable
        return layer
