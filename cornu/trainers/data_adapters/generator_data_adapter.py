"""Batches from a Python generator (or any iterator) that yields `x`, `(x, y)` or
`(x, y, sample_weight)` tuples."""

import itertools

from cornu import tree
from cornu.trainers.data_adapters.array_data_adapter import to_numpy
from cornu.utils.data_packing import unpack


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
