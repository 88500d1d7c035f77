"""Adamax: Adam with the infinity norm (Kingma & Ba, 2014, section 7.1)."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer, base_arguments


class Adamax(Optimizer):
    """`m = b1 m + (1 - b1) g`, `u = max(b2 u, |g|)`, `w -= lr / (1 - b1^t) * m / (u + eps)`.

    Args:
        beta_2: decay of the weighted infinity norm.
        beta_1, epsilon: as in `Adam`.
    """

    _slots = {"_m": "momentum", "_u": "norm"}
    _hyperparameters = ("beta_1", "beta_2", "epsilon")

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None,
        clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
        ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
        name=None, **kwargs,
    ):  # fmt: skip
        super().__init__(**base_arguments(locals()))
        self._store_hyperparameters(locals())

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        t = ops.cast(self.iterations + 1, dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), t)
        m = self._m[index]
        u = self._u[index]
        m.assign_add((gradient - m.value) * (1.0 - self.beta_1))
        u.assign(ops.maximum(self.beta_2 * u.value, ops.abs(gradient)))
        variable.assign_sub(lr * m.value / ((1.0 - beta_1_power) * (u.value + self.epsilon)))
