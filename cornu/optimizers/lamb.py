"""Lamb (You et al., 2019, "Large Batch Optimization for Deep Learning: Training BERT in 76
minutes", https://arxiv.org/abs/1904.00962)."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer, base_arguments


class Lamb(Optimizer):
    """Adam's step rescaled per variable by the trust ratio `||w|| / ||step||`.

    `m`, `v` as in Adam; `step = (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + epsilon)`;
    `w -= lr * ratio * step` where `ratio = ||w|| / ||step||` (1 when either norm is 0).
    Weight decay, if set, is the base class's decoupled decay.

    Args:
        beta_1, beta_2, epsilon: as in `Adam`.
    """

    _slots = {"_momentums": "momentum", "_velocities": "velocity"}
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
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), t)
        m = self._momentums[index]
        v = self._velocities[index]
        m.assign_add((gradient - m.value) * (1.0 - self.beta_1))
        v.assign_add((ops.square(gradient) - v.value) * (1.0 - self.beta_2))
        m_hat = m.value / (1.0 - beta_1_power)
        v_root = ops.sqrt(v.value / (1.0 - beta_2_power)) + self.epsilon
        step = m_hat / v_root
        w_norm = ops.sqrt(ops.sum(ops.square(variable.value)))
        step_norm = ops.sqrt(ops.sum(ops.square(step)))
        both = ops.logical_and(ops.greater(w_norm, 0), ops.greater(step_norm, 0))
        safe_step_norm = ops.where(both, step_norm, ops.ones_like(step_norm))
        ratio = ops.where(both, w_norm / safe_step_norm, ops.ones_like(w_norm))
        variable.assign_sub(ratio * lr * step)
