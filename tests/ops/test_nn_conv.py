"""cornu.ops.nn convolution and pooling, against direct loop-based NumPy references."""

import numpy as np
import pytest

from cornu import config, ops
from cornu.testing import assert_op_matches
from tests.conftest import requires_training
from tests.helpers import same_pads
from tests.ops.test_nn import _finite_difference, _grad

rng = np.random.default_rng(11)


def _as_tuple(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


_same_pads = same_pads


def _prepare(x, data_format):
    return np.moveaxis(x, 1, -1) if data_format == "channels_first" else x


def _finish(out, data_format):
    return np.moveaxis(out, -1, 1) if data_format == "channels_first" else out


def ref_conv(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    data_format = data_format or config.image_data_format()
    x = _prepare(x.astype("float64"), data_format)
    n = x.ndim - 2
    s, d = _as_tuple(strides, n), _as_tuple(dilation_rate, n)
    window = kernel.shape[:n]
    lengths = x.shape[1:-1]
    if padding == "same":
        x = np.pad(x, [(0, 0)] + _same_pads(lengths, window, s, d) + [(0, 0)])
    outs = [(L - (k - 1) * di - 1) // si + 1 for L, k, si, di in zip(x.shape[1:-1], window, s, d)]
    in_per_group, out_channels = kernel.shape[-2:]
    groups = x.shape[-1] // in_per_group
    per_group = out_channels // groups
    out = np.zeros((x.shape[0], *outs, out_channels))
    for pos in np.ndindex(*outs):
        for off in np.ndindex(*window):
            idx = tuple(p * si + o * di for p, o, si, di in zip(pos, off, s, d))
            patch = x[(slice(None),) + idx]
            for g in range(groups):
                cin = slice(g * in_per_group, (g + 1) * in_per_group)
                cout = slice(g * per_group, (g + 1) * per_group)
                out[(slice(None),) + pos + (cout,)] += patch[:, cin] @ kernel[off][:, cout]
    return _finish(out, data_format)


def ref_depthwise(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    n = kernel.ndim - 2
    channels, multiplier = kernel.shape[-2:]
    # A block-diagonal dense kernel: output channel c * multiplier + m reads only channel c.
    dense = np.zeros(kernel.shape[:n] + (channels, channels * multiplier))
    for c in range(channels):
        dense[..., c, c * multiplier : (c + 1) * multiplier] = kernel[..., c, :]
    return ref_conv(x, dense, strides, padding, data_format, dilation_rate)


def ref_separable(x, dk, pk, strides=1, padding="valid", data_format=None, dilation_rate=1):
    mid = ref_depthwise(x, dk, strides, padding, data_format, dilation_rate)
    return ref_conv(mid, pk, 1, "valid", data_format)


def ref_conv_transpose(
    x, kernel, strides=1, padding="valid", output_padding=None, data_format=None, dilation_rate=1
):
    """Scatter definition: each input element adds kernel-weighted copies to the output."""
    data_format = data_format or config.image_data_format()
    x = _prepare(x.astype("float64"), data_format)
    n = x.ndim - 2
    s, d = _as_tuple(strides, n), _as_tuple(dilation_rate, n)
    window = kernel.shape[:n]
    extents = [(k - 1) * di + 1 for k, di in zip(window, d)]
    lengths = x.shape[1:-1]
    full = np.zeros((x.shape[0],) + tuple((L - 1) * si + e for L, si, e in zip(lengths, s, extents))
                    + (kernel.shape[-2],))  # fmt: skip
    for pos in np.ndindex(*lengths):
        for off in np.ndindex(*window):
            idx = tuple(p * si + o * di for p, o, si, di in zip(pos, off, s, d))
            full[(slice(None),) + idx] += x[(slice(None),) + pos] @ kernel[off].T
    starts, outs = [], []
    for i, (L, e, si) in enumerate(zip(lengths, extents, s)):
        if output_padding is None:
            outs.append(L * si + (max(e - si, 0) if padding == "valid" else 0))
            starts.append(0 if padding == "valid" else max(e - si, 0) // 2)
        else:
            pad = e // 2 if padding == "same" else 0
            extra = _as_tuple(output_padding, n)[i]
            outs.append((L - 1) * si + e - 2 * pad + extra)
            # TF's convention (what Keras's tensorflow backend gives): crop the middle of the
            # full (L-1)*s + e output, the odd element coming off the end.
            starts.append(max(2 * pad - extra, 0) // 2)
    full = np.pad(full, [(0, 0)] + [(0, max(st + o - f, 0)) for st, o, f in
                                    zip(starts, outs, full.shape[1:-1])] + [(0, 0)])  # fmt: skip
    out = full[(slice(None),) + tuple(slice(st, st + o) for st, o in zip(starts, outs))]
    return _finish(out, data_format)


def ref_pool(kind):
    def pool(x, pool_size, strides=None, padding="valid", data_format=None):
        data_format = data_format or config.image_data_format()
        x = _prepare(x.astype("float64"), data_format)
        n = x.ndim - 2
        window = _as_tuple(pool_size, n)
        s = window if strides is None else _as_tuple(strides, n)
        lengths = x.shape[1:-1]
        valid = np.ones(x.shape[1:-1], bool)
        if padding == "same":
            pads = _same_pads(lengths, window, s, (1,) * n)
            x = np.pad(x, [(0, 0)] + pads + [(0, 0)])
            valid = np.pad(valid, pads)
        outs = [(L - k) // si + 1 for L, k, si in zip(x.shape[1:-1], window, s)]
        out = np.zeros((x.shape[0], *outs, x.shape[-1]))
        for pos in np.ndindex(*outs):
            region = tuple(slice(p * si, p * si + k) for p, si, k in zip(pos, s, window))
            mask = valid[region]
            values = x[(slice(None),) + region][:, mask]  # (batch, count, channels)
            out[(slice(None),) + pos] = values.max(1) if kind == "max" else values.mean(1)
        return _finish(out, data_format)

    return pool


def ref_adaptive(kind):
    def pool(x, output_size, data_format=None):
        data_format = data_format or config.image_data_format()
        x = _prepare(x.astype("float64"), data_format)
        n = x.ndim - 2
        sizes = _as_tuple(output_size, n)
        lengths = x.shape[1:-1]
        out = np.zeros((x.shape[0], *sizes, x.shape[-1]))
        for pos in np.ndindex(*sizes):
            region = tuple(
                slice(i * L // o, -(-(i + 1) * L // o)) for i, L, o in zip(pos, lengths, sizes)
            )
            values = x[(slice(None),) + region].reshape(x.shape[0], -1, x.shape[-1])
            out[(slice(None),) + pos] = values.max(1) if kind == "max" else values.mean(1)
        return _finish(out, data_format)

    return pool


def r(*shape):
    return rng.normal(size=shape).astype("float32")


X1, X2, X3 = r(2, 9, 3), r(2, 7, 6, 3), r(1, 5, 6, 4, 2)
X2F = r(2, 3, 7, 6)  # channels first

CONV = [
    ("1d-valid", (X1, r(3, 3, 4)), {}),
    ("1d-same-stride", (X1, r(3, 3, 4)), {"strides": 2, "padding": "same"}),
    ("1d-dilated", (X1, r(3, 3, 2)), {"dilation_rate": 2, "padding": "same"}),
    ("1d-dilated-strided", (X1, r(2, 3, 2)), {"dilation_rate": 2, "strides": 2}),
    ("2d-valid", (X2, r(3, 2, 3, 5)), {}),
    ("2d-same-strides", (X2, r(3, 3, 3, 4)), {"strides": (2, 3), "padding": "same"}),
    ("2d-even-kernel-same", (X2, r(2, 4, 3, 2)), {"padding": "same"}),
    ("2d-dilation", (X2, r(2, 2, 3, 2)), {"dilation_rate": (2, 1)}),
    ("2d-groups", (X2[..., :2].repeat(2, -1), r(3, 3, 2, 4)), {"padding": "same"}),
    ("2d-channels-first", (X2F, r(3, 2, 3, 4)), {"data_format": "channels_first", "strides": 2}),
    ("3d-valid", (X3, r(2, 3, 2, 2, 3)), {}),
    ("3d-same", (X3, r(3, 2, 3, 2, 2)), {"padding": "same", "strides": (1, 2, 2)}),
]


DEPTHWISE = [
    ("1d", (X1, r(3, 3, 2)), {}),
    ("2d-same-stride", (X2, r(3, 3, 3, 2)), {"padding": "same", "strides": 2}),
    ("2d-dilated", (X2, r(2, 2, 3, 1)), {"dilation_rate": 2}),
    ("2d-channels-first", (X2F, r(2, 3, 3, 2)), {"data_format": "channels_first"}),
    ("3d", (X3, r(2, 2, 2, 2, 3)), {"padding": "same"}),
]


SEPARABLE = [
    ("1d", (X1, r(3, 3, 2), r(1, 6, 4)), {}),
    ("2d-same", (X2, r(3, 3, 3, 2), r(1, 1, 6, 5)), {"padding": "same", "strides": 2}),
    ("2d-channels-first", (X2F, r(2, 2, 3, 1), r(1, 1, 3, 2)), {"data_format": "channels_first"}),
]


TRANSPOSE = [
    ("1d-valid", (X1, r(3, 4, 3)), {}),
    ("1d-valid-stride", (X1, r(3, 4, 3)), {"strides": 2}),
    ("1d-stride-beyond-kernel", (X1, r(2, 4, 3)), {"strides": 3}),
    ("1d-same-stride", (X1, r(4, 2, 3)), {"strides": 2, "padding": "same"}),
    ("1d-output-padding", (X1, r(3, 2, 3)), {"strides": 2, "padding": "same", "output_padding": 1}),
    ("1d-dilated", (X1, r(3, 2, 3)), {"dilation_rate": 2}),
    ("2d-same", (X2, r(3, 3, 4, 3)), {"strides": (2, 1), "padding": "same"}),
    ("2d-valid-output-padding", (X2, r(2, 3, 2, 3)), {"strides": 2, "output_padding": (1, 0)}),
    ("2d-channels-first", (X2F, r(3, 2, 2, 3)), {"strides": 2, "data_format": "channels_first"}),
    ("3d", (X3, r(2, 2, 2, 3, 2)), {"strides": 2, "padding": "same"}),
]


CONVOLUTIONS = [
    (f"{kind}-{name}", op, ref, args, kwargs)
    for kind, op, ref, table in [
        ("conv", ops.conv, ref_conv, CONV),
        ("depthwise", ops.depthwise_conv, ref_depthwise, DEPTHWISE),
        ("separable", ops.separable_conv, ref_separable, SEPARABLE),
        ("transpose", ops.conv_transpose, ref_conv_transpose, TRANSPOSE),
    ]
    for name, args, kwargs in table
]


@pytest.mark.parametrize("name,op,ref,args,kwargs", CONVOLUTIONS, ids=[c[0] for c in CONVOLUTIONS])
def test_convolutions_match_reference(name, op, ref, args, kwargs):
    assert_op_matches(op, ref, *args, expected_dtype="float32", rtol=1e-4, atol=1e-4, **kwargs)


POOLS = [
    ("max-1d", ops.max_pool, "max", (X1, 2), {}),
    ("max-1d-same", ops.max_pool, "max", (X1, 3), {"strides": 2, "padding": "same"}),
    ("max-2d", ops.max_pool, "max", (X2, (2, 3)), {"strides": 1}),
    ("max-2d-same", ops.max_pool, "max", (X2, 3), {"strides": 2, "padding": "same"}),
    ("max-2d-channels-first", ops.max_pool, "max", (X2F, 2), {"data_format": "channels_first"}),
    ("max-3d", ops.max_pool, "max", (X3, 2), {"padding": "same"}),
    ("avg-1d", ops.average_pool, "avg", (X1, 2), {}),
    ("avg-1d-same", ops.average_pool, "avg", (X1, 4), {"strides": 3, "padding": "same"}),
    ("avg-2d", ops.average_pool, "avg", (X2, (3, 2)), {"strides": (1, 2)}),
    ("avg-2d-same", ops.average_pool, "avg", (X2, 3), {"strides": 2, "padding": "same"}),
    ("avg-2d-channels-first", ops.average_pool, "avg", (X2F, 3),
     {"strides": 1, "padding": "same", "data_format": "channels_first"}),
    ("avg-3d", ops.average_pool, "avg", (X3, (2, 3, 2)), {"padding": "same"}),
]  # fmt: skip


ADAPTIVE = [
    ("avg-1d", ops.adaptive_average_pool, "avg", (X1, 4), {}),
    ("avg-2d", ops.adaptive_average_pool, "avg", (X2, (3, 4)), {}),
    ("avg-2d-channels-first", ops.adaptive_average_pool, "avg", (X2F, 2),
     {"data_format": "channels_first"}),
    ("max-2d", ops.adaptive_max_pool, "max", (X2, (4, 5)), {}),
    ("max-3d", ops.adaptive_max_pool, "max", (X3, (2, 4, 3)), {}),
]  # fmt: skip


ALL_POOLS = [(name, op, ref_pool(kind), args, kw) for name, op, kind, args, kw in POOLS] + [
    (f"adaptive-{name}", op, ref_adaptive(kind), args, kw) for name, op, kind, args, kw in ADAPTIVE
]


@pytest.mark.parametrize("name,op,ref,args,kwargs", ALL_POOLS, ids=[c[0] for c in ALL_POOLS])
def test_pools_match_reference(name, op, ref, args, kwargs):
    assert_op_matches(
        op, ref, *args, expected_dtype="float32", rtol=1e-5, atol=1e-5, unknown_batch=True,
        **kwargs,
    )  # fmt: skip


SYMBOLIC = [
    ("conv", lambda x: ops.conv(x, KernelSpec((3, 3, 4)), strides=2, padding="same"), (None, 5, 4)),
    ("conv-unknown-length", lambda x: ops.conv(x, KernelSpec((3, 3, 4))), (None, None, 4)),
    ("depthwise_conv", lambda x: ops.depthwise_conv(x, KernelSpec((2, 3, 2))), (None, 8, 6)),
    ("separable_conv", lambda x: ops.separable_conv(x, KernelSpec((2, 3, 2)), KernelSpec((1, 6, 5))),
     (None, 8, 5)),
    ("conv_transpose", lambda x: ops.conv_transpose(x, KernelSpec((3, 4, 3)), strides=2), (None, 19, 4)),
    ("max_pool", lambda x: ops.max_pool(x, 2, padding="same"), (None, 5, 3)),
]  # fmt: skip


def KernelSpec(shape):
    from cornu.graph.keras_tensor import KerasTensor

    return KerasTensor(shape)


@pytest.mark.parametrize("name,fn,expected", SYMBOLIC, ids=[c[0] for c in SYMBOLIC])
def test_symbolic_shapes(name, fn, expected):
    from cornu.graph.keras_tensor import KerasTensor

    length = None if name == "conv-unknown-length" else 9
    out = fn(KerasTensor((None, length, 3)))
    assert out.shape == expected and out.dtype == "float32"


def test_conv_dtypes():
    x, k = ops.convert_to_tensor(X2.astype("float64")), ops.convert_to_tensor(r(2, 2, 3, 2))
    assert ops.dtype(ops.conv(x, k)) == "float64"
    ints = ops.convert_to_tensor(np.arange(2 * 5 * 3).reshape(2, 5, 3).astype("int32"))
    assert ops.dtype(ops.conv(ints, ops.convert_to_tensor(r(2, 3, 1)))) == "float32"
    assert ops.dtype(ops.average_pool(ints, 2)) == "float32"
    pooled = ops.max_pool(ints, 2)
    assert ops.dtype(pooled) == "int32"
    np.testing.assert_array_equal(ops.convert_to_numpy(pooled), ref_pool("max")(
        np.arange(30).reshape(2, 5, 3), 2).astype("int32"))  # fmt: skip


def test_conv_errors():
    t = ops.convert_to_tensor
    with pytest.raises(ValueError, match="conv: `inputs` must have rank 3, 4 or 5"):
        ops.conv(t(r(3, 4)), t(r(2, 4, 1)))
    with pytest.raises(ValueError, match="conv: `kernel` must have rank 4"):
        ops.conv(t(X2), t(r(2, 3, 2)))
    with pytest.raises(ValueError, match="conv: `padding` must be 'valid' or 'same'"):
        ops.conv(t(X1), t(r(2, 3, 2)), padding="causal")
    with pytest.raises(ValueError, match="conv: `strides` must be a positive int"):
        ops.conv(t(X1), t(r(2, 3, 2)), strides=0)
    with pytest.raises(ValueError, match="conv: the input has 3 channels, which is not a multiple"):
        ops.conv(t(X1), t(r(2, 2, 2)))
    with pytest.raises(ValueError, match="depthwise_conv: the input has 3 channels"):
        ops.depthwise_conv(t(X1), t(r(2, 2, 2)))
    with pytest.raises(ValueError, match="conv_transpose: the input has 3 channels"):
        ops.conv_transpose(t(X1), t(r(2, 3, 2)))
    with pytest.raises(ValueError, match="max_pool: `pool_size` must be a positive int"):
        ops.max_pool(t(X2), (2, 2, 2))
    with pytest.raises(ValueError, match="Unknown data_format"):
        ops.average_pool(t(X2), 2, data_format="nhwc")


GRAD_CASES = [
    ("conv", lambda x: ops.conv(x, ops.convert_to_tensor(KERNEL), strides=2, padding="same")),
    ("conv_transpose", lambda x: ops.conv_transpose(x, ops.convert_to_tensor(KERNEL_T), strides=2)),
    ("max_pool", lambda x: ops.max_pool(x, 2, padding="same")),
    ("average_pool", lambda x: ops.average_pool(x, 3, strides=2, padding="same")),
]
KERNEL = rng.normal(size=(3, 2, 2)).astype("float64")
KERNEL_T = rng.normal(size=(3, 4, 2)).astype("float64")


@requires_training
@pytest.mark.parametrize("name,fn", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_finite_differences(name, fn):
    x = rng.normal(size=(1, 5, 2))
    weights = rng.normal(size=tuple(ops.shape(fn(ops.convert_to_tensor(x)))))
    weighted = lambda v: fn(v) * ops.convert_to_tensor(weights)  # noqa: E731
    want = _finite_difference(fn, x, weights)
    np.testing.assert_allclose(_grad(weighted, x), want, rtol=1e-4, atol=1e-6)


def ref_unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    k, d, p, s = (_as_tuple(v, 2) for v in (kernel_size, dilation, padding, stride))
    x = np.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    rows = (x.shape[2] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    cols = (x.shape[3] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    out = np.zeros((x.shape[0], x.shape[1], k[0], k[1], rows, cols), x.dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            for r_ in range(rows):
                for c in range(cols):
                    out[:, :, i, j, r_, c] = x[:, :, r_ * s[0] + i * d[0], c * s[1] + j * d[1]]
    return out.reshape(x.shape[0], -1, rows * cols)


def ref_fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    k, d, p, s = (_as_tuple(v, 2) for v in (kernel_size, dilation, padding, stride))
    size = _as_tuple(output_size, 2)
    rows = (size[0] + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    cols = (size[1] + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    blocks = x.reshape(x.shape[0], -1, k[0], k[1], rows, cols)
    out = np.zeros((x.shape[0], blocks.shape[1], size[0] + 2 * p[0], size[1] + 2 * p[1]), x.dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            for r_ in range(rows):
                for c in range(cols):
                    out[:, :, r_ * s[0] + i * d[0], c * s[1] + j * d[1]] += blocks[
                        :, :, i, j, r_, c
                    ]
    return out[:, :, p[0] : p[0] + size[0], p[1] : p[1] + size[1]]


IMG = r(2, 3, 6, 7)
FOLDS = [
    ("unfold", ops.unfold, ref_unfold, (IMG, 2), {}),
    ("unfold-stride", ops.unfold, ref_unfold, (IMG, (2, 3)), {"stride": 2}),
    ("unfold-pad-dilate", ops.unfold, ref_unfold, (IMG, 3), {"padding": 1, "dilation": (2, 1)}),
    ("unfold-int", ops.unfold, ref_unfold, (np.arange(2 * 3 * 6 * 7).reshape(2, 3, 6, 7).astype("int32"), 2), {}),
    ("fold", ops.fold, ref_fold, (r(2, 12, 30), (6, 7), 2), {}),
    ("fold-stride", ops.fold, ref_fold, (r(2, 18, 9), (6, 7), (2, 3)), {"stride": 2}),
    ("fold-pad-dilate", ops.fold, ref_fold, (r(1, 18, 28), (6, 7), 3), {"padding": 1, "dilation": (2, 1)}),
]  # fmt: skip


@pytest.mark.parametrize("name,op,ref,args,kwargs", FOLDS, ids=[c[0] for c in FOLDS])
def test_fold_unfold_match_reference(name, op, ref, args, kwargs):
    dtype = str(args[0].dtype)
    assert_op_matches(op, ref, *args, expected_dtype=dtype, rtol=1e-5, atol=1e-5, **kwargs)


def test_fold_errors():
    t = ops.convert_to_tensor
    with pytest.raises(ValueError, match="unfold: `x` must have rank 4"):
        ops.unfold(t(IMG[0]), 2)
    with pytest.raises(
        ValueError, match="fold: `x`.shape\\[2\\]=5 must equal the number of blocks"
    ):
        ops.fold(t(r(2, 12, 5)), (6, 7), 2)
    with pytest.raises(ValueError, match="unfold: `kernel_size` must be an int >= 1"):
        ops.unfold(t(IMG), 0)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_conv_bias_equals_conv_plus_bias(data_format):
    from cornu.graph.keras_tensor import KerasTensor
    from cornu.ops.nn.convolution import conv_bias

    rng = np.random.default_rng(3)
    shape = (2, 7, 6, 3) if data_format == "channels_last" else (2, 3, 7, 6)
    x = rng.normal(size=shape).astype("float32")
    kernel = rng.normal(size=(3, 3, 3, 4)).astype("float32")
    bias = rng.normal(size=(4,)).astype("float32")
    plain = ops.convert_to_numpy(ops.conv(x, kernel, padding="same", data_format=data_format))
    expected = plain + (bias if data_format == "channels_last" else bias[:, None, None])
    fused = conv_bias(x, kernel, bias, padding="same", data_format=data_format)
    np.testing.assert_allclose(ops.convert_to_numpy(fused), expected, rtol=1e-5, atol=1e-5)
    symbolic = conv_bias(KerasTensor((None,) + shape[1:]), kernel, bias, data_format=data_format)
    expected_shape = (None, 5, 4, 4) if data_format == "channels_last" else (None, 4, 5, 4)
    assert symbolic.shape == expected_shape
