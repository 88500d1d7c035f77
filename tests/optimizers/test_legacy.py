"""cornu.optimizers.legacy: tf.keras 2's `lr` and `decay` over the current optimizers."""

import numpy as np
import pytest

import cornu
from cornu import ops
from cornu.optimizers import legacy
from tests.conftest import requires_training

LEGACY = [legacy.SGD, legacy.Adam, legacy.Adagrad, legacy.RMSprop, legacy.Ftrl]


def apply_constant_gradient(opt, start, grad, steps):
    variable = cornu.Variable(np.asarray(start, dtype="float32"))
    for _ in range(steps):
        opt.apply([ops.convert_to_tensor(np.asarray(grad, dtype="float32"))], [variable])
    return np.asarray(ops.convert_to_numpy(variable), dtype="float64")


@requires_training
@pytest.mark.parametrize("cls", LEGACY, ids=lambda c: c.__name__)
def test_legacy_optimizers_minimize_a_quadratic(cls):
    target = np.array([1.0, -2.0], dtype="float32")
    variable = cornu.Variable(np.zeros(2, dtype="float32"))
    opt = cls(learning_rate=0.5 if cls is legacy.Ftrl else 0.1, decay=1e-3)
    first = None
    for _ in range(60):
        grad = 2.0 * (ops.convert_to_numpy(variable) - target)
        loss = float(np.sum((ops.convert_to_numpy(variable) - target) ** 2))
        first = loss if first is None else first
        opt.apply([ops.convert_to_tensor(grad)], [variable])
    final = float(np.sum((ops.convert_to_numpy(variable) - target) ** 2))
    assert final < 0.25 * first


@requires_training
def test_sgd_lr_alias_and_inverse_time_decay_follow_the_formula():
    lr, decay, grad = 0.1, 0.5, np.array([1.0, -2.0])
    got = apply_constant_gradient(legacy.SGD(lr=lr, decay=decay), [0.0, 0.0], grad, steps=4)
    expected = np.zeros(2)
    for t in range(4):
        expected = expected - lr / (1.0 + decay * t) * grad
    np.testing.assert_allclose(got, expected, rtol=1e-6)


@requires_training
def test_adam_decay_scales_each_step():
    lr, decay, b1, b2, eps = 0.01, 0.2, 0.9, 0.999, 1e-7
    grads = [np.array([0.5, -1.0]), np.array([0.1, 0.3]), np.array([-0.4, 0.2])]
    variable = cornu.Variable(np.array([1.0, 2.0], dtype="float32"))
    opt = legacy.Adam(lr=lr, decay=decay)
    w, m, v = np.array([1.0, 2.0]), np.zeros(2), np.zeros(2)
    for t, g in enumerate(grads):
        opt.apply([ops.convert_to_tensor(g.astype("float32"))], [variable])
        rate = lr / (1.0 + decay * t)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        step = t + 1
        alpha = rate * np.sqrt(1 - b2**step) / (1 - b1**step)
        w = w - alpha * m / (np.sqrt(v) + eps)
    np.testing.assert_allclose(np.asarray(ops.convert_to_numpy(variable)), w, rtol=1e-5)


def test_legacy_config_round_trips_and_lr_attribute():
    opt = legacy.RMSprop(lr=0.02, rho=0.8, clipnorm=1.0)
    config = opt.get_config()
    assert config["rho"] == 0.8 and config["clipnorm"] == 1.0 and "decay" not in config
    np.testing.assert_allclose(config["learning_rate"], 0.02, rtol=1e-6)
    again = legacy.RMSprop.from_config(config)
    assert again.decay == 0.0 and isinstance(again, cornu.optimizers.RMSprop)
    np.testing.assert_allclose(float(ops.convert_to_numpy(legacy.SGD(lr=0.3).lr)), 0.3, rtol=1e-6)
    assert issubclass(legacy.Optimizer, cornu.optimizers.Optimizer)


@requires_training
def test_decay_is_saved_as_the_equivalent_inverse_time_schedule():
    opt = legacy.SGD(lr=0.1, decay=0.5)
    config = cornu.optimizers.serialize(opt)
    assert config["config"]["learning_rate"]["class_name"] == "InverseTimeDecay"
    current = cornu.optimizers.deserialize(config)  # loads as today's SGD
    assert type(current) is cornu.optimizers.SGD
    grad = np.array([1.0, -2.0])
    expected = apply_constant_gradient(legacy.SGD(lr=0.1, decay=0.5), [0.0, 0.0], grad, steps=3)
    got = apply_constant_gradient(current, [0.0, 0.0], grad, 3)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    rebuilt = legacy.SGD.from_config(opt.get_config())
    got = apply_constant_gradient(rebuilt, [0.0, 0.0], grad, 3)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_legacy_rejects_bad_decay_and_unknown_arguments():
    with pytest.raises(ValueError, match=r"SGD: `decay` must be a non-negative number.*-1"):
        legacy.SGD(decay=-1)
    with pytest.raises(ValueError, match="unexpected arguments"):
        legacy.Adam(momentum=0.9)


@requires_training
def test_decay_composes_with_a_schedule():
    schedule = cornu.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = legacy.SGD(learning_rate=schedule, decay=0.25)
    got = apply_constant_gradient(opt, [0.0], [1.0], steps=3)
    expected = -sum(0.1 * 0.5**t / (1 + 0.25 * t) for t in range(3))
    np.testing.assert_allclose(got, [expected], rtol=1e-6)
    assert opt.get_config()["decay"] == 0.25
    assert legacy.SGD.from_config(opt.get_config()).decay == 0.25
