"""cornu.optimizers beyond the single-rule optimizers: LossScaleOptimizer, Muon,
ScheduleFree's finalize, MultiOptimizer and user subclasses (split from test_optimizers.py)."""

import math

import numpy as np
import pytest

import cornu
from cornu import backend, ops, optimizers
from tests.optimizers.references import (
    ATOL,
    RTOL,
    _check,
    _data,
    _reference_run,
    _run,
    ref_adam,
    ref_sgd,
)

# -- LossScaleOptimizer ---------------------------------------------------------------------


def _lso(**kwargs):
    return optimizers.LossScaleOptimizer(
        optimizers.SGD(learning_rate=1.0), initial_scale=8.0, **kwargs
    )


def test_loss_scale_optimizer_steps_and_scale():
    w = cornu.Variable(np.zeros((2,), "float32"), name="w")
    optimizer = _lso(dynamic_growth_steps=2)
    assert float(ops.convert_to_numpy(optimizer.scale_loss(2.0))) == 16.0
    optimizer.apply([np.full((2,), 8.0, "float32")], [w])  # unscaled gradient 1
    np.testing.assert_allclose(w.numpy(), [-1.0, -1.0])
    assert float(optimizer.dynamic_scale.numpy()) == 8.0
    assert int(optimizer.step_counter.numpy()) == 1
    optimizer.apply([np.full((2,), 8.0, "float32")], [w])  # second finite step: scale doubles
    np.testing.assert_allclose(w.numpy(), [-2.0, -2.0])
    assert float(optimizer.dynamic_scale.numpy()) == 16.0
    assert int(optimizer.step_counter.numpy()) == 0
    assert int(ops.convert_to_numpy(optimizer.iterations)) == 2
    optimizer.apply([np.array([np.inf, 1.0], "float32")], [w])  # skipped, scale halves
    np.testing.assert_allclose(w.numpy(), [-2.0, -2.0])
    assert float(optimizer.dynamic_scale.numpy()) == 8.0
    assert int(ops.convert_to_numpy(optimizer.iterations)) == 2
    assert float(ops.convert_to_numpy(optimizer.scale_loss(1.0))) == 8.0


def test_loss_scale_optimizer_variables_config_and_errors():
    w = cornu.Variable(np.zeros((2,), "float32"), name="w")
    inner = optimizers.Adam(learning_rate=0.5)
    optimizer = optimizers.LossScaleOptimizer(inner, name="lso")
    optimizer.build([w])
    names = [v.name for v in optimizer.variables]
    # Keras 3.15.1's layout: its own (unused) iteration and learning rate come first.
    assert names[:4] == ["iteration", "learning_rate", "step_counter", "dynamic_scale"]
    assert optimizer.variables[4:] == inner.variables
    assert float(optimizer.learning_rate.numpy()) == 0.5
    optimizer.learning_rate = 0.25
    assert float(inner.learning_rate.numpy()) == 0.25
    config = optimizer.get_config()
    clone = optimizers.LossScaleOptimizer.from_config(config)
    assert isinstance(clone.inner_optimizer, optimizers.Adam)
    assert clone.get_config() == config
    assert isinstance(optimizers.deserialize(optimizers.serialize(optimizer)),
                      optimizers.LossScaleOptimizer)  # fmt: skip
    with pytest.raises(TypeError, match="`inner_optimizer` must be an Optimizer"):
        optimizers.LossScaleOptimizer("adam")
    with pytest.raises(ValueError, match="only supports dynamic loss scaling"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), dynamic=False)


def test_loss_scale_optimizer_stateless_apply():
    w = cornu.Variable(np.zeros((2,), "float32"), name="w")
    optimizer = _lso()
    optimizer.build([w])
    step = optimizer.stateless_apply
    if backend.backend() == "jax":
        import jax

        step = jax.jit(step)
    opt_values = [v.value for v in optimizer.variables]
    train_values = [w.value]
    train_values, opt_values = step(opt_values, [np.full((2,), 8.0, "float32")], train_values)
    np.testing.assert_allclose(ops.convert_to_numpy(train_values[0]), [-1.0, -1.0])
    bad = np.array([np.nan, 1.0], "float32")
    train_values, opt_values = step(opt_values, [bad], train_values)
    np.testing.assert_allclose(ops.convert_to_numpy(train_values[0]), [-1.0, -1.0])
    assert float(ops.convert_to_numpy(opt_values[3])) == 4.0
    np.testing.assert_allclose(w.numpy(), [0.0, 0.0])


# -- Muon -----------------------------------------------------------------------------------


