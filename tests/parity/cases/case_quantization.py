"""Quantization: the `quantizers` primitives and configs, the quantized dtype policies, and
`layer.quantize(mode)` (variables, outputs, configs, errors)."""

import numpy as np

from tests.parity.case import ALL, case

_X = np.array([[0.5, -1.2, 3.0], [0.1, 0.2, -0.05]], "float32")
_W = (np.arange(24, dtype="float32").reshape(6, 4) / 7 - 1.5).astype("float32")


@case(backends=ALL, rtol=1e-5, atol=1e-6, timeout=400)
def case_quantizer_functions(keras, H):
    q = keras.quantizers
    packed = q.pack_int4(np.array([[1, -2, 5], [3, -8, 2], [7, 0, -1]], "int8"))
    packed_last = q.pack_int4(np.array([[1, -2, 5], [3, -8, 2]], "int8"), axis=-1)
    packed_u = q.pack_int4(np.array([[1, 2], [3, 15]], "uint8"), dtype="uint8")
    return {
        "abs_max_last": q.abs_max_quantize(_X, axis=-1),
        "abs_max_first": q.abs_max_quantize(_X, axis=0),
        "abs_max_numpy": q.abs_max_quantize(_X, axis=-1, to_numpy=True),
        "abs_max_int16": q.abs_max_quantize(
            _X * 3, axis=-1, value_range=(-1000, 1000), dtype="int16"
        ),  # fmt: skip
        "grouped": q.abs_max_quantize_grouped_with_zero_point(_W, block_size=4),
        "grouped_zeros": q.abs_max_quantize_grouped_with_zero_point(
            np.zeros((4, 2), "float32"), block_size=2
        ),
        "grouped_numpy": q.abs_max_quantize_grouped_with_zero_point(_W, 2, to_numpy=True),
        "packed": packed,
        "unpacked": q.unpack_int4(packed[0], 3),
        "packed_last": packed_last,
        "unpacked_last": q.unpack_int4(packed_last[0], 3, axis=-1),
        "packed_u": packed_u,
        "unpacked_u": q.unpack_int4(packed_u[0], 2, dtype="uint8"),
        "f8_scale": np.asarray(
            q.compute_float8_scale(np.float32(3.0), np.float32(1.0), np.float32(448.0))
        ),
        # np.asarray: Keras's numpy backend gives a NumPy scalar, cornu's a 0-d array.
        "f8_scale_margin": np.asarray(
            q.compute_float8_scale(np.float32(3.0), np.float32(1.0), np.float32(448.0), margin=2)
        ),
        "f8_scale_zero": np.asarray(
            q.compute_float8_scale(np.float32(0.0), np.float32(4.0), np.float32(448.0))
        ),
        "amax_history": q.compute_float8_amax_history(_X, np.array([1.0, 5.0, 2.0], "float32")),
        "qdq": q.quantize_and_dequantize(_X, np.float32(2.0), "float8_e4m3fn", "float32"),
        "qdq_clip": q.quantize_and_dequantize(
            _X * 100, np.float32(0.5), "float8_e4m3fn", "float32"
        ),
        "qdq_e5m2": q.quantize_and_dequantize(_X * 7, np.float32(0.3), "float8_e5m2", "float32"),
        "fake_quant": q.fake_quant_with_min_max_vars(_X, -1.0, 1.0),
        "fake_quant_axis": q.fake_quant_with_min_max_vars(
            _X,
            np.array([-1.0, -0.5, -2.0], "float32"),
            np.array([1.0, 0.5, 2.0], "float32"),
            num_bits=4,
            narrow_range=True,
            axis=-1,
        ),
    }


