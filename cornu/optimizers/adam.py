"""Adam (Kingma & Ba, 2014, https://arxiv.org/abs/1412.6980), optionally AMSGrad."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer, base_arguments


def _bias_corrected_step(optimizer, variable, learning_rate):
    """`lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)` at step t = iterations + 1."""
    dtype = variable.dtype
    t = ops.cast(optimizer.iterations + 1, dtype)
    beta_1_power = ops.power(ops.cast(optimizer.beta_1, dtype), t)
    beta_2_power = ops.power(ops.cast(optimizer.beta_2, dtype), t)
    lr = ops.cast(learning_rate, dtype)
    return lr * ops.sqrt(1.0 - beta_2_power) / (1.0 - beta_1_power)


class Adam(Optimizer):
    """Adam: per-coordinate steps from bias-corrected moment estimates.

    `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`, then
    `w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)` (the paper's
    "efficient" form, epsilon outside the bias correction).

    Args:
        beta_1: decay of the first-moment estimate.
        beta_2: decay of the second-moment estimate.
        epsilon: small constant for numerical stability.
        amsgrad: use the running maximum of `v` (Reddi et al., 2018, "On the Convergence of
            Adam and Beyond").
    """

    _hyperparameters = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
        weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
        ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
        gradient_accumulation_steps=None, name=None, **kwargs,
    ):  # fmt: skip
        super().__init__(**base_arguments(locals()))
        self._store_hyperparameters(locals())

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        self._velocity_hats = []
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        alpha = _bias_corrected_step(self, variable, learning_rate)
        m.assign_add((gradient - m.value) * (1.0 - self.beta_1))
        v.assign_add((ops.square(gradient) - v.value) * (1.0 - self.beta_2))
        second = v.value
        if self.amsgrad:
            v_hat = self._velocity_hats[index]
            v_hat.assign(ops.maximum(v_hat.value, second))
            second = v_hat.value
        variable.assign_sub(m.value * alpha / (ops.sqrt(second) + self.epsilon))