def _ref_newton_schulz(g, steps, a=3.4445, b=-4.775, c=2.0315):
    # Jordan et al. (2024): quintic Newton-Schulz iteration toward U V^T.
    x = g / (np.linalg.norm(g) + 1e-7)
    transposed = x.shape[0] > x.shape[1]
    if transposed:
        x = x.T
    for _ in range(steps):
        m = x @ x.T
        x = a * x + (b * m + c * m @ m) @ x
    return x.T if transposed else x


def test_muon_matches_reference():
    rng = np.random.default_rng(9)
    shapes = {"bias": (3,), "kernel": (2, 4), "token_embedding": (5, 2), "out_kernel": (4, 3)}
    weights = {k: rng.normal(size=s).astype("float32") for k, s in shapes.items()}
    grads = [{k: rng.normal(size=s).astype("float32") for k, s in shapes.items()}
             for _ in range(3)]  # fmt: skip
    lr, wd, adam_wd, ratio, mom = 0.05, 0.1, 0.02, 0.5, 0.9
    optimizer = optimizers.Muon(
        learning_rate=lr, weight_decay=wd, adam_weight_decay=adam_wd, adam_lr_ratio=ratio,
        momentum=mom, exclude_layers=["out_"], ns_steps=4,
    )  # fmt: skip
    variables = {k: cornu.Variable(w, name=k) for k, w in weights.items()}
    names = list(shapes)
    for step in grads:
        optimizer.apply([step[k] for k in names], [variables[k] for k in names])

    expected = {k: w.astype("float64") for k, w in weights.items()}
    states = {k: {} for k in names}
    for t, step in enumerate(grads, start=1):
        for k in names:
            g = step[k].astype("float64")
            if k == "kernel":  # the only Muon variable
                expected[k] = expected[k] - expected[k] * wd * lr
                buf = mom * states[k].get("buf", 0.0) + g
                states[k]["buf"] = buf
                direction = g + mom * buf
                update = _ref_newton_schulz(direction, 4)
                expected[k] = expected[k] - lr * 0.2 * math.sqrt(4) * update
            else:
                expected[k] = expected[k] - expected[k] * adam_wd * lr * ratio
                expected[k] = ref_adam(expected[k], g, states[k], t, lr * ratio)
    for k in names:
        np.testing.assert_allclose(variables[k].numpy(), expected[k], rtol=1e-4, atol=1e-5)
    slots = [v.name for v in optimizer.variables[2:]]
    assert slots == [
        "bias_momentum", "bias_velocity", "kernel_momentum", "token_embedding_momentum",
        "token_embedding_velocity", "out_kernel_momentum", "out_kernel_velocity",
    ]  # fmt: skip


def test_muon_orthogonalizes_and_reduces_quadratic():
    rng = np.random.default_rng(10)
    start = rng.normal(size=(3, 4)).astype("float32")
    w = cornu.Variable(start, name="kernel")
    optimizer = optimizers.Muon(learning_rate=0.3, weight_decay=0.0)
    for _ in range(100):
        optimizer.apply([ops.multiply(ops.subtract(w.value, 3.0), 2.0)], [w])
    before = float(np.sum((start - 3) ** 2))
    assert float(np.sum((w.numpy() - 3) ** 2)) < 0.2 * before
    # Enough iterations make singular values of the direction close to 1.
    x = _ref_newton_schulz(rng.normal(size=(4, 6)), 5)
    assert np.all(np.abs(np.linalg.svd(x, compute_uv=False) - 1.0) < 0.35)
    config = optimizer.get_config()
    assert optimizers.Muon.from_config(config).get_config() == config


def test_schedule_free_layout_and_finalize():
    # As in Keras: one momentum (z) and one velocity slot per variable, and the variables
    # keep y after training (finalize_variable_values changes nothing without use_ema).
    weights, grads = _data(seed=11)
    optimizer = optimizers.ScheduleFreeAdamW(learning_rate=0.05, beta_1=0.5)
    variables = _run(optimizer, weights, grads)
    before = [v.numpy() for v in variables]
    optimizer.finalize_variable_values(variables)
    for variable, value in zip(variables, before):
        np.testing.assert_array_equal(variable.numpy(), value)
    names = [v.name for v in optimizer.variables]
    assert names == ["iteration", "learning_rate", "w0_momentum", "w0_velocity",
                     "w1_momentum", "w1_velocity"]  # fmt: skip
    with pytest.raises(ValueError, match="`warmup_steps` must be an int >= 0"):
        optimizers.ScheduleFreeAdamW(warmup_steps=-1)


def test_schedule_free_beta_1_zero_keeps_z():
    # beta_1 = 0 puts the variables on z; no division by beta_1 (Keras gives NaN there).
    weights, grads = _data(seed=13)
    optimizer = optimizers.ScheduleFreeAdamW(learning_rate=0.05, beta_1=0.0)
    variables = _run(optimizer, weights, grads)
    for variable, z in zip(variables, optimizer._momentums):
        np.testing.assert_allclose(variable.numpy(), z.numpy(), rtol=1e-6, atol=1e-7)


