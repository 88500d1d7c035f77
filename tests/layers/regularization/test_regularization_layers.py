"""Regularization layers: the standard battery per config, noise statistics in training,
identity in inference, masks, configs and errors."""

import numpy as np
import pytest

import cornu
from cornu import layers, ops
from tests.helpers import layer_battery_test

RNG = np.random.default_rng(0)

CASES = [
    ("spatial_dropout_1d", layers.SpatialDropout1D, {"rate": 0.5},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4),
      "expected_num_seed_generators": 1, "expected_num_trainable_weights": 0,
      "expected_num_non_trainable_weights": 0, "supports_masking": True}),
    ("spatial_dropout_2d", layers.SpatialDropout2D, {"rate": 0.3, "seed": 2},
     {"input_shape": (2, 3, 3, 4), "expected_output_shape": (2, 3, 3, 4),
      "run_training_check": False}),
    ("spatial_dropout_2d_channels_first", layers.SpatialDropout2D,
     {"rate": 0.3, "data_format": "channels_first"},
     {"input_shape": (2, 4, 3, 3), "expected_output_shape": (2, 4, 3, 3)}),
    ("spatial_dropout_3d", layers.SpatialDropout3D, {"rate": 0.5},
     {"input_shape": (2, 2, 2, 2, 3), "expected_output_shape": (2, 2, 2, 2, 3),
      "run_training_check": False}),
    ("gaussian_noise", layers.GaussianNoise, {"stddev": 0.5},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "expected_num_seed_generators": 1,
      "expected_num_non_trainable_weights": 0, "supports_masking": True}),
    ("gaussian_noise_zero", layers.GaussianNoise, {"stddev": 0.0, "seed": 1},
     {"input_shape": (2, 3), "expected_num_seed_generators": 0, "run_training_check": False}),
    ("gaussian_dropout", layers.GaussianDropout, {"rate": 0.4, "seed": 3},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4),
      "expected_num_seed_generators": 1, "supports_masking": True}),
    ("alpha_dropout", layers.AlphaDropout, {"rate": 0.2},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "expected_num_seed_generators": 1,
      "supports_masking": True}),
    ("alpha_dropout_noise_shape", layers.AlphaDropout,
     {"rate": 0.2, "noise_shape": (None, 1, 4), "seed": 5},
     {"input_shape": (2, 3, 4), "expected_output_shape": (2, 3, 4),
      "run_training_check": False}),
    ("activity_regularization", layers.ActivityRegularization, {"l1": 0.01, "l2": 0.02},
     {"input_shape": (2, 3), "expected_output_shape": (2, 3), "expected_num_trainable_weights": 0,
      "supports_masking": True}),
]  # fmt: skip


test_layer_battery = layer_battery_test(CASES)


def _np(x):
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize(
    "layer",
    [
        lambda: layers.SpatialDropout1D(0.5),
        lambda: layers.GaussianNoise(1.0),
        lambda: layers.GaussianDropout(0.5),
        lambda: layers.AlphaDropout(0.5),
    ],
    ids=["spatial", "gaussian_noise", "gaussian_dropout", "alpha_dropout"],
)
def test_identity_when_not_training(layer):
    layer = layer()
    x = RNG.normal(size=(2, 3, 4)).astype("float32")
    for training in (None, False):
        np.testing.assert_array_equal(_np(layer(x, training=training)), x)


def test_dropout_is_exported_here():
    from cornu.layers import regularization

    assert regularization.Dropout is layers.Dropout
    assert issubclass(layers.SpatialDropout2D, layers.Dropout)


@pytest.mark.parametrize("cls, shape, keep_axes, data_format", [
    (layers.SpatialDropout1D, (50, 6, 40), (1,), None),
    (layers.SpatialDropout2D, (50, 3, 4, 40), (1, 2), "channels_last"),
    (layers.SpatialDropout2D, (50, 40, 3, 4), (2, 3), "channels_first"),
    (layers.SpatialDropout3D, (20, 2, 3, 2, 40), (1, 2, 3), "channels_last"),
    (layers.SpatialDropout3D, (20, 40, 2, 3, 2), (2, 3, 4), "channels_first"),
])  # fmt: skip
def test_spatial_dropout_drops_whole_channels(cls, shape, keep_axes, data_format):
    kwargs = {} if data_format is None else {"data_format": data_format}
    layer = cls(0.4, seed=4, **kwargs)
    out = _np(layer(np.ones(shape, "float32"), training=True))
    first = out[tuple(slice(0, 1) if a in keep_axes else slice(None) for a in range(len(shape)))]
    assert np.all(out == first)  # the same value at every spatial position
    assert abs(np.mean(out == 0) - 0.4) < 0.08
    np.testing.assert_allclose(out[out != 0], 1 / 0.6, rtol=1e-6)


