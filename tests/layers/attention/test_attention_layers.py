"""Attention layers: the standard battery (through single-input wrappers), NumPy references
computed with the layers' own weights, masks, causal masks, configs, errors, and the Keras
transformer-block fixture."""

import json
import os
import zipfile

import numpy as np
import pytest

import cornu
from cornu import layers, ops
from cornu.testing import run_layer_test

FIXTURES = os.path.join(os.path.dirname(__file__), "../../../../shared/fixtures/keras3")
RNG = np.random.default_rng(0)


def np_(x):
    return ops.convert_to_numpy(x)


def np_softmax(x, axis=-1):
    x = x - x.max(axis=axis, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


class SelfMHA(cornu.Layer):
    """Test wrapper: MultiHeadAttention on (x, reversed x) so run_layer_test can drive it."""

    def __init__(self, mha_config, causal=False, cls_name="MultiHeadAttention", **kwargs):
        super().__init__(**kwargs)
        self.mha_config = dict(mha_config)
        self.causal = causal
        self.cls_name = cls_name
        self.mha = getattr(layers, cls_name)(**self.mha_config, dtype=self.dtype_policy)

    def build(self, input_shape):
        self.mha.build(input_shape, input_shape)

    def call(self, x, training=None):
        return self.mha(x, ops.flip(x, axis=1), training=training, use_causal_mask=self.causal)

    def get_config(self):
        return {
            **super().get_config(),
            "mha_config": self.mha_config,
            "causal": self.causal,
            "cls_name": self.cls_name,
        }


class PairAttention(cornu.Layer):
    """Test wrapper: Attention/AdditiveAttention on [x, reversed x]."""

    def __init__(self, cls_name, layer_config, causal=False, **kwargs):
        super().__init__(**kwargs)
        self.cls_name = cls_name
        self.layer_config = dict(layer_config)
        self.causal = causal
        cls = getattr(layers, cls_name)
        self.inner = cls(**self.layer_config, dtype=self.dtype_policy)

    def build(self, input_shape):
        self.inner.build([input_shape, input_shape])
        self.inner.built = True

    def call(self, x, training=None):
        return self.inner([x, ops.flip(x, axis=1)], training=training, use_causal_mask=self.causal)

    def get_config(self):
        return {
            **super().get_config(),
            "cls_name": self.cls_name,
            "layer_config": self.layer_config,
            "causal": self.causal,
        }


MHA_CASES = [
    ("no_bias_value_dim_output_shape", {"num_heads": 3, "key_dim": 2, "value_dim": 4,
                                        "use_bias": False, "output_shape": (5,)},
     False, (2, 4, 6), (2, 4, 5), 4),
    ("causal_dropout", {"num_heads": 2, "key_dim": 3, "dropout": 0.5, "seed": 3}, True,
     (2, 4, 6), (2, 4, 6), 8),
    ("axes_2d", {"num_heads": 2, "key_dim": 2, "attention_axes": (1, 2)}, False,
     (2, 3, 2, 4), (2, 3, 2, 4), 8),
]  # fmt: skip


@pytest.mark.parametrize(
    "name,config,causal,shape,out_shape,n_weights", MHA_CASES, ids=[c[0] for c in MHA_CASES]
)
def test_mha_layer_battery(name, config, causal, shape, out_shape, n_weights):
    run_layer_test(
        SelfMHA,
        {"mha_config": config, "causal": causal},
        input_shape=shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=n_weights,
        custom_objects={"SelfMHA": SelfMHA},
    )


ATT_CASES = [
    ("dot", "Attention", {}, False, 0),
    ("concat", "Attention", {"score_mode": "concat", "use_scale": True}, False, 2),
    ("dot_scale_causal_dropout", "Attention", {"use_scale": True, "dropout": 0.3, "seed": 1},
     True, 1),
    ("additive", "AdditiveAttention", {}, True, 1),
]  # fmt: skip


@pytest.mark.parametrize(
    "name,cls_name,config,causal,n_weights", ATT_CASES, ids=[c[0] for c in ATT_CASES]
)
def test_attention_layer_battery(name, cls_name, config, causal, n_weights):
    run_layer_test(
        PairAttention,
        {"cls_name": cls_name, "layer_config": config, "causal": causal},
        input_shape=(2, 5, 3),
        expected_output_shape=(2, 5, 3),
        expected_num_trainable_weights=n_weights,
    )


GQA_CASES = [
    ("gqa", {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2}, False, 8),
    ("gqa_causal_no_bias", {"head_dim": 3, "num_query_heads": 2, "num_key_value_heads": 1,
                            "use_bias": False, "dropout": 0.2, "seed": 4}, True, 4),
]  # fmt: skip


@pytest.mark.parametrize("name,config,causal,n_weights", GQA_CASES, ids=[c[0] for c in GQA_CASES])
def test_gqa_layer_battery(name, config, causal, n_weights):
    run_layer_test(
        SelfMHA,
        {"mha_config": config, "causal": causal, "cls_name": "GroupQueryAttention"},
        input_shape=(2, 4, 6),
        expected_output_shape=(2, 4, 6),
        expected_num_trainable_weights=n_weights,
    )


def test_gqa_matches_numpy():
    layer = layers.GroupQueryAttention(
        head_dim=3, num_query_heads=4, num_key_value_heads=2, bias_initializer="ones"
    )
    q = RNG.normal(size=(2, 4, 5)).astype("float32")
    v = RNG.normal(size=(2, 6, 7)).astype("float32")
    value_mask = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1]], bool)
    out, scores = layer(
        q, v, value_mask=value_mask, use_causal_mask=True, return_attention_scores=True
    )
    wq, bq, wk, bk, wv, bv, wo, bo = [np_(w) for w in layer.weights]
    assert wq.shape == (5, 4, 3) and wk.shape == (7, 2, 3) and wo.shape == (4, 3, 5)
    qh = np.einsum("btd,dnh->btnh", q, wq) + bq
    kh = np.repeat(np.einsum("bsd,dnh->bsnh", v, wk) + bk, 2, axis=2)
    vh = np.repeat(np.einsum("bsd,dnh->bsnh", v, wv) + bv, 2, axis=2)
    logits = np.einsum("btnh,bsnh->bnts", qh / np.sqrt(3.0), kh)
    allowed = value_mask[:, None, None, :] & np.tril(np.ones((4, 6), bool))
    probs = np_softmax(np.where(allowed, logits, -1e9))
    ref = np.einsum("btnh,nho->bto", np.einsum("bnts,bsnh->btnh", probs, vh), wo) + bo
    np.testing.assert_allclose(np_(scores), probs, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(np_(out), ref, rtol=1e-4, atol=1e-5)


def test_gqa_config_and_errors():
    layer = layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
    config = layer.get_config()
    json.dumps(config)
    assert config["num_query_heads"] == 4 and "num_heads" not in config
    assert layers.GroupQueryAttention.from_config(config).get_config() == config
    with pytest.raises(ValueError, match="GroupQueryAttention: num_query_heads must be a mult"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=2)
    with pytest.raises(ValueError, match="GroupQueryAttention: head_dim"):
        layers.GroupQueryAttention(head_dim=0, num_query_heads=2, num_key_value_heads=2)
    with pytest.raises(ValueError, match="GroupQueryAttention: query, value and key"):
        layer(np.ones((2, 3, 4, 4), "float32"), np.ones((2, 3, 4, 4), "float32"))


# -- MultiHeadAttention numerics -----------------------------------------------------------


def np_mha(weights, q, v, k=None, mask=None, use_bias=True):
    """Reference for rank-3 inputs; `weights` in Keras order; `mask` (B, T, S) bool."""
    k = v if k is None else k
    if use_bias:
        wq, bq, wk, bk, wv, bv, wo, bo = weights
    else:
        wq, wk, wv, wo = weights
        bq = bk = bv = bo = 0.0
    qh = np.einsum("btd,dnh->btnh", q, wq) + bq
    kh = np.einsum("bsd,dnh->bsnh", k, wk) + bk
    vh = np.einsum("bsd,dnh->bsnh", v, wv) + bv
    logits = np.einsum("btnh,bsnh->bnts", qh / np.sqrt(wq.shape[-1]), kh)
    if mask is not None:
        # float32, like the layer: fully masked rows become uniform.
        logits = logits.astype("float32") + (
            (1.0 - mask[:, None].astype("float32")) * np.float32(-1e9)
        ).astype("float32")
    probs = np_softmax(logits)
    out = np.einsum("bnts,bsnh->btnh", probs, vh)
    return np.einsum("btnh,nho->bto", out, wo) + bo, probs


def test_mha_weights_match_keras_layout():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=5)
    layer(np.zeros((1, 4, 6), "float32"), np.zeros((1, 7, 8), "float32"))
    assert [tuple(w.shape) for w in layer.weights] == [
        (6, 2, 3),
        (2, 3),
        (8, 2, 3),
        (2, 3),
        (8, 2, 5),
        (2, 5),
        (2, 5, 6),
        (6,),
    ]
    assert [w.path.split("/", 1)[1] for w in layer.weights] == [
        "query/kernel", "query/bias", "key/kernel", "key/bias",
        "value/kernel", "value/bias", "attention_output/kernel", "attention_output/bias",
    ]  # fmt: skip


