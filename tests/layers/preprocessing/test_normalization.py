"""Normalization: the standard battery, NumPy comparisons, streaming adapt over every kind of
data, invert, fixed statistics, Keras's weight layout, config and errors."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu.testing import run_layer_test

RNG = np.random.default_rng(0)


def numpy_normalize(x, mean, variance, invert=False):
    std = np.maximum(np.sqrt(variance), 1e-7)
    return mean + x * std if invert else (x - mean) / std


@pytest.mark.parametrize(
    "init_kwargs, input_shape, n_non_trainable",
    [
        ({}, (3, 4), 3),
        ({"axis": None}, (3, 4), 3),
        ({"axis": (1, 2)}, (2, 3, 4), 3),
        ({"mean": [1.0, 2.0], "variance": [4.0, 9.0]}, (3, 2), 0),
        ({"mean": 2.0, "variance": 4.0, "invert": True}, (3, 5), 0),
    ],
    ids=["default", "global", "two_axes", "fixed_stats", "fixed_scalar_invert"],
)
def test_layer_battery(init_kwargs, input_shape, n_non_trainable):
    run_layer_test(
        layers.Normalization,
        init_kwargs,
        input_shape=input_shape,
        expected_output_shape=input_shape,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=n_non_trainable,
        supports_masking=True,
    )


def test_weights_have_the_keras_names_shapes_and_order():
    layer = layers.Normalization()
    layer.build((None, 4))
    # Keras gives `count` the backend's default integer: int64 on TensorFlow, else int32.
    count_dtype = "int64" if backend.backend() == "tensorflow" else "int32"
    assert [(w.name, tuple(w.shape), str(w.dtype).split(".")[-1]) for w in layer.weights] == [
        ("mean", (4,), "float32"),
        ("variance", (4,), "float32"),
        ("count", (), count_dtype),
    ]
    assert layer.count_params() == 9
    assert not layer.trainable_weights


def test_adapt_numpy_matches_numpy_statistics():
    data = RNG.normal(3.0, 2.0, size=(50, 3)).astype("float32")
    layer = layers.Normalization()
    layer.adapt(data)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), data.var(0), rtol=1e-5)
    x = RNG.normal(size=(4, 3)).astype("float32")
    out = ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(out, numpy_normalize(x, data.mean(0), data.var(0)), rtol=1e-5,
                               atol=1e-6)  # fmt: skip
    # The build shape is the adapted array's (Keras records it in build_config).
    assert layer.get_build_config() == {"input_shape": (50, 3)}


@pytest.mark.parametrize(
    "kind", ["batch_size", "list_of_batches", "generator", "steps", "tf_data", "tensor"]
)
def test_adapt_streams_batches(kind):
    data = RNG.normal(1.0, 3.0, size=(37, 2, 3)).astype("float32")
    expected = data
    if kind == "batch_size":
        source, kwargs = data, {"batch_size": 8}
    elif kind == "list_of_batches":
        source, kwargs = [data[:5], data[5:20], data[20:]], {}
    elif kind == "generator":
        source, kwargs = (data[i : i + 10] for i in range(0, 37, 10)), {}
    elif kind == "steps":
        source, kwargs, expected = data, {"batch_size": 10, "steps": 2}, data[:20]
    elif kind == "tf_data":
        tf = pytest.importorskip("tensorflow")
        source, kwargs = tf.data.Dataset.from_tensor_slices(data).batch(6), {}
    else:
        source, kwargs = ops.convert_to_tensor(data), {}
    layer = layers.Normalization(axis=(1, 2))
    layer.adapt(source, **kwargs)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), expected.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), expected.var(0), rtol=1e-5)


def test_adapt_torch_dataloader():
    torch = pytest.importorskip("torch")
    data = RNG.normal(size=(20, 3)).astype("float32")
    loader = torch.utils.data.DataLoader(torch.from_numpy(data), batch_size=7)
    layer = layers.Normalization()
    layer.adapt(loader)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), data.var(0), rtol=1e-5)


def test_adapt_pandas_dataframe():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 0.0, 3.0]})
    layer = layers.Normalization()
    layer.adapt(frame)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), [2.0, 1.0])
    np.testing.assert_allclose(layer.adapt_variance.numpy(), [2 / 3, 2.0], rtol=1e-6)


def test_adapt_is_not_incremental_and_global_axis():
    layer = layers.Normalization(axis=None)
    layer.adapt(np.arange(10.0, dtype="float32").reshape(5, 2))
    layer.adapt(np.array([[1.0, 3.0]], "float32"))
    np.testing.assert_allclose(layer.adapt_mean.numpy(), 2.0)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), 1.0)


def test_unadapted_layer_is_identity_and_invert_undoes():
    x = RNG.normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(ops.convert_to_numpy(layers.Normalization()(x)), x, rtol=1e-6)
    forward = layers.Normalization(mean=[1.0, 2.0, 3.0, 4.0], variance=[1.0, 4.0, 0.25, 0.0])
    inverse = layers.Normalization(mean=[1.0, 2.0, 3.0, 4.0], variance=[1.0, 4.0, 0.25, 0.0],
                                   invert=True)  # fmt: skip
    y = ops.convert_to_numpy(forward(x))
    mean, var = np.array([1.0, 2, 3, 4]), np.array([1.0, 4, 0.25, 0])
    np.testing.assert_allclose(y, numpy_normalize(x, mean, var), rtol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(inverse(y)), x, rtol=1e-4, atol=1e-5)


def test_fixed_statistics_in_the_input_layout():
    x = RNG.normal(size=(2, 3, 4)).astype("float32")
    mean = RNG.normal(size=(1, 3, 1)).astype("float32")
    layer = layers.Normalization(axis=1, mean=mean, variance=np.full((1, 3, 1), 4.0))
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), (x - mean) / 2.0, rtol=1e-5,
                               atol=1e-6)  # fmt: skip


def test_int_inputs_are_cast_and_symbolic_use():
    layer = layers.Normalization(mean=2.0, variance=4.0)
    out = layer(np.array([[0, 4]], "int32"))
    assert backend.standardize_dtype(out.dtype) == "float32"
    np.testing.assert_allclose(ops.convert_to_numpy(out), [[-1.0, 1.0]])
    inputs = cornu.Input((3, 5))
    adapted = layers.Normalization(axis=-1)
    outputs = adapted(inputs)
    assert outputs.shape == (None, 3, 5)
    data = RNG.normal(size=(6, 3, 5)).astype("float32")
    adapted.adapt(data)
    model = cornu.Model(inputs, outputs)
    mean, var = data.mean((0, 1)), data.var((0, 1))
    np.testing.assert_allclose(
        ops.convert_to_numpy(model(data[:2])),
        numpy_normalize(data[:2], mean, var),
        rtol=1e-4,
        atol=1e-5,
    )


def test_config_matches_keras_layout():
    config = layers.Normalization().get_config()
    assert {k: config[k] for k in ("axis", "invert", "mean", "variance")} == {
        "axis": (-1,),
        "invert": False,
        "mean": None,
        "variance": None,
    }
    config = layers.Normalization(axis=[1, 2], mean=np.ones(2), variance=np.ones(2)).get_config()
    assert config["axis"] == (1, 2) and config["mean"] == [1.0, 1.0]
    assert layers.Normalization(axis=None).get_config()["axis"] == ()


def test_errors():
    with pytest.raises(ValueError, match="Normalization: pass both mean and variance"):
        layers.Normalization(mean=1.0)
    with pytest.raises(TypeError, match="Normalization: axis must be an int.*axis='x'"):
        layers.Normalization(axis="x")
    with pytest.raises(TypeError, match="Normalization: invert must be a bool"):
        layers.Normalization(invert=1)
    with pytest.raises(ValueError, match="axis 2 is out of range for inputs of shape"):
        layers.Normalization(axis=2)(np.ones((2, 2), "float32"))
    with pytest.raises(ValueError, match=r"needs known sizes on axis \(-1,\)"):
        layers.Normalization()(cornu.Input((None,)))
    with pytest.raises(ValueError, match=r"mean of shape \(3,\) does not broadcast"):
        layers.Normalization(mean=[1.0, 2, 3], variance=1.0)(np.ones((2, 2), "float32"))
    with pytest.raises(ValueError, match="was given mean and variance, so it cannot be adapted"):
        layers.Normalization(mean=1.0, variance=1.0).adapt(np.ones((2, 2)))
    layer = layers.Normalization()
    with pytest.raises(ValueError, match="adapt\\(\\) received no data"):
        layer.adapt(iter([]))
    layer.build((None, 3))
    with pytest.raises(ValueError, match=r"keeps statistics of shape \(3,\).*\(2, 4\)"):
        layer.adapt(np.ones((2, 4)))
    with pytest.raises(ValueError, match="built for 2-D inputs"):
        layer.adapt(np.ones((2, 2, 3)))
    with pytest.raises(ValueError, match="batch_size is only for array data"):
        layer.adapt(iter([np.ones((2, 3))]), batch_size=2)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        layer.adapt(np.ones((2, 3)), steps=0)
    with pytest.raises(TypeError, match="each batch must be one array of features"):
        layer.adapt(iter([(np.ones((2, 3)), np.ones(2))]))
    with pytest.raises(TypeError, match="data must be an array, a tf.data dataset"):
        layer.adapt(5)
