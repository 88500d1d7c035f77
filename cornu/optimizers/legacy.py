"""`cornu.optimizers.legacy`: the optimizers under the argument names of Keras 2 (the
TensorFlow-bundled API before Keras 3).

Each class is the current optimizer of the same name, also accepting `lr` (the old name of
`learning_rate`) and `decay`: the learning rate used at iteration `t` (counted from 0) is
`learning_rate / (1 + decay * t)`, Keras 2's inverse-time decay per update.

Example:
    >>> opt = cornu.optimizers.legacy.SGD(lr=0.1, decay=0.01)
"""

from cornu import ops
from cornu.optimizers import adagrad, adam, ftrl, optimizer, rmsprop, schedules, sgd

__all__ = ["Adagrad", "Adam", "Ftrl", "Optimizer", "RMSprop", "SGD"]


def _learning_rate(cls_name, learning_rate, lr, decay):
    """The learning rate from `learning_rate` or its old name `lr`; checks `decay`."""
    if lr is not None:
        learning_rate = lr
    if isinstance(decay, bool) or not isinstance(decay, (int, float)) or decay < 0:
        raise ValueError(
            f"{cls_name}: `decay` must be a non-negative number (the inverse-time decay of the "
            f"learning rate per iteration); received {decay!r}."
        )
    return learning_rate


class LegacyArguments:
    """Mixin adding Keras 2's `decay` (and the `lr` attribute) to an optimizer."""

    decay = 0.0

    def _init_legacy(self, values):
        """The constructor of a legacy optimizer, from its `locals()`: the current optimizer
        gets its own arguments (`lr` standing in for `learning_rate`), then `decay` is kept."""
        decay = values["decay"]
        rate = _learning_rate(type(self).__name__, values["learning_rate"], values["lr"], decay)
        own = {name: values[name] for name in self._hyperparameters}
        super().__init__(learning_rate=rate, **own, name=values["name"], **values["kwargs"])
        self.decay = float(decay)

    def _get_current_learning_rate(self):
        rate = super()._get_current_learning_rate()
        if not self.decay:
            return rate
        rate = ops.convert_to_tensor(rate)
        steps = ops.cast(self.iterations, rate.dtype)
        return rate / (1.0 + ops.cast(self.decay, rate.dtype) * steps)

    @property
    def lr(self):
        """Keras 2's name of `learning_rate` (the current, decayed, value)."""
        return self.learning_rate

    @lr.setter
    def lr(self, value):
        self.learning_rate = value

    def get_config(self):
        """The config; a constant learning rate with `decay` is written as the equivalent
        `InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=decay)` schedule, so the
        config also loads as the current optimizer (and in Keras 3, which has no `decay`)."""
        config = super().get_config()
        if self.decay and isinstance(config.get("learning_rate"), float):
            schedule = schedules.InverseTimeDecay(config["learning_rate"], 1, self.decay)
            config["learning_rate"] = schedules.serialize(schedule)
        elif self.decay:
            config["decay"] = self.decay
        return config


class Optimizer(LegacyArguments, optimizer.Optimizer):
    """Base class for custom optimizers written against Keras 2's arguments."""

    def __init__(self, learning_rate=0.001, name=None, lr=None, decay=0.0, **kwargs):
        self._init_legacy(locals())


class SGD(LegacyArguments, sgd.SGD):
    """SGD (momentum, Nesterov) accepting `lr` and `decay`."""

    def __init__(
        self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", lr=None, decay=0.0,
        **kwargs,
    ):  # fmt: skip
        self._init_legacy(locals())


class Adam(LegacyArguments, adam.Adam):
    """Adam (AMSGrad) accepting `lr` and `decay`."""

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
        name="Adam", lr=None, decay=0.0, **kwargs,
    ):  # fmt: skip
        self._init_legacy(locals())


class Adagrad(LegacyArguments, adagrad.Adagrad):
    """Adagrad accepting `lr` and `decay`."""

    def __init__(
        self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, name="Adagrad",
        lr=None, decay=0.0, **kwargs,
    ):  # fmt: skip
        self._init_legacy(locals())


class RMSprop(LegacyArguments, rmsprop.RMSprop):
    """RMSprop (momentum, centered) accepting `lr` and `decay`."""

    def __init__(
        self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
        name="RMSprop", lr=None, decay=0.0, **kwargs,
    ):  # fmt: skip
        self._init_legacy(locals())


class Ftrl(LegacyArguments, ftrl.Ftrl):
    """FTRL-Proximal accepting `lr` and `decay`."""

    def __init__(
        self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
        l1_regularization_strength=0.0, l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0, beta=0.0, name="Ftrl", lr=None, decay=0.0,
        **kwargs,
    ):  # fmt: skip
        self._init_legacy(locals())
