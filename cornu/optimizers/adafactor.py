"""Adafactor (Shazeer & Stern, 2018, "Adafactor: Adaptive Learning Rates with Sublinear
Memory Cost", https://arxiv.org/abs/1804.04235, Algorithms 4 and 5)."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer, base_arguments, overwrites_with_gradient


def _rms(x):
    return ops.sqrt(ops.mean(ops.square(x)))


class Adafactor(Optimizer):
    """Adam-like steps whose second moment of a matrix is kept factored (row and column
    averages), with relative step sizes and update clipping.

    At step t: `beta_2_t = 1 - t^beta_2_decay`; `rho_t = min(lr, 1 / sqrt(t))` (just `lr`
    when `relative_step=False`); `alpha_t = max(epsilon_2, RMS(w)) * rho_t`. For rank >= 2
    variables `r` and `c` (row/column means of `g^2 + epsilon_1` over the last two axes) are
    averaged and `v = r c / mean(r)`; otherwise `v` is averaged directly. Then
    `u = g / sqrt(v)`, `u /= max(1, RMS(u) / clip_threshold)` and `w -= alpha_t * u`.

    Args:
        beta_2_decay: exponent of the second-moment decay schedule.
        epsilon_1: regularizes the squared gradient.
        epsilon_2: lower bound of the relative step scale.
        clip_threshold: threshold of the update's RMS.
        relative_step: cap the learning rate by `1 / sqrt(t)`.
    """

    _hyperparameters = ("beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold", "relative_step")

    def __init__(
        self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
        clip_threshold=1.0, relative_step=True, weight_decay=None, clipnorm=None, clipvalue=None,
        global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
        loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs,
    ):  # fmt: skip
        super().__init__(**base_arguments(locals()))
        self._store_hyperparameters(locals())

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for variable in var_list:
            prefix = variable.path.replace("/", "_")
            shape = tuple(variable.shape)
            if len(shape) < 2:
                # Unfactored: r and c are unused int32 scalar placeholders (kept so every
                # variable has the same slots, as in Keras's files).
                r_shape, c_shape, dtype = (), (), "int32"
            else:
                r_shape, c_shape = shape[:-1], shape[:-2] + shape[-1:]
                dtype = variable.dtype
            self._r.append(self.add_variable(r_shape, dtype=dtype, name=f"{prefix}_row"))
            self._c.append(self.add_variable(c_shape, dtype=dtype, name=f"{prefix}_column"))
            # An overwrite_with_gradient variable (assigned its gradient, never updated)
            # keeps its two placeholders but no velocity, as in Keras's files.
            self._v.append(
                None
                if overwrites_with_gradient(variable)
                else self.add_variable_from_reference(variable, "velocity")
            )

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        t = ops.cast(self.iterations + 1, dtype)
        r, c, v = self._r[index], self._c[index], self._v[index]
        rho_t = ops.minimum(lr, 1.0 / ops.sqrt(t)) if self.relative_step else lr
        alpha_t = ops.maximum(ops.cast(self.epsilon_2, dtype), _rms(variable.value)) * rho_t
        squared = ops.square(gradient) + self.epsilon_1
        beta_2_t = 1.0 - ops.power(t, self.beta_2_decay)
        if len(variable.shape) >= 2:
            r.assign(beta_2_t * r.value + (1.0 - beta_2_t) * ops.mean(squared, axis=-1))
            c.assign(beta_2_t * c.value + (1.0 - beta_2_t) * ops.mean(squared, axis=-2))
            row_scale = r.value / ops.mean(r.value, axis=-1, keepdims=True)
            v.assign(ops.expand_dims(row_scale, -1) * ops.expand_dims(c.value, -2))
        else:
            v.assign(beta_2_t * v.value + (1.0 - beta_2_t) * squared)
        update = gradient / ops.sqrt(v.value)
        update = update / ops.maximum(1.0, _rms(update) / self.clip_threshold)
        variable.assign_sub(alpha_t * update)