def test_gaussian_noise_statistics():
    layer = layers.GaussianNoise(0.5, seed=1)
    x = np.full((200, 50), 2.0, "float32")
    out = _np(layer(x, training=True))
    noise = out - x
    assert abs(noise.mean()) < 0.02 and abs(noise.std() - 0.5) < 0.02
    assert not np.array_equal(out, _np(layer(x, training=True)))  # the generator advanced


def test_gaussian_dropout_statistics():
    rate = 0.3
    layer = layers.GaussianDropout(rate, seed=1)
    out = _np(layer(np.full((200, 50), 3.0, "float32"), training=True)) / 3.0
    assert abs(out.mean() - 1.0) < 0.02
    assert abs(out.std() - np.sqrt(rate / (1 - rate))) < 0.02


def test_alpha_dropout_keeps_standardized_statistics():
    rate = 0.2
    layer = layers.AlphaDropout(rate, seed=1)
    x = RNG.normal(size=(400, 100)).astype("float32")
    out = _np(layer(x, training=True))
    assert abs(out.mean()) < 0.03 and abs(out.std() - 1.0) < 0.03
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    b = -a * alpha_p * rate
    dropped = np.isclose(out, a * alpha_p + b, atol=1e-6)
    assert abs(dropped.mean() - rate) < 0.02
    np.testing.assert_allclose(out[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-5)


def test_noise_layers_in_fit_and_stateless_call():
    layer = layers.GaussianNoise(1.0, seed=3)
    x = ops.convert_to_tensor(np.zeros((2, 3), "float32"))
    state = [v.value for v in layer.non_trainable_variables]
    out, new_state = layer.stateless_call([], state, x, training=True)
    out2, _ = layer.stateless_call([], new_state, x, training=True)
    assert not np.array_equal(_np(out), _np(out2))
    out3, _ = layer.stateless_call([], state, x, training=True)
    np.testing.assert_array_equal(_np(out), _np(out3))


def test_activity_regularization_adds_loss():
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    x = np.array([[1.0, -2.0], [3.0, 0.5]], "float32")
    np.testing.assert_array_equal(_np(layer(x)), x)
    (loss,) = layer.losses
    expected = 0.1 * np.abs(x).sum() + 0.01 * np.square(x).sum()
    np.testing.assert_allclose(_np(loss), expected, rtol=1e-6)
    assert layer.get_config()["l1"] == 0.1 and layer.get_config()["l2"] == 0.01
    model = cornu.Sequential([cornu.Input((2,)), layers.ActivityRegularization(l2=1.0)])
    model(x)
    assert len(model.losses) == 1


def test_noise_layers_pass_masks_through():
    x = RNG.normal(size=(2, 4, 3)).astype("float32")
    x[0, 3] = 0.0
    mask = ops.convert_to_tensor(np.any(x != 0, axis=-1))
    for layer in (
        layers.SpatialDropout1D(0.5),
        layers.GaussianNoise(0.1),
        layers.GaussianDropout(0.1),
        layers.AlphaDropout(0.1),
        layers.ActivityRegularization(),
    ):
        np.testing.assert_array_equal(_np(layer.compute_mask(x, mask)), _np(mask))


def test_configs():
    config = layers.SpatialDropout2D(0.2, data_format="channels_first", seed=1).get_config()
    assert config["rate"] == 0.2 and config["data_format"] == "channels_first"
    assert config["seed"] == 1 and "noise_shape" not in config
    assert "data_format" not in layers.SpatialDropout1D(0.2).get_config()
    assert layers.AlphaDropout(0.1, noise_shape=(None, 1)).get_config()["noise_shape"] == [None, 1]
    assert layers.GaussianNoise(0.3, seed=2).get_config()["stddev"] == 0.3


def test_errors():
    with pytest.raises(ValueError, match="GaussianNoise: stddev"):
        layers.GaussianNoise(-1.0)
    with pytest.raises(ValueError, match=r"GaussianDropout: rate must be a number in \[0, 1\)"):
        layers.GaussianDropout(1.0)
    with pytest.raises(ValueError, match="AlphaDropout: rate"):
        layers.AlphaDropout(-0.1)
    with pytest.raises(ValueError, match="AlphaDropout: seed"):
        layers.AlphaDropout(0.1, seed="x")
    with pytest.raises(ValueError, match="SpatialDropout2D: data_format"):
        layers.SpatialDropout2D(0.1, data_format="nhwc")
    with pytest.raises(ValueError, match="SpatialDropout1D: rate"):
        layers.SpatialDropout1D(2.0)
    with pytest.raises(ValueError, match="ActivityRegularization: l1"):
        layers.ActivityRegularization(l1=-1.0)
    with pytest.raises(ValueError, match="AlphaDropout layer .*noise_shape"):
        layer = layers.AlphaDropout(0.5, noise_shape=(None, 1))
        layer(np.ones((2, 3, 4), "float32"), training=True)
    with pytest.raises(ValueError, match="expected ndim=4|ndim"):
        layers.SpatialDropout2D(0.5)(np.ones((2, 3, 4), "float32"))
