"""SGD with optional (Nesterov) momentum."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer, base_arguments


class SGD(Optimizer):
    """Gradient descent with momentum.

    Without momentum: `w -= lr * g`. With it: `velocity = momentum * velocity - lr * g`, then
    `w += velocity` (or `w += momentum * velocity - lr * g` with `nesterov=True`).

    Args:
        momentum: a float in [0, 1] (0: plain gradient descent, no slot variables).
        nesterov: use Nesterov momentum.
    """

    _hyperparameters = ("momentum", "nesterov")

    def __init__(
        self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None,
        clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
        ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
        name=None, **kwargs,
    ):  # fmt: skip
        super().__init__(**base_arguments(locals()))
        if not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise ValueError(f"SGD: `momentum` must be a float in [0, 1]; received {momentum!r}.")
        self._store_hyperparameters(locals())

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        if not self.momentums:
            variable.assign_sub(gradient * lr)
            return
        velocity = self.momentums[self._get_variable_index(variable)]
        velocity.assign(velocity.value * self.momentum - gradient * lr)
        if self.nesterov:
            variable.assign_add(velocity.value * self.momentum - gradient * lr)
        else:
            variable.assign_add(velocity.value)
