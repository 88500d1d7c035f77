"""`HostDataset`: a TensorFlow-free dataset of NumPy elements, the directory loaders' result
when TensorFlow is not installed.

It is a `PyDataset` (so `fit`/`evaluate`/`predict` take it directly: one element is one batch)
and offers the `tf.data.Dataset` methods example code calls on a loader's result: `map`,
`batch`, `padded_batch`, `unbatch`, `take`, `skip`, `shuffle`, `cache`, `repeat`, `prefetch`
(nothing to do), `as_numpy_iterator`, iteration and `len`.

Each method returns a new dataset whose pipeline is a chain of small steps with random access
(`get(i)`), so a `PyDataset` index reaches an element without reading the ones before it.
As in tf.data, an element that is a tuple is passed to `map`'s function as separate
arguments, and shuffling draws a new order each time the dataset is iterated (or at each
epoch's end in `fit`).
"""

import itertools

import numpy as np

from cornu import tree
from cornu.utils.py_dataset import PyDataset


class HostDataset(PyDataset):
    """A dataset of NumPy elements built from a chain of steps (see the module docstring).

    Args:
        step: the pipeline's last step (an object with `count()`, `get(i)`, `new_epoch()`).

    Example:

    >>> ds = HostDataset.from_function(lambda i: (np.full((2,), i), i), 5).batch(2)
    >>> [y.tolist() for x, y in ds]
    [[0, 1], [2, 3], [4]]
    """

    # Like a tf.data.Dataset, its order is its own: fit(shuffle=True) does not reorder it.
    _shuffled_by_fit = False

    def __init__(self, step):
        super().__init__()
        self._step = step

    @classmethod
    def from_function(cls, element, count):
        """A dataset whose element `i` (for `i < count`) is `element(i)`."""
        return cls(_Source(element, count))

    # PyDataset: one element per index.
    def __len__(self):
        count = self._step.count()
        if count is None:
            raise TypeError("The dataset is infinite (it was repeated without a count).")
        return count

    def __getitem__(self, index):
        count = self._step.count()
        if index < 0 or (count is not None and index >= count):
            raise IndexError(f"Index {index} is out of range for a dataset of {count} elements.")
        return self._step.get(index)

    def on_epoch_end(self):
        self._step.new_epoch()

    def __iter__(self):
        self._step.new_epoch()
        count = self._step.count()
        indices = itertools.count() if count is None else range(count)
        return (self._step.get(i) for i in indices)

    def as_numpy_iterator(self):
        return iter(self)

    def cardinality(self):
        """The number of elements; -1 when infinite, as `tf.data.INFINITE_CARDINALITY`."""
        count = self._step.count()
        return -1 if count is None else count

    # The tf.data-like transformations.
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        return HostDataset(_Map(self._step, map_func))

    def batch(
        self,
        batch_size,
        drop_remainder=False,
        num_parallel_calls=None,
        deterministic=None,
        name=None,
    ):
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(
                f"batch: `batch_size` must be a positive int; received {batch_size!r}."
            )
        return HostDataset(_Batch(self._step, batch_size, drop_remainder))

    def padded_batch(
        self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None
    ):
        """Batches elements of different shapes, padding each to the largest with zeros
        (`padded_shapes` and `padding_values` other than None are not supported)."""
        if padded_shapes is not None or padding_values is not None:
            raise ValueError(
                "padded_batch: cornu's TensorFlow-free dataset pads to the largest element "
                "with zeros only; pass padded_shapes=None and padding_values=None."
            )
        self.batch(batch_size)  # checks batch_size
        return HostDataset(_Batch(self._step, batch_size, drop_remainder, pad=True))

    def unbatch(self, name=None):
        if isinstance(self._step, _Batch):
            return HostDataset(_Take(self._step.parent, self._step.samples()))
        return HostDataset(_Unbatch(self._step))

    def take(self, count, name=None):
        return HostDataset(_Take(self._step, _at_most(self._step.count(), count)))

    def skip(self, count, name=None):
        return HostDataset(_Skip(self._step, count))

    def shuffle(self, buffer_size=None, seed=None, reshuffle_each_iteration=True, name=None):
        # A full permutation: random access makes a buffer unnecessary.
        return HostDataset(_Shuffle(self._step, seed, reshuffle_each_iteration))

    def repeat(self, count=None, name=None):
        return HostDataset(_Repeat(self._step, None if count in (None, -1) else count))

    def cache(self, filename="", name=None):
        return HostDataset(_Cache(self._step))

    def prefetch(self, buffer_size=None, name=None):
        return self


def _at_most(available, count):
    if count is None or count < 0:
        return available
    return count if available is None else min(count, available)


