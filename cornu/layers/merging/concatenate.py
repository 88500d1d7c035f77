"""`Concatenate`: joins a list of tensors along one axis."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge


class Concatenate(Merge):
    """Concatenates a list of tensors along `axis`; all other axes must match.

    Args:
        axis: the axis to join along (negative counts from the end).

    Masks: inputs without a mask count as fully valid; the masks are extended to the inputs'
    rank, concatenated along `axis`, and reduced with logical AND over the last axis, giving a
    mask of the inputs' rank minus one.

    Example:
        >>> Concatenate()([np.ones((2, 3), "float32"), np.ones((2, 4), "float32")]).shape
        (2, 7)
    """

    _min_inputs = 1

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(f"Concatenate: axis must be an int; received axis={axis!r}.")
        self.axis = axis

    def _output_shape(self, shapes):
        self._check_inputs(shapes)
        shapes = [tuple(s) for s in shapes]
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes):
            raise ValueError(
                f"Concatenate layer '{self.name}': all inputs must have the same rank; "
                f"received input shapes {shapes}."
            )
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Concatenate layer '{self.name}': axis={self.axis} is out of range for inputs "
                f"of rank {rank}."
            )
        axis = self.axis % rank
        out = []
        for i, dims in enumerate(zip(*shapes)):
            if i == axis:
                out.append(None if any(d is None for d in dims) else sum(dims))
                continue
            known = [d for d in dims if d is not None]  # a list: symbolic sizes do not hash
            if any(d != known[0] for d in known[1:]):
                raise ValueError(
                    f"Concatenate layer '{self.name}' needs inputs with matching shapes except "
                    f"on the concatenation axis ({self.axis}); received input shapes {shapes}."
                )
            out.append(known.pop() if known else None)
        return tuple(out)

    def build(self, input_shape):
        self._output_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape)

    def call(self, inputs, mask=None):
        self._output_shape([tuple(x.shape) for x in inputs])
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_mask(self, inputs, previous_mask=None):
        if not isinstance(inputs, (list, tuple)):
            return None
        masks = self._masks(inputs, previous_mask)
        if all(m is None for m in masks):
            return None
        full = []
        for x, m in zip(inputs, masks):
            rank = len(x.shape)
            if m is None:
                m = ops.ones_like(x, dtype="bool")
            else:
                m = ops.cast(m, "bool")
                while len(m.shape) < rank:
                    m = ops.expand_dims(m, -1)
                m = ops.broadcast_to(m, ops.shape(x))
            full.append(m)
        return ops.all(ops.concatenate(full, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`: `Concatenate(axis, **kwargs)(inputs)`."""
    return Concatenate(axis=axis, **kwargs)(inputs)
