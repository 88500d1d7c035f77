"""Convolution layers: the standard battery per config, NumPy reference convolutions with the
layers' own weights (both data formats, strides, dilation, padding, groups), weight layouts,
argument errors, and a small convnet trained with fit."""

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.testing import run_layer_test
from tests.conftest import requires_training
from tests.helpers import same_pads

# ----------------------------------------------------------------------------- NumPy references


_same_pads = same_pads


def ref_conv(x, w, strides, padding, dilation, groups=1):
    """Channels-last grouped convolution, written out as a sum over kernel offsets."""
    n = x.ndim - 2
    window = w.shape[:n]
    if padding == "causal":
        pads = [((window[0] - 1) * dilation[0], 0)]
    elif padding == "same":
        pads = _same_pads(x.shape[1:-1], window, strides, dilation)
    else:
        pads = [(0, 0)] * n
    x = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    outs = [
        (length - ((k - 1) * d + 1)) // s + 1
        for length, k, s, d in zip(x.shape[1:-1], window, strides, dilation)
    ]
    cin, filters = w.shape[-2], w.shape[-1]
    per_group = filters // groups
    out = np.zeros((x.shape[0], *outs, filters), "float64")
    for offset in np.ndindex(*window):
        index = tuple(
            slice(o * d, o * d + (m - 1) * s + 1, s)
            for o, d, m, s in zip(offset, dilation, outs, strides)
        )
        patch = x[(slice(None),) + index]
        for g in range(groups):
            out[..., g * per_group : (g + 1) * per_group] += (
                patch[..., g * cin : (g + 1) * cin]
                @ w[offset][:, g * per_group : (g + 1) * per_group]
            )
    return out


def ref_depthwise(x, w, strides, padding, dilation):
    window, channels, multiplier = w.shape[:-2], w.shape[-2], w.shape[-1]
    grouped = w.reshape(window + (1, channels * multiplier))
    return ref_conv(x, grouped, strides, padding, dilation, groups=channels)


def ref_conv_transpose(x, w, strides, padding, dilation, output_padding):
    """Channels-last transposed convolution by scattering each input position (TF's
    convention: the gradient of the forward convolution producing the input's length)."""
    n = x.ndim - 2
    window = w.shape[:n]
    lengths = x.shape[1:-1]
    full = [
        (length - 1) * s + (k - 1) * d + 1
        for length, k, s, d in zip(lengths, window, strides, dilation)
    ]
    buffer = np.zeros((x.shape[0], *full, w.shape[-2]), "float64")
    for position in np.ndindex(*lengths):
        for offset in np.ndindex(*window):
            target = tuple(p * s + o * d for p, s, o, d in zip(position, strides, offset, dilation))
            buffer[(slice(None),) + target] += x[(slice(None),) + position] @ w[offset].T
    index, crops = [], []
    for i, (length, k, s, d) in enumerate(zip(lengths, window, strides, dilation)):
        extent = (k - 1) * d + 1
        if output_padding is None:
            out = length * s + max(extent - s, 0) if padding == "valid" else length * s
        else:
            pad = extent // 2 if padding == "same" else 0
            out = (length - 1) * s + extent - 2 * pad + output_padding[i]
        before = 0
        if padding == "same":
            before = max((length - 1) * s + extent - out, 0) // 2
        crops.append((before, out))
    width = [(0, 0)] + [(0, max(b + o - f, 0)) for (b, o), f in zip(crops, full)] + [(0, 0)]
    buffer = np.pad(buffer, width)
    index = tuple(slice(b, b + o) for b, o in crops)
    return buffer[(slice(None),) + index]


def _last(x, data_format):
    if data_format == "channels_first":
        return np.moveaxis(x, 1, -1)
    return x


def _back(x, data_format):
    if data_format == "channels_first":
        return np.moveaxis(x, -1, 1)
    return x


def _tuple(value, n):
    return (value,) * n if isinstance(value, int) else tuple(value)


