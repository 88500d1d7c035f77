"""NumPy transcriptions of each optimizer's published update rule, and the helpers that run
cornu optimizers against them (shared by test_optimizers.py and test_optimizer_wrappers.py)."""

import math

import numpy as np

import cornu
from cornu import optimizers

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


def ref_schedule_free_adamw(w, g, s, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0):
    # Defazio et al. (2024), Algorithm 1 (AdamW form): the model holds y, z is stored, and
    # x (the uniform average of the z iterates) is implied by y = (1 - b1) z + b1 x.
    z = s.get("z", s["initial"])  # the slot copies the variable at build, before any decay
    x = (w - (1 - beta_1) * z) / beta_1
    s["v"] = beta_2 * s.get("v", 0.0) + (1 - beta_2) * g * g
    lr_t = lr * (min(1.0, t / warmup_steps) if warmup_steps else 1.0)
    z = z - lr_t * g / (np.sqrt(s["v"] / (1 - beta_2**t)) + epsilon)
    x = (1 - 1 / t) * x + z / t
    s["z"] = z
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
            states[i].setdefault("initial", ws[i])
            if weight_decay:
                ws[i] = ws[i] - ws[i] * weight_decay * lr
            ws[i] = ref(ws[i], g, states[i], t, lr, **hyper)
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
