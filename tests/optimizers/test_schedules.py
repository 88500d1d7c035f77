"""cornu.optimizers.schedules: each schedule against its formula at several steps, configs,
serialization and errors."""

import math

import numpy as np
import pytest

import cornu
from cornu import backend, ops
from cornu.optimizers import schedules

STEPS = [0, 1, 3, 5, 10, 17, 40]


def _value(schedule, step):
    return float(ops.convert_to_numpy(schedule(step)))


def exponential(step, lr0=0.1, steps=5, rate=0.5, staircase=False):
    p = step / steps
    return lr0 * rate ** (math.floor(p) if staircase else p)


def inverse_time(step, lr0=0.1, steps=5, rate=0.5, staircase=False):
    p = step / steps
    return lr0 / (1 + rate * (math.floor(p) if staircase else p))


def polynomial(step, lr0=0.1, steps=10, end=0.01, power=2.0, cycle=False):
    if cycle:
        steps = steps * max(1, math.ceil(step / steps))
    else:
        step = min(step, steps)
    return (lr0 - end) * (1 - step / steps) ** power + end


def cosine(step, lr0=0.1, steps=10, alpha=0.1, target=None, warmup=0):
    if target is None:
        s = min(step, steps)
        return lr0 * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / steps)) + alpha)
    if step < warmup:
        return lr0 + (target - lr0) * step / warmup
    s = min(step - warmup, steps)
    return target * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / steps)) + alpha)


def sgdr(step, lr0=0.1, first=4, t_mul=2.0, m_mul=0.5, alpha=0.0):
    # Loshchilov & Hutter (2016): periods first, first*t_mul, ...; peaks scaled by m_mul.
    start, period, peak = 0.0, float(first), 1.0
    while step >= start + period:
        start += period
        period *= t_mul
        peak *= m_mul
    fraction = (step - start) / period
    return lr0 * ((1 - alpha) * peak * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha)


CASES = [
    ("exponential", schedules.ExponentialDecay(0.1, 5, 0.5), exponential),
    ("exponential_staircase", schedules.ExponentialDecay(0.1, 5, 0.5, staircase=True),
     lambda s: exponential(s, staircase=True)),
    ("inverse_time", schedules.InverseTimeDecay(0.1, 5, 0.5), inverse_time),
    ("inverse_time_staircase", schedules.InverseTimeDecay(0.1, 5, 0.5, staircase=True),
     lambda s: inverse_time(s, staircase=True)),
    ("polynomial", schedules.PolynomialDecay(0.1, 10, 0.01, power=2.0), polynomial),
    ("polynomial_cycle", schedules.PolynomialDecay(0.1, 10, 0.01, power=2.0, cycle=True),
     lambda s: polynomial(s, cycle=True)),
    ("cosine", schedules.CosineDecay(0.1, 10, alpha=0.1), cosine),
    ("cosine_warmup", schedules.CosineDecay(0.0, 10, alpha=0.1, warmup_target=0.2,
                                            warmup_steps=4),
     lambda s: cosine(s, lr0=0.0, target=0.2, warmup=4)),
    ("sgdr", schedules.CosineDecayRestarts(0.1, 4, t_mul=2.0, m_mul=0.5), sgdr),
    ("sgdr_t1", schedules.CosineDecayRestarts(0.1, 4, t_mul=1.0, m_mul=0.5, alpha=0.1),
     lambda s: sgdr(s, t_mul=1.0, alpha=0.1)),
]  # fmt: skip


@pytest.mark.parametrize("name,schedule,formula", CASES, ids=[c[0] for c in CASES])
def test_schedule_matches_formula(name, schedule, formula):
    for step in STEPS:
        assert _value(schedule, step) == pytest.approx(formula(step), rel=1e-5, abs=1e-7), step


@pytest.mark.parametrize("name,schedule,formula", CASES, ids=[c[0] for c in CASES])
def test_schedule_accepts_tensor_and_variable_steps(name, schedule, formula):
    step = cornu.Variable(7, dtype="int64", trainable=False)
    assert _value(schedule, step) == pytest.approx(formula(7), rel=1e-5, abs=1e-7)
    tensor = ops.convert_to_tensor(7, dtype="int32")
    assert _value(schedule, tensor) == pytest.approx(formula(7), rel=1e-5, abs=1e-7)


def test_piecewise_constant():
    schedule = schedules.PiecewiseConstantDecay([3, 7], [1.0, 0.5, 0.1])
    expected = {0: 1.0, 3: 1.0, 4: 0.5, 7: 0.5, 8: 0.1, 100: 0.1}
    for step, value in expected.items():
        assert _value(schedule, step) == pytest.approx(value), step
    with pytest.raises(ValueError, match="one more element than `boundaries`"):
        schedules.PiecewiseConstantDecay([3, 7], [1.0, 0.5])
    with pytest.raises(ValueError, match="must be increasing"):
        schedules.PiecewiseConstantDecay([7, 3], [1.0, 0.5, 0.1])


@pytest.mark.parametrize("name,schedule,formula", CASES, ids=[c[0] for c in CASES])
def test_config_round_trip(name, schedule, formula):
    config = schedule.get_config()
    clone = type(schedule).from_config(config)
    assert clone.get_config() == config
    serialized = schedules.serialize(schedule)
    assert serialized["class_name"] == type(schedule).__name__
    again = schedules.deserialize(serialized)
    assert type(again) is type(schedule) and again.get_config() == config
    assert _value(again, 5) == pytest.approx(_value(schedule, 5))


def test_default_names():
    assert schedules.ExponentialDecay(0.1, 1, 0.5).name == "ExponentialDecay"
    assert schedules.PiecewiseConstantDecay([1], [1.0, 0.5]).name == "PiecewiseConstant"
    assert schedules.CosineDecayRestarts(0.1, 4).name == "SGDRDecay"
    assert schedules.CosineDecay(0.1, 4).get_config()["warmup_steps"] == 0


def test_custom_schedule_subclass():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.8 * ops.power(0.5, ops.cast(step, "float32"))

        def get_config(self):
            return {}

    assert _value(Halving(), 2) == pytest.approx(0.2)
    restored = schedules.deserialize(
        {"class_name": "Halving", "config": {}}, custom_objects={"Halving": Halving}
    )
    assert isinstance(restored, Halving)
    with pytest.raises(NotImplementedError, match="must implement `__call__"):
        schedules.LearningRateSchedule()(1)


def test_errors():
    with pytest.raises(ValueError, match="`decay_steps` must be a positive number"):
        schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="`warmup_steps` must be >= 0"):
        schedules.CosineDecay(0.1, 10, warmup_steps=-1)
    with pytest.raises(ValueError, match="Unknown learning rate schedule"):
        schedules.deserialize({"class_name": "Nope", "config": {}})
    with pytest.raises(TypeError, match="expects a LearningRateSchedule"):
        schedules.serialize(0.1)


@pytest.mark.skipif(backend.backend() != "jax", reason="jax.jit test runs on the jax backend")
def test_schedules_trace_under_jax_jit():
    import jax

    for _, schedule, formula in CASES:
        traced = jax.jit(lambda step, s=schedule: s(step))
        for step in (0, 5, 17):
            value = float(traced(np.asarray(step, "int32")))
            assert value == pytest.approx(formula(step), rel=1e-5, abs=1e-7)
