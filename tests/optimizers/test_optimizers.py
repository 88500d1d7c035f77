"""cornu.optimizers: each update rule against a NumPy transcription of its published
algorithm, the base class's shared features (clipping, weight decay, EMA, accumulation,
loss scaling, constraints), state layout, serialization and the stateless/traced forms."""

import numpy as np
import pytest

import cornu
from cornu import backend, ops, optimizers
from cornu.optimizers import schedules
from tests.optimizers.references import (
    ALL_CLASSES,
    ATOL,
    CASE_IDS,
    CASES,
    RTOL,
    _check,
    _data,
    _reference_run,
    _run,
    ref_adam,
    ref_nadam,
)

# -- update rules ------------------------------------------------------------------------


@pytest.mark.parametrize("name,cls,hyper,ref", CASES, ids=CASE_IDS)
def test_three_steps_match_reference(name, cls, hyper, ref):
    weights, grads = _data()
    lr = 0.05
    variables = _run(cls(learning_rate=lr, **hyper), weights, grads)
    expected, _ = _reference_run(ref, hyper, weights, grads, lr)
    _check(variables, expected)


OPTIONS = {
    "weight_decay": {"weight_decay": 0.1},
    "clipnorm": {"clipnorm": 0.5},
    "clipvalue": {"clipvalue": 0.3},
    "global_clipnorm": {"global_clipnorm": 0.7},
    "loss_scale": {"loss_scale_factor": 4.0},
}


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("name,cls,hyper,ref", CASES, ids=CASE_IDS)
def test_three_steps_with_options(name, cls, hyper, ref, option):
    weights, grads = _data(seed=1)
    lr = 0.05
    extra = OPTIONS[option]
    variables = _run(cls(learning_rate=lr, **hyper, **extra), weights, grads)
    expected, _ = _reference_run(ref, hyper, weights, grads, lr, **extra)
    _check(variables, expected)


@pytest.mark.parametrize("name,cls,hyper,ref", CASES, ids=CASE_IDS)
def test_ema_average_matches_reference(name, cls, hyper, ref):
    weights, grads = _data(seed=2, steps=4)
    lr = 0.05
    optimizer = cls(learning_rate=lr, use_ema=True, ema_momentum=0.7, **hyper)
    variables = _run(optimizer, weights, grads)
    expected, averages = _reference_run(
        ref, hyper, weights, grads, lr, use_ema=True, ema_momentum=0.7
    )
    _check(variables, expected)
    optimizer.finalize_variable_values(variables)
    _check(variables, averages)


def test_adamw_is_adam_with_decoupled_decay():
    weights, grads = _data(seed=3)
    variables = _run(optimizers.AdamW(learning_rate=0.01, weight_decay=0.2), weights, grads)
    expected, _ = _reference_run(ref_adam, {}, weights, grads, 0.01, weight_decay=0.2)
    _check(variables, expected)
    assert optimizers.AdamW().weight_decay == 0.004


QUADRATIC_ARGS = {
    optimizers.Adadelta: {"learning_rate": 1.0, "epsilon": 1e-2},  # eps sets the first steps
    optimizers.Adagrad: {"learning_rate": 1.0},
    optimizers.Ftrl: {"learning_rate": 1.0},
    optimizers.Adafactor: {"learning_rate": 0.5},
}


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_reduces_quadratic(cls):
    # f(w) = sum((w - 3)^2), gradient 2 (w - 3).
    start = np.array([0.0, 1.0, -1.0, 5.0], "float32")
    w = cornu.Variable(start, name="w")
    optimizer = cls(**QUADRATIC_ARGS.get(cls, {"learning_rate": 0.1}))
    for _ in range(100):
        optimizer.apply([ops.multiply(ops.subtract(w.value, 3.0), 2.0)], [w])
    before = float(np.sum((start - 3) ** 2))
    after = float(np.sum((w.numpy() - 3) ** 2))
    assert after < 0.1 * before, (cls.__name__, after, before)


# -- base-class features -------------------------------------------------------------------


