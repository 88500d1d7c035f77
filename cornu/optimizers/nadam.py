"""Nadam: Adam with Nesterov momentum (Dozat, 2016, "Incorporating Nesterov Momentum into
Adam", ICLR workshop)."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer, base_arguments


class Nadam(Optimizer):
    """Adam whose first moment looks one step ahead, with the momentum schedule
    `mu_t = beta_1 * (1 - 0.5 * 0.96^t)`.

    `m_hat = mu_{t+1} m / (1 - prod_{i<=t+1} mu_i) + (1 - mu_t) g / (1 - prod_{i<=t} mu_i)`,
    `v_hat = v / (1 - beta_2^t)`, `w -= lr * m_hat / (sqrt(v_hat) + epsilon)`.

    Args:
        beta_1, beta_2, epsilon: as in `Adam`.
    """

    _hyperparameters = ("beta_1", "beta_2", "epsilon")

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None,
        clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
        ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
        name=None, **kwargs,
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
        dtype = var_list[0].dtype if var_list else None
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype, name="u_product")

    def _mu(self, step, dtype):
        return self.beta_1 * (1.0 - 0.5 * ops.power(ops.cast(0.96, dtype), step))

    def _apply_now(self, grads, variables):
        # The running product of mu_t is advanced once per step, before the updates.
        dtype = self._u_product.dtype
        t = ops.cast(self.iterations + 1, dtype)
        self._u_product.assign(self._u_product.value * self._mu(t, dtype))
        super()._apply_now(grads, variables)

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        t = ops.cast(self.iterations + 1, dtype)
        mu_t = self._mu(t, dtype)
        mu_next = self._mu(t + 1.0, dtype)
        u_product = ops.cast(self._u_product.value, dtype)
        u_product_next = u_product * mu_next
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), t)
        m = self._momentums[index]
        v = self._velocities[index]
        m.assign_add((gradient - m.value) * (1.0 - self.beta_1))
        v.assign_add((ops.square(gradient) - v.value) * (1.0 - self.beta_2))
        m_hat = mu_next * m.value / (1.0 - u_product_next) + (1.0 - mu_t) * gradient / (
            1.0 - u_product
        )
        v_hat = v.value / (1.0 - beta_2_power)
        variable.assign_sub(lr * m_hat / (ops.sqrt(v_hat) + self.epsilon))
