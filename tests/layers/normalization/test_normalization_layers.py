"""Normalization layers: the standard battery per config, NumPy comparisons with the layers'
own weights, moving statistics (eager, jit/stateless, masked), config and errors."""

from pathlib import Path

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from tests.conftest import requires_training
from tests.helpers import layer_battery_test

RNG = np.random.default_rng(0)

CASES = [
    ("bn_default", layers.BatchNormalization, {},
     {"input_shape": (4, 3), "expected_output_shape": (4, 3), "expected_num_trainable_weights": 2,
      "expected_num_non_trainable_weights": 2, "supports_masking": True}),
    ("bn_axis1_3d", layers.BatchNormalization, {"axis": 1, "momentum": 0.9, "epsilon": 1e-2},
     {"input_shape": (4, 3, 2), "expected_output_shape": (4, 3, 2)}),
    ("bn_no_center_scale", layers.BatchNormalization, {"center": False, "scale": False},
     {"input_shape": (4, 5), "expected_num_trainable_weights": 0,
      "expected_num_non_trainable_weights": 2, "run_training_check": False}),
    ("bn_regularized_constrained", layers.BatchNormalization,
     {"gamma_regularizer": "l2", "beta_regularizer": "l1", "gamma_constraint": "non_neg",
      "beta_constraint": "max_norm", "gamma_initializer": "random_uniform",
      "moving_mean_initializer": "random_normal", "synchronized": True},
     {"input_shape": (3, 2, 4), "expected_output_shape": (3, 2, 4)}),
    ("ln_default", layers.LayerNormalization, {},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "expected_num_trainable_weights": 2,
      "supports_masking": True}),
    ("ln_two_axes", layers.LayerNormalization, {"axis": [1, 2], "epsilon": 1e-5},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4)}),
    ("ln_rms_scaling", layers.LayerNormalization, {"rms_scaling": True},
     {"input_shape": (2, 3, 4), "expected_num_trainable_weights": 1}),
    ("ln_no_center", layers.LayerNormalization,
     {"center": False, "gamma_regularizer": "l2", "gamma_constraint": "non_neg"},
     {"input_shape": (2, 5), "expected_num_trainable_weights": 1, "run_training_check": False}),
    ("gn_channels_last", layers.GroupNormalization, {"groups": 2},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4),
      "expected_num_trainable_weights": 2, "supports_masking": True}),
    ("gn_channels_first_4d", layers.GroupNormalization, {"groups": 3, "axis": 1},
     {"input_shape": (2, 6, 3, 2), "expected_output_shape": (2, 6, 3, 2)}),
    ("gn_instance", layers.GroupNormalization, {"groups": -1, "center": False},
     {"input_shape": (2, 5, 3), "expected_num_trainable_weights": 1,
      "run_training_check": False}),
    ("unit_norm", layers.UnitNormalization, {},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "expected_num_trainable_weights": 0,
      "supports_masking": True}),
    ("unit_norm_axes", layers.UnitNormalization, {"axis": [1, 2]},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4), "run_training_check": False}),
    ("rms_norm", layers.RMSNormalization, {},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4),
      "expected_num_trainable_weights": 1, "supports_masking": True}),
    ("rms_norm_axis1", layers.RMSNormalization, {"axis": 1, "epsilon": 1e-3},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4), "run_training_check": False}),
    ("spectral_dense", layers.SpectralNormalization, {"layer": layers.Dense(4)},
     {"input_shape": (2, 3), "expected_output_shape": (2, 4), "expected_num_trainable_weights": 2,
      "expected_num_non_trainable_weights": 1}),
    ("spectral_conv1d", layers.SpectralNormalization,
     {"layer": layers.Conv1D(2, 2), "power_iterations": 2},
     {"input_shape": (2, 4, 3), "expected_output_shape": (2, 3, 2), "run_training_check": False}),
]  # fmt: skip


test_layer_battery = layer_battery_test(CASES)


def _np(x):
    return ops.convert_to_numpy(x)


def _random_weights(layer):
    layer.set_weights(
        [RNG.uniform(0.5, 1.5, size=w.shape).astype("float32") for w in layer.weights]
    )
    # Copies: on torch, get_weights() arrays share memory with the variables.
    return [np.array(w, copy=True) for w in layer.get_weights()]


# -- BatchNormalization ---------------------------------------------------------------------


