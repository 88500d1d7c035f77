"""Adadelta (Zeiler, 2012, https://arxiv.org/abs/1212.5701)."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer, base_arguments


class Adadelta(Optimizer):
    """Steps scaled by the ratio of running RMS of past updates to that of gradients.

    `Eg = rho Eg + (1 - rho) g^2`; `delta = -sqrt(Edx + eps) / sqrt(Eg + eps) * g`;
    `Edx = rho Edx + (1 - rho) delta^2`; `w += lr * delta`.

    Args:
        rho: decay of the running averages.
        epsilon: small constant for numerical stability.
    """

    _slots = {
        "_accumulated_grads": "accumulated_grad",
        "_accumulated_delta_vars": "accumulated_delta_var",
    }
    _hyperparameters = ("rho", "epsilon")

    def __init__(
        self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None, clipnorm=None,
        clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
        ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
        name=None, **kwargs,
    ):  # fmt: skip
        super().__init__(**base_arguments(locals()))
        self._store_hyperparameters(locals())

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        lr = ops.cast(learning_rate, variable.dtype)
        grad_avg = self._accumulated_grads[index]
        delta_avg = self._accumulated_delta_vars[index]
        grad_avg.assign(self.rho * grad_avg.value + (1.0 - self.rho) * ops.square(gradient))
        delta = (
            -ops.sqrt(delta_avg.value + self.epsilon)
            / ops.sqrt(grad_avg.value + self.epsilon)
            * gradient
        )
        delta_avg.assign(self.rho * delta_avg.value + (1.0 - self.rho) * ops.square(delta))
        variable.assign_add(lr * delta)