def reference(layer, x):
    """The layer's output computed with NumPy from its own weights."""
    fmt = layer.data_format
    weights = [np.asarray(w, "float64") for w in layer.get_weights()]
    xl = _last(x.astype("float64"), fmt)
    n = xl.ndim - 2
    strides, dilation = _tuple(layer.strides, n), _tuple(layer.dilation_rate, n)
    if isinstance(layer, layers.SeparableConv1D | layers.SeparableConv2D):
        depthwise, pointwise = weights[0], weights[1]
        y = ref_depthwise(xl, depthwise, strides, layer.padding, dilation)
        y = ref_conv(y, pointwise, (1,) * n, "valid", (1,) * n)
        rest = weights[2:]
    elif isinstance(layer, layers.DepthwiseConv1D | layers.DepthwiseConv2D):
        y = ref_depthwise(xl, weights[0], strides, layer.padding, dilation)
        rest = weights[1:]
    elif isinstance(
        layer, layers.Conv1DTranspose | layers.Conv2DTranspose | layers.Conv3DTranspose
    ):
        y = ref_conv_transpose(
            xl, weights[0], strides, layer.padding, dilation, layer.output_padding
        )
        rest = weights[1:]
    else:
        y = ref_conv(xl, weights[0], strides, layer.padding, dilation, layer.groups)
        rest = weights[1:]
    if rest:
        y = y + rest[0]
    return _back(y, fmt)


# ----------------------------------------------------------------------------- numeric cases


def _zero_init(cls):
    if cls in (layers.SeparableConv1D, layers.SeparableConv2D):
        return {"depthwise_initializer": "zeros", "pointwise_initializer": "zeros"}
    if cls in (layers.DepthwiseConv1D, layers.DepthwiseConv2D):
        return {"depthwise_initializer": "zeros"}
    return {"kernel_initializer": "zeros"}


