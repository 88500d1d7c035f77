"""`StepsBase`: what a backend's training steps provide to `cornu.trainers.Trainer`.

The one `Trainer` (cornu/trainers/trainer.py) owns the loops of `fit`, `evaluate` and
`predict`; each backend's `trainer.py` defines a `Steps(StepsBase)` with how one batch is
trained, tested and predicted there. The Trainer makes one per model, `Steps(model, unpack)`,
and composes it:

- the methods named in `MODEL_METHODS` become the model's public methods, with these
  signatures (`train_step(data)`; JAX: `train_step(state, data)` and
  `compute_loss_and_updates(...)`), so a subclass overrides them and calls `super()` as in
  Keras;
- `make_train_function()` (and test, predict) give the loop a function of one batch. They
  call the *model's* steps, so the user's overrides run;
- `loop_begin(mode)`, `loop_end(mode)`, `loop_sync()`, `loop_refresh()` and
  `loop_reset_metrics()` let a backend keep the model's state outside its Variables while a
  loop runs (JAX), and `takes_host_batches()` lets the step receive NumPy batches.

A step reaches the model only through its public and trainer methods (`model(x)`,
`compute_loss`, `compute_metrics`, `optimizer`, ...), so this floor imports nothing above it;
`unpack` (`data -> (x, y, sample_weight)`) is handed in by the Trainer.
"""


class StepsBase:
    """Eager steps without gradients; each backend's `Steps` subclasses it.

    Args:
        model: the Model the steps run.
        unpack: `data -> (x, y, sample_weight)`, the Trainer's batch convention.
    """

    MODEL_METHODS = ("train_step", "test_step", "predict_step")

    def __init__(self, model, unpack):
        self.model = model
        self.unpack = unpack

    # -- the model's steps (public on the model: see MODEL_METHODS) ----------------------

    def train_step(self, data):
        raise NotImplementedError(f"{type(self).__name__} defines no train_step.")

    def test_step(self, data):
        """Forward pass, loss and metrics on one batch; returns the logs."""
        model = self.model
        x, y, sample_weight = self.unpack(data)
        y_pred = model(x, training=False)
        loss = model._call_compute_loss(x, y, y_pred, sample_weight, training=False)
        model._update_loss_tracker(loss, x)
        return model.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs on one batch."""
        x, _, _ = self.unpack(data)
        return self.model(x, training=False)

    # -- what the loops run ----------------------------------------------------------------

    def make_train_function(self):
        return self.model.train_step

    def make_test_function(self):
        return self.model.test_step

    def make_predict_function(self):
        return self.model.predict_step

    def takes_host_batches(self):
        """Whether the step functions take NumPy batches (and transfer them themselves)."""
        return False

    # -- state kept outside the Variables while a loop runs (nothing by default) -----------

    def loop_begin(self, mode):
        pass

    def loop_end(self, mode):
        pass

    def loop_sync(self):
        """Writes a running loop's state to the Variables."""

    def loop_refresh(self):
        """Re-reads the Variables into a running loop's state, after callbacks changed them."""

    def loop_reset_metrics(self):
        pass
