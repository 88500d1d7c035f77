"""Muon: momentum orthogonalized by Newton-Schulz (Jordan et al., 2024,
https://kellerjordan.github.io/posts/muon/), with the update RMS matched to AdamW's
(Liu et al., 2025, "Muon is Scalable for LLM Training", https://arxiv.org/abs/2502.16982).
Variables Muon does not suit are updated with AdamW."""

import math
import re

from cornu import ops
from cornu.optimizers.optimizer import Optimizer, base_arguments, overwrites_with_gradient


class Muon(Optimizer):
    """Muon for hidden-layer matrices, AdamW for everything else.

    A variable takes the AdamW step when it is not 2-D, when `exclude_embeddings` is True and
    its path contains "embedding", or when its path matches a regex in `exclude_layers`.

    Muon step for a (rows, cols) matrix: `buf = momentum * buf + g`; the direction is
    `g + momentum * buf` (nesterov) or `buf`; it is orthogonalized by `ns_steps` quintic
    Newton-Schulz iterations `X <- a X + (b A + c A^2) X` with `A = X X^T`, starting from the
    direction over its Frobenius norm; then `w -= lr * rms_rate * sqrt(max(rows, cols)) * X`.
    Weight decay (`weight_decay` for Muon variables, `adam_weight_decay` for AdamW ones) is
    decoupled: `w -= lr * decay * w` first.

    AdamW step: Adam with `adam_beta_1`, `adam_beta_2`, `epsilon` and learning rate
    `learning_rate * adam_lr_ratio`.

    Args:
        exclude_layers: list of regexes; matching variable paths use AdamW.
        exclude_embeddings: embedding variables use AdamW.
        muon_a, muon_b, muon_c: the Newton-Schulz polynomial's coefficients.
        adam_lr_ratio: AdamW's learning rate relative to `learning_rate`.
        momentum: Muon's momentum.
        ns_steps: number of Newton-Schulz iterations.
        nesterov: use Nesterov momentum for Muon.
        rms_rate: target RMS of Muon's update (0.2 matches AdamW's typical RMS).
    """

    _hyperparameters = (
        "adam_beta_1", "adam_beta_2", "adam_weight_decay", "epsilon", "exclude_layers",
        "exclude_embeddings", "muon_a", "muon_b", "muon_c", "adam_lr_ratio", "momentum",
        "ns_steps", "nesterov", "rms_rate",
    )  # fmt: skip

    def __init__(
        self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999, adam_weight_decay=0.004,
        epsilon=1e-7, weight_decay=0.004, clipnorm=None, clipvalue=None, global_clipnorm=None,
        use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
        gradient_accumulation_steps=None, name=None, exclude_layers=None, exclude_embeddings=True,
        muon_a=3.4445, muon_b=-4.775, muon_c=2.0315, adam_lr_ratio=1, momentum=0.95, ns_steps=5,
        nesterov=True, rms_rate=0.2, **kwargs,
    ):  # fmt: skip
        super().__init__(**base_arguments(locals()))
        if not isinstance(ns_steps, int) or ns_steps < 0:
            raise ValueError(f"Muon: `ns_steps` must be an int >= 0; received {ns_steps!r}.")
        self._store_hyperparameters(locals())
        self.exclude_layers = list(exclude_layers or [])

    def _uses_adam(self, variable):
        if len(variable.shape) != 2:
            return True
        if self.exclude_embeddings and "embedding" in variable.path.lower():
            return True
        return any(re.search(pattern, variable.path) for pattern in self.exclude_layers)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = []
        self._velocities = []
        for variable in var_list:
            if overwrites_with_gradient(variable):  # assigned its gradient: no slots
                self._momentums.append(None)
                self._velocities.append(None)
                continue
            self._momentums.append(self.add_variable_from_reference(variable, "momentum"))
            velocity = None
            if self._uses_adam(variable):
                velocity = self.add_variable_from_reference(variable, "velocity")
            self._velocities.append(velocity)

    def _apply_weight_decay(self, variables, learning_rate):
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            if self._uses_adam(variable):
                decay, ratio = self.adam_weight_decay, self.adam_lr_ratio
            else:
                decay, ratio = self.weight_decay, 1.0
            if decay:
                lr = ops.cast(learning_rate, variable.dtype) * ratio
                variable.assign_sub(variable * (lr * decay))

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        lr = ops.cast(learning_rate, variable.dtype)
        if self._uses_adam(variable):
            self._adam_step(gradient, variable, lr * self.adam_lr_ratio, index)
        else:
            self._muon_step(gradient, variable, lr, index)

    def _adam_step(self, gradient, variable, lr, index):
        m = self._momentums[index]
        v = self._velocities[index]
        dtype = variable.dtype
        t = ops.cast(self.iterations + 1, dtype)
        beta_1_power = ops.power(ops.cast(self.adam_beta_1, dtype), t)
        beta_2_power = ops.power(ops.cast(self.adam_beta_2, dtype), t)
        m.assign_add((gradient - m.value) * (1.0 - self.adam_beta_1))
        v.assign_add((ops.square(gradient) - v.value) * (1.0 - self.adam_beta_2))
        alpha = lr * ops.sqrt(1.0 - beta_2_power) / (1.0 - beta_1_power)
        variable.assign_sub(alpha * m.value / (ops.sqrt(v.value) + self.epsilon))

    def _muon_step(self, gradient, variable, lr, index):
        buf = self._momentums[index]
        buf.assign(self.momentum * buf.value + gradient)
        direction = gradient + self.momentum * buf.value if self.nesterov else buf.value
        orthogonal = self._newton_schulz(direction)
        rows, cols = variable.shape
        scale = self.rms_rate * math.sqrt(max(rows, cols))
        variable.assign_sub(lr * scale * orthogonal)

    def _newton_schulz(self, x):
        """Approximately `U V^T` for `x = U S V^T` (quintic Newton-Schulz iteration)."""
        x = x / (ops.sqrt(ops.sum(ops.square(x))) + 1e-7)
        transposed = x.shape[0] > x.shape[1]
        if transposed:
            x = ops.transpose(x)
        for _ in range(self.ns_steps):
            a = ops.matmul(x, ops.transpose(x))
            b = self.muon_b * a + self.muon_c * ops.matmul(a, a)
            x = self.muon_a * x + ops.matmul(b, x)
        return ops.transpose(x) if transposed else x