NUMERIC = [
    ("conv1d", layers.Conv1D, {"filters": 3, "kernel_size": 3}, (2, 7, 2)),
    (
        "conv1d_same_stride",
        layers.Conv1D,
        {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 8, 2),
    ),
    (
        "conv1d_causal_dilated",
        layers.Conv1D,
        {"filters": 2, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
        (2, 9, 3),
    ),
    ("conv1d_groups", layers.Conv1D, {"filters": 4, "kernel_size": 2, "groups": 2}, (2, 6, 4)),
    ("conv2d", layers.Conv2D, {"filters": 3, "kernel_size": (3, 2)}, (2, 6, 5, 2)),
    (
        "conv2d_same_stride",
        layers.Conv2D,
        {"filters": 3, "kernel_size": 3, "strides": (2, 1), "padding": "same"},
        (2, 7, 6, 2),
    ),
    (
        "conv2d_dilated_same",
        layers.Conv2D,
        {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "padding": "same"},
        (1, 6, 6, 3),
    ),
    (
        "conv2d_groups_relu",
        layers.Conv2D,
        {"filters": 6, "kernel_size": 3, "groups": 3, "activation": "relu"},
        (2, 5, 5, 3),
    ),
    (
        "conv2d_no_bias",
        layers.Conv2D,
        {"filters": 2, "kernel_size": 1, "use_bias": False},
        (2, 4, 4, 3),
    ),
    ("conv3d", layers.Conv3D, {"filters": 2, "kernel_size": 2}, (1, 4, 3, 4, 2)),
    (
        "conv3d_same_stride",
        layers.Conv3D,
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
        (1, 5, 4, 5, 2),
    ),
    ("conv1d_transpose", layers.Conv1DTranspose, {"filters": 3, "kernel_size": 3}, (2, 5, 2)),
    (
        "conv1d_transpose_same_stride",
        layers.Conv1DTranspose,
        {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same"},
        (2, 5, 3),
    ),
    (
        "conv1d_transpose_valid_small_kernel",
        layers.Conv1DTranspose,
        {"filters": 2, "kernel_size": 2, "strides": 3},
        (1, 4, 2),
    ),
    (
        "conv1d_transpose_output_padding",
        layers.Conv1DTranspose,
        {"filters": 2, "kernel_size": 3, "strides": 3, "output_padding": 1},
        (2, 4, 2),
    ),
    (
        "conv1d_transpose_dilated",
        layers.Conv1DTranspose,
        {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "padding": "same"},
        (1, 5, 2),
    ),
    (
        "conv2d_transpose",
        layers.Conv2DTranspose,
        {"filters": 2, "kernel_size": 3, "strides": 2},
        (1, 3, 4, 2),
    ),
    (
        "conv2d_transpose_same",
        layers.Conv2DTranspose,
        {"filters": 3, "kernel_size": (3, 2), "strides": (2, 1), "padding": "same"},
        (2, 4, 3, 2),
    ),
    (
        "conv3d_transpose",
        layers.Conv3DTranspose,
        {"filters": 2, "kernel_size": 2, "strides": 2},
        (1, 2, 3, 2, 2),
    ),
    ("depthwise1d", layers.DepthwiseConv1D, {"kernel_size": 3, "depth_multiplier": 2}, (2, 7, 3)),
    (
        "depthwise1d_same_stride",
        layers.DepthwiseConv1D,
        {"kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 8, 2),
    ),
    (
        "depthwise2d",
        layers.DepthwiseConv2D,
        {"kernel_size": 3, "depth_multiplier": 2},
        (2, 5, 6, 3),
    ),
    (
        "depthwise2d_dilated_same",
        layers.DepthwiseConv2D,
        {"kernel_size": 2, "dilation_rate": 2, "padding": "same"},
        (1, 6, 5, 2),
    ),
    (
        "separable1d",
        layers.SeparableConv1D,
        {"filters": 4, "kernel_size": 3, "depth_multiplier": 2},
        (2, 7, 3),
    ),
    (
        "separable2d",
        layers.SeparableConv2D,
        {"filters": 3, "kernel_size": 3, "padding": "same", "strides": 2},
        (2, 6, 5, 2),
    ),
    (
        "separable2d_dilated",
        layers.SeparableConv2D,
        {"filters": 3, "kernel_size": 2, "dilation_rate": 2},
        (1, 6, 6, 2),
    ),
]


# channels_first runs on a sample (each case compiles new shapes on jax).
CHANNELS_FIRST = {
    "conv1d_causal_dilated",
    "conv1d_groups",
    "conv2d_same_stride",
    "conv2d_groups_relu",
    "conv3d",
    "conv1d_transpose_same_stride",
    "conv2d_transpose_same",
    "depthwise2d",
    "separable2d",
}
NUMERIC_CASES = [
    pytest.param(*case[1:], fmt, id=f"{case[0]}-{fmt}")
    for case in NUMERIC
    for fmt in ("channels_last", "channels_first")
    if fmt == "channels_last" or case[0] in CHANNELS_FIRST
]


@pytest.mark.parametrize("cls,kwargs,shape,data_format", NUMERIC_CASES)
def test_matches_numpy_reference(cls, kwargs, shape, data_format):
    rng = np.random.default_rng(7)
    x = rng.normal(size=shape).astype("float32")
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1).copy()
    # Zero initializers (random ones compile per shape on jax); set_weights gives the values.
    layer = cls(**kwargs, **_zero_init(cls), data_format=data_format)
    layer(x)
    layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.get_weights()])
    out = cornu.ops.convert_to_numpy(layer(x))
    expected = reference(layer, x)
    if kwargs.get("activation") == "relu":
        expected = np.maximum(expected, 0)
    assert out.shape == expected.shape
    assert out.shape == tuple(layer.compute_output_shape(x.shape))
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


def test_conv_transpose_same_with_output_padding():
    test_matches_numpy_reference(
        layers.Conv1DTranspose,
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
        (1, 4, 2),
        "channels_last",
    )


# ----------------------------------------------------------------------------- standard battery

