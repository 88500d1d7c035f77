"""cornu.ops.nn: activations, encodings, losses, normalization, attention (conv: test_nn_conv)."""

import numpy as np
import pytest
import scipy.special

from cornu import backend, ops
from cornu.testing import assert_op_matches
from tests.conftest import requires_training
from tests.helpers import backend_grad_of_sum

rng = np.random.default_rng(7)
X = rng.normal(size=(3, 4)).astype("float32") * 3
X3 = rng.normal(size=(2, 3, 4)).astype("float32")
POS = rng.uniform(0.05, 0.95, size=(3, 4)).astype("float32")
LABELS = rng.integers(0, 4, size=(3,)).astype("int32")
PROBS = scipy.special.softmax(rng.normal(size=(3, 4)), axis=-1).astype("float32")


def _softmax(x, axis=-1):
    return scipy.special.softmax(x.astype("float64"), axis=axis)


def _sparsemax(x, axis=-1):
    x = np.moveaxis(x.astype("float64"), axis, -1)
    z = -np.sort(-x, axis=-1)
    k = np.arange(1, x.shape[-1] + 1)
    cssv = np.cumsum(z, axis=-1)
    support = 1 + k * z > cssv
    k_z = support.sum(-1, keepdims=True)
    tau = (np.take_along_axis(cssv, k_z - 1, -1) - 1) / k_z
    return np.moveaxis(np.maximum(x - tau, 0), -1, axis)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def _relu6(x):
    return np.clip(x, 0, 6)


SELU = (1.6732632423543772, 1.0507009873554805)

ACTIVATIONS = [
    ("relu", ops.relu, lambda x: np.maximum(x, 0), (X,), {}),
    ("relu6", ops.relu6, _relu6, (X,), {}),
    ("sigmoid", ops.sigmoid, scipy.special.expit, (X,), {}),
    ("sparse_sigmoid", ops.sparse_sigmoid, lambda x: np.clip((x + 1) / 2, 0, 1), (X,), {}),
    ("softplus", ops.softplus, lambda x: np.logaddexp(x, 0), (X,), {}),
    ("softsign", ops.softsign, lambda x: x / (1 + np.abs(x)), (X,), {}),
    ("sparse_plus", ops.sparse_plus,
     lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)), (X,), {}),
    ("silu", ops.silu, lambda x: x * scipy.special.expit(x), (X,), {}),
    ("swish", ops.swish, lambda x: x * scipy.special.expit(x), (X,), {}),
    ("squareplus", ops.squareplus, lambda x: (x + np.sqrt(x * x + 4)) / 2, (X,), {}),
    ("squareplus-b", ops.squareplus, lambda x, b: (x + np.sqrt(x * x + b)) / 2, (X,), {"b": 1}),
    ("log_sigmoid", ops.log_sigmoid, lambda x: -np.logaddexp(-x.astype("float64"), 0), (X,), {}),
    ("leaky_relu", ops.leaky_relu, lambda x: np.where(x >= 0, x, 0.2 * x), (X,), {}),
    ("leaky_relu-slope", ops.leaky_relu, lambda x, negative_slope: np.where(x >= 0, x, negative_slope * x),
     (X,), {"negative_slope": 0.5}),
    ("hard_sigmoid", ops.hard_sigmoid, lambda x: _relu6(x + 3) / 6, (X,), {}),
    ("hard_silu", ops.hard_silu, lambda x: x * _relu6(x + 3) / 6, (X,), {}),
    ("hard_swish", ops.hard_swish, lambda x: x * _relu6(x + 3) / 6, (X,), {}),
    ("elu", ops.elu, _elu, (X,), {}),
    ("elu-alpha", ops.elu, _elu, (X,), {"alpha": 0.5}),
    ("selu", ops.selu, lambda x: SELU[1] * _elu(x, SELU[0]), (X,), {}),
    ("gelu-tanh", ops.gelu,
     lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))), (X,), {}),
    ("gelu-erf", ops.gelu, lambda x, approximate: 0.5 * x * (1 + scipy.special.erf(x / np.sqrt(2))),
     (X,), {"approximate": False}),
    ("celu", ops.celu, lambda x, alpha=1.0: np.maximum(x, 0) + np.minimum(0, alpha * np.expm1(x / alpha)),
     (X,), {"alpha": 2.0}),
    ("glu", ops.glu, lambda x: x[:, :2] * scipy.special.expit(x[:, 2:]), (X,), {}),
    ("glu-axis0", ops.glu, lambda x, axis: x[:1] * scipy.special.expit(x[1:]), (X3,), {"axis": 0}),
    ("hard_tanh", ops.hard_tanh, lambda x: np.clip(x, -1, 1), (X,), {}),
    ("hard_shrink", ops.hard_shrink, lambda x: np.where(np.abs(x) > 0.5, x, 0), (X,), {}),
    ("hard_shrink-t", ops.hard_shrink, lambda x, threshold: np.where(np.abs(x) > threshold, x, 0),
     (X,), {"threshold": 2.0}),
    ("soft_shrink", ops.soft_shrink,
     lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)), (X,), {}),
    ("tanh_shrink", ops.tanh_shrink, lambda x: x - np.tanh(x), (X,), {}),
    ("threshold", ops.threshold, lambda x, t, v: np.where(x > t, x, v), (X, 0.3, -7.0), {}),
    ("softmax", ops.softmax, _softmax, (X,), {}),
    ("softmax-axis0", ops.softmax, _softmax, (X3,), {"axis": 0}),
    ("softmax-axes", ops.softmax, _softmax, (X3,), {"axis": (1, 2)}),
    ("log_softmax", ops.log_softmax, lambda x, axis=-1: np.log(_softmax(x, axis)), (X3,), {"axis": 1}),
    ("sparsemax", ops.sparsemax, _sparsemax, (X,), {}),
    ("sparsemax-axis0", ops.sparsemax, _sparsemax, (X3,), {"axis": 0}),
]  # fmt: skip