def test_batch_norm_weight_order_and_names():
    layer = layers.BatchNormalization(name="bn")
    layer.build((None, 3))
    assert [v.path for v in layer.weights] == [
        "bn/gamma",
        "bn/beta",
        "bn/moving_mean",
        "bn/moving_variance",
    ]
    assert [v.trainable for v in layer.weights] == [True, True, False, False]
    only_beta = layers.BatchNormalization(scale=False)
    only_beta.build((None, 3))
    assert [v.name for v in only_beta.weights] == ["beta", "moving_mean", "moving_variance"]


def test_batch_norm_inference_uses_moving_statistics():
    layer = layers.BatchNormalization(axis=1, epsilon=1e-2)
    x = RNG.normal(size=(4, 3, 2)).astype("float32")
    layer.build(x.shape)
    gamma, beta, mean, var = _random_weights(layer)
    expected = (x - mean[:, None]) / np.sqrt(var[:, None] + 1e-2) * gamma[:, None] + beta[:, None]
    for training in (None, False):
        np.testing.assert_allclose(_np(layer(x, training=training)), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.get_weights()[2], mean)  # no update in inference


def test_batch_norm_training_uses_batch_statistics_and_updates_moving_ones():
    layer = layers.BatchNormalization(momentum=0.8)
    x = RNG.normal(2.0, 3.0, size=(16, 3)).astype("float32")
    layer.build(x.shape)
    gamma, beta, mean0, var0 = _random_weights(layer)
    out = _np(layer(x, training=True))
    bm, bv = x.mean(0), x.var(0)
    expected = (x - bm) / np.sqrt(bv + 1e-3) * gamma + beta
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    _, _, mean1, var1 = layer.get_weights()
    np.testing.assert_allclose(mean1, mean0 * 0.8 + bm * 0.2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var1, var0 * 0.8 + bv * 0.2, rtol=1e-5, atol=1e-6)


