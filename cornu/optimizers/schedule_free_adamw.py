"""Schedule-Free AdamW (Defazio et al., 2024, "The Road Less Scheduled",
https://arxiv.org/abs/2405.15682, Algorithm 1 with Adam's second-moment preconditioner)."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer, base_arguments


class ScheduleFreeAdamW(Optimizer):
    """AdamW without a learning-rate schedule: steps go to a sequence `z`, an average `x` of
    `z` is kept, and the model's variables hold the interpolation `y = (1 - b1) z + b1 x`
    where gradients are taken.

    At step t: `v = b2 v + (1 - b2) g^2`; `lr_t = lr * min(1, t / warmup_steps) *
    sqrt(1 - b2^t)`; `z -= lr_t * (g / (sqrt(v) + epsilon) + weight_decay * y)`;
    `c = lr_t^2 / sum_{i<=t} lr_i^2`; `x = (1 - c) x + c z`; `y = (1 - b1) z + b1 x`.
    `finalize_variable_values` sets the variables to `x` (the sequence to evaluate).

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
        self._z, self._x, self._velocities = [], [], []
        for variable in var_list:
            start = _copy_of(variable)
            self._z.append(self.add_variable_from_reference(variable, "momentum", start))
            self._x.append(self.add_variable_from_reference(variable, "x", start))
            self._velocities.append(self.add_variable_from_reference(variable, "velocity"))
        dtype = var_list[0].dtype if var_list else None
        self._weight_sum = self.add_variable((), dtype=dtype, name="weight_sum")

    def _apply_weight_decay(self, variables, learning_rate):
        pass  # weight decay is part of the z step (taken at y)

    def _step_size(self, learning_rate, dtype):
        t = ops.cast(self.iterations + 1, dtype)
        lr = ops.cast(learning_rate, dtype)
        if self.warmup_steps:
            lr = lr * ops.minimum(1.0, t / self.warmup_steps)
        return lr * ops.sqrt(1.0 - ops.power(ops.cast(self.beta_2, dtype), t))

    def _apply_now(self, grads, variables):
        # The running sum of squared step sizes advances once per step, before the updates.
        dtype = self._weight_sum.dtype
        lr_t = self._step_size(self._get_current_learning_rate(), dtype)
        self._weight_sum.assign(self._weight_sum.value + ops.square(lr_t))
        super()._apply_now(grads, variables)

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        dtype = variable.dtype
        lr_t = self._step_size(learning_rate, dtype)
        z, x, v = self._z[index], self._x[index], self._velocities[index]
        y = variable.value
        v.assign(self.beta_2 * v.value + (1.0 - self.beta_2) * ops.square(gradient))
        step = gradient / (ops.sqrt(v.value) + self.epsilon)
        if self.weight_decay and self._use_weight_decay(variable):
            step = step + self.weight_decay * y
        z.assign(z.value - lr_t * step)
        weight_sum = ops.cast(self._weight_sum.value, dtype)
        c = ops.square(lr_t) / ops.maximum(weight_sum, 1e-30)
        x.assign((1.0 - c) * x.value + c * z.value)
        variable.assign((1.0 - self.beta_1) * z.value + self.beta_1 * x.value)

    def finalize_variable_values(self, var_list):
        super().finalize_variable_values(var_list)
        if self.use_ema:
            return
        for variable in var_list:
            variable.assign(self._x[self._get_variable_index(variable)].value)


def _copy_of(variable):
    """An initializer giving `variable`'s current value."""

    def initializer(shape, dtype=None):
        return ops.cast(ops.copy(variable.value), dtype or variable.dtype)

    return initializer
