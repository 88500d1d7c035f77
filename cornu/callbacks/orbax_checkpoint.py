"""`OrbaxCheckpoint`: saves the model's weights and optimizer state with Orbax during training.

The state is written as a pytree of NumPy arrays, so the checkpoints are the same on every
backend: `{"model_variables": [...], "optimizer_variables": [...]}`, lists in the order of
`model.weights` and `model.optimizer.variables`.
"""

import os

import numpy as np

from cornu.callbacks import loop_state
from cornu.callbacks import monitor as monitoring
from cornu.callbacks._files import ensure_writable_folder
from cornu.callbacks.callback import Callback


def _import_orbax():
    """orbax.checkpoint, imported on first use."""
    try:
        import orbax.checkpoint as ocp
    except ImportError as e:
        raise ImportError(
            "OrbaxCheckpoint needs orbax-checkpoint, which is not installed: "
            "`pip install orbax-checkpoint` (or `pip install cornu[orbax]`)."
        ) from e
    return ocp


class OrbaxCheckpoint(Callback):
    """Saves the model's weights (and optimizer state) with Orbax every epoch or N batches.

    Each checkpoint is a step folder in `directory`: the epoch index with
    `save_freq="epoch"`, the number of batches trained so far with an int `save_freq`.
    Restore one with `load_checkpoint`.

    Args:
        directory: the folder of the checkpoints (created if missing).
        monitor: the log `save_best_only` compares.
        verbose: 1 prints a line per save.
        save_best_only: only save when `monitor` improves on the best value so far.
        mode: "min", "max" or "auto".
        save_freq: "epoch", or an int: save every that many batches.
        initial_value_threshold: the value `monitor` must first beat with `save_best_only`.
        max_to_keep: how many of the newest checkpoints to keep (None keeps all).
        save_on_background: write in a background thread while training goes on.
        save_weights_only: save only the model's variables, not the optimizer's.

    Example:

    ```python
    callback = cornu.callbacks.OrbaxCheckpoint("/tmp/ckpt", max_to_keep=2)
    model.fit(x, y, epochs=3, callbacks=[callback])
    callback.load_checkpoint(model=fresh_model)  # the newest checkpoint
    ```
    """

    def __init__(
        self,
        directory,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
        max_to_keep=1,
        save_on_background=True,
        save_weights_only=False,
    ):
        super().__init__()
        loop_state.check_save_freq("OrbaxCheckpoint", save_freq)
        if max_to_keep is not None and (
            not isinstance(max_to_keep, int) or isinstance(max_to_keep, bool) or max_to_keep < 1
        ):
            raise ValueError(
                "OrbaxCheckpoint: `max_to_keep` must be a positive int or None; received "
                f"max_to_keep={max_to_keep!r}."
            )
        self.directory = os.path.abspath(os.fspath(directory))
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.mode = monitoring.check_mode("OrbaxCheckpoint", mode)
        self._direction = None
        self.save_freq = save_freq
        self.initial_value_threshold = initial_value_threshold
        self.best = None if initial_value_threshold is None else float(initial_value_threshold)
        self.max_to_keep = max_to_keep
        self.save_on_background = save_on_background
        self.save_weights_only = save_weights_only
        self._checkpoint_manager = None
        self._batches_seen = 0

    # -- the Orbax manager -----------------------------------------------------------------

    def _manager(self):
        if self._checkpoint_manager is None:
            ocp = _import_orbax()
            options = ocp.CheckpointManagerOptions(
                max_to_keep=self.max_to_keep,
                enable_async_checkpointing=bool(self.save_on_background),
            )
            self._checkpoint_manager = ocp.CheckpointManager(self.directory, options=options)
        return self._checkpoint_manager

    def wait_until_finished(self):
        """Blocks until background saves have been written."""
        if self._checkpoint_manager is not None:
            self._checkpoint_manager.wait_until_finished()

    def all_steps(self):
        """The steps of the checkpoints in `directory`, oldest first."""
        self.wait_until_finished()
        return sorted(self._manager().all_steps())

    def latest_step(self):
        """The newest checkpoint's step, or None if there is none."""
        steps = self.all_steps()
        return steps[-1] if steps else None

    # -- hooks -----------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        ensure_writable_folder(self.directory, "OrbaxCheckpoint", "directory")
        self._batches_seen = 0
        self._manager()

    def on_train_batch_end(self, batch, logs=None):
        if loop_state.batch_save_due(self):
            self._maybe_save(self._batches_seen, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._maybe_save(epoch, logs)

    def on_train_end(self, logs=None):
        self.wait_until_finished()

    # -- saving and restoring --------------------------------------------------------------

    def _maybe_save(self, step, logs):
        if self.save_best_only:
            direction = monitoring.direction(self, "OrbaxCheckpoint")
            current = monitoring.read(self, logs, "OrbaxCheckpoint's save_best_only")
            if current is None:
                return
            if not monitoring.is_improvement(direction, current, self.best):
                if self.verbose > 0:
                    print(f"\nOrbaxCheckpoint: {self.monitor} did not improve from {self.best}.")
                return
            if self.verbose > 0:
                print(f"\nOrbaxCheckpoint: {self.monitor} improved from {self.best} to {current}.")
            self.best = current
        self.save_checkpoint(step)

    def _state(self):
        # Owned copies: a background save must not see the next steps' in-place updates.
        state = {"model_variables": [np.array(w, copy=True) for w in self.model.get_weights()]}
        optimizer = getattr(self.model, "optimizer", None)
        if not self.save_weights_only and optimizer is not None and optimizer.built:
            state["optimizer_variables"] = [
                np.array(np.asarray(v), copy=True) for v in optimizer.variables
            ]
        return state

    def save_checkpoint(self, step):
        """Saves the model's state now as checkpoint `step` (replacing one of that step)."""
        ocp = _import_orbax()
        manager = self._manager()
        step = int(step)
        manager.wait_until_finished()
        if step in manager.all_steps():
            manager.delete(step)
        if self.verbose > 0:
            print(f"\nOrbaxCheckpoint: saving step {step} to {self.directory}")
        manager.save(step, args=ocp.args.StandardSave(self._state()), force=True)

    def load_checkpoint(self, step=None, model=None):
        """Restores checkpoint `step` (default: the newest) into `model` (default: the model
        being trained); the optimizer state too when the checkpoint has it.

        Returns:
            The step restored.
        """
        ocp = _import_orbax()
        model = model if model is not None else self.model
        if model is None:
            raise ValueError(
                "OrbaxCheckpoint.load_checkpoint: pass `model=` (no model is attached yet)."
            )
        steps = self.all_steps()
        if not steps:
            raise FileNotFoundError(
                f"OrbaxCheckpoint: there is no checkpoint in directory={self.directory!r}."
            )
        step = steps[-1] if step is None else int(step)
        if step not in steps:
            raise ValueError(
                f"OrbaxCheckpoint: no checkpoint of step {step} in {self.directory!r}; "
                f"available steps: {steps}."
            )
        state = self._manager().restore(step, args=ocp.args.StandardRestore())
        weights = [np.asarray(w) for w in state["model_variables"]]
        expected = [np.shape(w) for w in model.get_weights()]
        if [w.shape for w in weights] != expected:
            raise ValueError(
                f"OrbaxCheckpoint: checkpoint {step} in {self.directory!r} holds weights of "
                f"shapes {[w.shape for w in weights]}, but the model has {expected}."
            )
        model.set_weights(weights)
        optimizer = getattr(model, "optimizer", None)
        if "optimizer_variables" in state and optimizer is not None:
            if not optimizer.built:
                optimizer.build(model.trainable_variables)
            values = state["optimizer_variables"]
            if len(values) != len(optimizer.variables):
                raise ValueError(
                    f"OrbaxCheckpoint: checkpoint {step} holds {len(values)} optimizer "
                    f"variables, but the model's optimizer has {len(optimizer.variables)}."
                )
            for variable, value in zip(optimizer.variables, values):
                variable.assign(np.asarray(value))
        loop_state.refresh_loop_state(model)
        return step

    def get_config(self):
        return {
            "directory": self.directory,
            "monitor": self.monitor,
            "verbose": self.verbose,
            "save_best_only": self.save_best_only,
            "mode": self.mode,
            "save_freq": self.save_freq,
            "initial_value_threshold": self.initial_value_threshold,
            "max_to_keep": self.max_to_keep,
            "save_on_background": self.save_on_background,
            "save_weights_only": self.save_weights_only,
        }
