"""int4 quantization of `ReversibleEmbedding` (tied and untied): variables, reverse logits in
blocks, configs, `from_config`, `Model.quantize` and `.keras` round trips."""

import os

import numpy as np

from tests.parity.case import ALL, case

_IDS = np.array([[1, 2, 0], [3, 9, 4]])


def _weights_of(layer):
    return [(v.path, tuple(v.shape), str(v.dtype), v.trainable) for v in layer.weights]


def _quantized(keras, name, input_dim, output_dim, seed, block_size=None, **kwargs):
    """A ReversibleEmbedding with fixed float weights, quantized to int4."""
    layer = keras.layers.ReversibleEmbedding(input_dim, output_dim, name=name, **kwargs)
    layer.build()
    rng = np.random.default_rng(seed)
    floats = [rng.standard_normal(w.shape).astype("float32") for w in layer.get_weights()]
    if len(floats) == 2:  # an untied reverse table: partly one-signed blocks
        floats[1] = floats[1] * 0.5 + 0.3
    layer.set_weights(floats)
    if block_size is None:
        layer.quantize("int4")
    else:
        config = keras.quantizers.Int4QuantizationConfig(block_size=block_size)
        layer.quantize("int4", config=config)
    return layer


@case(backends=ALL, rtol=1e-5, atol=1e-5, timeout=400)
def case_quantize_reversible_int4_layers(keras, H):
    rng = np.random.default_rng(0)
    specs = {
        "tied": (10, 8, {}),
        "untied": (10, 8, {"tie_weights": False}),
        "tied_blocks": (12, 300, {}),  # output_dim 300: blocks of 128, 128 and 44
        "untied_blocks": (12, 300, {"tie_weights": False}),
        "untied_odd": (11, 7, {"tie_weights": False, "block_size": 3}),
        "tied_block4": (10, 8, {"block_size": 4}),
        "soft_cap": (10, 8, {"tie_weights": False, "logit_soft_cap": 2.0}),
        "reverse_dtype": (10, 8, {"tie_weights": False, "reverse_dtype": "float16"}),
    }
    out = {}
    for seed, (label, (input_dim, output_dim, kwargs)) in enumerate(specs.items()):
        layer = _quantized(keras, label, input_dim, output_dim, seed, **kwargs)
        hidden = rng.standard_normal((2, 3, output_dim)).astype("float32")
        ids = _IDS % input_dim
        config = layer.get_config()
        out[label] = {
            "weights": _weights_of(layer),
            "values": [np.asarray(v) for v in layer.weights],
            "policy": layer.dtype_policy.name,
            "config": {k: config[k] for k in ("dtype", "quantization_config", "tie_weights")},
            "embedded": layer(ids),
            "logits": layer(hidden, reverse=True),
            "symbolic": layer.compute_output_spec(keras.KerasTensor((2, output_dim)), reverse=True),
        }
    return out


@case(backends=ALL, rtol=1e-5, atol=1e-5, timeout=400)
def case_quantize_reversible_int4_models(keras, H):
    L = keras.layers
    rng = np.random.default_rng(1)
    out = {}
    # A layer built from a quantized config makes the int4 variables; weights carry over.
    for tie in (True, False):
        source = _quantized(keras, f"source_{tie}", 10, 6, 3, block_size=4, tie_weights=tie)
        revived = L.ReversibleEmbedding.from_config(source.get_config())
        revived.build()
        revived.set_weights(source.get_weights())
        hidden = rng.standard_normal((3, 6)).astype("float32")
        out[f"from_config_{tie}"] = {
            "weights": [(v.name, tuple(v.shape), str(v.dtype)) for v in revived.weights],
            "policy": revived.dtype_policy.name,
            "logits": revived(hidden, reverse=True),
            "same": np.allclose(
                keras.ops.convert_to_numpy(revived(hidden, reverse=True)),
                keras.ops.convert_to_numpy(source(hidden, reverse=True)),
            ),
        }
    # Model.quantize on a model using a tied and an untied table in both directions.
    ids = keras.Input((3,), dtype="int32", name="ids")
    tied = L.ReversibleEmbedding(9, 6, name="tied")
    untied = L.ReversibleEmbedding(9, 6, tie_weights=False, name="untied")
    hidden = L.Dense(6, name="mix")(tied(ids) + untied(ids))
    model = keras.Model(ids, [tied(hidden, reverse=True), untied(hidden, reverse=True)])
    H.det_weights(model, seed=2)
    model.quantize("int4", config=keras.quantizers.Int4QuantizationConfig(block_size=4))
    x = np.array([[1, 2, 8], [0, 5, 5]], "int32")
    out["model_weights"] = [(v.path, tuple(v.shape), str(v.dtype)) for v in model.weights]
    out["model_out"] = model.predict(x, verbose=0)
    path = os.path.abspath("reversible_int4.keras")  # the harness runs cases in a temp folder
    model.save(path)
    loaded = keras.saving.load_model(path)
    out["loaded_weights"] = [(v.path, tuple(v.shape), str(v.dtype)) for v in loaded.weights]
    out["loaded_out"] = loaded.predict(x, verbose=0)
    os.remove(path)
    return out


def _set_int4_weights(layer, seed):
    """Sets a quantized layer's int4 variables to fixed values (no float table involved)."""
    rng = np.random.default_rng(seed)
    values = []
    for v in layer.weights:
        shape = tuple(v.shape)
        if v.name in ("embeddings", "reverse_embeddings"):
            values.append(rng.integers(-128, 128, size=shape).astype("int8"))
        elif v.name == "embeddings_zero":
            values.append(rng.integers(-8, 8, size=shape).astype("int8"))
        elif v.name == "reverse_embeddings_zero":
            values.append(rng.integers(-8, 8, size=shape).astype("float32"))
        elif v.name.endswith("_scale"):
            values.append((rng.random(shape) * 0.3 + 0.01).astype("float32"))
        else:
            values.append(np.asarray(v))  # g_idx
    layer.set_weights(values)


@case(backends=ALL, rtol=1e-5, atol=1e-5, timeout=400)
def case_quantize_reversible_int4_dtypes(keras, H):
    # The reverse logits: the table dequantized in the compute dtype, the inputs not cast
    # (their dtype and the compute dtype promote), whatever `reverse_dtype` says.
    rng = np.random.default_rng(2)
    out = {}
    for policy in ("float32", "bfloat16", "mixed_bfloat16"):
        for tie in (True, False):
            layer = keras.layers.ReversibleEmbedding(
                10, 8, tie_weights=tie, dtype=policy, reverse_dtype="float32", name="re"
            )
            layer.build()
            layer.quantize("int4")
            _set_int4_weights(layer, seed=len(out))
            hidden = rng.standard_normal((2, 8)).astype("float32")
            for dtype in ("float32", "bfloat16"):
                logits = layer(keras.ops.cast(hidden, dtype), reverse=True)
                out[f"{policy}_{tie}_{dtype}"] = (
                    keras.backend.standardize_dtype(logits.dtype),
                    keras.ops.convert_to_numpy(keras.ops.cast(logits, "float32")),
                )
            spec = layer.compute_output_spec(keras.KerasTensor((2, 8)), reverse=True)
            out[f"{policy}_{tie}_spec"] = (spec.shape, spec.dtype)
            out[f"{policy}_{tie}_weights"] = [
                (v.name, tuple(v.shape), keras.backend.standardize_dtype(v.dtype))
                for v in layer.weights
            ]
    return out
