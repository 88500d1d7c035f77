"""`ModelCheckpoint`: saves the model (or its weights) during training."""

import os
import string

import numpy as np

from cornu.backend.common import distribution_state
from cornu.callbacks import loop_state
from cornu.callbacks import monitor as monitoring
from cornu.callbacks.callback import Callback


def _static_dir(filepath):
    """The part of `filepath`'s folder before any `{...}` template field."""
    folder = os.path.dirname(filepath)
    cut = folder.find("{")
    if cut >= 0:
        folder = os.path.dirname(folder[:cut] + "x")
    return folder


class ModelCheckpoint(Callback):
    """Saves the model or its weights at each epoch's end or every `save_freq` batches.

    Args:
        filepath: where to save; may hold `str.format` fields filled from `epoch` (from 1),
            `batch` (from 1, with an int `save_freq`) and the logs, e.g.
            "ckpt-{epoch:02d}-{val_loss:.2f}.keras". Must end in ".keras" (or ".h5"), or in
            ".weights.h5" with `save_weights_only`.
        monitor: the log `save_best_only` compares.
        verbose: 1 prints a line per save.
        save_best_only: only save when `monitor` improves on the best value so far.
        save_weights_only: save only the weights (`model.save_weights`).
        mode: "min", "max" or "auto".
        save_freq: "epoch", or an int: save every that many batches.
        initial_value_threshold: the value `monitor` must first beat with `save_best_only`.

    In a multi-process job only process 0 writes (every process holds the same weights).
    """

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
    ):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.mode = monitoring.check_mode("ModelCheckpoint", mode)
        self._direction = None
        loop_state.check_save_freq("ModelCheckpoint", save_freq)
        self.save_freq = save_freq
        self.initial_value_threshold = initial_value_threshold
        self.best = None if initial_value_threshold is None else float(initial_value_threshold)
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    "ModelCheckpoint: with save_weights_only=True the filepath must end in "
                    f"'.weights.h5'; received filepath={self.filepath!r}."
                )
        elif not (self.filepath.endswith(".keras") or self.filepath.endswith(".h5")):
            raise ValueError(
                "ModelCheckpoint: the filepath must end in '.keras' (or '.weights.h5' with "
                f"save_weights_only=True); received filepath={self.filepath!r}."
            )
        self._fields = [f for _, f, _, _ in string.Formatter().parse(self.filepath) if f]
        self._batches_seen = 0
        self._current_epoch = 0

    def on_train_begin(self, logs=None):
        self._batches_seen = 0
        if not distribution_state.is_chief():
            return
        folder = _static_dir(self.filepath)
        if folder:
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError as e:
                raise OSError(
                    f"ModelCheckpoint cannot create the folder {folder!r} for "
                    f"filepath={self.filepath!r}: {e}"
                ) from e
        target = folder or "."
        if not os.access(target, os.W_OK):
            raise PermissionError(
                f"ModelCheckpoint cannot write to the folder {target!r} "
                f"(filepath={self.filepath!r})."
            )

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if loop_state.batch_save_due(self):
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _file_path(self, epoch, batch, logs):
        values = {k: float(np.asarray(v)) for k, v in logs.items()}
        values["epoch"] = epoch + 1
        if batch is not None:
            values["batch"] = batch + 1
        try:
            return self.filepath.format(**values)
        except KeyError as e:
            raise KeyError(
                f"ModelCheckpoint: the filepath template {self.filepath!r} uses the key "
                f"{e.args[0]!r}, which is not available; available keys: "
                f"{', '.join(sorted(values))}."
            ) from None
        except (IndexError, ValueError) as e:
            raise ValueError(
                f"ModelCheckpoint: cannot format the filepath template {self.filepath!r}: {e}"
            ) from None

    def _save(self, epoch, batch, logs):
        logs = dict(logs or {})
        path = self._file_path(epoch, batch, logs)  # (a bad template fails on every process)
        if not distribution_state.is_chief():
            return
        if self.save_best_only:
            if not self._should_save(epoch, path, logs):
                return
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path, overwrite=True)
        else:
            self.model.save(path, overwrite=True)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {path}")

    def _should_save(self, epoch, path, logs):
        """With save_best_only: whether `monitor` improved (printing why when verbose). A
        missing monitor warns and saves anyway, so a typo does not lose every checkpoint."""
        direction = monitoring.direction(self, "ModelCheckpoint")
        current = monitoring.read(self, logs, "Saving only the best model")
        if current is None:
            return True
        if not monitoring.is_improvement(direction, current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
            return False
        if self.verbose > 0:
            best = "None" if self.best is None else f"{self.best:.5f}"
            print(
                f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}, "
                f"saving model to {path}"
            )
        self.best = current
        return True
