"""The JAX training step: a pure function of (trainable, non-trainable, optimizer, metrics)
variable values, compiled with `jax.jit`. While a loop runs, the model's state lives in
`self._jax_state`; it is written back to the Variables at the end of each epoch and loop."""

import jax
import jax.numpy as jnp

from cornu.backend.common.scopes import StatelessScope
from cornu.trainers.data_adapters import unpack
from cornu.trainers.trainer import Trainer as BaseTrainer
from cornu.utils.data_packing import pack_x_y_sample_weight


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


class Trainer(BaseTrainer):
    def compute_loss_and_updates(
        self, trainable_variables, non_trainable_variables, metrics_variables, x, y,
        sample_weight, training=False,
    ):  # fmt: skip
        """The loss and the new state of a forward pass, as a pure function (for jax.grad)."""
        mapping = (
            list(zip(self.trainable_variables, trainable_variables))
            + list(zip(self.non_trainable_variables, non_trainable_variables))
            + list(zip(self.metrics_variables, metrics_variables))
        )
        with StatelessScope(mapping, collect_losses=True) as scope:
            y_pred = self(x, training=training)
            loss = self._call_compute_loss(x, y, y_pred, sample_weight, training)
            self._update_loss_tracker(loss, x)
        non_trainable = _updated(scope, self.non_trainable_variables, non_trainable_variables)
        metrics = _updated(scope, self.metrics_variables, metrics_variables)
        return loss, (y_pred, non_trainable, metrics)

    def _metrics_logs(self, metrics_variables, x, y, y_pred, sample_weight):
        with StatelessScope(list(zip(self.metrics_variables, metrics_variables))) as scope:
            logs = self.compute_metrics(x, y, y_pred, sample_weight)
        return logs, _updated(scope, self.metrics_variables, metrics_variables)

    def _scaled_loss_and_updates(
        self, trainable, non_trainable, metrics_vars, optimizer_vars, x, y, sample_weight
    ):
        """`compute_loss_and_updates` with the loss scaled by the optimizer (a
        LossScaleOptimizer's scale is read from `optimizer_vars`, not a traced constant)."""
        loss, aux = self.compute_loss_and_updates(
            trainable, non_trainable, metrics_vars, x, y, sample_weight, training=True
        )
        if self.optimizer is not None:
            with StatelessScope(list(zip(self.optimizer.variables, optimizer_vars))):
                loss = self.optimizer.scale_loss(loss)
        return loss, aux

    def train_step(self, state, data):
        """One pure step: `(logs, new_state)` from `state` and a batch."""
        trainable, non_trainable, optimizer_vars, metrics_vars = state
        x, y, sample_weight = unpack(data)
        grad_fn = jax.value_and_grad(self._scaled_loss_and_updates, has_aux=True)
        (loss, (y_pred, non_trainable, metrics_vars)), grads = grad_fn(
            trainable, non_trainable, metrics_vars, optimizer_vars, x, y, sample_weight
        )
        if trainable:
            trainable, optimizer_vars = self.optimizer.stateless_apply(
                optimizer_vars, grads, trainable
            )
        logs, metrics_vars = self._metrics_logs(metrics_vars, x, y, y_pred, sample_weight)
        return logs, (trainable, non_trainable, optimizer_vars, metrics_vars)

    def test_step(self, state, data):
        trainable, non_trainable, metrics_vars = state
        x, y, sample_weight = unpack(data)
        loss, (y_pred, non_trainable, metrics_vars) = self.compute_loss_and_updates(
            trainable, non_trainable, metrics_vars, x, y, sample_weight, training=False
        )
        logs, metrics_vars = self._metrics_logs(metrics_vars, x, y, y_pred, sample_weight)
        return logs, (trainable, non_trainable, metrics_vars)

    def predict_step(self, state, data):
        """`(outputs, non_trainable_values)` from `(trainable, non_trainable)` and a batch (the
        trainable values cannot change, so only the others come back, as in Keras)."""
        trainable, non_trainable = state
        x, _, _ = unpack(data)
        outputs, non_trainable = self.stateless_call(trainable, non_trainable, x, training=False)
        return outputs, non_trainable

    # -- compiled functions and the state they carry -------------------------------------

    def _convert_batch(self, x, y, sample_weight):
        if self.run_eagerly:
            return super()._convert_batch(x, y, sample_weight)
        # NumPy batches go straight into the jitted step, which transfers them itself.
        return pack_x_y_sample_weight(x, y, sample_weight)

    def _jit(self, step):
        return step if self.run_eagerly else jax.jit(step)

    def _prepare(self, data):
        x, y, _ = unpack(data)
        if y is not None and not self._compile_metrics_ready():
            self._build_compile_metrics(y, self(x, training=False))
            # The metrics now have variables: re-read the state to include them.
            mode = self._mode
            self._loop_end(mode)
            self._loop_begin(mode)

    def _compile_metrics_ready(self):
        metrics, loss = self._compile_metrics, self._compile_loss
        return (metrics is None or metrics.built) and (loss is None or loss.built)

    def _make_train_function(self):
        if self.train_function is None:
            if not self.optimizer.built:
                self.optimizer.build(self.trainable_variables)
            # The state (argument 0) is donated: XLA updates the weights and optimizer slots in
            # place instead of allocating new buffers every step.
            step = self.train_step
            if not self.run_eagerly:
                step = jax.jit(step, donate_argnums=0)

            def run(data):
                if not self._compile_metrics_ready():
                    self._prepare(data)
                logs, self._jax_state = step(self._jax_state, data)
                return logs

            self.train_function = run
        return self.train_function

    def _make_test_function(self):
        if self.test_function is None:
            step = self._jit(self.test_step)

            def run(data):
                self._prepare(data)
                logs, self._jax_state = step(self._jax_state, data)
                return logs

            self.test_function = run
        return self.test_function

    def _make_predict_function(self):
        if self.predict_function is None:
            step = self._jit(self.predict_step)

            def run(data):
                outputs, non_trainable = step(self._jax_state, data)
                self._jax_state = (self._jax_state[0], non_trainable)
                return outputs

            self.predict_function = run
        return self.predict_function

    def _loop_begin(self, mode):
        # Loops nest (validation runs inside fit): keep the outer loop's mode and state.
        self.__dict__.setdefault("_loop_stack", []).append(
            (getattr(self, "_mode", None), getattr(self, "_jax_state", None))
        )
        self._mode = mode
        self._jax_state = self._read_state(mode)

    def _read_state(self, mode):
        """The loop state of `mode` read from the Variables."""
        trainable = _values(self.trainable_variables)
        non_trainable = _values(self.non_trainable_variables)
        if mode == "train":
            return (
                trainable, non_trainable, _values(self.optimizer.variables),
                _values(self.metrics_variables),
            )  # fmt: skip
        if mode == "test":
            return (trainable, non_trainable, _values(self.metrics_variables))
        return (trainable, non_trainable)

    def _loop_refresh(self):
        mode = getattr(self, "_mode", None)
        if mode is not None and getattr(self, "_jax_state", None) is not None:
            self._jax_state = self._read_state(mode)

    def _loop_reset_metrics(self):
        state = getattr(self, "_jax_state", None)
        if state is not None and self._mode in ("train", "test"):
            self._jax_state = state[:-1] + (_values(self.metrics_variables),)

    def _loop_sync(self):
        state = getattr(self, "_jax_state", None)
        if state is None:
            return
        groups = [self.trainable_variables, self.non_trainable_variables]
        if self._mode == "train":
            groups += [self.optimizer.variables, self.metrics_variables]
        elif self._mode == "test":
            groups += [self.metrics_variables]
        for variables, values in zip(groups, state):
            for v, value in zip(variables, values):
                v.assign(jnp.copy(value))  # (the next step donates `value`)

    def _loop_end(self, mode):
        self._loop_sync()
        self._mode, self._jax_state = self._loop_stack.pop()
