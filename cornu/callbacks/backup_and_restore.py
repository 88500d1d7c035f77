"""`BackupAndRestore`: lets a `fit` that was killed resume, in a new process, where it stopped."""

import os
import warnings
import zipfile

import numpy as np

from cornu.backend.common import distribution_state
from cornu.callbacks import loop_state
from cornu.callbacks._files import ensure_writable_folder
from cornu.callbacks.callback import Callback
from cornu.random import seed_generator
from cornu.saving.temp_files import new_temp_file

_LATEST = "backup.npz"
_PREVIOUS = "backup.previous.npz"
# What a truncated or garbled backup file raises when read.
_READ_ERRORS = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)


class BackupAndRestore(Callback):
    """Backs up the training state so an interrupted `fit` resumes where it stopped.

    Each backup holds the model's weights, the optimizer's state, the random state (the
    layers' SeedGenerators, the global one, the shuffled data order) and the training position:
    the epoch to resume at and, with an int `save_freq`, the batches of that epoch already
    trained on. A new `fit` with this callback (in the same or a new process) restores them
    and skips what was done. The backup is removed when `fit` ends normally.

    Args:
        backup_dir: the folder the backup lives in (created if missing). Use one folder per
            training job.
        save_freq: "epoch" (back up at each epoch's end), an int (every that many batches),
            or False (never back up; only restore an existing backup).
        double_checkpoint: keep the previous backup too, and fall back to it if the newest
            cannot be read.
        delete_checkpoint: remove the backup when training ends normally.
    """

    def __init__(
        self,
        backup_dir,
        save_freq="epoch",
        double_checkpoint=False,
        delete_checkpoint=True,
    ):
        super().__init__()
        if not backup_dir:
            raise ValueError(
                f"BackupAndRestore: `backup_dir` must be a folder path; received {backup_dir!r}."
            )
        if not (save_freq is False or save_freq == "epoch") and not (
            isinstance(save_freq, int) and not isinstance(save_freq, bool) and save_freq > 0
        ):
            raise ValueError(
                "BackupAndRestore: `save_freq` must be 'epoch', a positive int (batches) or "
                f"False; received save_freq={save_freq!r}."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = bool(double_checkpoint)
        self.delete_checkpoint = bool(delete_checkpoint)
        self._latest_path = os.path.join(self.backup_dir, _LATEST)
        self._previous_path = os.path.join(self.backup_dir, _PREVIOUS)
        self._batches_seen = 0
        self._current_epoch = 0
        self._last_position = None

    # -- hooks -----------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        # Every process restores (from a folder they share); only process 0 writes.
        if self.save_freq is not False and distribution_state.is_chief():
            self._check_writable()
        self._batches_seen = 0
        self._last_position = None
        backup = self._read_backup()
        if backup is not None:
            self._restore(backup)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if not self._saves_per_batch():
            return
        self._batches_seen += 1
        if self._batches_seen % self.save_freq:
            return
        epoch, step = self._current_epoch, batch + 1
        steps = (self.params or {}).get("steps")
        if steps is not None and step >= steps:
            epoch, step = epoch + 1, 0
        loop_state.sync_from_loop(self.model)
        self._write_backup(epoch, step)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._write_backup(epoch + 1, 0)
        elif (
            self._saves_per_batch()
            and self._last_position is not None
            and self._last_position[0] == epoch
        ):
            # The epoch ended (its length was unknown) right at a backup: resume after it,
            # not inside an epoch with no batches left.
            self._write_backup(epoch + 1, 0)

    def _saves_per_batch(self):
        return not (self.save_freq is False or self.save_freq == "epoch")

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and distribution_state.is_chief():
            for path in (self._latest_path, self._previous_path):
                if os.path.exists(path):
                    os.remove(path)

    # -- the backup files ------------------------------------------------------------------

    def _check_writable(self):
        """Fails before training starts if `backup_dir` cannot hold a backup."""
        ensure_writable_folder(self.backup_dir, "BackupAndRestore", "backup_dir")

    def _write_backup(self, epoch, step):
        """Writes the state atomically: a temporary file in `backup_dir`, then a rename (by
        process 0 only, in a multi-process job)."""
        if not distribution_state.is_chief():
            self._last_position = (epoch, step)
            return
        arrays = {"epoch": np.asarray(epoch, "int64"), "step": np.asarray(step, "int64")}
        for i, w in enumerate(self.model.get_weights()):
            arrays[f"weight_{i}"] = np.asarray(w)
        for i, v in enumerate(_optimizer_variables(self.model)):
            arrays[f"optimizer_{i}"] = np.asarray(v)
        # The random state, so a resumed run draws what the uninterrupted one would have:
        # the layers' SeedGenerators (dropout, noise), the global one, the data order.
        for i, v in enumerate(_random_state_variables(self.model)):
            arrays[f"rng_{i}"] = np.asarray(v)
        global_generator = seed_generator._global.get("generator")
        if global_generator is not None:
            arrays["global_rng"] = np.asarray(global_generator.state)
        data_seed = _data_order_seed(self.model)
        if data_seed is not None:
            arrays["data_seed"] = np.asarray(data_seed, "int64")
        fd, tmp = new_temp_file(self.backup_dir)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)
                f.flush()
                os.fsync(f.fileno())
            if self.double_checkpoint and os.path.exists(self._latest_path):
                os.replace(self._latest_path, self._previous_path)
            os.replace(tmp, self._latest_path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        self._last_position = (epoch, step)

    def _read_backup(self):
        """The newest readable backup as a dict of arrays, or None if there is none."""
        candidates = [self._latest_path]
        if self.double_checkpoint:
            candidates.append(self._previous_path)
        errors = []
        for path in candidates:
            if not os.path.exists(path):
                continue
            try:
                with np.load(path) as data:
                    backup = {k: data[k] for k in data.files}
                if "epoch" not in backup or "step" not in backup:
                    raise KeyError("the training position (epoch, step) is missing")
            except _READ_ERRORS as e:
                errors.append(f"{path}: {e!r}")
                continue
            if errors:
                warnings.warn(
                    "BackupAndRestore: the newest backup could not be read "
                    f"({'; '.join(errors)}); restoring the previous one from {path!r}.",
                    stacklevel=3,
                )
            return backup
        if errors:
            raise ValueError(
                "BackupAndRestore: the backup in backup_dir="
                f"{self.backup_dir!r} cannot be read ({'; '.join(errors)}). Delete it to start "
                "over, or use double_checkpoint=True to keep a fallback."
            )
        return None

    def _restore(self, backup):
        weights = _numbered(backup, "weight_")
        current = self.model.get_weights()
        if [w.shape for w in weights] != [np.shape(w) for w in current]:
            raise ValueError(
                f"BackupAndRestore: the backup in backup_dir={self.backup_dir!r} holds "
                f"weights of shapes {[w.shape for w in weights]}, but the model has "
                f"{[np.shape(w) for w in current]}. Was it made by a different model?"
            )
        self.model.set_weights(weights)
        opt_values = _numbered(backup, "optimizer_")
        opt_vars = _optimizer_variables(self.model)
        if len(opt_values) != len(opt_vars):
            raise ValueError(
                f"BackupAndRestore: the backup in backup_dir={self.backup_dir!r} holds "
                f"{len(opt_values)} optimizer variables, but the model's optimizer has "
                f"{len(opt_vars)}. Was it made with a different optimizer?"
            )
        for variable, value in zip(opt_vars, opt_values):
            variable.assign(value)
        rng_values = _numbered(backup, "rng_")
        rng_vars = _random_state_variables(self.model)
        if len(rng_values) == len(rng_vars):  # (backups of older cornu versions have none)
            for variable, value in zip(rng_vars, rng_values):
                variable.assign(value)
        if "global_rng" in backup:
            seed_generator.global_seed_generator().state.assign(backup["global_rng"])
        if "data_seed" in backup:
            self.model._resume_data_seed = int(backup["data_seed"])
        # The loop already read the Variables (JAX keeps its state outside them): re-read.
        loop_state.refresh_loop_state(self.model)
        self.model._resume_epoch = int(backup["epoch"])
        self.model._resume_step = int(backup["step"])
        self._last_position = (int(backup["epoch"]), int(backup["step"]))

    def get_config(self):
        return {
            "backup_dir": self.backup_dir,
            "save_freq": self.save_freq,
            "double_checkpoint": self.double_checkpoint,
            "delete_checkpoint": self.delete_checkpoint,
        }


def _numbered(backup, prefix):
    count = sum(1 for k in backup if k.startswith(prefix))
    return [backup[f"{prefix}{i}"] for i in range(count)]


def _random_state_variables(model):
    """The model's Variables that are not weights: its SeedGenerators' states."""
    weights = {id(w) for w in model.weights}
    return [v for v in model.variables if id(v) not in weights]


def _data_order_seed(model):
    """The seed that orders the shuffled training data of the running fit, if it shuffles."""
    iterator = getattr(model, "_fit_iterator", None)
    if iterator is None or not getattr(iterator.adapter, "shuffle", False):
        return None
    return iterator.seed


def _optimizer_variables(model):
    """The optimizer's Variables (building it first if `fit` has not yet)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return []
    if not optimizer.built:
        optimizer.build(model.trainable_variables)
    return list(optimizer.variables)