@case(backends=ALL, timeout=400)
def case_quantizer_objects_and_configs(keras, H):
    q = keras.quantizers
    quantizer = q.AbsMaxQuantizer(axis=-1)
    configs = [
        q.Int8QuantizationConfig(),
        q.Int8QuantizationConfig(weight_quantizer=q.AbsMaxQuantizer(axis=0)),
        q.Int4QuantizationConfig(),
        q.Int4QuantizationConfig(block_size=64),
        q.Float8QuantizationConfig(),
    ]
    return {
        "call": quantizer(_X),
        "config": quantizer.get_config(),
        "serialized": q.serialize(quantizer),
        "round_trip": q.deserialize(q.serialize(quantizer)).get_config(),
        # Not compared: q.get("abs_max_quantizer", axis=-1) (Keras 3.15 records axis=('axis',)).
        "by_dict": q.get({"class_name": "AbsMaxQuantizer", "config": {"axis": -1}}).get_config(),
        "none": q.get(None),
        "base_call": q.Quantizer()(_X),
        "base_dtype": q.Quantizer().output_dtype,
        "modes": [c.mode for c in configs],
        "configs": [q.serialize(c) for c in configs],
        "configs_round_trip": [q.deserialize(q.serialize(c)).get_config() for c in configs],
        "bad_name": H.raises(q.get, "nope"),
        "base_mode": H.raises(lambda: q.QuantizationConfig().mode),
    }


@case(backends=ALL, timeout=400)
def case_dtype_policies(keras, H):
    dp = keras.dtype_policies
    names = ["int8_from_float32", "int4_from_mixed_bfloat16", "float8_from_float32",
             "int4/128_from_float32", "gptq/4/128_from_float32", "awq/4/64_from_bfloat16"]  # fmt: skip
    policies = [dp.get(n) for n in names]
    policy_map = dp.DTypePolicyMap(default_policy="bfloat16")
    policy_map["block/dense"] = dp.QuantizedDTypePolicy("int8", "float32")
    float8 = dp.QuantizedFloat8DTypePolicy("float8", "mixed_bfloat16", amax_history_length=16)
    return {
        "classes": [type(p).__name__ for p in policies],
        "names": [p.name for p in policies],
        "dtypes": [(p.compute_dtype, p.variable_dtype) for p in policies],
        "modes": [p.quantization_mode for p in policies],
        "serialized": [dp.serialize(p) for p in policies],
        "round_trip": [dp.deserialize(dp.serialize(p)).name for p in policies],
        "float8": (float8.get_config(), float8.amax_history_length),
        "map_lookup": (policy_map["block/dense"].name, policy_map["other"].name),
        "map_keys": (list(policy_map), len(policy_map)),
        "map_default": policy_map.default_policy.name,
        "map_round_trip": dp.deserialize(dp.serialize(policy_map))["block/dense"].name,
        "float16_int8": H.raises(dp.QuantizedDTypePolicy, "int8", "mixed_float16"),
        "bad_mode": H.raises(dp.QuantizedDTypePolicy, "foo"),
        "bad_int4": H.raises(dp.Int4DTypePolicy, "int8"),
        "bad_gptq": H.raises(dp.GPTQDTypePolicy, "gptq"),
    }


def _layers(keras):
    L = keras.layers
    dense = L.Dense(5, activation="relu", name="d")
    dense.build((None, 6))
    einsum = L.EinsumDense("abc,cde->abde", output_shape=(2, 3, 4), bias_axes="de", name="ed")
    einsum.build((None, 2, 6))
    einsum2 = L.EinsumDense("abc,ced->abde", output_shape=(2, 3, 4), name="ed2")
    einsum2.build((None, 2, 6))
    embedding = L.Embedding(7, 4, name="e")
    embedding.build()
    untied = L.ReversibleEmbedding(7, 4, tie_weights=False, name="r")
    untied.build()
    tied = L.ReversibleEmbedding(7, 4, name="rt")
    tied.build()
    return [dense, einsum, einsum2, embedding, untied, tied]


def _weights_of(layer):
    return [(v.path, tuple(v.shape), str(v.dtype), v.trainable) for v in layer.weights]