def test_mha_weight_file_groups_match_keras():
    # Keras's files hold (empty) groups for the softmax and dropout sub-layers too.
    from cornu.saving import weights_h5

    inputs = cornu.Input((4, 6))
    model = cornu.Model(inputs, layers.MultiHeadAttention(num_heads=2, key_dim=3)(inputs, inputs))
    paths = {path: len(weights_h5._own_variables(layer)) for path, layer in weights_h5.walk(model)}
    prefix = "layers/multi_head_attention/"
    assert {p[len(prefix):]: n for p, n in paths.items() if p.startswith(prefix)} == {
        "_dropout_layer": 0, "_softmax": 0, "key_dense": 2, "output_dense": 2,
        "query_dense": 2, "value_dense": 2,
    }  # fmt: skip


@pytest.mark.parametrize("use_bias", [True, False])
def test_mha_matches_numpy(use_bias):
    layer = layers.MultiHeadAttention(
        num_heads=2, key_dim=3, value_dim=4, use_bias=use_bias, bias_initializer="ones"
    )
    q = RNG.normal(size=(2, 4, 5)).astype("float32")
    v = RNG.normal(size=(2, 6, 3)).astype("float32")
    k = RNG.normal(size=(2, 6, 7)).astype("float32")
    out, scores = layer(q, v, key=k, return_attention_scores=True)
    ref, ref_scores = np_mha([np_(w) for w in layer.weights], q, v, k, use_bias=use_bias)
    assert tuple(out.shape) == (2, 4, 5) and tuple(scores.shape) == (2, 2, 4, 6)
    np.testing.assert_allclose(np_(out), ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np_(scores), ref_scores, rtol=1e-4, atol=1e-6)


