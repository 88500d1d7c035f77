"""LossScaleOptimizer: dynamic loss scaling around another optimizer (for float16 training)."""

from cornu import initializers, ops
from cornu.optimizers.optimizer import Optimizer


def _optimizers():
    # cornu.optimizers imports this module (its get/serialize/deserialize table lists
    # LossScaleOptimizer): import the package when it is used, not at load.
    from cornu import optimizers

    return optimizers


class LossScaleOptimizer(Optimizer):
    """Scales the loss up so small float16 gradients do not underflow, and adapts the scale.

    Use `scale_loss(loss)` before differentiating; `apply` divides the gradients by the scale.
    When every gradient is finite the inner optimizer steps, and after
    `dynamic_growth_steps` such steps in a row the scale doubles. When any gradient is
    inf/NaN the step is skipped (no variable changes) and the scale halves.

    Args:
        inner_optimizer: the optimizer that applies the unscaled gradients.
        initial_scale: the starting loss scale.
        dynamic_growth_steps: finite steps between doublings of the scale.
    """

    def __init__(
        self,
        inner_optimizer,
        initial_scale=2.0**15,
        dynamic_growth_steps=2000,
        name=None,
        **kwargs,
    ):
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer only supports dynamic loss scaling (dynamic=True); for a "
                "fixed scale use the `loss_scale_factor` argument of the optimizer."
            )
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(
                "LossScaleOptimizer: `inner_optimizer` must be an Optimizer; received "
                f"{type(inner_optimizer).__name__}."
            )
        if not isinstance(dynamic_growth_steps, int) or dynamic_growth_steps < 1:
            raise ValueError(
                "LossScaleOptimizer: `dynamic_growth_steps` must be an int >= 1; received "
                f"{dynamic_growth_steps!r}."
            )
        super().__init__(learning_rate=0.0, name=name, **kwargs)
        # Its `iterations` and `learning_rate` are the inner optimizer's. Its own two
        # Variables stay (unused, 0) at the head of `variables`, as in Keras's saved files.
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.step_counter = self.add_variable(
            (), initializer="zeros", dtype="int32", aggregation="only_first_replica",
            name="step_counter",
        )  # fmt: skip
        self.dynamic_scale = self.add_variable(
            (), initializer=initializers.Constant(self.initial_scale), dtype="float32",
            aggregation="only_first_replica", name="dynamic_scale",
        )  # fmt: skip
        self.inner_optimizer.build(var_list)

    @property
    def variables(self):
        """Its (unused) iteration and learning rate, step_counter, dynamic_scale, then the
        inner optimizer's variables."""
        return list(self._variables) + self.inner_optimizer.variables

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    def scale_loss(self, loss):
        """`loss` times the current scale (the initial scale before the first build)."""
        loss = ops.convert_to_tensor(loss)
        scale = self.dynamic_scale.value if self.built else self.initial_scale
        return loss * ops.cast(scale, loss.dtype)

    def _apply(self, grads, trainable_variables):
        trainable_variables = self._variables_to_update(trainable_variables)
        self._build_once(trainable_variables)
        pairs = [(g, v) for g, v in zip(grads, trainable_variables) if g is not None]
        grads = [ops.convert_to_tensor(g) for g, _ in pairs]
        variables = [v for _, v in pairs]
        finite = None
        for grad in grads:
            ok = ops.all(ops.isfinite(grad))
            finite = ok if finite is None else ops.logical_and(finite, ok)
        scale = self.dynamic_scale.value
        unscaled = [g / ops.cast(scale, g.dtype) for g in grads]
        # Compute the inner step, then keep it only when every gradient was finite.
        guarded = variables + self.inner_optimizer.variables
        before = [ops.copy(v.value) for v in guarded]
        self.inner_optimizer._apply(unscaled, variables)
        for variable, old in zip(guarded, before):
            variable.assign(ops.where(finite, variable.value, old))

        counter = self.step_counter.value + 1
        grow = ops.logical_and(finite, ops.greater_equal(counter, self.dynamic_growth_steps))
        self.dynamic_scale.assign(
            ops.where(finite, ops.where(grow, scale * 2.0, scale), scale / 2.0)
        )
        self.step_counter.assign(
            ops.where(ops.logical_and(finite, ops.logical_not(grow)), counter, 0)
        )

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        return {
            "name": self.name,
            "inner_optimizer": _optimizers().serialize(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["inner_optimizer"] = _optimizers().deserialize(
            config["inner_optimizer"], custom_objects=custom_objects
        )
        return cls(**config)
