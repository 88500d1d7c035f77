"""Initializers, regularizers, constraints, activations, losses and metrics: values against
NumPy or hand-computed numbers, identifiers, configs, the stateless metric API."""

import math

import numpy as np
import pytest

from cornu import activations, constraints, initializers, losses, metrics, ops, regularizers

RNG = np.random.default_rng(0)


def np_(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


# -- initializers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,shape,check",
    [
        ("zeros", (3, 2), lambda w: np.all(w == 0)),
        ("ones", (3, 2), lambda w: np.all(w == 1)),
        ("glorot_uniform", (200, 100), lambda w: np.abs(w).max() <= math.sqrt(6 / 300) + 1e-6),
        ("he_uniform", (200, 100), lambda w: np.abs(w).max() <= math.sqrt(6 / 200) + 1e-6),
        ("lecun_uniform", (200, 100), lambda w: np.abs(w).max() <= math.sqrt(3 / 200) + 1e-6),
        ("glorot_normal", (400, 400), lambda w: abs(w.std() - math.sqrt(2 / 800)) < 0.003),
        ("he_normal", (400, 400), lambda w: abs(w.std() - math.sqrt(2 / 400)) < 0.004),
        ("random_normal", (400, 400), lambda w: abs(w.std() - 0.05) < 0.002),
        ("truncated_normal", (400, 400), lambda w: np.abs(w).max() <= 0.1 + 1e-6),
        ("orthogonal", (8, 5), lambda w: np.allclose(w.T @ w, np.eye(5), atol=1e-5)),
        ("identity", (3, 3), lambda w: np.array_equal(w, np.eye(3))),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_initializers_follow_their_definitions(name, shape, check):
    values = np_(initializers.get(name)(shape))
    assert values.shape == shape and check(values)


def test_conv_fans_and_seeded_reproducibility():
    assert initializers.random.compute_fans((3, 3, 4, 8)) == (36, 72)
    a = initializers.GlorotUniform(seed=3)((4, 4))
    b = initializers.GlorotUniform(seed=3)((4, 4))
    np.testing.assert_array_equal(np_(a), np_(b))
    assert not np.array_equal(
        np_(initializers.GlorotUniform()((4, 4))), np_(initializers.GlorotUniform()((4, 4)))
    )


def test_initializer_identifiers_and_errors():
    assert isinstance(initializers.get("GlorotUniform"), initializers.GlorotUniform)
    config = initializers.serialize(initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=1))
    assert config["class_name"] == "VarianceScaling" and config["config"]["mode"] == "fan_out"
    restored = initializers.deserialize(config)
    assert restored.scale == 2.0 and restored.distribution == "uniform"
    with pytest.raises(
        ValueError, match="Unknown initializer: 'glorot_unifrom'. Did you mean: 'glorot_uniform'"
    ):
        initializers.get("glorot_unifrom")
    with pytest.raises(ValueError, match="mode must be"):
        initializers.VarianceScaling(mode="fan_middle")


# -- regularizers and constraints ------------------------------------------------------------


def test_regularizers():
    w = RNG.normal(size=(4, 3)).astype("float32")
    assert float(np_(regularizers.L1(0.1)(w))) == pytest.approx(0.1 * np.abs(w).sum(), rel=1e-5)
    assert float(np_(regularizers.L2(0.2)(w))) == pytest.approx(0.2 * (w**2).sum(), rel=1e-5)
    both = regularizers.get({"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}})
    assert float(np_(both(w))) == pytest.approx(
        0.1 * np.abs(w).sum() + 0.2 * (w**2).sum(), rel=1e-5
    )
    with pytest.raises(ValueError, match="l2 must be a non-negative number"):
        regularizers.L2(-1.0)


def test_constraints():
    w = RNG.normal(size=(5, 3)).astype("float32") * 3
    assert np_(constraints.NonNeg()(w)).min() >= 0
    np.testing.assert_allclose(
        np.linalg.norm(np_(constraints.UnitNorm()(w)), axis=0), 1.0, rtol=1e-5
    )
    assert np.linalg.norm(np_(constraints.MaxNorm(1.0)(w)), axis=0).max() <= 1.0 + 1e-5
    clipped = np.linalg.norm(np_(constraints.MinMaxNorm(0.5, 1.0)(w)), axis=0)
    assert clipped.min() >= 0.5 - 1e-5 and clipped.max() <= 1.0 + 1e-5
    assert isinstance(constraints.get("non_neg"), constraints.NonNeg)


# -- activations ------------------------------------------------------------------------------

X = np.linspace(-3, 3, 13).astype("float32")
SIGMOID = 1 / (1 + np.exp(-X.astype("float64")))


@pytest.mark.parametrize(
    "name,expected",
    [
        ("relu", np.maximum(X, 0)),
        ("sigmoid", SIGMOID),
        ("tanh", np.tanh(X)),
        ("softplus", np.log1p(np.exp(X))),
        ("softsign", X / (1 + np.abs(X))),
        ("elu", np.where(X > 0, X, np.expm1(X))),
        ("silu", X * SIGMOID),
        ("swish", X * SIGMOID),
        ("mish", X * np.tanh(np.log1p(np.exp(X)))),
        ("exponential", np.exp(X)),
        ("linear", X),
        ("relu6", np.clip(X, 0, 6)),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_activations_against_numpy(name, expected):
    np.testing.assert_allclose(np_(activations.get(name)(X)), expected, rtol=1e-5, atol=1e-6)


def test_relu_options_and_softmax():
    out = np_(activations.relu(X, negative_slope=0.1, max_value=2.0, threshold=0.5))
    expected = np.minimum(np.where(X > 0.5, X, 0.1 * (X - 0.5)), 2.0)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    logits = RNG.normal(size=(2, 5)).astype("float32")
    soft = np_(activations.softmax(logits))
    np.testing.assert_allclose(
        soft, np.exp(logits) / np.exp(logits).sum(-1, keepdims=True), rtol=1e-5
    )
    assert activations.serialize(activations.get("gelu")) == "gelu"
    with pytest.raises(ValueError, match="Unknown activation: 'sigmod'. Did you mean: 'sigmoid'"):
        activations.get("sigmod")


# -- losses -----------------------------------------------------------------------------------

Y_TRUE = RNG.normal(size=(6, 3)).astype("float32")
Y_PRED = RNG.normal(size=(6, 3)).astype("float32")
WEIGHTS = np.array([1.0, 0.0, 2.0, 1.0, 0.5, 1.0], "float32")


def test_mse_mae_and_reductions():
    per_sample = ((Y_TRUE - Y_PRED) ** 2).mean(-1)
    assert float(np_(losses.MeanSquaredError()(Y_TRUE, Y_PRED))) == pytest.approx(
        per_sample.mean(), rel=1e-5
    )
    assert float(np_(losses.MeanSquaredError(reduction="sum")(Y_TRUE, Y_PRED))) == pytest.approx(
        per_sample.sum(), rel=1e-5
    )
    np.testing.assert_allclose(
        np_(losses.MeanSquaredError(reduction="none")(Y_TRUE, Y_PRED)), per_sample, rtol=1e-5
    )
    weighted = losses.MeanSquaredError()(Y_TRUE, Y_PRED, sample_weight=WEIGHTS)
    assert float(np_(weighted)) == pytest.approx((per_sample * WEIGHTS).sum() / 6, rel=1e-5)
    mean_w = losses.MeanSquaredError(reduction="mean_with_sample_weight")(
        Y_TRUE, Y_PRED, sample_weight=WEIGHTS
    )
    assert float(np_(mean_w)) == pytest.approx(
        (per_sample * WEIGHTS).sum() / WEIGHTS.sum(), rel=1e-5
    )
    mae = np.abs(Y_TRUE - Y_PRED).mean()
    assert float(np_(losses.get("mae")(Y_TRUE, Y_PRED)).mean()) == pytest.approx(mae, rel=1e-5)
    with pytest.raises(ValueError, match="Invalid reduction 'avg'"):
        losses.MeanSquaredError(reduction="avg")


def test_crossentropies_against_numpy():
    logits = RNG.normal(size=(5, 4)).astype("float32")
    labels = np.array([0, 3, 1, 2, 3], "int32")
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    expected = -log_probs[np.arange(5), labels].mean()
    sparse = losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)
    assert float(np_(sparse)) == pytest.approx(expected, rel=1e-5)
    dense = losses.CategoricalCrossentropy(from_logits=True)(
        np.eye(4, dtype="float32")[labels], logits
    )
    assert float(np_(dense)) == pytest.approx(expected, rel=1e-5)
    ignored = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=3)(labels, logits)
    keep = labels != 3
    # The mean runs over the kept labels only (as Keras 3.15 computes it).
    kept_mean = -(log_probs[np.arange(5), labels] * keep).sum() / keep.sum()
    assert float(np_(ignored)) == pytest.approx(kept_mean, rel=1e-5)
    p = np.array([[0.9], [0.2], [0.6]], "float32")
    t = np.array([[1.0], [0.0], [1.0]], "float32")
    bce = -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean()
    assert float(np_(losses.BinaryCrossentropy()(t, p))) == pytest.approx(bce, rel=1e-4)


def test_loss_identifiers_and_shape_errors():
    assert losses.get("mse") is losses.mean_squared_error
    # A class name gives an instance with default arguments, as in Keras.
    assert isinstance(
        losses.get("SparseCategoricalCrossentropy"), losses.SparseCategoricalCrossentropy
    )
    config = losses.serialize(losses.BinaryCrossentropy(from_logits=True))
    assert config["config"]["from_logits"] is True
    with pytest.raises(ValueError, match="incompatible shapes"):
        losses.mean_squared_error(np.zeros((4, 3)), np.zeros((4, 2)))


# -- metrics ----------------------------------------------------------------------------------


def test_mean_and_accuracy_metrics():
    mean = metrics.Mean()
    mean.update_state([1.0, 2.0, 3.0])
    mean.update_state([4.0], sample_weight=[3.0])
    assert float(np_(mean.result())) == pytest.approx((1 + 2 + 3 + 12) / 6)
    mean.reset_state()
    assert float(np_(mean.result())) == 0.0
    acc = metrics.SparseCategoricalAccuracy()
    acc.update_state([0, 1, 2], np.eye(3, dtype="float32")[[0, 2, 2]])
    assert float(np_(acc.result())) == pytest.approx(2 / 3)
    binary = metrics.BinaryAccuracy(threshold=0.5)
    binary.update_state([[1], [0], [1], [0]], [[0.7], [0.4], [0.2], [0.9]])
    assert float(np_(binary.result())) == pytest.approx(0.5)
    cat = metrics.CategoricalAccuracy()
    cat.update_state(np.eye(3)[[0, 1]], np.array([[0.8, 0.1, 0.1], [0.6, 0.3, 0.1]], "float32"))
    assert float(np_(cat.result())) == pytest.approx(0.5)


def test_stateless_metric_api_leaves_state_alone():
    metric = metrics.Mean()
    state = metric.stateless_reset_state()
    state = metric.stateless_update_state(state, [2.0, 4.0])
    assert float(np_(metric.stateless_result(state))) == 3.0
    assert float(np_(metric.result())) == 0.0
    with pytest.raises(ValueError, match="has 2 variables; received 1 values"):
        metric.stateless_result(state[:1])


def test_metric_identifiers():
    assert isinstance(metrics.get("mse"), metrics.MeanSquaredError)
    wrapped = metrics.get(lambda y_true, y_pred: ops.abs(y_true - y_pred))
    assert isinstance(wrapped, metrics.MeanMetricWrapper)
    with pytest.raises(ValueError, match="Unknown metric: 'acuracy'"):
        metrics.get("acuracy")
