"""`PyDataset`: a Python-indexed dataset of batches, optionally prefetched by worker threads
or processes."""


class PyDataset:
    """Subclass and implement `__len__` (batches per epoch) and `__getitem__(index)` (a batch:
    `x`, `(x, y)` or `(x, y, sample_weight)`); optionally `on_epoch_end()`.

    Args:
        workers: how many workers prefetch batches (1: in the main thread).
        use_multiprocessing: workers are processes instead of threads (the dataset must be
            picklable).
        max_queue_size: how many batches may wait, prefetched, at once.

    Example:
        >>> class Batches(PyDataset):
        ...     def __len__(self):
        ...         return 10
        ...     def __getitem__(self, i):
        ...         return np.ones((4, 3)), np.zeros((4,))
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        if not isinstance(workers, int) or workers < 1:
            raise ValueError(f"PyDataset: workers must be a positive int; received {workers!r}.")
        if not isinstance(max_queue_size, int) or max_queue_size < 1:
            raise ValueError(
                f"PyDataset: max_queue_size must be a positive int; received {max_queue_size!r}."
            )
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    @property
    def workers(self):
        return getattr(self, "_workers", 1)

    @property
    def use_multiprocessing(self):
        return getattr(self, "_use_multiprocessing", False)

    @property
    def max_queue_size(self):
        return getattr(self, "_max_queue_size", 10)

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__.")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__.")

    @property
    def num_batches(self):
        return len(self)

    def on_epoch_end(self):
        """Called after each epoch (e.g. to reshuffle)."""


Sequence = PyDataset  # Keras 2's name