# -- MultiOptimizer -------------------------------------------------------------------------


def _multi_setup():
    weights, grads = _data(seed=12)
    with cornu.name_scope("encoder"):
        encoder = cornu.Variable(weights[0], name="kernel")
    head = cornu.Variable(weights[1], name="head")
    return weights, grads, [encoder, head]


def test_multi_optimizer_with_map():
    weights, grads, variables = _multi_setup()
    adam, sgd = optimizers.Adam(learning_rate=0.1), optimizers.SGD(learning_rate=0.1)
    optimizer = optimizers.MultiOptimizer(optimizers.OptimizerMap(sgd, {"encoder/.*": adam}))
    for step in grads:
        optimizer.apply(step, variables)
    expected_adam, _ = _reference_run(ref_adam, {}, weights[:1], [g[:1] for g in grads], 0.1)
    expected_sgd, _ = _reference_run(ref_sgd, {}, weights[1:], [g[1:] for g in grads], 0.1)
    _check(variables, expected_adam + expected_sgd)
    assert optimizer.optimizers == [adam, sgd]  # built: in order of first use
    assert len(optimizer.variables) == 1 + len(sgd.variables) + len(adam.variables)
    assert int(ops.convert_to_numpy(optimizer.iterations)) == 3
    with pytest.raises(AttributeError, match="no single learning rate"):
        optimizer.learning_rate
    config = optimizer.get_config()
    clone = optimizers.MultiOptimizer.from_config(config)
    assert [type(o) for o in clone.optimizers] == [optimizers.SGD, optimizers.Adam]


def test_multi_optimizer_with_selector_and_stateless_apply():
    weights, grads, variables = _multi_setup()

    def selector(variable):
        return optimizers.Adam(0.1) if "encoder" in variable.path else optimizers.SGD(0.1)

    optimizer = optimizers.MultiOptimizer(selector)
    optimizer.build(variables)
    step = optimizer.stateless_apply
    if backend.backend() == "jax":
        import jax

        step = jax.jit(step)
    opt_values = [v.value for v in optimizer.variables]
    train_values = [v.value for v in variables]
    for g in grads:
        train_values, opt_values = step(opt_values, g, train_values)
    expected_adam, _ = _reference_run(ref_adam, {}, weights[:1], [g[:1] for g in grads], 0.1)
    expected_sgd, _ = _reference_run(ref_sgd, {}, weights[1:], [g[1:] for g in grads], 0.1)
    for value, e in zip(train_values, expected_adam + expected_sgd):
        np.testing.assert_allclose(ops.convert_to_numpy(value), e, rtol=RTOL, atol=ATOL)
    with pytest.raises(TypeError, match="expects an OptimizerMap or a callable"):
        optimizers.MultiOptimizer("adam")


def test_custom_optimizer_subclass():
    class MomentumDescent(optimizers.Optimizer):
        def __init__(self, learning_rate=0.1, momentum=0.5, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)
            self.momentum = momentum

        def build(self, variables):
            super().build(variables)
            self.velocities = [
                self.add_variable_from_reference(reference_variable=v, name="velocity")
                for v in variables
            ]

        def update_step(self, gradient, variable, learning_rate):
            lr = ops.cast(learning_rate, variable.dtype)
            v = self.velocities[self._get_variable_index(variable)]
            self.assign(v, ops.subtract(ops.multiply(v, self.momentum), ops.multiply(gradient, lr)))
            self.assign_add(variable, v)

    weights, grads = _data(seed=13)
    optimizer = MomentumDescent()
    assert optimizer.name.startswith("momentum_descent")
    variables = _run(optimizer, weights, grads)
    expected, _ = _reference_run(ref_sgd, {"momentum": 0.5}, weights, grads, 0.1)
    _check(variables, expected)
    with pytest.raises(NotImplementedError, match="must implement `update_step"):
        optimizers.Optimizer(learning_rate=0.1).apply(
            [np.ones((2,), "float32")], [cornu.Variable(np.ones((2,), "float32"))]
        )


def test_numpy_copy_of_a_variable_keeps_its_value_after_a_step():
    variable = cornu.Variable(np.ones((2,), "float32"), name="w")
    before = ops.convert_to_numpy(variable)
    optimizers.SGD(0.5).apply_gradients(
        [(ops.convert_to_tensor(np.ones((2,), "float32")), variable)]
    )
    np.testing.assert_array_equal(before, [1.0, 1.0])
    np.testing.assert_array_equal(ops.convert_to_numpy(variable), [0.5, 0.5])
