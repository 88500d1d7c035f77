"""`ReversibleEmbedding.quantize("int4")`, tied and untied: Keras's variable layout, values and
reverse logits against a NumPy reference, configs, `from_config`, `Model.quantize`, and
`.keras` files passing both ways with real Keras (skipped when it is not installed)."""

import importlib.util
import os

import numpy as np
import pytest

import cornu
from cornu import layers
from tests.helpers import keras_report

RNG = np.random.default_rng(0)
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _quantized(input_dim, output_dim, tie_weights=True, block_size=None, **kwargs):
    """A ReversibleEmbedding with known float tables, quantized to int4; and those tables."""
    layer = layers.ReversibleEmbedding(
        input_dim, output_dim, tie_weights=tie_weights, name="re", **kwargs
    )
    layer.build()
    rng = np.random.default_rng(input_dim * output_dim)
    tables = [rng.standard_normal(w.shape).astype("float32") for w in layer.get_weights()]
    if not tie_weights:
        tables[1] = tables[1] * 0.5 + 0.3  # some one-signed blocks
    layer.set_weights(tables)
    config = None
    if block_size is not None:
        config = cornu.quantizers.Int4QuantizationConfig(block_size=block_size)
    layer.quantize("int4", config=config)
    return layer, tables


def _reference_int4(matrix, block_size):
    """int4 with zero points in blocks of rows, each block's own range: `(q, scale, zero)`."""
    rows = matrix.shape[0]
    blocks = -(-rows // block_size)
    padded = np.zeros((blocks * block_size,) + matrix.shape[1:], "float32")
    padded[:rows] = matrix
    padded = padded.reshape((blocks, block_size) + matrix.shape[1:])
    low, high = padded.min(axis=1), padded.max(axis=1)
    scale = np.maximum((high - low) / 15.0, 1e-7).astype("float32")
    zero = np.clip(np.round(-8.0 - low / scale), -8, 7)
    row_block = np.arange(rows) // block_size
    q = np.clip(np.round(matrix / scale[row_block]) + zero[row_block], -8, 7)
    return q, scale, zero


def _unpack(packed, length, axis):
    x = np.moveaxis(np.asarray(packed).astype("int32") & 255, axis, 0)
    low, high = x & 15, x >> 4
    both = np.stack([low, high], axis=1).reshape((-1,) + x.shape[1:])[:length]
    return np.moveaxis(np.where(both > 7, both - 16, both), 0, axis)


@pytest.mark.parametrize("tie_weights", [True, False], ids=["tied", "untied"])
def test_int4_variables_follow_keras_layout(tie_weights):
    layer, _ = _quantized(10, 8, tie_weights)
    expected = [
        ("embeddings", (10, 4), "int8"),
        ("embeddings_scale", (10, 1), "float32"),
        ("embeddings_zero", (10, 1), "int8"),
        ("g_idx", (8,), "float32"),
    ]
    if not tie_weights:  # packed along the contracted output_dim; zero points in float
        expected += [
            ("reverse_embeddings", (4, 10), "int8"),
            ("reverse_embeddings_scale", (1, 10), "float32"),
            ("reverse_embeddings_zero", (1, 10), "float32"),
        ]
    seen = [
        (v.path, tuple(v.shape), cornu.backend.standardize_dtype(v.dtype)) for v in layer.weights
    ]
    assert seen == [(f"re/{name}", shape, dtype) for name, shape, dtype in expected]
    assert not layer.trainable_weights
    assert layer.dtype_policy.name == "int4/128_from_float32"
    config = layer.get_config()
    assert config["dtype"]["class_name"] == "Int4DTypePolicy"
    assert config["dtype"]["config"] == {"mode": "int4/128", "source_name": "float32"}
    assert config["quantization_config"]["config"]["block_size"] == 128


@pytest.mark.parametrize(
    "input_dim, output_dim, tie_weights, block_size",
    [
        (10, 8, True, None),
        (10, 8, False, None),
        (12, 300, True, None),  # blocks of 128, 128 and 44 hidden units
        (12, 300, False, None),
        (11, 7, False, 3),
    ],
    ids=["tied", "untied", "tied_300", "untied_300", "untied_odd_block3"],
)
def test_int4_reverse_matches_numpy(input_dim, output_dim, tie_weights, block_size):
    layer, tables = _quantized(input_dim, output_dim, tie_weights, block_size)
    block_size = block_size or 128
    blocks = np.arange(output_dim) // block_size
    np.testing.assert_array_equal(_np(layer.g_idx), blocks)
    # The table: per row, in blocks of columns.
    q, scale, zero = _reference_int4(tables[0].T, block_size)
    np.testing.assert_array_equal(_unpack(_np(layer.embeddings), output_dim, -1), q.T)
    np.testing.assert_allclose(_np(layer.embeddings_scale), scale.T, rtol=1e-6)
    np.testing.assert_array_equal(_np(layer.embeddings_zero), zero.T)
    kernel = ((q - zero[blocks]) * scale[blocks]).astype("float32")  # (output_dim, input_dim)
    if not tie_weights:  # the reverse table: in blocks of its rows
        q, scale, zero = _reference_int4(tables[1], block_size)
        np.testing.assert_array_equal(_unpack(_np(layer.reverse_embeddings), output_dim, 0), q)
        np.testing.assert_allclose(_np(layer.reverse_embeddings_scale), scale, rtol=1e-6)
        np.testing.assert_array_equal(_np(layer.reverse_embeddings_zero), zero)
        kernel = ((q - zero[blocks]) * scale[blocks]).astype("float32")
    hidden = RNG.normal(size=(2, 3, output_dim)).astype("float32")
    logits = layer(hidden, reverse=True)
    assert cornu.backend.standardize_dtype(logits.dtype) == "float32"
    np.testing.assert_allclose(_np(logits), hidden @ kernel, rtol=1e-5, atol=1e-4)
    float_kernel = tables[0].T if tie_weights else tables[1]
    error = np.abs(_np(logits) - hidden @ float_kernel).mean()
    assert error < 0.25 * np.abs(hidden @ float_kernel).mean()  # int4 stays near the floats
    ids = np.array([[0, 1, input_dim - 1]])
    np.testing.assert_allclose(
        _np(layer(ids)), _dequantized_rows(layer, ids, block_size), rtol=1e-6
    )


def _dequantized_rows(layer, ids, block_size):
    values = _unpack(_np(layer.embeddings), layer.output_dim, -1)
    blocks = np.arange(layer.output_dim) // block_size
    scale, zero = _np(layer.embeddings_scale)[:, blocks], _np(layer.embeddings_zero)[:, blocks]
    return ((values - zero) * scale)[ids]


def test_int4_soft_cap_reverse_dtype_and_symbolic():
    # A quantized reverse projection computes in the compute dtype, whatever reverse_dtype.
    layer, _ = _quantized(10, 8, False, logit_soft_cap=0.5, reverse_dtype="float16")
    hidden = RNG.normal(size=(4, 8)).astype("float32") * 3
    logits = layer(hidden, reverse=True)
    assert cornu.backend.standardize_dtype(logits.dtype) == "float32"
    assert np.abs(_np(logits)).max() <= 0.5
    spec = layer.compute_output_spec(cornu.KerasTensor((4, 8)), reverse=True)
    assert spec.shape == (4, 10) and spec.dtype == "float32"
    int8 = layers.ReversibleEmbedding(10, 8, reverse_dtype="float16")
    int8.build()
    int8.quantize("int8")
    assert cornu.backend.standardize_dtype(int8(hidden, reverse=True).dtype) == "float32"


@pytest.mark.parametrize("tie_weights", [True, False], ids=["tied", "untied"])
def test_int4_mixed_precision_dequantizes_in_the_compute_dtype(tie_weights):
    # As Keras: the table in bfloat16, the inputs not cast (float32 in, float32 out).
    layer, _ = _quantized(10, 8, tie_weights, dtype="mixed_bfloat16")
    assert layer.dtype_policy.name == "int4/128_from_mixed_bfloat16"
    hidden = RNG.normal(size=(2, 8)).astype("float32")
    kernel = layer(np.eye(8, dtype="float32"), reverse=True)  # the float32 dequantized table
    assert cornu.backend.standardize_dtype(kernel.dtype) == "float32"
    logits = layer(hidden, reverse=True)
    np.testing.assert_allclose(_np(logits), hidden @ _np(kernel), rtol=1e-5, atol=1e-5)
    half = layer(cornu.ops.cast(hidden, "bfloat16"), reverse=True)
    assert cornu.backend.standardize_dtype(half.dtype) == "bfloat16"
    spec = layer.compute_output_spec(cornu.KerasTensor((2, 8)), reverse=True)
    assert spec.dtype == "bfloat16"  # Keras's symbolic spec: the compute dtype


@pytest.mark.parametrize("tie_weights", [True, False], ids=["tied", "untied"])
def test_int4_from_config_builds_quantized_variables(tie_weights):
    source, _ = _quantized(10, 6, tie_weights, block_size=4, logit_soft_cap=3.0)
    revived = layers.ReversibleEmbedding.from_config(source.get_config())
    revived.build()
    shapes = [(v.name, tuple(v.shape)) for v in revived.weights]
    assert shapes == [(v.name, tuple(v.shape)) for v in source.weights]
    revived.set_weights(source.get_weights())
    hidden = RNG.normal(size=(3, 6)).astype("float32")
    np.testing.assert_allclose(
        _np(revived(hidden, reverse=True)), _np(source(hidden, reverse=True)), rtol=1e-6
    )
    assert revived.get_config() == source.get_config()


def test_int4_per_channel_is_refused_with_a_clear_error():
    layer = layers.ReversibleEmbedding(10, 8, tie_weights=False)
    layer.build()
    config = cornu.quantizers.Int4QuantizationConfig(block_size=None)
    with pytest.raises(NotImplementedError, match="int4 with block_size=None"):
        layer.quantize("int4", config=config)


def _model(lib):
    """A model using a tied and an untied table both ways, int4-quantized."""
    L = lib.layers
    ids = lib.Input((3,), dtype="int32")
    tied = L.ReversibleEmbedding(9, 6, name="tied")
    untied = L.ReversibleEmbedding(9, 6, tie_weights=False, name="untied")
    hidden = L.Dense(6, name="mix")(tied(ids) + untied(ids))
    model = lib.Model(ids, L.Add()([tied(hidden, reverse=True), untied(hidden, reverse=True)]))
    rng = np.random.default_rng(5)
    model.set_weights([rng.standard_normal(w.shape).astype("float32")
                       for w in model.get_weights()])  # fmt: skip
    model.quantize("int4", config=lib.quantizers.Int4QuantizationConfig(block_size=4))
    return model


_X = np.array([[1, 2, 8], [0, 5, 5]], "int32")


def test_int4_model_quantize_and_save_round_trip(tmp_path):
    model = _model(cornu)
    untied = model.get_layer("untied")
    assert [v.name for v in untied.weights][-3:] == [
        "reverse_embeddings",
        "reverse_embeddings_scale",
        "reverse_embeddings_zero",
    ]
    assert model.get_layer("tied").dtype_policy.name == "int4/4_from_float32"
    expected = _np(model.predict(_X, verbose=0))
    model.save(str(tmp_path / "m.keras"))
    loaded = cornu.saving.load_model(str(tmp_path / "m.keras"))
    assert [v.name for v in loaded.weights] == [v.name for v in model.weights]
    np.testing.assert_allclose(_np(loaded.predict(_X, verbose=0)), expected, rtol=1e-6)


_IN_KERAS = """
import json, os, sys
import numpy as np
import keras
folder, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, root)
from tests.layers.core.test_reversible_embedding_int4 import _X, _model
loaded = keras.saving.load_model(os.path.join(folder, "cornu.keras"))
report = {
    "out": np.asarray(loaded.predict(_X, verbose=0), "float32").tolist(),
    "weights": [[v.path.split("/")[-1], list(v.shape), str(v.dtype)] for v in loaded.weights],
}
model = _model(keras)
model.save(os.path.join(folder, "keras.keras"))
np.save(os.path.join(folder, "keras.npy"), model.predict(_X, verbose=0))
print("REPORT" + json.dumps(report))
"""


@pytest.mark.skipif(importlib.util.find_spec("keras") is None, reason="Keras is not installed")
def test_int4_keras_files_pass_both_ways(tmp_path):
    model = _model(cornu)
    expected = _np(model.predict(_X, verbose=0))
    model.save(str(tmp_path / "cornu.keras"))
    report = keras_report(_IN_KERAS, tmp_path, _ROOT)
    weights = [[v.path.split("/")[-1], list(v.shape), cornu.backend.standardize_dtype(v.dtype)]
               for v in model.weights]  # fmt: skip
    assert report["weights"] == weights  # cornu -> Keras
    np.testing.assert_allclose(report["out"], expected, rtol=1e-5, atol=1e-5)
    loaded = cornu.saving.load_model(str(tmp_path / "keras.keras"))  # Keras -> cornu
    np.testing.assert_allclose(
        _np(loaded.predict(_X, verbose=0)), np.load(tmp_path / "keras.npy"), rtol=1e-5, atol=1e-5
    )
