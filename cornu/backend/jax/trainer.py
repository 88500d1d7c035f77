"""The JAX training step: a pure function of (trainable, non-trainable, optimizer, metrics)
variable values, compiled with `jax.jit`. While a loop runs, the model's state lives in the
steps' `state`; it is written back to the Variables at the end of each epoch and loop.

Under a `cornu.distribution` distribution the state's arrays carry their variables' shardings
and each batch is split over the batch axis (`cornu.backend.jax.distribution`); the same jitted
steps then run SPMD over the device mesh."""

import contextlib

import jax
import jax.numpy as jnp

from cornu.backend.common import distribution_state
from cornu.backend.common.scopes import StatelessScope
from cornu.backend.common.steps import StepsBase
from cornu.backend.jax import distribution as jax_distribution


def _values(variables):
    """Fresh copies of the variables' values: the train step donates its state buffers to
    XLA (updated in place), so the loop state never shares a buffer with a Variable."""
    return [jnp.copy(v.value) for v in variables]


def _updated(scope, variables, given):
    out = []
    for v, value in zip(variables, given):
        new = scope.get_current_value(v)
        out.append(value if new is None else new)
    return out


class Steps(StepsBase):
    """Pure steps of `state -> (logs, new state)`, as Keras's JAX trainer writes them."""

    MODEL_METHODS = StepsBase.MODEL_METHODS + ("compute_loss_and_updates",)

    def __init__(self, model, unpack):
        super().__init__(model, unpack)
        self.state = None  # the running loop's variable values
        self._mode = None  # the running loop's mode ("train", "test", "predict")
        self._outer = []  # (mode, state) of the loops this one runs inside

    # -- the model's steps -----------------------------------------------------------------

    def compute_loss_and_updates(
        self, trainable_variables, non_trainable_variables, metrics_variables, x, y,
        sample_weight, training=False,
    ):  # fmt: skip
        """The loss and the new state of a forward pass, as a pure function (for jax.grad)."""
        model = self.model
        mapping = (
            list(zip(model.trainable_variables, trainable_variables))
            + list(zip(model.non_trainable_variables, non_trainable_variables))
            + list(zip(model.metrics_variables, metrics_variables))
        )
        with StatelessScope(mapping, collect_losses=True) as scope:
            y_pred = model(x, training=training)
            loss = model._call_compute_loss(x, y, y_pred, sample_weight, training)
            model._update_loss_tracker(loss, x)
        non_trainable = _updated(scope, model.non_trainable_variables, non_trainable_variables)
        metrics = _updated(scope, model.metrics_variables, metrics_variables)
        return loss, (y_pred, non_trainable, metrics)

    def _metrics_logs(self, metrics_variables, x, y, y_pred, sample_weight):
        model = self.model
        with StatelessScope(list(zip(model.metrics_variables, metrics_variables))) as scope:
            logs = model.compute_metrics(x, y, y_pred, sample_weight)
        return logs, _updated(scope, model.metrics_variables, metrics_variables)

    def _scaled_loss_and_updates(
        self, trainable, non_trainable, metrics_vars, optimizer_vars, x, y, sample_weight
    ):
        """The model's `compute_loss_and_updates` with the loss scaled by the optimizer (a
        LossScaleOptimizer's scale is read from `optimizer_vars`, not a traced constant)."""
        model = self.model
        loss, aux = model.compute_loss_and_updates(
            trainable, non_trainable, metrics_vars, x, y, sample_weight, training=True
        )
        if model.optimizer is not None:
            with StatelessScope(list(zip(model.optimizer.variables, optimizer_vars))):
                loss = model.optimizer.scale_loss(loss)
        return loss, aux

    def train_step(self, state, data):
        """One pure step: `(logs, new_state)` from `state` and a batch."""
        trainable, non_trainable, optimizer_vars, metrics_vars = state
        x, y, sample_weight = self.unpack(data)
        grad_fn = jax.value_and_grad(self._scaled_loss_and_updates, has_aux=True)
        (loss, (y_pred, non_trainable, metrics_vars)), grads = grad_fn(
            trainable, non_trainable, metrics_vars, optimizer_vars, x, y, sample_weight
        )
        if trainable:
            trainable, optimizer_vars = self.model.optimizer.stateless_apply(
                optimizer_vars, grads, trainable
            )
        logs, metrics_vars = self._metrics_logs(metrics_vars, x, y, y_pred, sample_weight)
        return logs, (trainable, non_trainable, optimizer_vars, metrics_vars)

    def test_step(self, state, data):
        trainable, non_trainable, metrics_vars = state
        x, y, sample_weight = self.unpack(data)
        loss, (y_pred, non_trainable, metrics_vars) = self.model.compute_loss_and_updates(
            trainable, non_trainable, metrics_vars, x, y, sample_weight, training=False
        )
        logs, metrics_vars = self._metrics_logs(metrics_vars, x, y, y_pred, sample_weight)
        return logs, (trainable, non_trainable, metrics_vars)

    def predict_step(self, state, data):
        """`(outputs, non_trainable_values)` from `(trainable, non_trainable)` and a batch (the
        trainable values cannot change, so only the others come back, as in Keras)."""
        trainable, non_trainable = state
        x, _, _ = self.unpack(data)
        outputs, non_trainable = self.model.stateless_call(
            trainable, non_trainable, x, training=False
        )
        return outputs, non_trainable

    # -- distribution: where the state and the batches live --------------------------------

    def _distributed(self, variables, values):
        """`values` placed with their variables' layouts when a distribution is set; an
        optimizer slot follows the variable it was made for."""
        distribution = distribution_state.get()
        if distribution is None:
            return values
        references = self._slot_references()
        placed = []
        for v, value in zip(variables, values):
            v = references.get(id(v), v)
            layout = v._layout if v._layout is not None else distribution.get_variable_layout(v)
            placed.append(jax_distribution.distribute_variable(value, layout))
        return placed

    def _slot_references(self):
        """`id(slot) -> trainable variable` for the optimizer's slots, found by name:
        `add_variable_from_reference` names a slot after its variable's path
        ("dense_kernel_momentum" for "dense/kernel"); the longest matching path of the same
        shape wins."""
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not getattr(optimizer, "built", False):
            return {}
        by_prefix = {v.path.replace("/", "_"): v for v in self.model.trainable_variables}
        found = {}
        for slot in optimizer.variables:
            parts = slot.name.split("_")
            for end in range(len(parts) - 1, 0, -1):
                variable = by_prefix.get("_".join(parts[:end]))
                if variable is not None and tuple(variable.shape) == tuple(slot.shape):
                    found[id(slot)] = variable
                    break
        return found

    def _distribute_batch(self, data):
        distribution = distribution_state.get()
        if distribution is None:
            return data

        def place(x):
            if not hasattr(x, "shape"):
                return x
            layout = distribution.get_data_layout(x.shape)
            return jax_distribution.distribute_data_input(x, layout, distribution.batch_dim_name)

        return jax.tree_util.tree_map(place, data)

    def _finish_step(self, outputs):
        """Waits for a step on a CPU device mesh (see `blocks_each_step`)."""
        distribution = distribution_state.get()
        if distribution is not None and jax_distribution.blocks_each_step(distribution.device_mesh):
            jax.block_until_ready(outputs)
        return outputs

    # -- compiled functions and the state they carry ---------------------------------------

    def takes_host_batches(self):
        # NumPy batches go straight into the jitted step, which transfers them itself.
        return not self.model.run_eagerly

    def _jit(self, step):
        return step if self.model.run_eagerly else jax.jit(step)

    def _prepare(self, data):
        model = self.model
        x, y, _ = self.unpack(data)
        if y is not None and not self._compile_metrics_ready():
            model._build_compile_metrics(y, model(x, training=False))
            # The metrics now have variables: re-read the state to include them.
            mode = self._mode
            self.loop_end(mode)
            self.loop_begin(mode)

    def _compile_metrics_ready(self):
        metrics, loss = self.model._compile_metrics, self.model._compile_loss
        return (metrics is None or metrics.built) and (loss is None or loss.built)

    def make_train_function(self):
        model = self.model
        if model.train_function is None:
            if not model.optimizer.built:
                # Slots are placed by the loop state with their variable's layout (see
                # `_layout_of`), not matched against a LayoutMap by their own names.
                with _no_distribution():
                    model.optimizer.build(model.trainable_variables)
            # The state (argument 0) is donated: XLA updates the weights and optimizer slots in
            # place instead of allocating new buffers every step.
            step = model.train_step
            if not model.run_eagerly:
                step = jax.jit(step, donate_argnums=0)

            def run(data):
                data = self._distribute_batch(data)
                if not self._compile_metrics_ready():
                    self._prepare(data)
                logs, self.state = step(self.state, data)
                return self._finish_step(logs)

            model.train_function = run
        return model.train_function

    def make_test_function(self):
        model = self.model
        if model.test_function is None:
            step = self._jit(model.test_step)

            def run(data):
                data = self._distribute_batch(data)
                self._prepare(data)
                logs, self.state = step(self.state, data)
                return self._finish_step(logs)

            model.test_function = run
        return model.test_function

    def make_predict_function(self):
        model = self.model
        if model.predict_function is None:
            step = self._jit(model.predict_step)

            def run(data):
                outputs, non_trainable = step(self.state, self._distribute_batch(data))
                self.state = (self.state[0], self._finish_step(non_trainable))
                if distribution_state.num_processes() > 1:
                    outputs = jax.tree_util.tree_map(jax_distribution.gather_to_host, outputs)
                return outputs

            model.predict_function = run
        return model.predict_function

    def loop_begin(self, mode):
        # Loops nest (validation runs inside fit): keep the outer loop's mode and state.
        self._outer.append((self._mode, self.state))
        self._mode = mode
        self.state = self._read_state(mode)

    def _read_state(self, mode):
        """The loop state of `mode` read from the Variables."""
        model = self.model
        groups = [model.trainable_variables, model.non_trainable_variables]
        if mode == "train":
            groups += [model.optimizer.variables, model.metrics_variables]
        elif mode == "test":
            groups += [model.metrics_variables]
        return tuple(self._distributed(vs, _values(vs)) for vs in groups)

    def loop_refresh(self):
        if self._mode is not None and self.state is not None:
            self.state = self._read_state(self._mode)

    def loop_reset_metrics(self):
        if self.state is not None and self._mode in ("train", "test"):
            metrics = self.model.metrics_variables
            self.state = self.state[:-1] + (self._distributed(metrics, _values(metrics)),)

    def loop_sync(self):
        if self.state is None:
            return
        model = self.model
        groups = [model.trainable_variables, model.non_trainable_variables]
        if self._mode == "train":
            groups += [model.optimizer.variables, model.metrics_variables]
        elif self._mode == "test":
            groups += [model.metrics_variables]
        for variables, values in zip(groups, self.state):
            for v, value in zip(variables, self._distributed(variables, values)):
                v.assign(jnp.copy(value))  # (the next step donates `value`)

    def loop_end(self, mode):
        self.loop_sync()
        self._mode, self.state = self._outer.pop()


@contextlib.contextmanager
def _no_distribution():
    previous = distribution_state.get()
    distribution_state.set(None)
    try:
        yield
    finally:
        distribution_state.set(previous)