def test_mha_masks_combine():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    q = RNG.normal(size=(2, 4, 6)).astype("float32")
    v = RNG.normal(size=(2, 4, 6)).astype("float32")
    attention_mask = RNG.random((2, 4, 4)) > 0.3
    attention_mask[:, :, 0] = True
    query_mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool)
    value_mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)
    out, scores = layer(
        q, v, query_mask=query_mask, value_mask=value_mask,
        attention_mask=attention_mask, use_causal_mask=True, return_attention_scores=True,
    )  # fmt: skip
    causal = np.tril(np.ones((4, 4), bool))[None]
    full = attention_mask & query_mask[:, :, None] & value_mask[:, None, :] & causal
    ref, ref_scores = np_mha([np_(w) for w in layer.weights], q, v, mask=full)
    np.testing.assert_allclose(np_(out), ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np_(scores), ref_scores, rtol=1e-4, atol=1e-6)
    blocked = ~full & full.any(-1, keepdims=True)  # fully masked rows are uniform
    assert np.all(np_(scores)[np.broadcast_to(blocked[:, None], (2, 2, 4, 4))] < 1e-6)


def test_mha_attention_axes_2d_matches_flattened():
    # Attending over two axes equals attending over their flattening.
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2))
    x = RNG.normal(size=(2, 2, 3, 4)).astype("float32")
    out = layer(x, x)
    flat = x.reshape(2, 6, 4)
    ref, _ = np_mha([np_(w) for w in layer.weights], flat, flat)
    np.testing.assert_allclose(np_(out).reshape(2, 6, 4), ref, rtol=1e-4, atol=1e-5)


