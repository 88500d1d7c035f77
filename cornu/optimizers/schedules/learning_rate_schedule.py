"""Learning-rate schedules: callables `schedule(step) -> learning rate`.

An optimizer given a schedule calls it with its `iterations` each step. Every schedule is
written with `cornu.ops` (no Python branching on the step), so it traces under jit.
"""

import math

from cornu import backend, ops
from cornu.utils import identifiers


class LearningRateSchedule:
    """Base class: subclasses implement `__call__(step)` and `get_config()`.

    Example:
        >>> class Halving(LearningRateSchedule):
        ...     def __call__(self, step):
        ...         return 0.1 * 0.5 ** ops.cast(step, "float32")
        ...     def get_config(self):
        ...         return {}
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule {type(self).__name__} must implement `__call__(step)`."
        )

    # The constructor arguments `_keep_arguments` stored (the config of the built-in ones).
    _kept = None

    def get_config(self):
        if self._kept is None:
            raise NotImplementedError(
                f"Learning rate schedule {type(self).__name__} must implement `get_config()`."
            )
        return {name: getattr(self, name) for name in self._kept}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _keep_arguments(schedule, values):
    """Stores a built-in schedule's constructor arguments (`values`, its `locals()`, taken
    before any other local is set) as attributes of the same names; `get_config` returns them
    in the signature's order."""
    schedule._kept = tuple(name for name in values if name not in ("self", "__class__"))
    for name in schedule._kept:
        setattr(schedule, name, values[name])


def _step(step):
    return ops.cast(step, backend.floatx())


def _staircase_progress(schedule, step):
    """`step / decay_steps`, floored when the schedule has `staircase`."""
    p = _step(step) / schedule.decay_steps
    return ops.floor(p) if schedule.staircase else p


