"""RMSprop (Hinton, Coursera lecture 6e, 2012), with momentum and the centered variant
(Graves, 2013, https://arxiv.org/abs/1308.0850)."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer, base_arguments


class RMSprop(Optimizer):
    """Divides the gradient by a running root-mean-square of recent gradients.

    `v = rho v + (1 - rho) g^2`; the step is `lr * g / sqrt(v + epsilon)` (centered: the
    running mean `a` of `g` is tracked too and `v - a^2` replaces `v`). With momentum,
    `mom = momentum * mom + step` and `w -= mom`; else `w -= step`.

    Args:
        rho: decay of the running average of squared gradients.
        momentum: momentum of the step (0: none, no momentum slots).
        epsilon: small constant for numerical stability.
        centered: normalize by the estimated variance instead of the second moment.
    """

    _hyperparameters = ("rho", "momentum", "epsilon", "centered")

    def __init__(
        self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
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
        # Slot by slot (every velocity, then every momentum, then every average gradient):
        # the order of Keras's `variables`, which its saved files follow.
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        lr = ops.cast(learning_rate, variable.dtype)
        velocity = self._velocities[index]
        velocity.assign(self.rho * velocity.value + (1.0 - self.rho) * ops.square(gradient))
        denominator = velocity.value
        if self.centered:
            average = self._average_gradients[index]
            average.assign(self.rho * average.value + (1.0 - self.rho) * gradient)
            denominator = denominator - ops.square(average.value)
        step = lr * gradient / ops.sqrt(denominator + self.epsilon)
        if self.momentum > 0:
            momentum = self._momentums[index]
            momentum.assign(self.momentum * momentum.value + step)
            variable.assign_sub(momentum.value)
        else:
            variable.assign_sub(step)
