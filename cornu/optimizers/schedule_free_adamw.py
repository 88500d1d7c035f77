"""Schedule-Free AdamW (Defazio et al., 2024, "The Road Less Scheduled",
https://arxiv.org/abs/2405.15682, Algorithm 1 with Adam's second-moment preconditioner)."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer, base_arguments, overwrites_with_gradient


class ScheduleFreeAdamW(Optimizer):
    """AdamW without a learning-rate schedule: steps go to a sequence `z` (the "momentum"
    slot), `x` is the uniform average of the `z` iterates, and the model's variables hold
    the interpolation `y = (1 - b1) z + b1 x`, where gradients are taken.

    Only `z` and the second moment `v` are stored; `x` is implied by `y` and `z`. At step t
    (weight decay, when set, first shrinks `y` as in AdamW: `y -= lr * weight_decay * y`):
    `v = b2 v + (1 - b2) g^2`; `lr_t = lr * min(1, t / warmup_steps)`;
    `z' = z - lr_t * g / (sqrt(v / (1 - b2^t)) + epsilon)`; `x' = (1 - 1/t) x + z' / t`;
    `y' = (1 - b1) z' + b1 x'`. The variables keep `y` after training, as in Keras.

    Args:
        beta_1: interpolation between `z` and `x`.
        beta_2: decay of the second-moment estimate.
        epsilon: small constant for numerical stability.
        warmup_steps: steps of linear learning-rate warmup.
    """

    _hyperparameters = ("beta_1", "beta_2", "epsilon", "warmup_steps")

    def __init__(
        self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0,
        weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
        ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
        gradient_accumulation_steps=None, name=None, **kwargs,
    ):  # fmt: skip
        super().__init__(**base_arguments(locals()))
        if not isinstance(warmup_steps, int) or warmup_steps < 0:
            raise ValueError(
                "ScheduleFreeAdamW: `warmup_steps` must be an int >= 0; received "
                f"warmup_steps={warmup_steps!r}."
            )
        self._store_hyperparameters(locals())

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = [], []
        for variable in var_list:
            if overwrites_with_gradient(variable):  # assigned its gradient: no slots
                self._momentums.append(None)
                self._velocities.append(None)
                continue
            self._momentums.append(
                self.add_variable_from_reference(variable, "momentum", _copy_of(variable))
            )
            self._velocities.append(self.add_variable_from_reference(variable, "velocity"))

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        dtype = variable.dtype
        z, v = self._momentums[index], self._velocities[index]
        t = ops.cast(self.iterations + 1, dtype)
        lr = ops.cast(learning_rate, dtype)
        if self.warmup_steps:
            lr = lr * ops.minimum(1.0, t / self.warmup_steps)
        bias_correction = 1.0 - ops.power(ops.cast(self.beta_2, dtype), t)
        v.assign(self.beta_2 * v.value + (1.0 - self.beta_2) * ops.square(gradient))
        # New values are computed in full before any assign: on eager backends `.value` may
        # alias the storage that `assign` overwrites.
        y, z_old = variable.value, z.value
        z_new = z_old - lr * gradient / (ops.sqrt(v.value / bias_correction) + self.epsilon)
        # b1 x = y - (1 - b1) z, kept multiplied by b1 so that beta_1 = 0 needs no division.
        c = 1.0 / t
        b1_x = (1.0 - c) * (y - (1.0 - self.beta_1) * z_old) + self.beta_1 * c * z_new
        y_new = (1.0 - self.beta_1) * z_new + b1_x
        z.assign(z_new)
        variable.assign(y_new)


def _copy_of(variable):
    """An initializer giving `variable`'s current value."""

    def initializer(shape, dtype=None):
        return ops.cast(ops.copy(variable.value), dtype or variable.dtype)

    return initializer
