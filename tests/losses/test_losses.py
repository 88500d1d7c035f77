"""cornu.losses: every loss against a hand-written NumPy formula, reductions and sample
weights, identifiers, configs and errors."""

import inspect
import json

import numpy as np
import pytest

from cornu import losses, ops
from tests.conftest import requires_training
from tests.helpers import backend_grad_of_sum

RNG = np.random.default_rng(7)
EPS = 1e-7


def np_(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# -- NumPy references (per-sample values) ----------------------------------------------------


def ref_msle(t, p):
    return ((np.log1p(np.maximum(p, EPS)) - np.log1p(np.maximum(t, EPS))) ** 2).mean(-1)


def ref_mape(t, p):
    return 100 * (np.abs(t - p) / np.maximum(np.abs(t), EPS)).mean(-1)


def ref_huber(t, p, delta=1.0):
    e = np.abs(p - t)
    return np.where(e <= delta, 0.5 * e**2, delta * e - 0.5 * delta**2).mean(-1)


def ref_log_cosh(t, p):
    return np.log(np.cosh(p - t)).mean(-1)


def ref_cosine(t, p, axis=-1):
    tn = t / np.maximum(np.linalg.norm(t, axis=axis, keepdims=True), 1e-12)
    pn = p / np.maximum(np.linalg.norm(p, axis=axis, keepdims=True), 1e-12)
    return -(tn * pn).sum(axis)


def ref_poisson(t, p):
    return (p - t * np.log(p + EPS)).mean(-1)


def ref_kld(t, p):
    t = np.clip(t, EPS, 1)
    p = np.clip(p, EPS, 1)
    return (t * np.log(t / p)).sum(-1)


def _signed(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def ref_hinge(t, p):
    return np.maximum(1 - _signed(t) * p, 0).mean(-1)


def ref_squared_hinge(t, p):
    return (np.maximum(1 - _signed(t) * p, 0) ** 2).mean(-1)


def ref_categorical_hinge(t, p):
    return np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0)


def ref_bce(t, p, from_logits=False):
    if from_logits:
        p = _sigmoid(p)
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def ref_binary_focal(
    t, p, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0
):
    t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    bce = ref_bce(t, p, from_logits)
    prob = _sigmoid(p) if from_logits else p
    p_t = t * prob + (1 - t) * (1 - prob)
    v = (1 - p_t) ** gamma * bce
    if apply_class_balancing:
        v = (t * alpha + (1 - t) * (1 - alpha)) * v
    return v.mean(-1)


def ref_categorical_focal(t, p, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0):
    t = t * (1 - label_smoothing) + label_smoothing / t.shape[-1]
    if from_logits:
        p = _softmax(p)
    p = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return (-alpha * (1 - p) ** gamma * t * np.log(p)).sum(-1)


def ref_generalized_ce(labels, p, q):
    pt = np.clip(p[np.arange(len(labels)), labels], EPS, 1)
    return (1 - pt**q) / q


def ref_dice(t, p, axis=None):
    return 1 - 2 * (t * p).sum(axis) / (t.sum(axis) + p.sum(axis) + EPS)


def ref_tversky(t, p, alpha=0.5, beta=0.5, axis=None):
    tp = (t * p).sum(axis)
    fp = ((1 - t) * p).sum(axis)
    fn = (t * (1 - p)).sum(axis)
    return 1 - tp / (tp + alpha * fp + beta * fn + EPS)


def ref_circle(labels, emb, gamma=80.0, margin=0.4, remove_diagonal=True):
    sim = emb @ emb.T
    same = labels[:, None] == labels[None, :]
    pos = same & ~np.eye(len(labels), dtype=bool) if remove_diagonal else same
    neg = ~same
    out = []
    for i in range(len(labels)):
        sp, sn = sim[i][pos[i]], sim[i][neg[i]]
        lp = -gamma * np.maximum(1 + margin - sp, 0) * (sp - (1 - margin))
        ln = gamma * np.maximum(sn + margin, 0) * (sn - margin)
        if len(lp) == 0 or len(ln) == 0:
            out.append(0.0)
            continue
        out.append(np.log1p(np.exp(lp).sum() * np.exp(ln).sum()))
    return np.array(out)


def ref_ctc(labels, logits):
    """Forward algorithm in probability space (blank 0; label padding 0)."""
    out = []
    for lab, lg in zip(labels, logits):
        probs = _softmax(lg.astype("float64"))
        seq = [c for c in lab if c != 0]
        ext = [0]
        for c in seq:
            ext += [c, 0]
        alpha = np.zeros(len(ext))
        alpha[0] = probs[0, 0]
        if len(ext) > 1:
            alpha[1] = probs[0, ext[1]]
        for t in range(1, len(probs)):
            new = np.zeros_like(alpha)
            for s in range(len(ext)):
                a = alpha[s] + (alpha[s - 1] if s >= 1 else 0)
                if s >= 2 and ext[s] != 0 and ext[s] != ext[s - 2]:
                    a += alpha[s - 2]
                new[s] = a * probs[t, ext[s]]
            alpha = new
        total = alpha[-1] + (alpha[-2] if len(ext) > 1 else 0)
        out.append(-np.log(total))
    return np.array(out)


# -- inputs -----------------------------------------------------------------------------------

REAL_T = RNG.normal(size=(6, 4)).astype("float32")
REAL_P = RNG.normal(size=(6, 4)).astype("float32")
POS_T = RNG.uniform(0.1, 3, size=(6, 4)).astype("float32")
POS_P = RNG.uniform(0.1, 3, size=(6, 4)).astype("float32")
PROB_T = _softmax(RNG.normal(size=(6, 4))).astype("float32")
PROB_P = _softmax(RNG.normal(size=(6, 4))).astype("float32")
ONE_HOT = np.eye(4, dtype="float32")[RNG.integers(0, 4, size=6)]
BIN_T = RNG.integers(0, 2, size=(6, 4)).astype("float32")
BIN_P = RNG.uniform(0.05, 0.95, size=(6, 4)).astype("float32")
SIGNED_T = np.where(BIN_T > 0, 1.0, -1.0).astype("float32")
WEIGHTS = np.array([1.0, 0.0, 2.0, 0.5, 1.0, 3.0], "float32")

# (id, class, class kwargs, function, function kwargs, y_true, y_pred, reference)
CASES = [
    (
        "msle",
        losses.MeanSquaredLogarithmicError,
        {},
        losses.mean_squared_logarithmic_error,
        {},
        POS_T,
        POS_P,
        ref_msle,
    ),
    (
        "mape",
        losses.MeanAbsolutePercentageError,
        {},
        losses.mean_absolute_percentage_error,
        {},
        REAL_T,
        REAL_P,
        ref_mape,
    ),
    ("huber", losses.Huber, {}, losses.huber, {}, REAL_T, REAL_P, ref_huber),
    (
        "huber_delta",
        losses.Huber,
        {"delta": 0.3},
        losses.huber,
        {"delta": 0.3},
        REAL_T,
        REAL_P,
        lambda t, p: ref_huber(t, p, 0.3),
    ),
    ("log_cosh", losses.LogCosh, {}, losses.log_cosh, {}, REAL_T, REAL_P, ref_log_cosh),
    (
        "cosine",
        losses.CosineSimilarity,
        {},
        losses.cosine_similarity,
        {},
        REAL_T,
        REAL_P,
        ref_cosine,
    ),
    (
        "cosine_axis0",
        losses.CosineSimilarity,
        {"axis": 0},
        losses.cosine_similarity,
        {"axis": 0},
        REAL_T[:, :, None].repeat(2, -1),
        REAL_P[:, :, None].repeat(2, -1),
        lambda t, p: ref_cosine(t, p, 0),
    ),
    ("poisson", losses.Poisson, {}, losses.poisson, {}, POS_T, POS_P, ref_poisson),
    ("kld", losses.KLDivergence, {}, losses.kl_divergence, {}, PROB_T, PROB_P, ref_kld),
    ("hinge_signed", losses.Hinge, {}, losses.hinge, {}, SIGNED_T, REAL_P, ref_hinge),
    ("hinge_binary", losses.Hinge, {}, losses.hinge, {}, BIN_T, REAL_P, ref_hinge),
    (
        "squared_hinge",
        losses.SquaredHinge,
        {},
        losses.squared_hinge,
        {},
        BIN_T,
        REAL_P,
        ref_squared_hinge,
    ),
    (
        "categorical_hinge",
        losses.CategoricalHinge,
        {},
        losses.categorical_hinge,
        {},
        ONE_HOT,
        REAL_P,
        ref_categorical_hinge,
    ),
    (
        "binary_focal",
        losses.BinaryFocalCrossentropy,
        {},
        losses.binary_focal_crossentropy,
        {},
        BIN_T,
        BIN_P,
        ref_binary_focal,
    ),
    (
        "binary_focal_balanced_logits",
        losses.BinaryFocalCrossentropy,
        {
            "apply_class_balancing": True,
            "alpha": 0.3,
            "gamma": 1.5,
            "from_logits": True,
            "label_smoothing": 0.1,
        },
        losses.binary_focal_crossentropy,
        {
            "apply_class_balancing": True,
            "alpha": 0.3,
            "gamma": 1.5,
            "from_logits": True,
            "label_smoothing": 0.1,
        },
        BIN_T,
        REAL_P,
        lambda t, p: ref_binary_focal(t, p, True, 0.3, 1.5, True, 0.1),
    ),
    (
        "categorical_focal",
        losses.CategoricalFocalCrossentropy,
        {},
        losses.categorical_focal_crossentropy,
        {},
        ONE_HOT,
        PROB_P,
        ref_categorical_focal,
    ),
    (
        "categorical_focal_logits",
        losses.CategoricalFocalCrossentropy,
        {"from_logits": True, "label_smoothing": 0.2, "gamma": 1.0},
        losses.categorical_focal_crossentropy,
        {"from_logits": True, "label_smoothing": 0.2, "gamma": 1.0},
        ONE_HOT,
        REAL_P,
        lambda t, p: ref_categorical_focal(t, p, 0.25, 1.0, True, 0.2),
    ),
    (
        "dice_axis",
        losses.Dice,
        {"axis": -1},
        losses.dice,
        {"axis": -1},
        BIN_T,
        BIN_P,
        lambda t, p: ref_dice(t, p, -1),
    ),
    (
        "tversky_axis",
        losses.Tversky,
        {"alpha": 0.7, "beta": 0.3, "axis": -1},
        losses.tversky,
        {"alpha": 0.7, "beta": 0.3, "axis": -1},
        BIN_T,
        BIN_P,
        lambda t, p: ref_tversky(t, p, 0.7, 0.3, -1),
    ),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_function_matches_numpy(case):
    _, _, _, fn, fn_kwargs, t, p, ref = case
    np.testing.assert_allclose(
        np_(fn(t, p, **fn_kwargs)),
        ref(t.astype("float64"), p.astype("float64")),
        rtol=2e-4,
        atol=1e-5,
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize(
    "reduction", ["sum_over_batch_size", "sum", "none", "mean_with_sample_weight"]
)
def test_class_reductions_and_sample_weight(case, reduction):
    _, cls, kwargs, _, _, t, p, ref = case
    per_sample = ref(t.astype("float64"), p.astype("float64"))
    loss = cls(reduction=reduction, **kwargs)
    use_weights = per_sample.shape[0] == 6  # axis=0 reductions take no per-sample weights
    weights = WEIGHTS.reshape((-1,) + (1,) * (per_sample.ndim - 1)) if use_weights else 1.0
    weighted = per_sample * weights
    got = np_(loss(t, p, sample_weight=WEIGHTS if use_weights else None))
    if reduction == "none":
        expected = weighted
    elif reduction == "sum":
        expected = weighted.sum()
    elif reduction == "mean_with_sample_weight" and use_weights:
        expected = weighted.sum() / (weights * np.ones_like(per_sample)).sum()
    else:
        expected = weighted.mean()
    np.testing.assert_allclose(got, expected, rtol=2e-4, atol=1e-5)
    unweighted = np_(cls(**kwargs)(t, p))
    np.testing.assert_allclose(unweighted, per_sample.mean(), rtol=2e-4, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_round_trip(case):
    _, cls, kwargs, _, _, t, p, _ = case
    loss = cls(reduction="sum", name="custom", **kwargs)
    config = loss.get_config()
    assert config["name"] == "custom" and config["reduction"] == "sum"
    for key, value in kwargs.items():
        assert config[key] == value
    json.dumps(config)
    clone = cls.from_config(config)
    assert clone.get_config() == config
    np.testing.assert_allclose(np_(clone(t, p)), np_(loss(t, p)), rtol=1e-6)
    restored = losses.deserialize(losses.serialize(loss))
    assert type(restored) is cls and restored.get_config() == config


def test_dice_and_tversky_whole_batch():
    t, p = BIN_T, BIN_P
    np.testing.assert_allclose(np_(losses.dice(t, p)), ref_dice(t, p), rtol=1e-5)
    np.testing.assert_allclose(np_(losses.Dice()(t, p)), ref_dice(t, p), rtol=1e-5)
    np.testing.assert_allclose(np_(losses.tversky(t, p)), ref_tversky(t, p), rtol=1e-5)
    # alpha = beta = 0.5 is Dice.
    np.testing.assert_allclose(np_(losses.Tversky()(t, p)), ref_dice(t, p), rtol=1e-5)


def test_generalized_cross_entropy():
    labels = np.array([0, 3, 1, 2, 3, 0], "int32")
    expected = ref_generalized_ce(labels, PROB_P.astype("float64"), 0.7)
    got = losses.categorical_generalized_cross_entropy(labels, PROB_P, q=0.7)
    np.testing.assert_allclose(np_(got), expected, rtol=1e-5)
    got = losses.CategoricalGeneralizedCrossEntropy(q=0.7)(labels[:, None], PROB_P)
    assert float(np_(got)) == pytest.approx(expected.mean(), rel=1e-5)
    # q = 1 is the mean absolute error on the true class.
    got = losses.categorical_generalized_cross_entropy(labels, PROB_P, q=1.0)
    np.testing.assert_allclose(np_(got), 1 - PROB_P[np.arange(6), labels], rtol=1e-5)
    with pytest.raises(ValueError, match=r"`q` must be in \(0, 1\], received q=0"):
        losses.CategoricalGeneralizedCrossEntropy(q=0)


def test_circle():
    labels = np.array([0, 1, 0, 2, 1, 1], "int32")
    emb = RNG.normal(size=(6, 5))
    emb = (emb / np.linalg.norm(emb, axis=-1, keepdims=True)).astype("float32")
    expected = ref_circle(labels, emb.astype("float64"), gamma=10.0, margin=0.3)
    got = losses.circle(labels, emb, gamma=10.0, margin=0.3)
    np.testing.assert_allclose(np_(got), expected, rtol=1e-4, atol=1e-5)
    got = losses.Circle(gamma=10.0, margin=0.3)(labels, emb, sample_weight=WEIGHTS)
    assert float(np_(got)) == pytest.approx((expected * WEIGHTS).mean(), rel=1e-4)
    keep = ref_circle(labels, emb.astype("float64"), 10.0, 0.3, remove_diagonal=False)
    got = losses.circle(labels, emb, remove_diagonal=False, gamma=10.0, margin=0.3)
    np.testing.assert_allclose(np_(got), keep, rtol=1e-4, atol=1e-5)
    # Explicit references equal to the batch give the same values.
    got = losses.circle(labels, emb, ref_labels=labels, ref_embeddings=emb, gamma=10.0, margin=0.3)
    np.testing.assert_allclose(np_(got), expected, rtol=1e-4, atol=1e-5)


def test_ctc():
    labels = np.array([[1, 2, 0], [3, 3, 1], [2, 0, 0]], "int32")
    logits = RNG.normal(size=(3, 7, 4)).astype("float32")
    expected = ref_ctc(labels, logits)
    np.testing.assert_allclose(np_(losses.ctc(labels, logits)), expected, rtol=1e-4)
    assert float(np_(losses.CTC()(labels, logits))) == pytest.approx(expected.mean(), rel=1e-4)
    assert float(np_(ops.sum(losses.get("ctc")(labels, logits)))) == pytest.approx(
        expected.sum(), rel=1e-4
    )
    with pytest.raises(ValueError, match="ctc: expected y_true of rank 2"):
        losses.ctc(labels[0], logits)


@pytest.mark.parametrize(
    "name,target",
    [
        ("mse", "mean_squared_error"),
        ("MSE", "mean_squared_error"),
        ("mae", "mean_absolute_error"),
        ("mape", "mean_absolute_percentage_error"),
        ("MAPE", "mean_absolute_percentage_error"),
        ("msle", "mean_squared_logarithmic_error"),
        ("MSLE", "mean_squared_logarithmic_error"),
        ("kld", "kl_divergence"),
        ("KLD", "kl_divergence"),
        ("kl_divergence", "kl_divergence"),
        ("logcosh", "log_cosh"),
        ("log_cosh", "log_cosh"),
        ("huber", "huber"),
        ("poisson", "poisson"),
        ("hinge", "hinge"),
        ("squared_hinge", "squared_hinge"),
        ("dice", "dice"),
        ("tversky", "tversky"),
        ("circle", "circle"),
        ("binary_focal_crossentropy", "binary_focal_crossentropy"),
        ("categorical_focal_crossentropy", "categorical_focal_crossentropy"),
        ("cosine_similarity", "cosine_similarity"),
    ],
)
def test_string_identifiers(name, target):
    assert losses.get(name) is getattr(losses, target)


@pytest.mark.parametrize(
    "name",
    [
        "Huber",
        "LogCosh",
        "KLDivergence",
        "Poisson",
        "Hinge",
        "SquaredHinge",
        "CategoricalHinge",
        "CosineSimilarity",
        "MeanSquaredLogarithmicError",
        "MeanAbsolutePercentageError",
        "BinaryFocalCrossentropy",
        "CategoricalFocalCrossentropy",
        "CategoricalGeneralizedCrossEntropy",
        "Dice",
        "Tversky",
        "Circle",
        "CTC",
    ],
)
def test_class_identifiers_and_config_dicts(name):
    cls = getattr(losses, name)
    assert type(losses.get(name)) is cls  # a class name gives an instance, as in Keras
    loss = losses.get({"class_name": name, "config": {"reduction": "sum"}})
    assert isinstance(loss, cls) and loss.reduction == "sum"
    assert isinstance(losses.deserialize(name), cls)


def test_string_losses_compute():
    np.testing.assert_allclose(
        np_(losses.get("msle")(POS_T, POS_P)), ref_msle(POS_T, POS_P), rtol=1e-4
    )
    np.testing.assert_allclose(
        np_(losses.get("kld")(PROB_T, PROB_P)), ref_kld(PROB_T, PROB_P), rtol=1e-4
    )


def test_signatures_match_reference():
    expected = {
        losses.Huber: ["delta", "reduction", "name", "dtype"],
        losses.Dice: ["reduction", "name", "axis", "dtype"],
        losses.Tversky: ["alpha", "beta", "reduction", "name", "axis", "dtype"],
        losses.Circle: ["gamma", "margin", "remove_diagonal", "reduction", "name", "dtype"],
        losses.BinaryFocalCrossentropy: [
            "apply_class_balancing",
            "alpha",
            "gamma",
            "from_logits",
            "label_smoothing",
            "axis",
            "reduction",
            "name",
            "dtype",
        ],
        losses.circle: [
            "y_true",
            "y_pred",
            "ref_labels",
            "ref_embeddings",
            "remove_diagonal",
            "gamma",
            "margin",
        ],
        losses.categorical_generalized_cross_entropy: ["y_true", "y_pred", "q"],
    }
    for obj, params in expected.items():
        target = obj.__init__ if inspect.isclass(obj) else obj
        names = [p for p in inspect.signature(target).parameters if p != "self"]
        assert names == params, obj
    assert losses.Huber().name == "huber_loss"
    assert losses.LogCosh().name == "log_cosh"
    assert losses.KLDivergence().name == "kl_divergence"


def test_errors():
    with pytest.raises(ValueError, match=r"Unknown loss: 'hubber'. Did you mean: 'huber'"):
        losses.get("hubber")
    with pytest.raises(ValueError, match=r"Unknown loss: 'kld_divergence'. Did you mean:"):
        losses.get("kld_divergence")
    with pytest.raises(ValueError, match="Invalid reduction 'average'"):
        losses.Huber(reduction="average")
    with pytest.raises(ValueError, match="Invalid reduction 'max'"):
        losses.Dice(reduction="max")
    with pytest.raises(ValueError, match="incompatible shapes"):
        losses.huber(np.zeros((4, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="incompatible shapes"):
        losses.Poisson()(np.zeros((4, 3)), np.ones((5, 3)))
    with pytest.raises(ValueError, match="incompatible shapes"):
        losses.dice(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"circle: expected y_true of shape \(batch,\)"):
        losses.circle(np.zeros((2, 2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="categorical_generalized_cross_entropy: y_true must"):
        losses.categorical_generalized_cross_entropy(np.zeros((2, 3)), np.ones((2, 4)), q=0.5)


def test_dtype_and_int_labels():
    got = losses.Huber(dtype="float64")(REAL_T, REAL_P)
    assert ops.dtype(got) == "float64"
    got = losses.hinge(SIGNED_T.astype("int32"), REAL_P)
    np.testing.assert_allclose(np_(got), ref_hinge(SIGNED_T, REAL_P), rtol=1e-5)
    assert ops.dtype(losses.Poisson()(POS_T, POS_P)) == "float32"


# -- gradients and compiled use ----------------------------------------------------------------


_grad = backend_grad_of_sum


def _directional_difference(fn, x, direction, eps=1e-6):
    """(f(x + eps d) - f(x - eps d)) / 2 eps for f = sum(fn(.)) in float64."""
    up = np_(ops.sum(fn(x + eps * direction)))
    down = np_(ops.sum(fn(x - eps * direction)))
    return float((up - down) / (2 * eps))


CIRCLE_LABELS = np.array([0, 1, 0, 1], "int32")
CTC_LABELS = np.array([[1, 2], [3, 0]], "int32")
GRAD_CASES = [
    ("huber", lambda p: losses.huber(REAL_T[:3].astype("float64"), p), REAL_P[:3]),
    ("log_cosh", lambda p: losses.log_cosh(REAL_T[:3].astype("float64"), p), REAL_P[:3]),
    ("kld", lambda p: losses.kl_divergence(PROB_T[:3].astype("float64"), p), PROB_P[:3]),
    (
        "binary_focal",
        lambda p: losses.binary_focal_crossentropy(
            BIN_T[:3].astype("float64"), p, from_logits=True, apply_class_balancing=True
        ),
        REAL_P[:3],
    ),
    (
        "categorical_focal",
        lambda p: losses.categorical_focal_crossentropy(
            ONE_HOT[:3].astype("float64"), p, from_logits=True
        ),
        REAL_P[:3],
    ),
    ("dice", lambda p: losses.dice(BIN_T[:3].astype("float64"), p), BIN_P[:3]),
    ("cosine", lambda p: losses.cosine_similarity(REAL_T[:3].astype("float64"), p), REAL_P[:3]),
    ("ctc", lambda p: losses.ctc(CTC_LABELS, p), RNG.normal(size=(2, 4, 4))),
]


@requires_training
@pytest.mark.parametrize("name,fn,x", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_finite_differences(name, fn, x):
    x = np.asarray(x, "float64")
    grad = _grad(fn, x)
    for seed in (0, 1):
        direction = np.random.default_rng(seed).normal(size=x.shape)
        expected = _directional_difference(fn, x, direction)
        assert float((grad * direction).sum()) == pytest.approx(expected, rel=1e-4, abs=1e-6)


@requires_training
def test_circle_gradient_treats_weights_as_constants():
    emb = RNG.normal(size=(4, 3))
    emb = emb / np.linalg.norm(emb, axis=-1, keepdims=True)
    got = _grad(lambda e: losses.circle(CIRCLE_LABELS, e, gamma=4.0), emb)
    assert got.shape == (4, 3) and np.all(np.isfinite(got)) and np.abs(got).sum() > 0


def test_losses_in_compiled_functions():
    from cornu import backend

    fns = [
        lambda t, p: losses.Hinge()(t, p),
        lambda t, p: losses.Dice()(t, p),
        lambda t, p: losses.BinaryFocalCrossentropy()(t, p),
    ]
    for fn in fns:
        eager = np_(fn(BIN_T, BIN_P))
        if backend.backend() == "jax":
            import jax

            compiled = jax.jit(fn)
        elif backend.backend() == "tensorflow":
            import tensorflow as tf

            compiled = tf.function(fn)
        else:
            compiled = fn
        np.testing.assert_allclose(np_(compiled(BIN_T, BIN_P)), eager, rtol=1e-6)


@pytest.mark.parametrize(
    "true_shape, pred_shape, out_shape",
    [((8,), (8, 1), (8,)), ((8, 1), (8,), (8,)), ((8, 4), (8, 1), (8,)), ((8, 1), (8, 4), (8,)),
     ((2, 3, 1), (2, 3), (2,))],
    ids=["rank1_vs_column", "column_vs_rank1", "broadcast_pred", "broadcast_true", "squeeze_true"],
)  # fmt: skip
def test_shapes_matched_by_rank_then_broadcast(true_shape, pred_shape, out_shape):
    loss = losses.MeanSquaredError(reduction=None)
    got = np_(loss(np.ones(true_shape, "float32"), np.zeros(pred_shape, "float32")))
    assert got.shape == out_shape and np.allclose(got, 1.0)


def test_incompatible_shapes_raise():
    with pytest.raises(ValueError, match=r"incompatible shapes: \(8, 3\) vs \(8, 4\)"):
        losses.MeanSquaredError()(np.ones((8, 3)), np.zeros((8, 4)))
    with pytest.raises(ValueError, match="this loss needs equal shapes"):
        losses.BinaryCrossentropy()(np.ones((8, 4)), np.full((8, 1), 0.3))


def test_sparse_crossentropy_ignore_class_mean_over_kept_labels():
    probs = np.array(
        [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]], "float32"
    )
    labels = np.array([0, 1, 2, 1])
    kept = -np.log(probs[[0, 2], [0, 2]])
    loss = losses.SparseCategoricalCrossentropy(ignore_class=1)
    np.testing.assert_allclose(np_(loss(labels, probs)), kept.mean(), rtol=1e-5)
    weights = np.array([1.0, 2.0, 3.0, 4.0], "float32")
    np.testing.assert_allclose(
        np_(loss(labels, probs, sample_weight=weights)), (kept * [1.0, 3.0]).sum() / 2, rtol=1e-5
    )
    summed = losses.SparseCategoricalCrossentropy(ignore_class=1, reduction="sum")
    np.testing.assert_allclose(np_(summed(labels, probs)), kept.sum(), rtol=1e-5)


def test_configs_leave_out_arguments_keras_leaves_out_at_default():
    assert "delta" not in losses.Huber().get_config()
    assert losses.Huber(delta=2.0).get_config()["delta"] == 2.0
    assert "axis" not in losses.CosineSimilarity().get_config()
    assert "axis" not in losses.SparseCategoricalCrossentropy().get_config()
    restored = losses.Huber.from_config(losses.Huber(delta=2.0).get_config())
    assert restored.get_config()["delta"] == 2.0


def test_get_instantiates_class_names_and_knows_bce():
    assert isinstance(losses.get("MeanSquaredError"), losses.MeanSquaredError)
    assert losses.get("bce") is losses.binary_crossentropy
