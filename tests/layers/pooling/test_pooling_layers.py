"""Pooling layers (windowed, global, adaptive): the standard battery per config, NumPy reference
pools (both data formats, strides, padding), masks, configs and argument errors."""

import math

import numpy as np
import pytest

import cornu
from cornu import backend, layers
from cornu.testing import run_layer_test

# ----------------------------------------------------------------------------- NumPy references


def _last(x, data_format):
    return np.moveaxis(x, 1, -1) if data_format == "channels_first" else x


def _back(x, data_format):
    return np.moveaxis(x, -1, 1) if data_format == "channels_first" else x


def ref_pool(x, pool, strides, padding, mode):
    """Channels-last max/average pooling; padded positions never count."""
    n = x.ndim - 2
    pads = [(0, 0)] * n
    if padding == "same":
        pads = []
        for length, k, s in zip(x.shape[1:-1], pool, strides):
            total = max((-(-length // s) - 1) * s + k - length, 0)
            pads.append((total // 2, total - total // 2))
    width = [(0, 0)] + pads + [(0, 0)]
    fill = -np.inf if mode == "max" else 0.0
    xp = np.pad(x.astype("float64"), width, constant_values=fill)
    ones = np.pad(np.ones_like(x, "float64"), width)
    outs = [(length - k) // s + 1 for length, k, s in zip(xp.shape[1:-1], pool, strides)]
    result = np.full((x.shape[0], *outs, x.shape[-1]), fill)
    count = np.zeros_like(result)
    for offset in np.ndindex(*pool):
        index = (slice(None),) + tuple(
            slice(o, o + (m - 1) * s + 1, s) for o, m, s in zip(offset, outs, strides)
        )
        if mode == "max":
            result = np.maximum(result, xp[index])
        else:
            result = result + xp[index]
            count = count + ones[index]
    return result if mode == "max" else result / count


def ref_adaptive(x, sizes, mode):
    """Channels-last adaptive pooling with windows [floor(i*L/out), ceil((i+1)*L/out))."""
    lengths = x.shape[1:-1]
    out = np.zeros((x.shape[0], *sizes, x.shape[-1]))
    for index in np.ndindex(*sizes):
        window = tuple(
            slice((i * length) // size, math.ceil((i + 1) * length / size))
            for i, length, size in zip(index, lengths, sizes)
        )
        block = x[(slice(None),) + window]
        axes = tuple(range(1, len(sizes) + 1))
        reduce = np.max if mode == "max" else np.mean
        out[(slice(None),) + index] = reduce(block, axis=axes)
    return out


WINDOWED = [
    ("max1d", layers.MaxPooling1D, {}, (2, 7, 3)),
    (
        "max1d_same_stride",
        layers.MaxPooling1D,
        {"pool_size": 3, "strides": 2, "padding": "same"},
        (2, 8, 2),
    ),
    ("max2d", layers.MaxPooling2D, {"pool_size": (2, 3)}, (2, 5, 7, 2)),
    (
        "max2d_same",
        layers.MaxPooling2D,
        {"pool_size": 3, "strides": (2, 1), "padding": "same"},
        (2, 5, 4, 2),
    ),
    ("max3d", layers.MaxPooling3D, {"pool_size": 2, "strides": 1}, (1, 3, 4, 3, 2)),
    ("avg1d", layers.AveragePooling1D, {"pool_size": 3}, (2, 7, 3)),
    (
        "avg1d_same",
        layers.AveragePooling1D,
        {"pool_size": 3, "strides": 2, "padding": "same"},
        (2, 8, 2),
    ),
    ("avg2d", layers.AveragePooling2D, {"pool_size": 2, "strides": 1}, (2, 4, 5, 2)),
    ("avg2d_same", layers.AveragePooling2D, {"pool_size": (3, 2), "padding": "same"}, (2, 5, 5, 2)),
    ("avg3d_same", layers.AveragePooling3D, {"pool_size": 2, "padding": "same"}, (1, 3, 4, 3, 2)),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize(
    "cls,kwargs,shape", [c[1:] for c in WINDOWED], ids=[c[0] for c in WINDOWED]
)
def test_windowed_pooling_matches_numpy(cls, kwargs, shape, data_format):
    rng = np.random.default_rng(3)
    x = rng.normal(size=shape).astype("float32")
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1).copy()
    layer = cls(**kwargs, data_format=data_format)
    out = cornu.ops.convert_to_numpy(layer(x))
    mode = "max" if "Max" in cls.__name__ else "average"
    expected = _back(
        ref_pool(_last(x, data_format), layer.pool_size, layer.strides, layer.padding, mode),
        data_format,
    )
    assert out.shape == expected.shape == tuple(layer.compute_output_shape(x.shape))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


GLOBAL = [
    ("gmax1d", layers.GlobalMaxPooling1D, (2, 5, 3)),
    ("gmax2d", layers.GlobalMaxPooling2D, (2, 4, 5, 3)),
    ("gmax3d", layers.GlobalMaxPooling3D, (1, 3, 2, 4, 3)),
    ("gavg1d", layers.GlobalAveragePooling1D, (2, 5, 3)),
    ("gavg2d", layers.GlobalAveragePooling2D, (2, 4, 5, 3)),
    ("gavg3d", layers.GlobalAveragePooling3D, (1, 3, 2, 4, 3)),
]


@pytest.mark.parametrize("keepdims", [False, True], ids=["drop", "keepdims"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("cls,shape", [c[1:] for c in GLOBAL], ids=[c[0] for c in GLOBAL])
def test_global_pooling_matches_numpy(cls, shape, data_format, keepdims):
    rng = np.random.default_rng(4)
    x = rng.normal(size=shape).astype("float32")
    layer = cls(data_format=data_format, keepdims=keepdims)
    out = cornu.ops.convert_to_numpy(layer(x))
    axes = (
        tuple(range(2, x.ndim)) if data_format == "channels_first" else tuple(range(1, x.ndim - 1))
    )
    reduce = np.max if "Max" in cls.__name__ else np.mean
    expected = reduce(x, axis=axes, keepdims=keepdims)
    assert out.shape == expected.shape == tuple(layer.compute_output_shape(x.shape))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


ADAPTIVE = [
    ("aavg1d", layers.AdaptiveAveragePooling1D, 3, (2, 7, 2)),
    ("amax1d", layers.AdaptiveMaxPooling1D, 4, (2, 7, 2)),
    ("aavg2d", layers.AdaptiveAveragePooling2D, (2, 3), (1, 5, 7, 2)),
    ("amax2d", layers.AdaptiveMaxPooling2D, (3, 3), (1, 5, 4, 2)),
    ("aavg3d", layers.AdaptiveAveragePooling3D, 2, (1, 3, 5, 4, 2)),
    ("amax3d", layers.AdaptiveMaxPooling3D, (1, 2, 3), (1, 3, 5, 4, 2)),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("cls,size,shape", [c[1:] for c in ADAPTIVE], ids=[c[0] for c in ADAPTIVE])
def test_adaptive_pooling_matches_numpy(cls, size, shape, data_format):
    rng = np.random.default_rng(5)
    x = rng.normal(size=shape).astype("float32")
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1).copy()
    layer = cls(size, data_format=data_format)
    out = cornu.ops.convert_to_numpy(layer(x))
    mode = "max" if "Max" in cls.__name__ else "average"
    expected = _back(ref_adaptive(_last(x, data_format), layer.output_size, mode), data_format)
    assert out.shape == expected.shape == tuple(layer.compute_output_shape(x.shape))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- standard battery

BATTERY = [
    ("max1d", layers.MaxPooling1D, {"pool_size": 2}, (2, 6, 3), (2, 3, 3)),
    (
        "max2d_same",
        layers.MaxPooling2D,
        {"pool_size": 3, "strides": 2, "padding": "same"},
        (2, 5, 5, 2),
        (2, 3, 3, 2),
    ),
    (
        "max3d_cf",
        layers.MaxPooling3D,
        {"data_format": "channels_first"},
        (1, 2, 4, 4, 4),
        (1, 2, 2, 2, 2),
    ),
    (
        "avg1d_cf",
        layers.AveragePooling1D,
        {"pool_size": 2, "data_format": "channels_first"},
        (2, 3, 6),
        (2, 3, 3),
    ),
    (
        "avg2d",
        layers.AveragePooling2D,
        {"pool_size": 2, "padding": "same"},
        (2, 5, 5, 2),
        (2, 3, 3, 2),
    ),
    ("avg3d", layers.AveragePooling3D, {"pool_size": 2}, (1, 4, 4, 4, 2), (1, 2, 2, 2, 2)),
    ("gmax1d", layers.GlobalMaxPooling1D, {}, (2, 5, 3), (2, 3)),
    ("gmax2d_keepdims", layers.GlobalMaxPooling2D, {"keepdims": True}, (2, 4, 4, 3), (2, 1, 1, 3)),
    (
        "gmax3d_cf",
        layers.GlobalMaxPooling3D,
        {"data_format": "channels_first"},
        (1, 3, 2, 2, 2),
        (1, 3),
    ),
    ("gavg1d", layers.GlobalAveragePooling1D, {}, (2, 5, 3), (2, 3)),
    (
        "gavg2d_cf",
        layers.GlobalAveragePooling2D,
        {"data_format": "channels_first"},
        (2, 3, 4, 4),
        (2, 3),
    ),
    (
        "gavg3d_keepdims",
        layers.GlobalAveragePooling3D,
        {"keepdims": True},
        (1, 2, 2, 2, 3),
        (1, 1, 1, 1, 3),
    ),
    ("aavg1d", layers.AdaptiveAveragePooling1D, {"output_size": 3}, (2, 7, 2), (2, 3, 2)),
    (
        "amax2d_cf",
        layers.AdaptiveMaxPooling2D,
        {"output_size": (2, 3), "data_format": "channels_first"},
        (1, 2, 5, 7),
        (1, 2, 2, 3),
    ),
    (
        "aavg3d",
        layers.AdaptiveAveragePooling3D,
        {"output_size": 2},
        (1, 3, 4, 5, 2),
        (1, 2, 2, 2, 2),
    ),
]


@pytest.mark.parametrize(
    "cls,kwargs,shape,expected", [c[1:] for c in BATTERY], ids=[c[0] for c in BATTERY]
)
def test_standard_battery(cls, kwargs, shape, expected):
    # torch (avg_pool3d) and tensorflow (MaxPool3D/AvgPool3D) have no float16 CPU kernels
    # for 3-D windowed pooling: the ops do not upcast yet, so skip the mixed-precision check.
    no_half = cls in (layers.MaxPooling3D, layers.AveragePooling3D) and backend.backend() in (
        "torch",
        "tensorflow",
    )
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=expected,
        expected_output_dtype="float32",
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        run_mixed_precision_check=not no_half,
    )


# ----------------------------------------------------------------------------- shapes, masks, config


@pytest.mark.parametrize(
    "layer,shape,expected",
    [
        (layers.MaxPooling2D(), (None, None, 6, 3), (None, None, 3, 3)),
        (layers.AveragePooling1D(3, strides=2, padding="same"), (None, 7, None), (None, 4, None)),
        (
            layers.MaxPooling3D(data_format="channels_first"),
            (None, 2, 4, None, 6),
            (None, 2, 2, None, 3),
        ),
        (layers.GlobalAveragePooling2D(keepdims=True), (None, None, None, 4), (None, 1, 1, 4)),
        (layers.GlobalMaxPooling1D(data_format="channels_first"), (None, 3, None), (None, 3)),
        (layers.AdaptiveAveragePooling2D(3), (None, None, None, 2), (None, 3, 3, 2)),
    ],
    ids=["max2d", "avg1d_same", "max3d_cf", "gavg2d_keepdims", "gmax1d_cf", "adaptive"],
)
def test_compute_output_shape_keeps_unknown_dims(layer, shape, expected):
    assert tuple(layer.compute_output_shape(shape)) == expected


def test_symbolic_unknown_spatial_dims():
    out = layers.MaxPooling2D()(cornu.Input(batch_shape=(None, None, 8, 3)))
    assert tuple(out.shape) == (None, None, 4, 3)
    out = layers.GlobalAveragePooling1D()(cornu.Input(batch_shape=(None, None, 3)))
    assert tuple(out.shape) == (None, 3)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_global_average_pooling1d_mask(data_format):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    xin = np.moveaxis(x, -1, 1).copy() if data_format == "channels_first" else x
    layer = layers.GlobalAveragePooling1D(data_format=data_format)
    out = cornu.ops.convert_to_numpy(layer(xin, mask=cornu.ops.convert_to_tensor(mask)))
    expected = np.stack([x[0, :2].mean(axis=0), x[1].mean(axis=0)])
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    assert layer.compute_mask(xin, mask) is None


def test_masked_sequence_model():
    inputs = cornu.Input((4,), dtype="int32")
    x = layers.Embedding(10, 3, mask_zero=True)(inputs)
    outputs = layers.GlobalAveragePooling1D()(x)
    model = cornu.Model(inputs, outputs)
    tokens = np.array([[1, 2, 0, 0], [3, 4, 5, 6]], "int32")
    out = cornu.ops.convert_to_numpy(model(tokens))
    table = cornu.ops.convert_to_numpy(model.layers[1].embeddings)
    expected = np.stack([table[[1, 2]].mean(axis=0), table[[3, 4, 5, 6]].mean(axis=0)])
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_aliases_defaults_and_config():
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool3D is layers.GlobalAveragePooling3D
    assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D
    layer = layers.MaxPooling2D()
    assert layer.pool_size == (2, 2) and layer.strides == (2, 2)
    assert layers.MaxPooling1D().pool_size == (2,)
    config = layers.AveragePooling2D(3, strides=1, padding="same", name="p").get_config()
    assert config["pool_size"] == (3, 3) and config["strides"] == (1, 1)
    assert config["padding"] == "same" and config["name"] == "p"
    assert layers.AveragePooling2D.from_config(config).pool_size == (3, 3)
    assert layers.GlobalMaxPooling2D(keepdims=True).get_config()["keepdims"] is True
    assert layers.AdaptiveMaxPooling3D(2).get_config()["output_size"] == (2, 2, 2)


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: layers.MaxPooling2D(pool_size=0), "pool_size"),
        (lambda: layers.MaxPooling2D(pool_size=(2, 2, 2)), "pool_size"),
        (lambda: layers.AveragePooling1D(2, strides=-1), "strides"),
        (lambda: layers.MaxPooling1D(padding="causal"), "padding"),
        (lambda: layers.GlobalAveragePooling2D(data_format="NHWC"), "data_format"),
        (lambda: layers.AdaptiveAveragePooling2D((2, 2, 2)), "output_size"),
    ],
    ids=["pool_size_zero", "pool_size_rank", "strides", "padding", "data_format", "output_size"],
)
def test_argument_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_rank_errors():
    with pytest.raises(ValueError):
        layers.MaxPooling2D()(np.ones((2, 4, 3), "float32"))
    with pytest.raises(ValueError, match="rank 3"):
        layers.GlobalMaxPooling1D().compute_output_shape((2, 4, 4, 3))
