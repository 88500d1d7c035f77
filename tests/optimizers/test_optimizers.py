"""cornu.optimizers: each update rule against a NumPy transcription of its published
algorithm, the base class's shared features (clipping, weight decay, EMA, accumulation,
loss scaling, constraints), state layout, serialization and the stateless/traced forms."""

import math

import numpy as np
import pytest

import cornu
from cornu import backend, ops, optimizers
from cornu.optimizers import schedules

RTOL = 2e-5
ATOL = 1e-5  # float32 state over a few steps of size ~0.1


# -- NumPy references: `ref(w, g, state, t, lr, **hyper) -> new w` at 1-based step t -------


def ref_sgd(w, g, s, t, lr, momentum=0.0, nesterov=False):
    # Polyak (1964) heavy ball; Nesterov (1983) in the Sutskever et al. (2013) form.
    if momentum == 0:
        return w - lr * g
    s["v"] = momentum * s.get("v", 0.0) - lr * g
    return w + momentum * s["v"] - lr * g if nesterov else w + s["v"]


def ref_adam(w, g, s, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    # Kingma & Ba (2014), Algorithm 1 with the section-2 "efficient" epsilon placement;
    # AMSGrad: Reddi, Kale & Kumar (2018).
    s["m"] = beta_1 * s.get("m", 0.0) + (1 - beta_1) * g
    s["v"] = beta_2 * s.get("v", 0.0) + (1 - beta_2) * g * g
    v = s["v"]
    if amsgrad:
        s["vh"] = np.maximum(s.get("vh", 0.0), v)
        v = s["vh"]
    alpha = lr * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * s["m"] / (np.sqrt(v) + epsilon)


def ref_rmsprop(w, g, s, t, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    # Hinton, Coursera lecture 6e (2012); centered form: Graves (2013), eq. 38-45.
    s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
    denom = s["v"]
    if centered:
        s["a"] = rho * s.get("a", 0.0) + (1 - rho) * g
        denom = denom - s["a"] ** 2
    step = lr * g / np.sqrt(denom + epsilon)
    if momentum > 0:
        s["mom"] = momentum * s.get("mom", 0.0) + step
        return w - s["mom"]
    return w - step


def ref_adagrad(w, g, s, t, lr, initial_accumulator_value=0.1, epsilon=1e-7):
    # Duchi, Hazan & Singer (2011), diagonal form.
    s["acc"] = s.get("acc", initial_accumulator_value) + g * g
    return w - lr * g / np.sqrt(s["acc"] + epsilon)


def ref_adadelta(w, g, s, t, lr, rho=0.95, epsilon=1e-7):
    # Zeiler (2012), Algorithm 1 (scaled by lr).
    s["eg"] = rho * s.get("eg", 0.0) + (1 - rho) * g * g
    delta = -np.sqrt(s.get("edx", 0.0) + epsilon) / np.sqrt(s["eg"] + epsilon) * g
    s["edx"] = rho * s.get("edx", 0.0) + (1 - rho) * delta * delta
    return w + lr * delta


def ref_adamax(w, g, s, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    # Kingma & Ba (2014), Algorithm 2.
    s["m"] = beta_1 * s.get("m", 0.0) + (1 - beta_1) * g
    s["u"] = np.maximum(beta_2 * s.get("u", 0.0), np.abs(g))
    return w - lr / (1 - beta_1**t) * s["m"] / (s["u"] + epsilon)


def ref_nadam(w, g, s, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    # Dozat (2016), Algorithm 2, with the momentum schedule mu_t = b1 (1 - 0.5 * 0.96^t).
    def mu(k):
        return beta_1 * (1 - 0.5 * 0.96**k)

    prod_t = np.prod([mu(k) for k in range(1, t + 1)])
    prod_next = prod_t * mu(t + 1)
    s["m"] = beta_1 * s.get("m", 0.0) + (1 - beta_1) * g
    s["v"] = beta_2 * s.get("v", 0.0) + (1 - beta_2) * g * g
    m_hat = mu(t + 1) * s["m"] / (1 - prod_next) + (1 - mu(t)) * g / (1 - prod_t)
    v_hat = s["v"] / (1 - beta_2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + epsilon)


def ref_ftrl(
    w, g, s, t, lr, learning_rate_power=-0.5, initial_accumulator_value=0.1,
    l1_regularization_strength=0.0, l2_regularization_strength=0.0,
    l2_shrinkage_regularization_strength=0.0, beta=0.0,
):  # fmt: skip
    # McMahan et al. (2013), Algorithm 1 (per-coordinate FTRL-Proximal), generalized power.
    p = -learning_rate_power
    n = s.get("n", np.full_like(w, initial_accumulator_value))
    z = s.get("z", np.zeros_like(w))
    g2 = g + 2 * l2_shrinkage_regularization_strength * w
    n_new = n + g * g
    z = z + g2 - (n_new**p - n**p) / lr * w
    l1 = l1_regularization_strength
    l2 = l2_regularization_strength + beta / (2 * lr)
    w_new = (np.clip(z, -l1, l1) - z) / (n_new**p / lr + 2 * l2)
    s["n"], s["z"] = n_new, z
    return w_new


def ref_lion(w, g, s, t, lr, beta_1=0.9, beta_2=0.99):
    # Chen et al. (2023), Program 1.
    m = s.get("m", 0.0)
    w = w - lr * np.sign(beta_1 * m + (1 - beta_1) * g)
    s["m"] = beta_2 * m + (1 - beta_2) * g
    return w


def ref_lamb(w, g, s, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    # You et al. (2019), Algorithm 2 (one layer per variable, phi = identity).
    s["m"] = beta_1 * s.get("m", 0.0) + (1 - beta_1) * g
    s["v"] = beta_2 * s.get("v", 0.0) + (1 - beta_2) * g * g
    r = (s["m"] / (1 - beta_1**t)) / (np.sqrt(s["v"] / (1 - beta_2**t)) + epsilon)
    w_norm, r_norm = np.linalg.norm(w), np.linalg.norm(r)
    ratio = w_norm / r_norm if w_norm > 0 and r_norm > 0 else 1.0
    return w - lr * ratio * r


def ref_adafactor(
    w, g, s, t, lr, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0,
    relative_step=True,
):  # fmt: skip
    # Shazeer & Stern (2018), Algorithms 4 (matrices, factored) and 5 (vectors).
    def rms(x):
        return np.sqrt(np.mean(x * x))

    rho = min(lr, 1 / math.sqrt(t)) if relative_step else lr
    alpha = max(epsilon_2, rms(w)) * rho
    beta2 = 1 - t**beta_2_decay
    sq = g * g + epsilon_1
    if w.ndim >= 2:
        s["r"] = beta2 * s.get("r", 0.0) + (1 - beta2) * sq.mean(axis=-1)
        s["c"] = beta2 * s.get("c", 0.0) + (1 - beta2) * sq.mean(axis=-2)
        v = (s["r"] / s["r"].mean(axis=-1, keepdims=True))[..., None] * s["c"][..., None, :]
    else:
        s["v"] = beta2 * s.get("v", 0.0) + (1 - beta2) * sq
        v = s["v"]
    u = g / np.sqrt(v)
    u = u / max(1.0, rms(u) / clip_threshold)
    return w - alpha * u


def ref_schedule_free_adamw(
    w, g, s, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0, decay=0.0
):
    # Defazio et al. (2024), Algorithm 1 (AdamW form, bias-corrected second moment); the
    # model holds y, the point where gradients are taken.
    z = s.get("z", w)
    x = s.get("x", w)
    s["v"] = beta_2 * s.get("v", 0.0) + (1 - beta_2) * g * g
    lr_t = lr * (min(1.0, t / warmup_steps) if warmup_steps else 1.0)
    lr_t *= math.sqrt(1 - beta_2**t)
    z = z - lr_t * (g / (np.sqrt(s["v"]) + epsilon) + decay * w)
    s["sum"] = s.get("sum", 0.0) + lr_t**2
    c = lr_t**2 / s["sum"]
    x = (1 - c) * x + c * z
    s["z"], s["x"] = z, x
    return (1 - beta_1) * z + beta_1 * x


CASES = [
    ("sgd", optimizers.SGD, {}, ref_sgd),
    ("sgd_momentum", optimizers.SGD, {"momentum": 0.9}, ref_sgd),
    ("sgd_nesterov", optimizers.SGD, {"momentum": 0.8, "nesterov": True}, ref_sgd),
    ("adam", optimizers.Adam, {}, ref_adam),
    ("adam_amsgrad", optimizers.Adam, {"amsgrad": True, "beta_1": 0.8}, ref_adam),
    ("rmsprop", optimizers.RMSprop, {}, ref_rmsprop),
    ("rmsprop_momentum_centered", optimizers.RMSprop,
     {"momentum": 0.5, "centered": True, "rho": 0.8}, ref_rmsprop),
    ("adagrad", optimizers.Adagrad, {}, ref_adagrad),
    ("adadelta", optimizers.Adadelta, {}, ref_adadelta),
    ("adamax", optimizers.Adamax, {}, ref_adamax),
    ("nadam", optimizers.Nadam, {}, ref_nadam),
    ("ftrl", optimizers.Ftrl, {}, ref_ftrl),
    ("ftrl_regularized", optimizers.Ftrl,
     {"l1_regularization_strength": 0.01, "l2_regularization_strength": 0.02,
      "l2_shrinkage_regularization_strength": 0.03, "beta": 0.1,
      "learning_rate_power": -0.6}, ref_ftrl),
    ("lion", optimizers.Lion, {}, ref_lion),
    ("lamb", optimizers.Lamb, {}, ref_lamb),
    ("adafactor", optimizers.Adafactor, {}, ref_adafactor),
    ("adafactor_absolute", optimizers.Adafactor,
     {"relative_step": False, "clip_threshold": 0.5}, ref_adafactor),
    ("schedule_free_adamw", optimizers.ScheduleFreeAdamW, {}, ref_schedule_free_adamw),
    ("schedule_free_adamw_warmup", optimizers.ScheduleFreeAdamW,
     {"warmup_steps": 2, "beta_1": 0.8}, ref_schedule_free_adamw),
]  # fmt: skip
CASE_IDS = [c[0] for c in CASES]
ALL_CLASSES = [
    optimizers.SGD, optimizers.Adam, optimizers.AdamW, optimizers.RMSprop, optimizers.Adagrad,
    optimizers.Adadelta, optimizers.Adamax, optimizers.Nadam, optimizers.Ftrl, optimizers.Lion,
    optimizers.Lamb, optimizers.Adafactor, optimizers.ScheduleFreeAdamW,
]  # fmt: skip


def _data(seed=0, steps=3):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(3,)).astype("float32"), rng.normal(size=(2, 4)).astype("float32")]
    grads = [[rng.normal(size=w.shape).astype("float32") for w in weights] for _ in range(steps)]
    return weights, grads


def _reference_run(
    ref, hyper, weights, grads_per_step, lr, weight_decay=None, clipnorm=None, clipvalue=None,
    global_clipnorm=None, use_ema=False, ema_momentum=0.99, loss_scale_factor=None,
):  # fmt: skip
    ws = [w.astype("float64") for w in weights]
    states = [{} for _ in ws]
    averages = [None] * len(ws)
    for t, grads in enumerate(grads_per_step, start=1):
        grads = [g.astype("float64") for g in grads]
        if loss_scale_factor:
            grads = [g / loss_scale_factor for g in grads]
        if clipnorm is not None:
            grads = [g * clipnorm / max(np.linalg.norm(g), clipnorm) for g in grads]
        if global_clipnorm is not None:
            norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
            grads = [g * global_clipnorm / max(norm, global_clipnorm) for g in grads]
        if clipvalue is not None:
            grads = [np.clip(g, -clipvalue, clipvalue) for g in grads]
        for i, g in enumerate(grads):
            step_hyper = hyper
            if weight_decay and ref is ref_schedule_free_adamw:
                step_hyper = dict(hyper, decay=weight_decay)  # decay taken inside the z step
            elif weight_decay:
                ws[i] = ws[i] - ws[i] * weight_decay * lr
            ws[i] = ref(ws[i], g, states[i], t, lr, **step_hyper)
            if use_ema:
                averages[i] = (
                    ws[i] if t == 1 else (ema_momentum * averages[i] + (1 - ema_momentum) * ws[i])
                )
    return ws, averages


def _run(optimizer, weights, grads_per_step):
    variables = [cornu.Variable(w, name=f"w{i}") for i, w in enumerate(weights)]
    for grads in grads_per_step:
        optimizer.apply(grads, variables)
    return variables


def _check(variables, expected):
    for v, e in zip(variables, expected):
        np.testing.assert_allclose(v.numpy(), e, rtol=RTOL, atol=ATOL)


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


def test_stateless_apply_matches_apply():
    weights, grads = _data(seed=5, steps=2)
    optimizer = optimizers.Adam(learning_rate=0.1)
    variables = [cornu.Variable(w, name=f"w{i}") for i, w in enumerate(weights)]
    optimizer.build(variables)
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
    variables = [cornu.Variable(w, name=f"w{i}") for i, w in enumerate(weights)]
    optimizer.build(variables)

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
    variables = [cornu.Variable(w, name=f"w{i}") for i, w in enumerate(weights)]
    optimizer.build(variables)

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
    assert optimizers.RMSprop().name.startswith("rmsprop")


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
    assert names[:2] == ["step_counter", "dynamic_scale"]
    assert optimizer.variables[2:] == inner.variables
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
    assert float(ops.convert_to_numpy(opt_values[1])) == 4.0
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


def test_schedule_free_finalize_uses_average():
    weights, grads = _data(seed=11)
    optimizer = optimizers.ScheduleFreeAdamW(learning_rate=0.05, beta_1=0.5)
    variables = _run(optimizer, weights, grads)
    optimizer.finalize_variable_values(variables)
    for variable, x in zip(variables, optimizer._x):
        np.testing.assert_allclose(variable.numpy(), x.numpy())
    assert [v.name for v in optimizer.variables[2:5]] == ["w0_momentum", "w0_x", "w0_velocity"]
    assert optimizer.variables[-1].name == "weight_sum"
    with pytest.raises(ValueError, match="`warmup_steps` must be an int >= 0"):
        optimizers.ScheduleFreeAdamW(warmup_steps=-1)


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