BATTERY = [
    (
        "conv1d",
        layers.Conv1D,
        {"filters": 4, "kernel_size": 3, "padding": "causal"},
        (2, 6, 3),
        (2, 6, 4),
        2,
    ),
    (
        "conv2d",
        layers.Conv2D,
        {
            "filters": 4,
            "kernel_size": 3,
            "padding": "same",
            "activation": "relu",
            "groups": 2,
            "kernel_regularizer": "l2",
        },
        (2, 5, 5, 2),
        (2, 5, 5, 4),
        2,
    ),
    (
        "conv3d",
        layers.Conv3D,
        {"filters": 2, "kernel_size": 2, "strides": 2},
        (1, 4, 4, 4, 2),
        (1, 2, 2, 2, 2),
        2,
    ),
    (
        "conv1d_transpose",
        layers.Conv1DTranspose,
        {"filters": 2, "kernel_size": 3, "strides": 2},
        (2, 4, 3),
        (2, 9, 2),
        2,
    ),
    (
        "conv2d_transpose",
        layers.Conv2DTranspose,
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 3, 3, 2),
        (2, 6, 6, 2),
        2,
    ),
    (
        "conv2d_transpose_cf",
        layers.Conv2DTranspose,
        {"filters": 2, "kernel_size": 2, "data_format": "channels_first", "output_padding": 0},
        (1, 3, 3, 3),
        (1, 2, 4, 4),
        2,
    ),
    (
        "conv3d_transpose",
        layers.Conv3DTranspose,
        {"filters": 2, "kernel_size": 2, "strides": 2},
        (1, 2, 2, 2, 2),
        (1, 4, 4, 4, 2),
        2,
    ),
    (
        "depthwise1d",
        layers.DepthwiseConv1D,
        {"kernel_size": 3, "depth_multiplier": 2},
        (2, 5, 3),
        (2, 3, 6),
        2,
    ),
    (
        "depthwise2d",
        layers.DepthwiseConv2D,
        {"kernel_size": 3, "padding": "same", "use_bias": False},
        (2, 4, 4, 3),
        (2, 4, 4, 3),
        1,
    ),
    (
        "separable1d",
        layers.SeparableConv1D,
        {"filters": 4, "kernel_size": 3},
        (2, 5, 3),
        (2, 3, 4),
        3,
    ),
    (
        "separable2d",
        layers.SeparableConv2D,
        {"filters": 4, "kernel_size": 3, "depth_multiplier": 2, "strides": 2, "padding": "same"},
        (2, 4, 4, 2),
        (2, 2, 2, 4),
        3,
    ),
]


@pytest.mark.parametrize(
    "cls,kwargs,shape,expected,n_weights", [c[1:] for c in BATTERY], ids=[c[0] for c in BATTERY]
)
def test_standard_battery(cls, kwargs, shape, expected, n_weights):
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=expected,
        expected_output_dtype="float32",
        expected_num_trainable_weights=n_weights,
        expected_num_non_trainable_weights=0,
        supports_masking=False,
    )


# ----------------------------------------------------------------------------- weights, shapes


@pytest.mark.parametrize(
    "layer,shape,expected",
    [
        (
            layers.Conv2D(6, (3, 2), groups=2, kernel_initializer="zeros"),
            (1, 5, 5, 4),
            [("kernel", (3, 2, 2, 6)), ("bias", (6,))],
        ),
        (
            layers.Conv1D(5, 3, data_format="channels_first", kernel_initializer="ones"),
            (1, 2, 7),
            [("kernel", (3, 2, 5)), ("bias", (5,))],
        ),
        (
            layers.Conv2DTranspose(6, 3, kernel_initializer="zeros"),
            (1, 4, 4, 2),
            [("kernel", (3, 3, 6, 2)), ("bias", (6,))],
        ),
        (
            layers.DepthwiseConv2D(3, depth_multiplier=2, depthwise_initializer="zeros"),
            (1, 5, 5, 3),
            [("kernel", (3, 3, 3, 2)), ("bias", (6,))],
        ),
        (
            layers.SeparableConv2D(
                4,
                3,
                depth_multiplier=2,
                depthwise_initializer="zeros",
                pointwise_initializer="zeros",
            ),
            (1, 5, 5, 3),
            [
                ("depthwise_kernel", (3, 3, 3, 2)),
                ("pointwise_kernel", (1, 1, 6, 4)),
                ("bias", (4,)),
            ],
        ),
        (
            layers.SeparableConv1D(
                4, 3, depthwise_initializer="zeros", pointwise_initializer="zeros"
            ),
            (1, 5, 3),
            [("depthwise_kernel", (3, 3, 1)), ("pointwise_kernel", (1, 3, 4)), ("bias", (4,))],
        ),
    ],
    ids=["conv2d", "conv1d_cf", "conv2d_transpose", "depthwise2d", "separable2d", "separable1d"],
)
def test_weight_names_shapes_and_order(layer, shape, expected):
    layer.build(shape)
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == expected


