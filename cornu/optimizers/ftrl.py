"""FTRL-Proximal (McMahan et al., 2013, "Ad Click Prediction: a View from the Trenches",
Algorithm 1), with the L2 shrinkage and `beta` extensions."""

from cornu import initializers, ops
from cornu.optimizers.optimizer import Optimizer, base_arguments, overwrites_with_gradient


class Ftrl(Optimizer):
    """Follow The Regularized Leader, for shallow models with large sparse features.

    With `n` the accumulated squared gradients and `p = -learning_rate_power`:
    `sigma = (n_new^p - n^p) / lr`, `z += g' - sigma * w` where
    `g' = g + 2 * l2_shrinkage * w`; then
    `w = (clip(z, -l1, l1) - z) / (n_new^p / lr + 2 * l2)` with
    `l2 = l2_regularization_strength + beta / (2 lr)`.

    Args:
        learning_rate_power: a float <= 0 (-0.5: the paper's `1 / sqrt(n)` rates).
        initial_accumulator_value: the starting value of `n` (>= 0).
        l1_regularization_strength: L1 strength (>= 0).
        l2_regularization_strength: L2 strength (>= 0).
        l2_shrinkage_regularization_strength: magnitude penalty added to the gradient (>= 0).
        beta: the paper's beta (>= 0).
    """

    _hyperparameters = (
        "learning_rate_power",
        "initial_accumulator_value",
        "l1_regularization_strength",
        "l2_regularization_strength",
        "l2_shrinkage_regularization_strength",
        "beta",
    )

    def __init__(
        self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
        l1_regularization_strength=0.0, l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0, beta=0.0, weight_decay=None, clipnorm=None,
        clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
        ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
        name=None, **kwargs,
    ):  # fmt: skip
        super().__init__(**base_arguments(locals()))
        checks = {
            "initial_accumulator_value": initial_accumulator_value,
            "l1_regularization_strength": l1_regularization_strength,
            "l2_regularization_strength": l2_regularization_strength,
            "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength,
            "beta": beta,
        }
        for arg, value in checks.items():
            if value < 0.0:
                raise ValueError(f"Ftrl: `{arg}` must be >= 0; received {arg}={value!r}.")
        if learning_rate_power > 0.0:
            raise ValueError(
                "Ftrl: `learning_rate_power` must be <= 0; received "
                f"learning_rate_power={learning_rate_power!r}."
            )
        self._store_hyperparameters(locals())

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = []
        self._linears = []
        constant = initializers.Constant(self.initial_accumulator_value)
        for variable in var_list:
            if overwrites_with_gradient(variable):  # assigned its gradient: no slots
                self._accumulators.append(None)
                self._linears.append(None)
                continue
            self._accumulators.append(
                self.add_variable_from_reference(variable, "accumulator", initializer=constant)
            )
            self._linears.append(self.add_variable_from_reference(variable, "linear"))

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        lr = ops.cast(learning_rate, variable.dtype)
        accumulator = self._accumulators[index]
        linear = self._linears[index]
        power = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        shrunk_grad = gradient + 2.0 * self.l2_shrinkage_regularization_strength * variable.value
        new_accumulator = accumulator.value + ops.square(gradient)
        sigma = (ops.power(new_accumulator, power) - ops.power(accumulator.value, power)) / lr
        linear.assign_add(shrunk_grad - sigma * variable.value)
        quadratic = ops.power(new_accumulator, power) / lr + 2.0 * l2
        clipped = ops.clip(linear.value, -l1, l1)
        variable.assign((clipped - linear.value) / quadratic)
        accumulator.assign(new_accumulator)
