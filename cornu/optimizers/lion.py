"""Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms",
https://arxiv.org/abs/2302.06675)."""

from cornu import ops
from cornu.optimizers.optimizer import Optimizer, base_arguments


class Lion(Optimizer):
    """Sign-of-momentum steps: `w -= lr * sign(b1 m + (1 - b1) g)`, then
    `m = b2 m + (1 - b2) g`.

    Args:
        beta_1: interpolation used for the step's direction, in (0, 1].
        beta_2: decay of the momentum.
    """

    _slots = {"_momentums": "momentum"}
    _hyperparameters = ("beta_1", "beta_2")

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None, clipnorm=None,
        clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
        ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
        name=None, **kwargs,
    ):  # fmt: skip
        super().__init__(**base_arguments(locals()))
        if not 0.0 < beta_1 <= 1.0:
            raise ValueError(f"Lion: `beta_1` must be in (0, 1]; received beta_1={beta_1!r}.")
        self._store_hyperparameters(locals())

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        m = self._momentums[self._get_variable_index(variable)]
        direction = ops.sign(m.value * self.beta_1 + gradient * (1.0 - self.beta_1))
        variable.assign_sub(lr * direction)
        m.assign(m.value * self.beta_2 + gradient * (1.0 - self.beta_2))
