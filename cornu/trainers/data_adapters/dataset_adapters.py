"""Batches from PyDataset, tf.data.Dataset and torch DataLoader, on every backend.

Batches from another framework stay as they are when that framework is the backend (no copy),
and become NumPy arrays otherwise (then the trainer converts them to the backend's tensors).
"""

import concurrent.futures
import itertools

import numpy as np

from cornu import config, tree
from cornu.utils.data_packing import unpack


def _to_numpy(x):
    if x is None or isinstance(x, np.ndarray):
        return x
    if hasattr(x, "numpy"):  # tf.Tensor, torch.Tensor (cpu)
        return np.asarray(x.detach().cpu().numpy() if hasattr(x, "detach") else x.numpy())
    return np.asarray(x)


class PyDatasetAdapter:
    """Yields a PyDataset's batches; workers prefetch up to `max_queue_size` ahead.

    With `shuffle` (fit's default) the batch order is a new permutation each epoch, as in
    Keras; the batches themselves are the dataset's.
    """

    def __init__(self, dataset, steps=None, shuffle=False):
        self.dataset = dataset
        self._steps = steps
        # A dataset may keep its own order, as a tf.data.Dataset does (cornu's HostDataset).
        self.shuffle = bool(shuffle) and getattr(dataset, "_shuffled_by_fit", True)
        self.batch_size = None
        self.num_samples = None

    @property
    def num_batches(self):
        """Batches per pass; None for an endless dataset (`num_batches` None, or no length)."""
        try:
            n = self.dataset.num_batches
        except TypeError:  # len() of an endless dataset
            n = None
        if self._steps is None:
            return n
        return self._steps if n is None else min(n, self._steps)

    def _order(self, rng):
        n = self.num_batches
        if n is None:
            return itertools.count()
        return (rng or np.random).permutation(n).tolist() if self.shuffle else range(n)

    def epoch_batches(self, rng=None):
        order = self._order(rng)
        workers = self.dataset.workers
        if workers <= 1:
            for i in order:
                yield unpack(_fetch(self.dataset, i))
            return
        pool_cls = (
            concurrent.futures.ProcessPoolExecutor
            if self.dataset.use_multiprocessing
            else concurrent.futures.ThreadPoolExecutor
        )
        ahead = max(1, self.dataset.max_queue_size)
        indices = iter(order)
        with pool_cls(max_workers=workers) as pool:
            pending = [
                pool.submit(_fetch, self.dataset, i) for i in itertools.islice(indices, ahead)
            ]
            while pending:
                batch = pending.pop(0).result()
                for i in itertools.islice(indices, 1):
                    pending.append(pool.submit(_fetch, self.dataset, i))
                yield unpack(batch)

    def on_epoch_end(self):
        self.dataset.on_epoch_end()


def _fetch(dataset, index):
    return tree.map_structure(_to_numpy, dataset[index])


class TFDatasetAdapter:
    """Yields a tf.data.Dataset's elements (tf tensors on the tensorflow backend)."""

    def __init__(self, dataset, steps=None):
        self.dataset = dataset
        self._steps = steps
        self.batch_size = None
        self.num_samples = None
        self._keep = config.backend() == "tensorflow"

    @property
    def num_batches(self):
        if self._steps is not None:
            return self._steps
        cardinality = int(self.dataset.cardinality())
        return cardinality if cardinality >= 0 else None

    def epoch_batches(self, rng=None):
        source = iter(self.dataset)
        if self._steps is not None:
            source = itertools.islice(source, self._steps)
        for element in source:
            if not self._keep:
                element = tree.map_structure(_to_numpy, element)
            yield unpack(element)


class TorchDataLoaderAdapter:
    """Yields a torch DataLoader's batches (torch tensors on the torch backend)."""

    def __init__(self, loader, steps=None):
        self.loader = loader
        self._steps = steps
        self.batch_size = getattr(loader, "batch_size", None)
        self.num_samples = None
        self._keep = config.backend() == "torch"

    @property
    def num_batches(self):
        if self._steps is not None:
            return self._steps
        try:
            return len(self.loader)
        except TypeError:
            return None

    def epoch_batches(self, rng=None):
        source = iter(self.loader)
        if self._steps is not None:
            source = itertools.islice(source, self._steps)
        for batch in source:
            batch = tuple(batch) if isinstance(batch, list) else batch
            if not self._keep:
                batch = tree.map_structure(_to_numpy, batch)
            yield unpack(batch)


def is_tf_dataset(x):
    module = type(x).__module__
    return (
        module.startswith("tensorflow") and hasattr(x, "cardinality") and hasattr(x, "element_spec")
    )


def is_torch_dataloader(x):
    return type(x).__module__.startswith("torch.utils.data") and hasattr(x, "dataset")