def test_variables_order_and_paths():
    a = cornu.Variable(np.zeros((2,), "float32"), name="a")
    b = cornu.Variable(np.zeros((3,), "float32"), name="b")
    optimizer = optimizers.Adam(name="opt")
    optimizer.build([a, b])
    paths = [v.path for v in optimizer.variables]
    assert paths == [
        "opt/iteration", "opt/learning_rate", "opt/a_momentum", "opt/a_velocity",
        "opt/b_momentum", "opt/b_velocity",
    ]  # fmt: skip
    assert backend.standardize_dtype(optimizer.iterations.dtype) in ("int64", "int32")
    assert all(not v.trainable for v in optimizer.variables)
    ams = optimizers.Adam(amsgrad=True)
    ams.build([a])
    assert len(ams.variables) == 5
    sgd = optimizers.SGD()
    sgd.build([a, b])
    assert len(sgd.variables) == 2


def test_ema_and_accumulator_slots_come_first():
    a = cornu.Variable(np.zeros((2,), "float32"), name="a")
    optimizer = optimizers.SGD(momentum=0.5, use_ema=True, gradient_accumulation_steps=2, name="s")
    optimizer.build([a])
    assert [v.path for v in optimizer.variables] == [
        "s/iteration", "s/learning_rate", "s/a_average", "s/a_gradient_accumulator",
        "s/a_momentum",
    ]  # fmt: skip


