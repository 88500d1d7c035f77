"""`Permute`: reorders the non-batch axes."""

from cornu import ops
from cornu.layers.layer import Layer


class Permute(Layer):
    """Permutes the axes of each sample.

    Args:
        dims: a permutation of `1..rank-1` (axis 0 is the batch and stays first); e.g.
            `(2, 1)` swaps the two axes of `(batch, a, b)` inputs.

    Example:
        >>> Permute((2, 1))(np.ones((2, 3, 4), "float32")).shape
        (2, 4, 3)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(dims, (list, tuple)) or sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Permute: dims must be a permutation of 1..n (the batch axis 0 is not "
                f"included); received dims={dims!r}."
            )
        self.dims = tuple(dims)
        self.built = True

    def _check(self, rank):
        if rank != len(self.dims) + 1:
            raise ValueError(
                f"Permute layer '{self.name}': dims={self.dims} needs inputs of rank "
                f"{len(self.dims) + 1}; received rank {rank}."
            )

    def compute_output_shape(self, input_shape):
        self._check(len(input_shape))
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def call(self, inputs):
        self._check(len(inputs.shape))
        return ops.transpose(inputs, (0,) + self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": tuple(self.dims)}