@pytest.mark.parametrize("name,op,ref,args,kwargs", ACTIVATIONS, ids=[c[0] for c in ACTIVATIONS])
def test_activations_match_numpy(name, op, ref, args, kwargs):
    assert_op_matches(op, ref, *args, expected_dtype="float32", unknown_batch=True, **kwargs)


@pytest.mark.parametrize("op", [ops.relu, ops.sigmoid, ops.gelu, ops.softmax, ops.elu])
def test_activation_dtypes(op):
    int_dtype = "int32" if op is ops.relu else "float32"  # relu keeps ints, as in Keras
    assert ops.dtype(op(ops.convert_to_tensor(np.array([1, -2], "int32")))) == int_dtype
    assert ops.dtype(op(ops.convert_to_tensor(X.astype("float64")))) == "float64"
    assert ops.dtype(op(ops.convert_to_tensor(X.astype("float16")))) == "float16"


def test_activation_errors():
    with pytest.raises(ValueError, match="glu: the size of `axis`=1 must be even"):
        ops.glu(ops.convert_to_tensor(np.ones((2, 3), "float32")))
    with pytest.raises(ValueError, match="softmax: `axis`=2 is out of range"):
        ops.softmax(ops.convert_to_tensor(X), axis=2)
    with pytest.raises(ValueError, match="log_softmax: `axis` has repeated axes"):
        ops.log_softmax(ops.convert_to_tensor(X), axis=(1, -1))


# ----------------------------------------------------------------------------- encodings


def _one_hot(x, num_classes, axis=-1, dtype=None):
    out = (x[..., None] == np.arange(num_classes)).astype(dtype or "float32")
    return np.moveaxis(out, -1, axis)


def _multi_hot(x, num_classes, **kwargs):
    hot = _one_hot(x, num_classes)
    return hot.max(axis=-2)


LABELS2 = np.array([[0, 2, 2], [1, 3, 5]], "int32")

ENCODINGS = [
    ("one_hot", ops.one_hot, _one_hot, (LABELS, 4), {}, "float32"),
    ("one_hot-axis0", ops.one_hot, _one_hot, (LABELS2, 6), {"axis": 0}, "float32"),
    ("one_hot-out-of-range", ops.one_hot, _one_hot, (np.array([-1, 2, 9], "int64"), 3), {}, "float32"),
    ("one_hot-dtype", ops.one_hot, _one_hot, (LABELS2, 4), {"dtype": "int32"}, "int32"),
    ("multi_hot-rank1", ops.multi_hot, _multi_hot, (np.array([1, 3, 1], "int32"), 5), {}, "float32"),
    ("multi_hot-rank2", ops.multi_hot, _multi_hot, (LABELS2, 6), {}, "float32"),
    ("multi_hot-dtype", ops.multi_hot, _multi_hot, (LABELS2, 6), {"dtype": "bool"}, "bool"),
]  # fmt: skip


@pytest.mark.parametrize("name,op,ref,args,kwargs,dtype", ENCODINGS, ids=[c[0] for c in ENCODINGS])
def test_encodings_match_numpy(name, op, ref, args, kwargs, dtype):
    assert_op_matches(op, ref, *args, expected_dtype=dtype, **kwargs)