def test_learning_rate_setter_and_schedule():
    optimizer = optimizers.SGD(learning_rate=0.5)
    assert isinstance(optimizer.learning_rate, cornu.Variable)
    optimizer.learning_rate = 0.25
    assert float(optimizer.learning_rate.numpy()) == pytest.approx(0.25)
    assert optimizer.variables[1] is optimizer.learning_rate
    with pytest.raises(ValueError, match="must be non-negative"):
        optimizer.learning_rate = -1.0
    with pytest.raises(ValueError, match="must be non-negative"):
        optimizers.Adam(learning_rate=-0.1)
    with pytest.raises(TypeError, match="learning_rate"):
        optimizers.Adam(learning_rate="fast")

    schedule = schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5)
    scheduled = optimizers.SGD(learning_rate=schedule)
    assert len(scheduled.variables) == 1
    w = cornu.Variable(np.zeros((1,), "float32"), name="w")
    for _ in range(3):
        scheduled.apply([np.ones((1,), "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [-(1.0 + 0.5 + 0.25)], rtol=1e-6)
    assert float(ops.convert_to_numpy(scheduled.learning_rate)) == pytest.approx(0.125)
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        scheduled.learning_rate = 0.1


def test_callable_learning_rate():
    optimizer = optimizers.SGD(learning_rate=lambda: 0.5)
    w = cornu.Variable(np.zeros((2,), "float32"), name="w")
    optimizer.apply([np.ones((2,), "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [-0.5, -0.5])
    assert len(optimizer.variables) == 1
    optimizer.learning_rate = 0.1  # back to a Variable, placed after `iterations`
    assert optimizer.variables[1] is optimizer.learning_rate


def test_apply_gradients_returns_iterations_and_skips_none():
    a = cornu.Variable(np.ones((2,), "float32"), name="a")
    b = cornu.Variable(np.ones((2,), "float32"), name="b")
    optimizer = optimizers.SGD(learning_rate=1.0)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        iterations = optimizer.apply_gradients([(np.ones((2,), "float32"), a), (None, b)])
    assert int(ops.convert_to_numpy(iterations)) == 1
    np.testing.assert_allclose(a.numpy(), [0.0, 0.0])
    np.testing.assert_allclose(b.numpy(), [1.0, 1.0])
    with pytest.raises(ValueError, match="No gradients provided"):
        optimizer.apply([None, None], [a, b])


def test_apply_without_variables_uses_built_list():
    a = cornu.Variable(np.ones((2,), "float32"), name="a")
    optimizer = optimizers.SGD(learning_rate=1.0)
    with pytest.raises(ValueError, match="needs `trainable_variables`"):
        optimizer.apply([np.ones((2,), "float32")])
    optimizer.build([a])
    optimizer.apply([np.ones((2,), "float32")])
    np.testing.assert_allclose(a.numpy(), [0.0, 0.0])
    other = cornu.Variable(np.ones((2,), "float32"), name="other")
    with pytest.raises(ValueError, match="no state for variable 'other'"):
        optimizer.apply([np.ones((2,), "float32")], [other])


def test_exclude_from_weight_decay():
    kernel = cornu.Variable(np.ones((2,), "float32"), name="kernel")
    bias = cornu.Variable(np.ones((2,), "float32"), name="bias")
    extra = cornu.Variable(np.ones((2,), "float32"), name="extra")
    optimizer = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_list=[extra], var_names=["bia"])
    zeros = np.zeros((2,), "float32")
    optimizer.apply([zeros, zeros, zeros], [kernel, bias, extra])
    np.testing.assert_allclose(kernel.numpy(), [0.95, 0.95], rtol=1e-6)
    np.testing.assert_allclose(bias.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(extra.numpy(), [1.0, 1.0])
    with pytest.raises(ValueError, match="before the optimizer is built"):
        optimizer.exclude_from_weight_decay(var_names=["kernel"])


def test_gradient_accumulation():
    weights, grads = _data(seed=4, steps=4)
    optimizer = optimizers.Adam(learning_rate=0.1, gradient_accumulation_steps=2)
    variables = [cornu.Variable(w, name=f"w{i}") for i, w in enumerate(weights)]
    optimizer.apply(grads[0], variables)
    _check(variables, weights)  # nothing applied yet
    assert int(ops.convert_to_numpy(optimizer.iterations)) == 0
    optimizer.apply(grads[1], variables)
    optimizer.apply(grads[2], variables)
    optimizer.apply(grads[3], variables)
    assert int(ops.convert_to_numpy(optimizer.iterations)) == 2
    means = [[(a + b) / 2 for a, b in zip(grads[0], grads[1])],
             [(a + b) / 2 for a, b in zip(grads[2], grads[3])]]  # fmt: skip
    expected, _ = _reference_run(ref_adam, {}, weights, means, 0.1)
    _check(variables, expected)
    for accumulator in optimizer._accumulated_gradients:
        np.testing.assert_allclose(accumulator.numpy(), 0.0)


def test_gradient_accumulation_with_ema_averages_real_steps_only():
    w = cornu.Variable(np.zeros((2,), "float32"), name="w")
    optimizer = optimizers.SGD(
        learning_rate=1.0, use_ema=True, ema_momentum=0.5, gradient_accumulation_steps=2
    )
    g = -np.ones((2,), "float32")
    for _ in range(2):
        optimizer.apply([g], [w])
    np.testing.assert_allclose(w.numpy(), [1.0, 1.0])
    average = optimizer._model_variables_moving_average[0]
    np.testing.assert_allclose(average.numpy(), [1.0, 1.0])  # copied on the first real step
    optimizer.apply([g], [w])
    np.testing.assert_allclose(average.numpy(), [1.0, 1.0])
    optimizer.apply([g], [w])
    np.testing.assert_allclose(w.numpy(), [2.0, 2.0])
    np.testing.assert_allclose(average.numpy(), [1.5, 1.5])


def test_ema_overwrite_frequency():
    w = cornu.Variable(np.zeros((2,), "float32"), name="w")
    optimizer = optimizers.SGD(
        learning_rate=1.0, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2
    )
    g = -np.ones((2,), "float32")
    optimizer.apply([g], [w])  # w = 1, avg = 1
    np.testing.assert_allclose(w.numpy(), [1.0, 1.0])
    optimizer.apply([g], [w])  # w = 2, avg = 1.5, then overwritten at iteration 2
    np.testing.assert_allclose(w.numpy(), [1.5, 1.5])


def test_constraint_applied_after_update():
    w = cornu.Variable(np.zeros((2,), "float32"), name="w")
    w.constraint = lambda x: ops.clip(x, -0.5, 0.5)
    optimizers.SGD(learning_rate=1.0).apply([-np.ones((2,), "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [0.5, 0.5])


def test_scale_loss():
    assert optimizers.SGD(loss_scale_factor=8.0).scale_loss(2.0) == 16.0
    assert optimizers.SGD().scale_loss(2.0) == 2.0


def _built(optimizer, weights):
    """Variables holding `weights`, with `optimizer` built for them."""
    variables = [cornu.Variable(w, name=f"w{i}") for i, w in enumerate(weights)]
    optimizer.build(variables)
    return variables


def test_stateless_apply_matches_apply():
    weights, grads = _data(seed=5, steps=2)
    optimizer = optimizers.Adam(learning_rate=0.1)
    variables = _built(optimizer, weights)
    opt_values = [v.value for v in optimizer.variables]
    train_values = [v.value for v in variables]
    for step_grads in grads:
        train_values, opt_values = optimizer.stateless_apply(opt_values, step_grads, train_values)
    _check(variables, weights)  # the Variables themselves are untouched
    expected, _ = _reference_run(ref_adam, {}, weights, grads, 0.1)
    for value, e in zip(train_values, expected):
        np.testing.assert_allclose(ops.convert_to_numpy(value), e, rtol=RTOL, atol=ATOL)
    assert int(ops.convert_to_numpy(opt_values[0])) == 2
    assert int(optimizer.iterations.numpy()) == 0
    with pytest.raises(ValueError, match="optimizer variable values"):
        optimizer.stateless_apply(opt_values[:1], grads[0], train_values)


@pytest.mark.skipif(backend.backend() != "jax", reason="jax.jit test runs on the jax backend")
def test_stateless_apply_under_jax_jit():
    import jax

    weights, grads = _data(seed=6, steps=3)
    optimizer = optimizers.Adam(learning_rate=0.1, clipnorm=1.0, use_ema=True)
    variables = _built(optimizer, weights)

    @jax.jit
    def step(opt_values, step_grads, train_values):
        return optimizer.stateless_apply(opt_values, step_grads, train_values)

    opt_values = [v.value for v in optimizer.variables]
    train_values = [v.value for v in variables]
    for step_grads in grads:
        train_values, opt_values = step(opt_values, step_grads, train_values)
    expected, _ = _reference_run(ref_adam, {}, weights, grads, 0.1, clipnorm=1.0)
    for value, e in zip(train_values, expected):
        np.testing.assert_allclose(np.asarray(value), e, rtol=RTOL, atol=ATOL)


@pytest.mark.skipif(backend.backend() != "tensorflow", reason="tf.function test")
def test_apply_inside_tf_function():
    import tensorflow as tf

    weights, grads = _data(seed=7, steps=3)
    optimizer = optimizers.Nadam(learning_rate=0.1, clipvalue=0.5, use_ema=True)
    variables = _built(optimizer, weights)

    # autograph=False: no Python branching on tensors may hide behind autograph's rewriting.
    @tf.function(autograph=False)
    def step(step_grads):
        optimizer.apply(step_grads, variables)

    for step_grads in grads:
        step([tf.constant(g) for g in step_grads])
    expected, _ = _reference_run(ref_nadam, {}, weights, grads, 0.1, clipvalue=0.5)
    _check(variables, expected)

    accumulating = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=2)
    w = cornu.Variable(np.zeros((2,), "float32"), name="w")
    accumulating.build([w])
    traced = tf.function(lambda g: accumulating.apply([g], [w]), autograph=False)
    for value in (1.0, 3.0, 5.0):
        traced(tf.constant([value, value]))
    np.testing.assert_allclose(w.numpy(), [-2.0, -2.0])


@pytest.mark.skipif(backend.backend() != "torch", reason="torch autograd test")
def test_torch_updates_stay_out_of_autograd():
    import torch

    w = cornu.Variable(np.ones((3,), "float32"), name="w")
    optimizer = optimizers.Adam(learning_rate=0.1)
    loss = (w.value * 2.0).sum()
    (grad,) = torch.autograd.grad(loss, [w.value])
    optimizer.apply([grad], [w])
    assert w.value.grad_fn is None
    assert all(v.value.grad_fn is None for v in optimizer.variables)


# -- serialization ---------------------------------------------------------------------------


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_get_config_round_trip(cls):
    optimizer = cls(learning_rate=0.02, clipnorm=1.5, use_ema=True)
    config = optimizer.get_config()
    assert config["learning_rate"] == pytest.approx(0.02)
    clone = cls.from_config(config)
    assert clone.get_config() == config
    again = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(again) is cls and again.get_config() == config


def test_config_with_schedule_round_trip():
    schedule = schedules.CosineDecay(0.1, decay_steps=10, alpha=0.1)
    optimizer = optimizers.Adam(learning_rate=schedule)
    config = optimizer.get_config()
    assert config["learning_rate"]["class_name"] == "CosineDecay"
    clone = optimizers.Adam.from_config(config)
    assert isinstance(clone._learning_rate, schedules.CosineDecay)
    assert clone._learning_rate.get_config() == schedule.get_config()


@pytest.mark.parametrize(
    "identifier,cls",
    [("adam", optimizers.Adam), ("Adam", optimizers.Adam), ("sgd", optimizers.SGD),
     ("SGD", optimizers.SGD), ("rmsprop", optimizers.RMSprop), ("adamw", optimizers.AdamW),
     ("AdamW", optimizers.AdamW), ("nadam", optimizers.Nadam), ("ftrl", optimizers.Ftrl),
     ("adafactor", optimizers.Adafactor), ("lion", optimizers.Lion), ("lamb", optimizers.Lamb),
     ("adamax", optimizers.Adamax), ("adagrad", optimizers.Adagrad), ("muon", optimizers.Muon),
     ("adadelta", optimizers.Adadelta), ("RMSprop", optimizers.RMSprop),
     ("schedule_free_adamw", optimizers.ScheduleFreeAdamW)],
)  # fmt: skip
def test_get_by_name(identifier, cls):
    assert type(optimizers.get(identifier)) is cls


def test_get_other_forms_and_errors():
    adam = optimizers.Adam()
    assert optimizers.get(adam) is adam
    got = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.3}})
    assert isinstance(got, optimizers.SGD)
    assert float(got.learning_rate.numpy()) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="Did you mean: 'adam'"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.get(42)


def test_constructor_errors():
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue`"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="`weight_decay` must be a float"):
        optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="`momentum` must be a float in"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="`beta_1` must be in"):
        optimizers.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="`learning_rate_power` must be <= 0"):
        optimizers.Ftrl(learning_rate_power=0.5)
    with pytest.raises(ValueError, match="`initial_accumulator_value` must be >= 0"):
        optimizers.Adagrad(initial_accumulator_value=-1.0)
    with pytest.raises(ValueError, match="unexpected arguments"):
        optimizers.Adam(betta=0.1)
    with pytest.raises(ValueError, match="`gradient_accumulation_steps` must be an int"):
        optimizers.Adam(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="`ema_momentum` must be a float"):
        optimizers.Adam(use_ema=True, ema_momentum=2.0)
    with pytest.raises(ValueError, match="`clipnorm` must be a non-negative"):
        optimizers.Adam(clipnorm=-1.0)
    with pytest.raises(ValueError, match="use `learning_rate`"):
        optimizers.Adam(lr=0.1)


def test_save_and_load_own_variables():
    weights, grads = _data(seed=8, steps=2)
    optimizer = optimizers.Adam(learning_rate=0.1)
    _run(optimizer, weights, grads)
    store = {}
    optimizer.save_own_variables(store)
    assert len(store) == 6
    fresh = optimizers.Adam(learning_rate=0.1)
    fresh.build([cornu.Variable(w) for w in weights])
    fresh.load_own_variables(store)
    for a, b in zip(optimizer.variables, fresh.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy())
    with pytest.raises(ValueError, match="has 6 variables but the store holds 1"):
        fresh.load_own_variables({"0": 1})


def test_default_names_are_unique():
    first, second = optimizers.Adam(), optimizers.Adam()
    assert first.name.startswith("adam") and first.name != second.name
    # Keras 3.15's names: snake_case of the class name, except SGD.
    assert optimizers.RMSprop().name.startswith("rm_sprop")
    assert optimizers.AdamW().name.startswith("adam_w")
    assert optimizers.SGD().name.startswith("sgd")