@case(backends=ALL, rtol=1e-5, atol=1e-5, timeout=400)
def case_quantize_int8_layers(keras, H):
    rng = np.random.default_rng(0)
    x2 = rng.standard_normal((3, 6)).astype("float32")
    x3 = rng.standard_normal((3, 2, 6)).astype("float32")
    ids = np.array([[1, 2, 6], [0, 3, 3]])
    hidden = rng.standard_normal((2, 4)).astype("float32")
    layers = _layers(keras)
    for layer in layers:
        layer.set_weights([rng.standard_normal(w.shape).astype("float32")
                           for w in layer.get_weights()])  # fmt: skip
        layer.quantize("int8")
    dense, einsum, einsum2, embedding, untied, tied = layers
    out = {
        "weights": [_weights_of(layer) for layer in layers],
        "values": [[np.asarray(v) for v in layer.weights] for layer in layers],
        "policies": [layer.dtype_policy.name for layer in layers],
        "configs": [
            {k: layer.get_config()[k] for k in ("dtype", "quantization_config")} for layer in layers
        ],
        "dense": dense(x2),
        "einsum": einsum(x3),
        "einsum2": einsum2(x3),
        "embedding": embedding(ids),
        "untied": (untied(ids), untied(hidden, reverse=True)),
        "tied": (tied(ids), tied(hidden, reverse=True)),
        "again": H.raises(dense.quantize, "int8"),
        "unbuilt": H.raises(keras.layers.Dense(3).quantize, "int8"),
        "bad_mode": H.raises(_layers(keras)[0].quantize, "int2"),
        "not_quantizable": H.raises(keras.layers.BatchNormalization().quantize, "int8"),
        "embedding_float8": H.raises(_layers(keras)[3].quantize, "float8"),
    }
    from_config = type(dense).from_config(dense.get_config())
    from_config.build((None, 6))
    out["from_config"] = _weights_of(from_config)
    return out


@case(backends=ALL, rtol=1e-5, atol=1e-5, timeout=400)
def case_model_quantize(keras, H):
    L = keras.layers

    def model():
        m = keras.Sequential([keras.Input((6,)), L.Dense(5, name="d1"),
                              L.BatchNormalization(name="bn"), L.Dense(3, name="d2")])  # fmt: skip
        return H.det_weights(m)

    x = np.random.default_rng(1).standard_normal((4, 6)).astype("float32")
    out = {}
    for label, kwargs in [("all", {}), ("regex", {"filters": "d1"}), ("list", {"filters": ["d2"]}),
                          ("callable", {"filters": lambda layer: layer.name == "d2"}),
                          ("config", {"config": keras.quantizers.Int8QuantizationConfig()})]:  # fmt: skip
        m = model()
        m.quantize(kwargs.pop("mode", None if "config" in kwargs else "int8"), **kwargs)
        out[label] = ([layer.dtype_policy.name for layer in m.layers],
                      m.predict(x, verbose=0))  # fmt: skip
    out["no_mode"] = H.raises(model().quantize, None)
    out["bad_mode"] = H.raises(model().quantize, "int9")
    out["contradiction"] = H.raises(
        model().quantize, "int4", config=keras.quantizers.Int8QuantizationConfig()
    )
    out["unbuilt"] = H.raises(keras.Sequential([L.Dense(2)]).quantize, "int8")
    m = model()
    m.quantize("int8")
    out["twice"] = H.raises(m.quantize, "int8")
    return out


