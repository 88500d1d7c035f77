"""Adagrad (Duchi, Hazan & Singer, 2011, JMLR 12 "Adaptive Subgradient Methods")."""

from cornu import initializers, ops
from cornu.optimizers.optimizer import Optimizer, base_arguments


class Adagrad(Optimizer):
    """Per-coordinate learning rates from the sum of past squared gradients.

    `acc += g^2`, then `w -= lr * g / sqrt(acc + epsilon)`.

    Args:
        initial_accumulator_value: the starting value of the accumulators (>= 0).
        epsilon: small constant for numerical stability.
    """

    _hyperparameters = ("initial_accumulator_value", "epsilon")

    def __init__(
        self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, weight_decay=None,
        clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
        ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
        name=None, **kwargs,
    ):  # fmt: skip
        super().__init__(**base_arguments(locals()))
        if initial_accumulator_value < 0:
            raise ValueError(
                "Adagrad: `initial_accumulator_value` must be >= 0; received "
                f"{initial_accumulator_value!r}."
            )
        self._store_hyperparameters(locals())

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        initial = initializers.Constant(self.initial_accumulator_value)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=initial
        )

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        accumulator = self._accumulators[self._get_variable_index(variable)]
        accumulator.assign_add(ops.square(gradient))
        variable.assign_sub(lr * gradient / ops.sqrt(accumulator.value + self.epsilon))