def test_batch_norm_masked_statistics_count_only_unmasked_steps():
    layer = layers.BatchNormalization(momentum=0.0, center=False, scale=False)
    x = RNG.normal(size=(2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False], [True, True, True, False]])
    out = _np(layer(x, training=True, mask=ops.convert_to_tensor(mask)))
    kept = x[mask]
    bm, bv = kept.mean(0), kept.var(0)
    np.testing.assert_allclose(out, (x - bm) / np.sqrt(bv + 1e-3), rtol=1e-4, atol=1e-4)
    moving_mean, moving_var = layer.get_weights()
    np.testing.assert_allclose(moving_mean, bm, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(moving_var, bv, rtol=1e-5, atol=1e-6)


def test_batch_norm_not_trainable_means_inference():
    layer = layers.BatchNormalization()
    x = RNG.normal(1.0, 2.0, size=(8, 3)).astype("float32")
    layer.build(x.shape)
    layer.trainable = False
    np.testing.assert_allclose(_np(layer(x, training=True)), x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_allclose(layer.get_weights()[2], 0.0)
    assert len(layer.non_trainable_weights) == 4


def test_batch_norm_stateless_call_returns_updated_moving_statistics():
    layer = layers.BatchNormalization(momentum=0.5)
    x = RNG.normal(size=(6, 2)).astype("float32")
    layer.build(x.shape)
    tv = [v.value for v in layer.trainable_variables]
    ntv = [v.value for v in layer.non_trainable_variables]
    _, new = layer.stateless_call(tv, ntv, ops.convert_to_tensor(x), training=True)
    np.testing.assert_allclose(_np(new[0]), x.mean(0) * 0.5, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(new[1]), 0.5 + x.var(0) * 0.5, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.get_weights()[2], 0.0)  # the variables are untouched


@pytest.mark.skipif(backend.backend() != "jax", reason="jax.jit only on the jax backend")
def test_batch_norm_under_jax_jit():
    import jax

    layer = layers.BatchNormalization(momentum=0.5)
    x = RNG.normal(size=(6, 2)).astype("float32")
    layer.build(x.shape)

    @jax.jit
    def step(tv, ntv, x):
        return layer.stateless_call(tv, ntv, x, training=True)

    tv = [v.value for v in layer.trainable_variables]
    ntv = [v.value for v in layer.non_trainable_variables]
    _, new = step(tv, ntv, x)
    np.testing.assert_allclose(np.asarray(new[0]), x.mean(0) * 0.5, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(backend.backend() != "tensorflow", reason="tf.function only on tensorflow")
def test_batch_norm_under_tf_function():
    import tensorflow as tf

    layer = layers.BatchNormalization(momentum=0.5)
    x = RNG.normal(size=(6, 2)).astype("float32")
    layer.build(x.shape)
    tf.function(lambda x: layer(x, training=True))(tf.constant(x))
    np.testing.assert_allclose(layer.get_weights()[2], x.mean(0) * 0.5, rtol=1e-5, atol=1e-6)


@requires_training
def test_batch_norm_fit_updates_moving_statistics():
    model = cornu.Sequential([cornu.Input((3,)), layers.BatchNormalization(momentum=0.5)])
    model.compile(optimizer="sgd", loss="mse")
    x = RNG.normal(4.0, 1.0, size=(8, 3)).astype("float32")
    model.fit(x, np.zeros((8, 3), "float32"), batch_size=8, epochs=1, verbose=0)
    moving_mean = model.layers[-1].get_weights()[2]
    np.testing.assert_allclose(moving_mean, x.mean(0) * 0.5, rtol=1e-4, atol=1e-4)


def test_batch_norm_mixed_precision_keeps_float32_statistics():
    layer = layers.BatchNormalization(dtype="mixed_float16")
    x = RNG.normal(size=(4, 3)).astype("float32")
    out = layer(x, training=True)
    assert ops.convert_to_numpy(out).dtype == np.float16
    assert all(str(w.dtype).endswith("float32") for w in layer.weights)


def test_batch_norm_config_and_errors():
    config = layers.BatchNormalization(axis=1, momentum=0.9, synchronized=True).get_config()
    assert config["axis"] == 1 and config["momentum"] == 0.9 and config["synchronized"] is True
    assert config["renorm"] is False
    assert config["moving_variance_initializer"]["class_name"] == "Ones"
    with pytest.raises(ValueError, match="BatchNormalization: momentum"):
        layers.BatchNormalization(momentum=1.5)
    with pytest.raises(TypeError, match="BatchNormalization: axis must be an int"):
        layers.BatchNormalization(axis="x")
    with pytest.raises(ValueError, match="renorm=True"):
        layers.BatchNormalization(renorm=True)
    with pytest.raises(ValueError, match="axis=3 is out of range"):
        layers.BatchNormalization(axis=3).build((None, 2))
    with pytest.raises(ValueError, match="must have a known size"):
        layers.BatchNormalization().build((None, None))


# -- LayerNormalization -----------------------------------------------------------------------


@pytest.mark.parametrize("axis", [-1, [1, 2], 1])
def test_layer_norm_matches_numpy(axis):
    x = RNG.normal(size=(2, 3, 4)).astype("float32")
    layer = layers.LayerNormalization(axis=axis, epsilon=1e-3)
    layer.build(x.shape)
    gamma, beta = _random_weights(layer)
    axes = tuple(np.atleast_1d(axis) % 3)
    shape = [1, 1, 1]
    for a in axes:
        shape[a] = x.shape[a]
    mean, var = x.mean(axes, keepdims=True), x.var(axes, keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-3) * gamma.reshape(shape) + beta.reshape(shape)
    np.testing.assert_allclose(_np(layer(x)), expected, rtol=1e-5, atol=1e-5)


def test_layer_norm_rms_scaling_matches_numpy():
    x = RNG.normal(1.0, 1.0, size=(2, 5)).astype("float32")
    layer = layers.LayerNormalization(rms_scaling=True)
    layer.build(x.shape)
    (gamma,) = _random_weights(layer)
    expected = x / np.sqrt(x.var(-1, keepdims=True) + 1e-3) * gamma
    np.testing.assert_allclose(_np(layer(x)), expected, rtol=1e-5, atol=1e-5)


def test_layer_norm_config_and_errors():
    config = layers.LayerNormalization().get_config()
    assert config["axis"] == -1 and config["rms_scaling"] is False  # an int stays an int
    assert layers.LayerNormalization(axis=(1, 2)).get_config()["axis"] == [1, 2]
    with pytest.raises(TypeError, match="LayerNormalization: axis"):
        layers.LayerNormalization(axis="last")
    with pytest.raises(TypeError, match="LayerNormalization: center must be a bool"):
        layers.LayerNormalization(center=1)
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        layers.LayerNormalization(axis=3).build((None, 2))


# -- GroupNormalization -----------------------------------------------------------------------


def _group_norm_numpy(x, groups, gamma, beta, eps):
    # channels last
    c = x.shape[-1]
    g = x.reshape(x.shape[:-1] + (groups, c // groups))
    axes = tuple(range(1, g.ndim - 2)) + (g.ndim - 1,)
    mean, var = g.mean(axes, keepdims=True), g.var(axes, keepdims=True)
    out = ((g - mean) / np.sqrt(var + eps)).reshape(x.shape)
    return out * gamma + beta


@pytest.mark.parametrize("groups", [1, 2, -1])
def test_group_norm_matches_numpy(groups):
    x = RNG.normal(size=(2, 3, 5, 4)).astype("float32")
    layer = layers.GroupNormalization(groups=groups)
    layer.build(x.shape)
    gamma, beta = _random_weights(layer)
    g = 4 if groups == -1 else groups
    np.testing.assert_allclose(
        _np(layer(x)), _group_norm_numpy(x, g, gamma, beta, 1e-3), rtol=1e-4, atol=1e-4
    )


def test_group_norm_channels_first_matches_channels_last():
    x = RNG.normal(size=(2, 6, 3)).astype("float32")
    last = layers.GroupNormalization(groups=3)
    first = layers.GroupNormalization(groups=3, axis=1)
    last.build(x.shape)
    first.build((2, 3, 6))
    first.set_weights(_random_weights(last))
    out_first = _np(first(np.transpose(x, (0, 2, 1)).copy()))
    np.testing.assert_allclose(
        np.transpose(out_first, (0, 2, 1)), _np(last(x)), rtol=1e-5, atol=1e-5
    )


def test_group_norm_errors():
    with pytest.raises(ValueError, match="GroupNormalization: groups"):
        layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match="must divide the number of channels"):
        layers.GroupNormalization(groups=3).build((None, 4))
    with pytest.raises(ValueError, match="more than the number of channels"):
        layers.GroupNormalization(groups=8).build((None, 4))
    with pytest.raises(ValueError, match="non-batch axis"):
        layers.GroupNormalization(groups=1, axis=0).build((None, 4))


# -- UnitNormalization and RMSNormalization -------------------------------------------------


def test_unit_norm_matches_numpy():
    x = RNG.normal(size=(2, 3, 4)).astype("float32")
    for axis, axes in ((-1, (2,)), ([1, 2], (1, 2))):
        expected = x / np.sqrt(np.sum(x * x, axis=axes, keepdims=True))
        np.testing.assert_allclose(_np(layers.UnitNormalization(axis)(x)), expected, rtol=1e-5)
    zeros = _np(layers.UnitNormalization()(np.zeros((1, 3), "float32")))
    np.testing.assert_array_equal(zeros, 0.0)
    assert layers.UnitNormalization(axis=(1, 2)).get_config()["axis"] == [1, 2]
    with pytest.raises(TypeError, match="UnitNormalization: axis"):
        layers.UnitNormalization(axis=None)


def test_rms_norm_matches_numpy():
    x = RNG.normal(size=(2, 3, 4)).astype("float32")
    layer = layers.RMSNormalization(axis=1, epsilon=1e-4)
    layer.build(x.shape)
    (scale,) = _random_weights(layer)
    assert layer.weights[0].name == "scale" and scale.shape == (3,)
    expected = x / np.sqrt(np.mean(x * x, axis=1, keepdims=True) + 1e-4) * scale[:, None]
    np.testing.assert_allclose(_np(layer(x)), expected, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="RMSNormalization: epsilon"):
        layers.RMSNormalization(epsilon=-1.0)


def test_normalization_layers_pass_masks_through():
    x = RNG.normal(size=(2, 4, 3)).astype("float32")
    x[0, 3] = 0.0
    inputs = cornu.Input((4, 3))
    masked = layers.Masking()(inputs)
    for layer in (
        layers.LayerNormalization(),
        layers.GroupNormalization(groups=3),
        layers.UnitNormalization(),
        layers.RMSNormalization(),
        layers.BatchNormalization(),
    ):
        assert layer.compute_mask(x, ops.convert_to_tensor(x[..., 0] != 0)) is not None
    out = layers.BatchNormalization()(masked)
    assert tuple(out.shape) == (None, 4, 3)


@requires_training
def test_batch_norm_fit_with_mask_uses_unmasked_steps():
    x = RNG.normal(2.0, 1.0, size=(4, 5, 3)).astype("float32")
    x[0, 3:] = 0.0
    x[2, 1:] = 0.0
    model = cornu.Sequential(
        [cornu.Input((5, 3)), layers.Masking(), layers.BatchNormalization(momentum=0.0)]
    )
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.zeros_like(x), batch_size=4, epochs=1, verbose=0)
    kept = x[np.any(x != 0, axis=-1)]
    moving_mean, moving_var = model.layers[-1].get_weights()[2:]
    np.testing.assert_allclose(moving_mean, kept.mean(0), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(moving_var, kept.var(0), rtol=1e-4, atol=1e-4)


# -- SpectralNormalization --------------------------------------------------------------------


def _l2n(a):
    return a / max(np.sqrt(np.sum(a * a)), 1e-12)


@pytest.mark.parametrize("iterations", [1, 3])
def test_spectral_norm_matches_numpy_power_iteration(iterations):
    layer = layers.SpectralNormalization(layers.Dense(3), power_iterations=iterations)
    x = RNG.normal(size=(4, 5)).astype("float32")
    layer.build(x.shape)
    kernel, u, bias = [np.array(w, copy=True) for w in layer.get_weights()]
    assert u.shape == (1, 3) and [w.name for w in layer.weights] == ["kernel", "vector_u", "bias"]
    v = None
    for _ in range(iterations):
        v = _l2n(u @ kernel.T)
        u = _l2n(v @ kernel)
    sigma = (v @ kernel @ u.T).item()
    expected = x @ (kernel / sigma) + bias
    np.testing.assert_allclose(_np(layer(x, training=True)), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(layer.get_weights()[1], u, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.get_weights()[0], kernel)  # the kernel is not overwritten


def test_spectral_norm_converges_to_unit_spectral_norm_and_inference_keeps_u():
    # Power iteration converges at the rate sigma2/sigma1: a kernel with known, well-separated
    # singular values (3, 1, 0.5) rather than a random one, whose two largest may be close.
    q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(4, 3)))
    kernel = (q * np.array([3.0, 1.0, 0.5])) @ np.linalg.qr(
        np.random.default_rng(1).normal(size=(3, 3))
    )[0]
    dense = layers.Dense(3, use_bias=False, kernel_initializer=cornu.initializers.Constant(kernel))
    layer = layers.SpectralNormalization(dense)
    eye = np.eye(4, dtype="float32")
    for _ in range(30):
        out = _np(layer(eye, training=True))
    assert abs(np.linalg.svd(out, compute_uv=False)[0] - 1.0) < 1e-3
    u = np.array(layer.get_weights()[-1], copy=True)
    layer(eye)
    np.testing.assert_array_equal(layer.get_weights()[-1], u)


def test_spectral_norm_config_and_errors():
    layer = layers.SpectralNormalization(layers.Dense(2, name="inner"), power_iterations=2)
    config = layer.get_config()
    assert config["power_iterations"] == 2 and config["layer"]["class_name"] == "Dense"
    revived = layers.SpectralNormalization.from_config(config)
    assert isinstance(revived.layer, layers.Dense) and revived.layer.units == 2
    with pytest.raises(ValueError, match="SpectralNormalization: power_iterations"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="SpectralNormalization: layer must be"):
        layers.SpectralNormalization("dense")
    with pytest.raises(ValueError, match="has no `kernel` or `embeddings`"):
        layers.SpectralNormalization(layers.Dropout(0.5)).build((None, 3))


@requires_training
def test_spectral_norm_fit_trains_the_wrapped_kernel():
    wrapper = layers.SpectralNormalization(layers.Dense(2))
    model = cornu.Sequential([cornu.Input((3,)), wrapper])
    model.compile(optimizer="sgd", loss="mse")
    x = RNG.normal(size=(8, 3)).astype("float32")
    kernel0, bias0, u0 = [np.array(w, copy=True) for w in wrapper.get_weights()]
    model.fit(x, np.ones((8, 2), "float32"), batch_size=8, epochs=1, verbose=0)
    kernel1, bias1, u1 = wrapper.get_weights()
    assert not np.allclose(kernel0, kernel1) and not np.allclose(bias0, bias1)
    assert not np.allclose(u0, u1)


# -- Keras-saved models (black-box fixtures) --------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "keras3"


@pytest.mark.skipif(not FIXTURES.exists(), reason="the Keras 3 fixtures are not available")
@pytest.mark.parametrize("name", ["mlp_sequential", "conv_variety"])
def test_keras_saved_models_with_normalization_layers_match(name):
    """BatchNormalization / GroupNormalization weights load by position and compute as Keras."""
    from cornu.saving import load_model

    model = load_model(str(FIXTURES / f"{name}.keras"))
    data = np.load(FIXTURES / f"{name}.npz")
    out = model.predict(data["x"], verbose=0)
    np.testing.assert_allclose(np.asarray(out), data["y"], rtol=1e-4, atol=1e-5)