def test_float_labels_are_accepted():
    float_labels = ops.convert_to_tensor(LABELS2.astype("float32"))
    np.testing.assert_array_equal(
        ops.convert_to_numpy(ops.one_hot(float_labels, 6)), _one_hot(LABELS2, 6)
    )
    loss = ops.sparse_categorical_crossentropy(ops.convert_to_tensor(LABELS.astype("float32")),
                                               ops.convert_to_tensor(X), from_logits=True)  # fmt: skip
    np.testing.assert_allclose(ops.convert_to_numpy(loss), _scce(LABELS, X, True), rtol=1e-5)


def test_multi_hot_num_tokens_alias():
    out = ops.multi_hot(ops.convert_to_tensor(LABELS2), num_tokens=6)
    np.testing.assert_array_equal(ops.convert_to_numpy(out), _multi_hot(LABELS2, 6))


def test_encoding_errors():
    with pytest.raises(ValueError, match="one_hot: `num_classes` must be a positive int"):
        ops.one_hot(ops.convert_to_tensor(LABELS), 0)
    with pytest.raises(TypeError, match="one_hot: `x` must hold integer labels"):
        ops.one_hot(ops.convert_to_tensor(np.array([1 + 2j])), 3)
    with pytest.raises(ValueError, match="one_hot: `sparse=True` is not supported"):
        ops.one_hot(ops.convert_to_tensor(LABELS), 4, sparse=True)
    with pytest.raises(ValueError, match="multi_hot: `num_classes` must be a positive int"):
        ops.multi_hot(ops.convert_to_tensor(LABELS))


# ----------------------------------------------------------------------------- losses

EPS = 1e-7


def _bce(t, o, from_logits=False):
    t, o = t.astype("float64"), o.astype("float64")
    if from_logits:
        o = scipy.special.expit(o)
    o = np.clip(o, EPS, 1 - EPS)
    return -(t * np.log(o) + (1 - t) * np.log(1 - o))


def _cce(t, o, from_logits=False, axis=-1):
    o = o.astype("float64")
    if from_logits:
        log_p = scipy.special.log_softmax(o, axis=axis)
    else:
        log_p = np.log(np.clip(o / o.sum(axis=axis, keepdims=True), EPS, 1 - EPS))
    return -(t * log_p).sum(axis=axis)


def _scce(t, o, from_logits=False, axis=-1):
    if t.ndim == o.ndim:
        t = t[..., 0]
    return _cce(_one_hot(t, o.shape[axis], axis=axis), o, from_logits, axis)


TARGET = (rng.uniform(size=(3, 4)) > 0.5).astype("float32")
ONE_HOT = _one_hot(LABELS, 4)
LOGITS3 = rng.normal(size=(2, 5, 3)).astype("float32")
LABELS3 = rng.integers(0, 5, size=(2, 3)).astype("int32")

LOSSES = [
    ("bce", ops.binary_crossentropy, _bce, (TARGET, POS), {}),
    ("bce-logits", ops.binary_crossentropy, _bce, (TARGET, X), {"from_logits": True}),
    ("cce", ops.categorical_crossentropy, _cce, (ONE_HOT, PROBS), {}),
    ("cce-unnormalized", ops.categorical_crossentropy, _cce, (ONE_HOT, POS), {}),
    ("cce-logits", ops.categorical_crossentropy, _cce, (ONE_HOT, X), {"from_logits": True}),
    ("cce-axis", ops.categorical_crossentropy, _cce, (_one_hot(LABELS3, 5, axis=1), LOGITS3),
     {"from_logits": True, "axis": 1}),
    ("scce", ops.sparse_categorical_crossentropy, _scce, (LABELS, PROBS), {}),
    ("scce-logits", ops.sparse_categorical_crossentropy, _scce, (LABELS, X), {"from_logits": True}),
    ("scce-trailing-1", ops.sparse_categorical_crossentropy, _scce, (LABELS[:, None], X),
     {"from_logits": True}),
    ("scce-axis", ops.sparse_categorical_crossentropy, _scce, (LABELS3, LOGITS3),
     {"from_logits": True, "axis": 1}),
]  # fmt: skip


@pytest.mark.parametrize("name,op,ref,args,kwargs", LOSSES, ids=[c[0] for c in LOSSES])
def test_losses_match_numpy(name, op, ref, args, kwargs):
    assert_op_matches(op, ref, *args, expected_dtype="float32", rtol=1e-4, atol=1e-5, **kwargs)


