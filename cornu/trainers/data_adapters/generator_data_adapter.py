"""Batches from a Python generator (or any iterator) that yields `x`, `(x, y)` or
`(x, y, sample_weight)` tuples."""

import itertools

from cornu import tree
from cornu.trainers.data_adapters.array_data_adapter import to_numpy


class GeneratorDataAdapter:
    """Yields the generator's batches as NumPy structures.

    A generator is consumed once: `steps_per_epoch` splits one long generator into epochs.
    """

    restartable = False

    def __init__(self, generator, steps=None):
        self._iterator = iter(generator)
        self._steps = steps
        self.batch_size = None
        self.num_samples = None

    @property
    def num_batches(self):
        return self._steps

    def epoch_batches(self, rng=None):
        source = (
            self._iterator if self._steps is None else itertools.islice(self._iterator, self._steps)
        )
        for batch in source:
            yield unpack(tree.map_structure(lambda a: None if a is None else to_numpy(a), batch))


def unpack(data):
    """`x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)` -> `(x, y, sample_weight)`."""
    if isinstance(data, tuple):
        if len(data) == 1:
            return data[0], None, None
        if len(data) == 2:
            return data[0], data[1], None
        if len(data) == 3:
            return data
        raise ValueError(
            f"Data should be x, (x,), (x, y) or (x, y, sample_weight); received a tuple of "
            f"{len(data)} elements."
        )
    return data, None, None