def stack_elements(elements, pad=False):
    """Stacks a list of same-structured elements into one batch (NumPy arrays); with `pad`,
    each part is first zero-padded at the end of every axis to the largest shape."""
    return tree.map_structure(lambda *parts: _stack(parts, pad), *elements)


def _stack(parts, pad):
    parts = [np.asarray(p) for p in parts]
    if pad and parts[0].ndim:  # (scalars, such as labels, have nothing to pad)
        shape = np.max([p.shape for p in parts], axis=0)
        parts = [np.pad(p, [(0, s - n) for s, n in zip(shape, p.shape)]) for p in parts]
    return np.stack(parts)


class _Step:
    """A pipeline step: `count()` (None: infinite), `get(i)`, and `new_epoch()` (passed up)."""

    def __init__(self, parent):
        self.parent = parent

    def count(self):
        return self.parent.count()

    def new_epoch(self):
        self.parent.new_epoch()


class _Source(_Step):
    def __init__(self, element, count):
        super().__init__(None)
        self.element, self._count = element, count

    def count(self):
        return self._count

    def get(self, i):
        return self.element(i)

    def new_epoch(self):
        pass


class _Map(_Step):
    def __init__(self, parent, fn):
        super().__init__(parent)
        self.fn = fn

    def get(self, i):
        element = self.parent.get(i)
        return self.fn(*element) if isinstance(element, tuple) else self.fn(element)


class _Batch(_Step):
    def __init__(self, parent, size, drop_remainder, pad=False):
        super().__init__(parent)
        self.size, self.drop_remainder, self.pad = size, drop_remainder, pad

    def count(self):
        n = self.parent.count()
        if n is None:
            return None
        return n // self.size if self.drop_remainder else -(-n // self.size)

    def samples(self):
        n = self.parent.count()
        return None if n is None else min(n, self.count() * self.size)

    def get(self, i):
        stop = i * self.size + self.size
        n = self.parent.count()
        stop = stop if n is None else min(stop, n)
        return stack_elements([self.parent.get(j) for j in range(i * self.size, stop)], self.pad)


class _Unbatch(_Step):
    """Elements of the parent's batches; their sizes are read once, when first needed."""

    def __init__(self, parent):
        super().__init__(parent)
        self._ends = None

    def _offsets(self):
        if self._ends is None:
            if self.parent.count() is None:
                raise ValueError("unbatch() after an infinite repeat() is not supported.")
            sizes = [len(tree.flatten(self.parent.get(i))[0]) for i in range(self.parent.count())]
            self._ends = np.cumsum(sizes)
        return self._ends

    def count(self):
        return int(self._offsets()[-1]) if len(self._offsets()) else 0

    def get(self, i):
        ends = self._offsets()
        batch = int(np.searchsorted(ends, i, side="right"))
        start = int(ends[batch - 1]) if batch else 0
        return tree.map_structure(lambda x: x[i - start], self.parent.get(batch))


class _Take(_Step):
    def __init__(self, parent, count):
        super().__init__(parent)
        self._count = count

    def count(self):
        return self._count

    def get(self, i):
        return self.parent.get(i)


class _Skip(_Step):
    def __init__(self, parent, skipped):
        super().__init__(parent)
        self.skipped = max(int(skipped), 0)

    def count(self):
        n = self.parent.count()
        return None if n is None else max(n - self.skipped, 0)

    def get(self, i):
        return self.parent.get(i + self.skipped)


class _Shuffle(_Step):
    def __init__(self, parent, seed, reshuffle):
        super().__init__(parent)
        if parent.count() is None:
            raise ValueError("shuffle() needs a finite dataset: shuffle before repeat().")
        self.rng = np.random.default_rng(seed)
        self.reshuffle = reshuffle
        self.order = self.rng.permutation(parent.count())

    def new_epoch(self):
        super().new_epoch()
        if self.reshuffle:
            self.order = self.rng.permutation(self.parent.count())

    def get(self, i):
        return self.parent.get(int(self.order[i]))


class _Repeat(_Step):
    def __init__(self, parent, times):
        super().__init__(parent)
        self.times = times

    def count(self):
        n = self.parent.count()
        return None if n is None or self.times is None else n * self.times

    def get(self, i):
        n = self.parent.count()
        return self.parent.get(i if n is None else i % n)


class _Cache(_Step):
    """Keeps each element once read; later epochs replay them (and stop reshuffling above)."""

    def __init__(self, parent):
        super().__init__(parent)
        self.elements = {}

    def new_epoch(self):
        if not self.elements:
            self.parent.new_epoch()

    def get(self, i):
        if i not in self.elements:
            self.elements[i] = self.parent.get(i)
        return self.elements[i]
