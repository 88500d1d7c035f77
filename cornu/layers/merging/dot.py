"""`Dot`: per-sample dot products of two tensors."""

from cornu import ops
from cornu.layers.merging.base_merge import Merge

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Dot(Merge):
    """Contracts axis `axes[0]` of the first input with axis `axes[1]` of the second, sample
    by sample (a batched dot product).

    Args:
        axes: an int (the same axis in both) or a pair of ints. Axes count the batch axis as
            0 and may be negative; the batch axis itself cannot be contracted.
        normalize: L2-normalize both inputs along the contracted axes first, so the result of
            two vectors is their cosine similarity.

    The output shape is the first input's shape without its contracted axis followed by the
    second's non-batch axes without its contracted axis; a result of rank 1 gets a trailing
    axis of size 1 (`(batch, 1)`). Masks are not propagated.

    Example:
        >>> Dot(axes=1)([np.ones((2, 3), "float32"), np.ones((2, 3), "float32")])   # [[3.], [3.]]
    """

    _min_inputs = 2
    _max_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        ok = lambda a: isinstance(a, int) and not isinstance(a, bool)  # noqa: E731
        if ok(axes):
            pair = (axes, axes)
        elif isinstance(axes, (list, tuple)) and len(axes) == 2 and all(ok(a) for a in axes):
            axes = pair = tuple(axes)
        else:
            raise TypeError(f"Dot: axes must be an int or a pair of ints; received axes={axes!r}.")
        self.axes = axes  # as given (an int or a pair), for the config
        self._axes_pair = pair
        self.normalize = bool(normalize)
        self.supports_masking = False

    def _resolve(self, shapes):
        self._check_inputs(shapes)
        s1, s2 = (tuple(s) for s in shapes)
        axes = []
        for a, s in zip(self._axes_pair, (s1, s2)):
            if not -len(s) <= a < len(s) or a % len(s) == 0:
                raise ValueError(
                    f"Dot layer '{self.name}': axes={self.axes} is invalid for input shapes "
                    f"{s1} and {s2} (axis 0 is the batch axis)."
                )
            axes.append(a % len(s))
        d1, d2 = s1[axes[0]], s2[axes[1]]
        if d1 is not None and d2 is not None and d1 != d2:
            raise ValueError(
                f"Dot layer '{self.name}': the contracted axes have different sizes ({d1} and "
                f"{d2}); received input shapes {s1} and {s2} with axes={self.axes}."
            )
        if s1[0] is not None and s2[0] is not None and s1[0] != s2[0]:
            raise ValueError(
                f"Dot layer '{self.name}': the inputs have different batch sizes; received "
                f"input shapes {s1} and {s2}."
            )
        return s1, s2, axes

    def _output_shape(self, shapes):
        s1, s2, (a1, a2) = self._resolve(shapes)
        batch = s1[0] if s1[0] is not None else s2[0]
        rest = tuple(d for i, d in enumerate(s1) if i not in (0, a1)) + tuple(
            d for i, d in enumerate(s2) if i not in (0, a2)
        )
        return (batch,) + (rest if rest else (1,))

    def build(self, input_shape):
        self._resolve(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape)

    def call(self, inputs, mask=None):
        x, y = inputs
        _, _, (a1, a2) = self._resolve([tuple(x.shape), tuple(y.shape)])
        if self.normalize:
            x = ops.normalize(x, axis=a1)
            y = ops.normalize(y, axis=a2)
        r1, r2 = len(x.shape), len(y.shape)
        if r1 + r2 - 1 > len(_LETTERS):
            raise ValueError(
                f"Dot layer '{self.name}': inputs of rank {r1} and {r2} are too large."
            )
        letters = iter(_LETTERS[2:])
        sub1 = ["a"] + [("b" if i == a1 else next(letters)) for i in range(1, r1)]
        sub2 = ["a"] + [("b" if i == a2 else next(letters)) for i in range(1, r2)]
        out = ["a"] + [c for c in sub1[1:] if c != "b"] + [c for c in sub2[1:] if c != "b"]
        result = ops.einsum(f"{''.join(sub1)},{''.join(sub2)}->{''.join(out)}", x, y)
        if len(out) == 1:
            result = ops.expand_dims(result, -1)
        return result

    def compute_mask(self, inputs, previous_mask=None):
        return None

    def get_config(self):
        axes = self.axes if isinstance(self.axes, int) else list(self.axes)
        return {**super().get_config(), "axes": axes, "normalize": self.normalize}


def dot(inputs, axes=-1, **kwargs):
    """Functional form of `Dot`: `Dot(axes, **kwargs)(inputs)`."""
    return Dot(axes=axes, **kwargs)(inputs)