def test_mha_symbolic_scores_and_config():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, output_shape=7)
    q = cornu.Input((4, 6))
    v = cornu.Input((5, 8))
    out, scores = layer(q, v, return_attention_scores=True)
    assert tuple(out.shape) == (None, 4, 7)
    assert tuple(scores.shape) == (None, 2, 4, 5)
    config = layer.get_config()
    json.dumps(config)
    revived = layers.MultiHeadAttention.from_config(config)
    assert revived.get_config() == config
    assert layer.get_build_config() == {
        "shapes_dict": {"query_shape": [None, 4, 6], "value_shape": [None, 5, 8]}
    }
    rebuilt = layers.MultiHeadAttention.from_config(config)
    rebuilt.build_from_config(layer.get_build_config())
    assert len(rebuilt.weights) == 8


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"num_heads": 0, "key_dim": 2}, "num_heads"),
        ({"num_heads": 2, "key_dim": "a"}, "key_dim"),
        ({"num_heads": 2, "key_dim": 2, "dropout": 2.0}, "dropout"),
        ({"num_heads": 2, "key_dim": 2, "output_shape": "x"}, "output_shape"),
        ({"num_heads": 2, "key_dim": 2, "use_gate": True}, "use_gate"),
        ({"num_heads": 2, "key_dim": 2, "sliding_window": 4}, "sliding_window"),
    ],
)
def test_mha_constructor_errors(kwargs, match):
    with pytest.raises(ValueError, match=f"MultiHeadAttention: {match}"):
        layers.MultiHeadAttention(**kwargs)


def test_mha_call_errors():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(3,))
    with pytest.raises(ValueError, match="MultiHeadAttention: attention_axes"):
        layer(np.ones((2, 3, 4), "float32"), np.ones((2, 3, 4), "float32"))
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2)
    with pytest.raises(ValueError, match="MultiHeadAttention: query, value and key"):
        layer(np.ones((2, 4), "float32"), np.ones((2, 4), "float32"))


# -- Attention / AdditiveAttention numerics -------------------------------------------------


def np_attention(scores, v, q_mask=None, v_mask=None, causal=False):
    allowed = np.ones(scores.shape, bool)
    if v_mask is not None:
        allowed &= v_mask[:, None, :]
    if causal:
        allowed &= np.tril(np.ones(scores.shape[-2:], bool))[None]
    scores = scores - 1e9 * (~allowed)
    w = np_softmax(scores)
    out = w @ v
    if q_mask is not None:
        out = out * q_mask[..., None]
    return out, w


@pytest.mark.parametrize(
    "mode,use_scale", [("dot", False), ("dot", True), ("concat", True), ("concat", False)]
)
def test_attention_matches_numpy(mode, use_scale):
    layer = layers.Attention(use_scale=use_scale, score_mode=mode)
    q = RNG.normal(size=(2, 3, 4)).astype("float32")
    v = RNG.normal(size=(2, 5, 4)).astype("float32")
    k = RNG.normal(size=(2, 5, 4)).astype("float32")
    q_mask = np.array([[1, 1, 0], [1, 1, 1]], bool)
    v_mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)
    if use_scale:
        layer.build([q.shape, v.shape, k.shape])
        layer.scale.assign(np.float32(0.7))
    out, w = layer(
        [q, v, k], mask=[q_mask, v_mask], return_attention_scores=True, use_causal_mask=True
    )
    scale = 0.7 if use_scale else 1.0
    if mode == "dot":
        scores = scale * (q @ k.transpose(0, 2, 1))
    else:
        scores = np.tanh(scale * (q[:, :, None] + k[:, None])).sum(-1)
    ref, ref_w = np_attention(scores, v, q_mask, v_mask, causal=True)
    np.testing.assert_allclose(np_(out), ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np_(w), ref_w, rtol=1e-4, atol=1e-6)


