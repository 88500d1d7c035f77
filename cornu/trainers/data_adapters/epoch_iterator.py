"""`EpochIterator`: an adapter's batches cut into epochs of `steps_per_epoch` steps.

Without `steps_per_epoch` an epoch is one pass over the data. With it, the stream of batches
runs on across epochs (epoch 2 starts where epoch 1 stopped), so every batch is seen; when the
data runs out mid-epoch, that epoch ends early and the next one starts a fresh pass. A Python
generator cannot start again: once it runs out, `exhausted` is set and training stops.

Shuffled data is ordered by the iterator's own generator, not the global `np.random`: pass
`p` over the data draws its order from `default_rng([seed, p])`. A run that resumes at epoch
`e` with the same `seed` (BackupAndRestore saves it) sees the orders of the uninterrupted run,
and skipped epochs draw nothing. The seed itself comes from `np.random`, so
`cornu.utils.set_random_seed` makes the order reproducible.
"""

import numpy as np

from cornu.trainers.data_adapters import process_split


class EpochIterator:
    """Args:
    adapter: a data adapter (`epoch_batches()` yields `(x, y, sample_weight)` batches;
        `restartable` False for generators, which give one pass only).
    steps_per_epoch: steps per epoch, or None for one pass per epoch.
    replay: validation data: every epoch starts again from the first batch, and a
        one-pass source (a generator) gives the batches of its first epoch again (as
        Keras validates on the same batches every epoch).
    """

    def __init__(self, adapter, steps_per_epoch=None, replay=False, seed=None):
        self.adapter = adapter
        self._seed = None if seed is None else int(seed)
        self._pass = 0
        self.steps_per_epoch = steps_per_epoch
        self.exhausted = False
        self._restartable = getattr(adapter, "restartable", True)
        self._replay = replay
        self._kept = None
        self._stream = None
        self._peeked = None
        self._process = None  # (process_id, num_processes) when batches are split

    def split_by_process(self, process_id, num_processes, method, shared_seed):
        """Makes every batch this process's slice of the global batch (see
        `process_split`), unless the data gives each process its own part already.
        `shared_seed(seed)` returns process 0's seed, so all processes order data alike."""
        self._seed = shared_seed(self.seed)
        if process_split.is_split_already(self.adapter):
            return
        process_split.check_batch_size(self.adapter, num_processes, method)
        process_split.warn_if_shuffled_apart(self.adapter, num_processes)
        self._process = (process_id, num_processes)

    def _own(self, batch):
        if self._process is None or batch is None:
            return batch
        return process_split.process_slice(batch, *self._process)

    @property
    def num_batches(self):
        """Steps per epoch, when known (what `History.params["steps"]` reports)."""
        if self.steps_per_epoch is not None:
            return self.steps_per_epoch
        return self.adapter.num_batches

    def peek(self):
        """The next epoch's first batch, without consuming it (the model may need it to build
        itself; the input checks look at it). Called between epochs only."""
        if self._kept is not None:  # a one-pass source replayed from its first epoch
            return self._own(self._kept[0]) if self._kept else None
        if self._peeked is None:
            if self._starts_fresh():
                self._stream = None
            self._stream = self._stream or self._new_stream()
            self._peeked = next(self._stream, None)
        return self._own(self._peeked)

    def _starts_fresh(self):
        """Whether each epoch starts again from the first batch (else the stream runs on)."""
        return self._restartable and (self.steps_per_epoch is None or self._replay)

    @property
    def seed(self):
        """The data-order seed (drawn from `np.random` when first needed)."""
        if self._seed is None:
            self._seed = int(np.random.randint(0, 2**31 - 1))
        return self._seed

    def start_at(self, epoch, seed=None):
        """Makes the next batches those an uninterrupted run with `seed` gives at `epoch`
        (for a resumed fit): the pass of that epoch, or, when the stream runs across epochs
        (`steps_per_epoch`), the stream replayed past the earlier epochs' batches."""
        if seed is not None:
            self._seed = int(seed)
        if epoch == 0 and seed is None:
            return
        if self.steps_per_epoch is not None and not self._replay:
            if self._restartable:
                self._stream = self._peeked = None
                self._pass = 0
            self._skip(epoch * self.steps_per_epoch)
            return
        if self._restartable:
            self._stream = self._peeked = None
            self._pass = epoch

    def _skip(self, count):
        while count > 0 and not self.exhausted:
            taken = 0
            for _ in self._batches():
                taken += 1
                if taken == count:
                    break
            if taken == 0:
                return
            count -= taken

    def _new_stream(self):
        shuffled = getattr(self.adapter, "shuffle", False)
        rng = np.random.default_rng([self.seed, self._pass]) if shuffled else None
        self._pass += 1
        return iter(self.adapter.epoch_batches(rng=rng))

    def epoch(self):
        """Yields `(step, batch)` for one epoch."""
        if self._kept is not None:
            for step, batch in enumerate(self._kept):
                yield step, self._own(batch)
            return
        if self._starts_fresh() and self._peeked is None:
            self._stream = None  # from the first batch again, even after an early stop
        kept = [] if self._replay and not self._restartable else None
        try:
            for step, batch in enumerate(self._batches()):
                if kept is not None:
                    kept.append(batch)
                yield step, self._own(batch)
                if self.steps_per_epoch is not None and step + 1 >= self.steps_per_epoch:
                    break
            if kept:
                self._kept = kept
        finally:
            # Every epoch ends here, even one a callback stopped (PyDataset reshuffles).
            getattr(self.adapter, "on_epoch_end", lambda: None)()

    def _batches(self):
        """The batches of this epoch's stream, restarting a spent stream once if allowed."""
        taken = 0
        while True:
            if self._stream is None:
                if self.exhausted:
                    return
                self._stream = self._new_stream()
            if self._peeked is not None:
                batch, self._peeked = self._peeked, None
            else:
                batch = next(self._stream, None)
            if batch is not None:
                taken += 1
                yield batch
                continue
            # The stream ran out: a new pass next time (or never, for a generator).
            self._stream = None
            if not self._restartable:
                self.exhausted = True
            if taken or self.steps_per_epoch is None or not self._restartable:
                return