@pytest.mark.parametrize(
    "layer,shape,expected",
    [
        (layers.Conv2D(3, 3), (None, None, 8, 2), (None, None, 6, 3)),
        (layers.Conv1D(3, 3, strides=2, padding="same"), (None, None, 2), (None, None, 3)),
        (layers.Conv2DTranspose(3, 3, strides=2), (None, 4, None, 2), (None, 9, None, 3)),
        (
            layers.Conv2DTranspose(3, 3, strides=2, padding="same", output_padding=1),
            (None, 4, 4, 2),
            (None, 8, 8, 3),
        ),
        (
            layers.DepthwiseConv2D(3, depth_multiplier=2, data_format="channels_first"),
            (None, 3, 7, None),
            (None, 6, 5, None),
        ),
        (layers.SeparableConv1D(4, 3, dilation_rate=2), (2, 9, 3), (2, 5, 4)),
    ],
    ids=[
        "conv2d",
        "conv1d_same",
        "conv2d_transpose",
        "conv2d_transpose_op",
        "depthwise_cf",
        "separable_dilated",
    ],
)
def test_compute_output_shape_keeps_unknown_dims(layer, shape, expected):
    assert tuple(layer.compute_output_shape(shape)) == expected
    if shape[-1 if getattr(layer, "data_format", "") == "channels_last" else 1] is not None:
        out = layer(cornu.Input(batch_shape=shape))
        assert tuple(out.shape) == expected


def test_aliases_and_config_keys():
    assert layers.Convolution2D is layers.Conv2D
    assert layers.Convolution1DTranspose is layers.Conv1DTranspose
    assert layers.SeparableConvolution2D is layers.SeparableConv2D
    config = layers.Conv2D(4, 3, strides=2, name="c").get_config()
    assert config["kernel_size"] == (3, 3) and config["strides"] == (2, 2)
    assert config["dilation_rate"] == (1, 1) and config["groups"] == 1
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"
    revived = layers.Conv2D.from_config(config)
    assert revived.kernel_size == (3, 3) and revived.name == "c"


def test_regularizers_add_losses():
    layer = layers.Conv2D(
        2,
        2,
        kernel_initializer="ones",
        kernel_regularizer="l2",
        bias_regularizer="l1",
        activity_regularizer="l2",
    )
    layer(np.ones((1, 3, 3, 2), "float32"))
    assert len(layer.losses) >= 1


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: layers.Conv2D(4, 3, padding="causal"), "padding"),
        (lambda: layers.Conv1D(4, 3, padding="full"), "padding"),
        (lambda: layers.Conv2D(0, 3), "filters"),
        (lambda: layers.Conv2D(5, 3, groups=2), "divisible by `groups`"),
        (lambda: layers.Conv2D(4, (3, 3, 3)), "kernel_size"),
        (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate"),
        (lambda: layers.Conv2D(4, 3, data_format="nhwc"), "data_format"),
        (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), "output_padding"),
        (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
        (lambda: layers.Conv2D(4, 3, lora_rank=2), "lora_rank"),
    ],
    ids=[
        "causal_2d",
        "bad_padding",
        "filters",
        "groups",
        "kernel_size",
        "stride_and_dilation",
        "data_format",
        "output_padding",
        "depth_multiplier",
        "lora",
    ],
)
def test_argument_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_build_errors():
    with pytest.raises(ValueError, match="divisible by groups"):
        layers.Conv2D(4, 3, groups=2)(np.ones((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match="channel dimension"):
        layers.Conv2D(4, 3).build((None, 5, 5, None))
    with pytest.raises(ValueError, match="rank 4"):
        layers.Conv2D(4, 3).build((None, 5, 3))
    layer = layers.Conv2D(4, 3, kernel_initializer="zeros")
    layer(np.ones((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError):
        layer(np.ones((1, 5, 5, 2), "float32"))


# ----------------------------------------------------------------------------- training


@requires_training
def test_small_convnet_fits():
    cornu.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 8, 8, 1)).astype("float32")
    y = (x.mean(axis=(1, 2, 3)) > 0).astype("int32")
    model = cornu.Sequential(
        [
            cornu.Input((8, 8, 1)),
            layers.Conv2D(8, 3, activation="relu", padding="same"),
            layers.MaxPooling2D(),
            layers.Conv2D(8, 3, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(2),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    history = model.fit(x, y, epochs=4, batch_size=8, verbose=0)
    losses = history.history["loss"]
    assert len(losses) == 4 and np.all(np.isfinite(losses))
    assert losses[-1] < losses[0]
    assert model.predict(x[:4], verbose=0).shape == (4, 2)