def test_additive_attention_matches_numpy():
    layer = layers.AdditiveAttention()
    q = RNG.normal(size=(2, 3, 4)).astype("float32")
    v = RNG.normal(size=(2, 5, 4)).astype("float32")
    v_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    out = layer([q, v], mask=[None, v_mask])
    assert [w.path.split("/")[-1] for w in layer.weights] == ["scale"]
    scale = np_(layer.scale)
    assert scale.shape == (4,)
    scores = (scale * np.tanh(q[:, :, None] + v[:, None])).sum(-1)
    ref, _ = np_attention(scores, v, v_mask=v_mask)
    np.testing.assert_allclose(np_(out), ref, rtol=1e-4, atol=1e-5)


def test_attention_symbolic_and_mask_propagation():
    q = cornu.Input((3, 4))
    v = cornu.Input((5, 2))
    out, w = layers.Attention()([q, v], return_attention_scores=True)
    assert tuple(out.shape) == (None, 3, 2) and tuple(w.shape) == (None, 3, 5)
    layer = layers.Attention()
    assert layer.compute_mask([q, v], [np.ones((1, 3), bool), None]).shape == (1, 3)
    assert layer.compute_mask([q, v], None) is None


def test_attention_errors():
    with pytest.raises(ValueError, match="Attention: score_mode"):
        layers.Attention(score_mode="add")
    with pytest.raises(ValueError, match="Attention: dropout"):
        layers.Attention(dropout=-1)
    with pytest.raises(ValueError, match="AdditiveAttention layer .*: inputs must be a list"):
        layers.AdditiveAttention()(np.ones((2, 3, 4), "float32"))


def test_attention_configs_round_trip():
    for layer in (
        layers.Attention(use_scale=True, score_mode="concat", dropout=0.1, seed=2),
        layers.AdditiveAttention(use_scale=False, dropout=0.2),
    ):
        config = layer.get_config()
        json.dumps(config)
        assert type(layer).from_config(config).get_config() == config


# -- Keras fixture ---------------------------------------------------------------------------


def test_transformer_block_fixture_matches_keras():
    h5py = pytest.importorskip("h5py")
    path = os.path.join(FIXTURES, "transformer_block.keras")
    if not os.path.exists(path):
        pytest.skip("fixture transformer_block.keras not present")
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
        weights_bytes = archive.read("model.weights.h5")
    for needed in ("LayerNormalization", "GlobalAveragePooling1D", "Add", "Dense"):
        if not hasattr(layers, needed):
            pytest.skip(f"cornu.layers.{needed} is not available yet")
    model = cornu.models.Functional.from_config(config["config"])
    import io

    with h5py.File(io.BytesIO(weights_bytes), "r") as f:
        group = f["layers"]
        saved = {
            name: [group[name]["vars"][str(i)][()] for i in range(len(group[name]["vars"]))]
            for name in group
            if "vars" in group[name]
        }
        mha = group["multi_head_attention"]
        saved["multi_head_attention"] = [
            mha[sub]["vars"][str(i)][()]
            for sub in ("query_dense", "key_dense", "value_dense", "output_dense")
            for i in range(2)
        ]
    # Keras names the weight groups by layer type and order of appearance.
    counters = {}
    for layer in model.layers:
        if not layer.weights:
            continue
        base = {
            "MultiHeadAttention": "multi_head_attention",
            "Dense": "dense",
            "LayerNormalization": "layer_normalization",
        }[type(layer).__name__]
        n = counters.get(base, 0)
        counters[base] = n + 1
        key = base if n == 0 else f"{base}_{n}"
        layer.set_weights(saved[key])
    data = np.load(os.path.join(FIXTURES, "transformer_block.npz"))
    x, expected = data["x"], data["y"]
    np.testing.assert_allclose(np_(model(x)), expected, rtol=1e-4, atol=1e-4)