@case(backends=ALL, rtol=1e-5, atol=1e-5, timeout=400)
def case_quantize_int4_layers(keras, H):
    rng = np.random.default_rng(2)
    L = keras.layers
    dense = L.Dense(5, name="d")
    dense.build((None, 10))
    blocks = L.Dense(3, name="db")
    blocks.build((None, 10))
    einsum = L.EinsumDense("abc,cde->abde", output_shape=(2, 3, 4), bias_axes="de", name="ed")
    einsum.build((None, 2, 6))
    einsum2 = L.EinsumDense("abcd,cde->abe", output_shape=(2, 4), name="ed2")
    einsum2.build((None, 2, 3, 6))
    embedding = L.Embedding(7, 6, name="e")
    embedding.build()
    embedding_blocks = L.Embedding(7, 6, name="eb")
    embedding_blocks.build()
    layers = [dense, blocks, einsum, einsum2, embedding, embedding_blocks]
    for layer in layers:
        layer.set_weights([rng.standard_normal(w.shape).astype("float32")
                           for w in layer.get_weights()])  # fmt: skip
    dense.quantize("int4")
    blocks.quantize("int4", config=keras.quantizers.Int4QuantizationConfig(block_size=4))
    einsum.quantize("int4")
    einsum2.quantize("int4")
    embedding.quantize("int4")
    embedding_blocks.quantize(config=keras.quantizers.Int4QuantizationConfig(block_size=4))
    x = rng.standard_normal((3, 10)).astype("float32")
    out = {
        "weights": [
            [(v.path, tuple(v.shape), str(v.dtype)) for v in layer.weights] for layer in layers
        ],  # fmt: skip
        "values": [[np.asarray(v) for v in layer.weights] for layer in layers],
        "configs": [
            {k: layer.get_config()[k] for k in ("dtype", "quantization_config")} for layer in layers
        ],
        "dense": dense(x),
        "blocks": blocks(x),
        "einsum": einsum(rng.standard_normal((3, 2, 6)).astype("float32")),
        "einsum2": einsum2(rng.standard_normal((3, 2, 3, 6)).astype("float32")),
        "embedding": embedding(np.array([[1, 2, 6], [0, 3, 3]])),
        "embedding_blocks": embedding_blocks(np.array([[1, 2, 6], [0, 3, 3]])),
        "reversible": H.raises(L.ReversibleEmbedding(7, 4).quantize, "int4"),
    }
    from_config = type(blocks).from_config(blocks.get_config())
    from_config.build((None, 10))
    out["from_config"] = [(v.path.split("/")[-1], tuple(v.shape)) for v in from_config.weights]
    return out


@case(backends=ALL, timeout=400)
def case_quantized_variable_paths(keras, H):
    # Weights made by quantize keep the model's path: `seq/d/kernel_scale`, as the float
    # weights they replace had (checkpoints and DTypePolicyMap keys rely on these paths).
    L = keras.layers
    out = {}
    for mode in ("int8", "int4", "float8"):
        inputs = keras.Input((4,), name="x")
        hidden = L.Dense(6, name="d")(inputs)
        outputs = L.EinsumDense("ab,bc->ac", 3, name="ed")(hidden)
        functional = keras.Model(inputs, outputs, name="fn")
        sequential = keras.Sequential(
            [keras.Input((2,), dtype="int32"), L.Embedding(5, 4, name="e"), L.Dense(2, name="d")],
            name="seq",
        )
        for label, model in (("functional", functional), ("sequential", sequential)):
            if mode == "float8":  # float8 skips Embedding with a warning: quantize Dense only
                model.quantize(mode, filters="d")
            else:
                model.quantize(mode)
            out[f"{mode}_{label}"] = [v.path for v in model.weights]
    standalone = L.Dense(3, name="alone")
    standalone.build((None, 4))
    standalone.quantize("int8")
    out["standalone"] = [v.path for v in standalone.weights]
    return out


@case(backends=ALL)
def case_int4_config_block_sizes(keras, H):
    q = keras.quantizers
    custom = q.AbsMaxQuantizer(axis=0, value_range=(-8, 7), output_dtype="int8")
    return {
        "minus_one": q.Int4QuantizationConfig(block_size=-1).get_config(),
        "none_custom": q.Int4QuantizationConfig(
            weight_quantizer=custom, block_size=None
        ).get_config()["block_size"],
        "zero": H.raises(q.Int4QuantizationConfig, block_size=0),
        "blocks_custom": H.raises(q.Int4QuantizationConfig, weight_quantizer=custom),
        "blocks_activation": H.raises(
            q.Int4QuantizationConfig, activation_quantizer=q.AbsMaxQuantizer(axis=-1)
        ),
    }