def _check_positive(schedule, name, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{schedule}: `{name}` must be a positive number; received {value!r}.")


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    Args:
        staircase: use `floor(step / decay_steps)`, decaying in discrete intervals.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        _check_positive("ExponentialDecay", "decay_steps", decay_steps)
        _keep_arguments(self, locals())

    def __call__(self, step):
        p = _staircase_progress(self, step)
        return self.initial_learning_rate * ops.power(ops.cast(self.decay_rate, p.dtype), p)


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` while `step <= boundaries[0]`, `values[i]` while
    `boundaries[i-1] < step <= boundaries[i]`, and `values[-1]` after the last boundary."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        boundaries = list(boundaries)
        values = list(values)
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                "PiecewiseConstantDecay: `values` must have one more element than "
                f"`boundaries`; received {len(boundaries)} boundaries and {len(values)} values."
            )
        if any(b2 < b1 for b1, b2 in zip(boundaries, boundaries[1:])):
            raise ValueError(
                f"PiecewiseConstantDecay: `boundaries` must be increasing; received {boundaries}."
            )
        _keep_arguments(self, locals())

    def __call__(self, step):
        step = _step(step)
        result = ops.cast(self.values[-1], step.dtype)
        for boundary, value in reversed(list(zip(self.boundaries, self.values))):
            result = ops.where(ops.less_equal(step, boundary), value, result)
        return ops.cast(result, step.dtype)


class PolynomialDecay(LearningRateSchedule):
    """Decays from `initial_learning_rate` to `end_learning_rate` over `decay_steps`:
    `(initial - end) * (1 - step / decay_steps) ** power + end`, then stays at `end`.

    Args:
        cycle: instead of stopping, restart with `decay_steps` stretched to the next
            multiple of itself past `step`.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        _check_positive("PolynomialDecay", "decay_steps", decay_steps)
        _keep_arguments(self, locals())

    def __call__(self, step):
        step = _step(step)
        decay_steps = ops.cast(self.decay_steps, step.dtype)
        if self.cycle:
            # At step 0 the multiplier is 1 (not 0).
            multiplier = ops.where(ops.equal(step, 0), 1.0, ops.ceil(step / self.decay_steps))
            decay_steps = decay_steps * ops.cast(multiplier, step.dtype)
        else:
            step = ops.minimum(step, decay_steps)
        fraction = step / decay_steps
        span = self.initial_learning_rate - self.end_learning_rate
        return span * ops.power(1.0 - fraction, self.power) + self.end_learning_rate


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    Args:
        staircase: use `floor(step / decay_steps)`.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        _check_positive("InverseTimeDecay", "decay_steps", decay_steps)
        _keep_arguments(self, locals())

    def __call__(self, step):
        p = _staircase_progress(self, step)
        return self.initial_learning_rate / (1.0 + self.decay_rate * p)


class CosineDecay(LearningRateSchedule):
    """Cosine decay (Loshchilov & Hutter, SGDR, 2016) with an optional linear warmup
    (Goyal et al., 2017).

    Without `warmup_target`: `initial * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps))
    + alpha)` with `s = min(step, decay_steps)`. With it: a linear ramp from
    `initial_learning_rate` to `warmup_target` over `warmup_steps`, then the same decay
    starting from `warmup_target` (with `s` counted from the end of the warmup).
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        _check_positive("CosineDecay", "decay_steps", decay_steps)
        if warmup_steps < 0:
            raise ValueError(
                f"CosineDecay: `warmup_steps` must be >= 0; received {warmup_steps!r}."
            )
        _keep_arguments(self, locals())

    def _decay(self, step, start):
        fraction = ops.minimum(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + ops.cos(math.pi * fraction))
        return start * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        step = _step(step)
        if self.warmup_target is None:
            return self._decay(step, self.initial_learning_rate)
        warmup_steps = max(self.warmup_steps, 1e-12)  # the ramp is skipped when 0
        delta = self.warmup_target - self.initial_learning_rate
        ramp = self.initial_learning_rate + delta * (step / warmup_steps)
        decayed = self._decay(ops.maximum(step - self.warmup_steps, 0.0), self.warmup_target)
        return ops.where(ops.less(step, self.warmup_steps), ramp, decayed)


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter, 2016).

    The first period lasts `first_decay_steps`; each next one is `t_mul` times longer and
    starts from `m_mul` times the previous peak. Within a period the rate follows
    `(1 - alpha) * peak * 0.5 * (1 + cos(pi * fraction)) + alpha` times the initial rate.
    """

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        _check_positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        _check_positive("CosineDecayRestarts", "t_mul", t_mul)
        _keep_arguments(self, locals())

    def __call__(self, step):
        fraction = _step(step) / self.first_decay_steps
        if self.t_mul == 1.0:
            restarts = ops.floor(fraction)
            fraction = fraction - restarts
        else:
            # Periods 1, t, t^2, ...: restart i begins at (1 - t^i) / (1 - t) periods.
            restarts = ops.floor(
                ops.log(1.0 - fraction * (1.0 - self.t_mul)) / math.log(self.t_mul)
            )
            start = (1.0 - ops.power(self.t_mul, restarts)) / (1.0 - self.t_mul)
            fraction = (fraction - start) / ops.power(self.t_mul, restarts)
        peak = ops.power(self.m_mul, restarts)
        cosine = 0.5 * peak * (1.0 + ops.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)


_TABLE = identifiers.build_table(
    [
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    ]
)


def serialize(learning_rate_schedule):
    """The Keras-format config dict of a schedule."""
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise TypeError(
            "serialize expects a LearningRateSchedule; received "
            f"{type(learning_rate_schedule).__name__}."
        )
    return {
        "module": "keras.optimizers.schedules",
        "class_name": type(learning_rate_schedule).__name__,
        "config": learning_rate_schedule.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects=None):
    """The schedule a `serialize` dict (or a `{"class_name", "config"}` dict) describes."""
    table = dict(_TABLE, **(custom_objects or {}))
    if not isinstance(config, dict):
        raise TypeError(f"deserialize expects a config dict; received {type(config).__name__}.")
    return identifiers.resolve(config, table, "learning rate schedule", base=LearningRateSchedule)