def test_loss_errors():
    t = ops.convert_to_tensor
    with pytest.raises(ValueError, match="binary_crossentropy: `target` and `output` must have"):
        ops.binary_crossentropy(t(TARGET), t(POS[:, :2]))
    with pytest.raises(ValueError, match="categorical_crossentropy: `target` and `output` must"):
        ops.categorical_crossentropy(t(TARGET[:2]), t(POS))
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy: `target` must have"):
        ops.sparse_categorical_crossentropy(t(LABELS[:2]), t(POS))


# ----------------------------------------------------------------------------- normalization


def _moments(x, axes, keepdims=False):
    x, axes = x.astype("float64"), tuple(axes) if isinstance(axes, list) else axes
    return x.mean(axis=axes, keepdims=keepdims), x.var(axis=axes, keepdims=keepdims)


def _normalize(x, axis=-1, order=2, epsilon=None):
    norm = np.sum(np.abs(x.astype("float64")) ** order, axis=axis, keepdims=True) ** (1 / order)
    return x / np.maximum(norm, epsilon or EPS)


def _batch_norm(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    shape = [1] * x.ndim
    shape[axis] = -1
    out = (x - mean.reshape(shape)) / np.sqrt(variance.reshape(shape) + epsilon)
    if scale is not None:
        out = out * scale.reshape(shape)
    if offset is not None:
        out = out + offset.reshape(shape)
    return out


def _layer_norm(x, gamma=None, beta=None, axis=-1, epsilon=None):
    x = x.astype("float64")
    mean = x.mean(axis=axis, keepdims=True)
    out = (x - mean) / np.sqrt(x.var(axis=axis, keepdims=True) + (epsilon or EPS))
    return out * (1 if gamma is None else gamma) + (0 if beta is None else beta)


def _rms_norm(x, scale=None, axis=-1, epsilon=None):
    x = x.astype("float64")
    out = x / np.sqrt((x * x).mean(axis=axis, keepdims=True) + (epsilon or EPS))
    return out * (1 if scale is None else scale)


VEC3 = rng.normal(size=(3,)).astype("float32")
VEC4 = rng.normal(size=(4,)).astype("float32")
VAR3 = rng.uniform(0.5, 2, size=(3,)).astype("float32")
MAT34 = rng.normal(size=(3, 4)).astype("float32")

NORMALIZATION = [
    ("moments", ops.moments, _moments, (X3, (0, 2)), {}),
    ("moments-keepdims", ops.moments, _moments, (X3, [1]), {"keepdims": True}),
    ("moments-int-axis", ops.moments, _moments, (X3, -1), {}),
    ("normalize", ops.normalize, _normalize, (X,), {}),
    ("normalize-l1-axis0", ops.normalize, _normalize, (X3,), {"axis": 0, "order": 1}),
    ("normalize-l3", ops.normalize, _normalize, (X,), {"order": 3, "epsilon": 1e-3}),
    ("batch_normalization", ops.batch_normalization, _batch_norm, (X3, VEC3, VAR3, 1), {}),
    ("batch_normalization-affine", ops.batch_normalization, _batch_norm, (X3, VEC4, VAR3[:1] + VEC4 ** 2, -1),
     {"offset": VEC4, "scale": VEC4 * 2, "epsilon": 1e-2}),
    ("layer_normalization", ops.layer_normalization, _layer_norm, (X3,), {}),
    ("layer_normalization-affine", ops.layer_normalization, _layer_norm, (X3, VEC4, VEC4 + 1), {}),
    ("layer_normalization-axes", ops.layer_normalization, _layer_norm, (X3, MAT34, None),
     {"axis": (1, 2), "epsilon": 1e-3}),
    ("rms_normalization", ops.rms_normalization, _rms_norm, (X3,), {}),
    ("rms_normalization-scale", ops.rms_normalization, _rms_norm, (X3, VEC4), {"epsilon": 1e-2}),
    ("rms_normalization-axis1", ops.rms_normalization, _rms_norm, (X3, VEC3[:, None]), {"axis": 1}),
]  # fmt: skip


@pytest.mark.parametrize(
    "name,op,ref,args,kwargs", NORMALIZATION, ids=[c[0] for c in NORMALIZATION]
)
def test_normalization_matches_numpy(name, op, ref, args, kwargs):
    assert_op_matches(op, ref, *args, expected_dtype="float32", rtol=1e-4, atol=1e-5, **kwargs)


def test_normalization_dtypes_and_errors():
    half = ops.convert_to_tensor(X3.astype("float16"))
    mean, var = ops.moments(half, (0, 1))
    assert ops.dtype(mean) == "float16" and ops.dtype(var) == "float16"
    assert ops.dtype(ops.moments(ops.convert_to_tensor(LABELS), 0)[0]) == "float32"
    assert ops.dtype(ops.layer_normalization(half)) == "float16"
    with pytest.raises(ValueError, match="normalize: `order` must be an int >= 1"):
        ops.normalize(ops.convert_to_tensor(X), order=0)
    with pytest.raises(ValueError, match="moments: `axes`=3 is out of range"):
        ops.moments(ops.convert_to_tensor(X3), 3)
    with pytest.raises(TypeError, match="layer_normalization: unexpected keyword arguments"):
        ops.layer_normalization(ops.convert_to_tensor(X3), bogus=1)
    rms = ops.layer_normalization(ops.convert_to_tensor(X3), rms_scaling=True)
    np.testing.assert_allclose(ops.convert_to_numpy(rms), _rms_norm(X3), rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- attention


def _attention(q, k, v, bias=None, mask=None, scale=None, is_causal=False, **kwargs):
    cap = kwargs.get("attn_logits_soft_cap")
    unbatched = q.ndim == 3
    if unbatched:
        q, k, v = q[None], k[None], v[None]
    q, k, v = (t.astype("float64") for t in (q, k, v))
    batch, length, heads, dim = q.shape
    groups = heads // k.shape[2]
    scale = 1 / np.sqrt(dim) if scale is None else scale
    out = np.zeros(q.shape[:-1] + v.shape[-1:])
    allowed = np.ones((batch, heads, length, k.shape[1]), bool)
    if mask is not None:
        allowed &= np.broadcast_to(mask, allowed.shape)
    if is_causal:
        allowed &= np.tril(np.ones((length, k.shape[1]), bool))
    for b in range(batch):
        for n in range(heads):
            logits = q[b, :, n] @ k[b, :, n // groups].T * scale
            if bias is not None:
                logits = logits + np.broadcast_to(bias, allowed.shape)[b, n]
            if cap is not None:
                logits = cap * np.tanh(logits / cap)
            logits = np.where(allowed[b, n], logits, -np.inf)
            out[b, :, n] = _softmax(logits) @ v[b, :, n // groups]
    return out[0] if unbatched else out


Q, K, V = (rng.normal(size=(2, 5, 4, 3)).astype("float32") for _ in range(3))
K2, V2 = K[:, :, :2], V[:, :, :2]
MASK = rng.uniform(size=(2, 1, 5, 5)) > 0.3
MASK[..., 0] = True

ATTENTION = [
    ("plain", (Q, K, V), {}),
    ("scale", (Q, K, V), {"scale": 0.2}),
    ("bias", (Q, K, V), {"bias": rng.normal(size=(1, 4, 5, 5)).astype("float32")}),
    ("mask", (Q, K, V), {"mask": MASK}),
    ("causal", (Q, K, V), {"is_causal": True}),
    ("causal-mask", (Q, K, V), {"is_causal": True, "mask": MASK}),
    ("grouped-heads", (Q, K2, V2), {"is_causal": True}),
    ("cross-length", (Q, K[:, :3], V[:, :3]), {}),
    ("soft-cap", (Q * 5, K, V), {"attn_logits_soft_cap": 2.0}),
    ("unbatched", (Q[0], K[0], V[0]), {"is_causal": True}),
]


@pytest.mark.parametrize("name,args,kwargs", ATTENTION, ids=[c[0] for c in ATTENTION])
def test_dot_product_attention_matches_numpy(name, args, kwargs):
    assert_op_matches(
        ops.dot_product_attention, _attention, *args, expected_dtype="float32", rtol=1e-4,
        atol=1e-5, **kwargs,
    )  # fmt: skip


def test_attention_errors():
    t = ops.convert_to_tensor
    with pytest.raises(ValueError, match="dot_product_attention: `query`, `key` and `value`"):
        ops.dot_product_attention(t(Q[0, 0]), t(K[0, 0]), t(V[0, 0]))
    with pytest.raises(ValueError, match="must be a multiple of the number of key/value heads"):
        ops.dot_product_attention(t(Q), t(K[:, :, :3]), t(V[:, :, :3]))
    with pytest.raises(ValueError, match="`flash_attention=True` is not supported"):
        ops.dot_product_attention(t(Q), t(K), t(V), flash_attention=True)


# ----------------------------------------------------------------------------- image helpers


def _psnr(x1, x2, max_val):
    mse = np.mean((x1.astype("float64") - x2) ** 2)
    return 20 * np.log10(max_val) - 10 * np.log10(mse)


def _depth_to_space(x, block_size, data_format="channels_last"):
    if data_format == "channels_first":
        x = x.transpose(0, 2, 3, 1)
    n, h, w, c = x.shape
    b = block_size
    out = np.zeros((n, h * b, w * b, c // (b * b)), x.dtype)
    for i in range(b):
        for j in range(b):
            out[:, i::b, j::b, :] = x[
                ..., (i * b + j) * (c // (b * b)) : (i * b + j + 1) * (c // (b * b))
            ]
    return out.transpose(0, 3, 1, 2) if data_format == "channels_first" else out


def _space_to_depth(x, block_size, data_format="channels_last"):
    if data_format == "channels_first":
        x = x.transpose(0, 2, 3, 1)
    b = block_size
    parts = [x[:, i::b, j::b, :] for i in range(b) for j in range(b)]
    out = np.concatenate(parts, axis=-1)
    return out.transpose(0, 3, 1, 2) if data_format == "channels_first" else out


IMG = rng.uniform(size=(2, 4, 6, 8)).astype("float32")
IMAGE_OPS = [
    ("psnr", ops.psnr, _psnr, (IMG, np.clip(IMG + 0.05 * rng.normal(size=IMG.shape), 0, 1).astype("float32"), 1.0), {}),
    ("psnr-255", ops.psnr, _psnr, (IMG * 255, IMG * 250, 255.0), {}),
    ("depth_to_space", ops.depth_to_space, _depth_to_space, (IMG, 2), {}),
    ("depth_to_space-cf", ops.depth_to_space, _depth_to_space, (IMG.transpose(0, 3, 1, 2), 2),
     {"data_format": "channels_first"}),
    ("space_to_depth", ops.space_to_depth, _space_to_depth, (IMG, 2), {}),
    ("space_to_depth-cf", ops.space_to_depth, _space_to_depth, (IMG, 2), {"data_format": "channels_first"}),
]  # fmt: skip


@pytest.mark.parametrize("name,op,ref,args,kwargs", IMAGE_OPS, ids=[c[0] for c in IMAGE_OPS])
def test_image_helpers_match_numpy(name, op, ref, args, kwargs):
    assert_op_matches(op, ref, *args, expected_dtype="float32", rtol=1e-5, atol=1e-5, **kwargs)


def test_polar():
    r, theta = np.abs(X), X / 2
    assert_op_matches(
        ops.polar, lambda a, b: a * np.exp(1j * b), r, theta, expected_dtype="complex64"
    )
    out = ops.polar(
        ops.convert_to_tensor(r.astype("float64")), ops.convert_to_tensor(theta.astype("float64"))
    )
    assert ops.dtype(out) == "complex128"


def test_image_helper_errors():
    t = ops.convert_to_tensor
    with pytest.raises(ValueError, match="psnr: `x1` and `x2` must have the same shape"):
        ops.psnr(t(IMG), t(IMG[:1]), 1.0)
    with pytest.raises(
        ValueError, match="depth_to_space: the number of channels \\(8\\) must be divisible by 9"
    ):
        ops.depth_to_space(t(IMG), 3)
    with pytest.raises(ValueError, match="space_to_depth: `block_size` must be an int >= 2"):
        ops.space_to_depth(t(IMG), 1)
    with pytest.raises(ValueError, match="space_to_depth: `x` must have rank 4"):
        ops.space_to_depth(t(IMG[0]), 2)


# ----------------------------------------------------------------------------- CTC


def _collapse(path, blank, merge=True):
    out, prev = [], None
    for label in path:
        if label != blank and (not merge or label != prev):
            out.append(label)
        prev = label
    return out


def _ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Brute force: sums the probability of every alignment that collapses to the target."""
    import itertools

    log_p = scipy.special.log_softmax(output.astype("float64"), axis=-1)
    losses = []
    for b in range(output.shape[0]):
        steps, want = output_length[b], list(target[b, : target_length[b]])
        total = 0.0
        for path in itertools.product(range(output.shape[2]), repeat=int(steps)):
            if _collapse(path, mask_index) == want:
                total += np.exp(sum(log_p[b, t, c] for t, c in enumerate(path)))
        losses.append(-np.log(total))
    return np.array(losses)


CTC_LOGITS = rng.normal(size=(3, 5, 3)).astype("float32")
CTC_TARGET = np.array([[1, 2, 0], [1, 1, 0], [2, 0, 0]], "int32")
CTC_TARGET_LEN = np.array([2, 2, 1], "int32")
CTC_OUTPUT_LEN = np.array([5, 4, 3], "int32")

CTC_CASES = [
    ("blank-0", (CTC_TARGET, CTC_LOGITS, CTC_TARGET_LEN, CTC_OUTPUT_LEN), {}),
    ("blank-last", (CTC_TARGET, CTC_LOGITS, CTC_TARGET_LEN, CTC_OUTPUT_LEN), {"mask_index": 2}),
    ("empty-target", (CTC_TARGET, CTC_LOGITS, np.array([0, 1, 1], "int32"), CTC_OUTPUT_LEN), {}),
]


@pytest.mark.parametrize("name,args,kwargs", CTC_CASES, ids=[c[0] for c in CTC_CASES])
def test_ctc_loss_matches_brute_force(name, args, kwargs):
    target = args[0]
    if kwargs.get("mask_index") == 2:
        target = np.where(target == 2, 0, target)
    args = (target,) + args[1:]
    assert_op_matches(
        ops.ctc_loss, _ctc_loss, *args, expected_dtype="float32", rtol=1e-4, atol=1e-5, **kwargs
    )


def _ctc_greedy(inputs, sequence_lengths, merge_repeated=True, mask_index=0, **kwargs):
    log_p = scipy.special.log_softmax(inputs.astype("float64"), axis=-1)
    decoded = -np.ones(inputs.shape[:2], "int32")
    scores = np.zeros((inputs.shape[0], 1))
    for b in range(inputs.shape[0]):
        steps = sequence_lengths[b]
        path = log_p[b, :steps].argmax(-1)
        labels = _collapse(path, mask_index, merge_repeated)
        decoded[b, : len(labels)] = labels
        scores[b, 0] = -log_p[b, :steps].max(-1).sum()
    return decoded[None], scores


DECODE_LOGITS = rng.normal(size=(3, 8, 4)).astype("float32")
DECODE_LOGITS[0, 2:4, 1] += 5  # a repeat to merge
DECODE_LENGTHS = np.array([8, 6, 3], "int32")
DECODE_CASES = [
    ("greedy", (DECODE_LOGITS, DECODE_LENGTHS), {}),
    ("no-merge", (DECODE_LOGITS, DECODE_LENGTHS), {"merge_repeated": False}),
    ("blank-3", (DECODE_LOGITS, DECODE_LENGTHS), {"mask_index": 3}),
    ("no-blank", (DECODE_LOGITS, DECODE_LENGTHS), {"mask_index": None}),
]


@pytest.mark.parametrize("name,args,kwargs", DECODE_CASES, ids=[c[0] for c in DECODE_CASES])
def test_ctc_decode_matches_numpy(name, args, kwargs):
    decoded, scores = assert_op_matches(
        ops.ctc_decode, _ctc_greedy, *args, rtol=1e-5, atol=1e-5, **kwargs
    )
    assert decoded.dtype == np.int32 and scores.dtype == np.float32


def _ctc_beam(inputs, sequence_lengths, strategy, beam_width=100, top_paths=1,
              merge_repeated=True, mask_index=0):  # fmt: skip
    """Exact ranking by enumerating every alignment (tiny inputs only)."""
    import itertools

    log_p = scipy.special.log_softmax(inputs.astype("float64"), axis=-1)
    decoded = -np.ones((top_paths,) + inputs.shape[:2], "int32")
    scores = np.full((inputs.shape[0], top_paths), -np.inf)
    for b in range(inputs.shape[0]):
        totals = {}
        for path in itertools.product(range(inputs.shape[2]), repeat=int(sequence_lengths[b])):
            key = tuple(_collapse(path, mask_index, merge_repeated))
            p = np.exp(sum(log_p[b, t, c] for t, c in enumerate(path)))
            totals[key] = totals.get(key, 0.0) + p
        ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:top_paths]
        for i, (labels, p) in enumerate(ranked):
            decoded[i, b, : len(labels)] = labels
            scores[b, i] = np.log(p)
    return decoded, scores


BEAM_LOGITS = rng.normal(size=(2, 4, 3)).astype("float32")
BEAM_LENGTHS = np.array([4, 3], "int32")
BEAM_CASES = [
    ("top1", {}),
    ("top3", {"top_paths": 3}),
    ("no-merge", {"top_paths": 2, "merge_repeated": False}),
    ("blank-2", {"top_paths": 2, "mask_index": 2}),
]


@pytest.mark.parametrize("name,kwargs", BEAM_CASES, ids=[c[0] for c in BEAM_CASES])
def test_ctc_beam_search_matches_exhaustive_search(name, kwargs):
    decoded, scores = assert_op_matches(
        ops.ctc_decode, _ctc_beam, BEAM_LOGITS, BEAM_LENGTHS, "beam_search", rtol=1e-5,
        atol=1e-5, **kwargs,
    )  # fmt: skip
    assert decoded.dtype == np.int32 and scores.dtype == np.float32


def test_ctc_errors():
    t = ops.convert_to_tensor
    with pytest.raises(ValueError, match="ctc_decode: `strategy` must be 'greedy' or"):
        ops.ctc_decode(t(DECODE_LOGITS), t(DECODE_LENGTHS), strategy="beam")
    with pytest.raises(ValueError, match="ctc_decode: `top_paths` \\(3\\) cannot exceed"):
        ops.ctc_decode(
            t(DECODE_LOGITS), t(DECODE_LENGTHS), "beam_search", beam_width=2, top_paths=3
        )
    with pytest.raises(ValueError, match="ctc_loss: `target` must have shape"):
        ops.ctc_loss(t(CTC_TARGET[0]), t(CTC_LOGITS), t(CTC_TARGET_LEN), t(CTC_OUTPUT_LEN))


# ----------------------------------------------------------------------------- gradients


def _grad(fn, x):
    return backend_grad_of_sum(fn, x, jit=True)


def _finite_difference(op, x, weights, h=1e-6):
    """Central differences of sum(op(x) * weights), all perturbations in one batched call
    (`op` must treat the rows of the leading axis independently)."""
    x = x.astype("float64")
    n = x.size
    steps = np.eye(n).reshape((n,) + x.shape) * h

    def total(v):
        out = ops.convert_to_numpy(op(ops.convert_to_tensor(v.reshape((-1,) + x.shape[1:]))))
        return (out.reshape((n,) + weights.shape) * weights).reshape(n, -1).sum(1)

    return ((total(x + steps) - total(x - steps)) / (2 * h)).reshape(x.shape)


GRAD_CASES = [
    ("elu", ops.elu),
    ("gelu", ops.gelu),
    ("softmax", ops.softmax),
    ("sparsemax", ops.sparsemax),
    ("layer_normalization", ops.layer_normalization),
    (
        "attention",
        lambda x: ops.reshape(
            ops.dot_product_attention(
                ops.reshape(x, (-1, 3, 2, 2)),
                ops.reshape(x, (-1, 3, 2, 2)),
                ops.reshape(x, (-1, 3, 2, 2)),
                is_causal=True,
            ),
            (-1, 4),
        ),
    ),
]


@requires_training
@pytest.mark.parametrize("name,op", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_finite_differences(name, op):
    x = (X / 2).astype("float64")
    weights = rng.normal(size=x.shape)
    fn = lambda v: op(v) * ops.convert_to_tensor(weights)  # noqa: E731
    want = _finite_difference(op, x, weights)
    np.testing.assert_allclose(_grad(fn, x), want, rtol=1e-4, atol=1e-6)


@requires_training
def test_ctc_loss_gradient_matches_finite_differences():
    target, target_len, output_len = CTC_TARGET[:2], CTC_TARGET_LEN[:2], np.array([4, 3], "int32")
    logits = CTC_LOGITS[:2, :4].astype("float64")
    tensors = [ops.convert_to_tensor(v) for v in (target, target_len, output_len)]
    fn = lambda v: ops.ctc_loss(tensors[0], v, tensors[1], tensors[2])  # noqa: E731
    ref = lambda v: _ctc_loss(target, v, target_len, output_len)  # noqa: E731
    h, want = 1e-6, np.zeros_like(logits)
    for i in np.ndindex(logits.shape):
        up, down = logits.copy(), logits.copy()
        up[i] += h
        down[i] -= h
        want[i] = (ref(up).sum() - ref(down).sum()) / (2 * h)
    np.testing.assert_allclose(_grad(fn, logits), want, rtol=1e-4, atol=1e-6)


@pytest.mark.skipif(backend.backend() != "jax", reason="checks a jax.jit trace")
def test_ctc_beam_search_refuses_traced_inputs():
    import jax

    with pytest.raises(ValueError, match="beam_search' runs on the host and needs eager"):
        jax.jit(lambda x: ops.ctc_decode(x, BEAM_LENGTHS, "beam_search")[1])(BEAM_LOGITS)


def test_relu_keeps_integer_dtypes():
    # Keras's relu returns int inputs in their own dtype on every backend.
    from cornu.graph.keras_tensor import KerasTensor

    out = ops.convert_to_numpy(ops.relu(np.array([-3, 2], "int32")))
    assert out.tolist() == [0, 2] and str(out.dtype) == "int32"
    assert ops.relu(KerasTensor((2,), dtype="int8")).dtype == "int8"
    assert str(ops.convert_to_numpy(ops.relu(np.array([True]))).dtype) == "float32"
