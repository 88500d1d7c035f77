"""Saving parity: `.keras` archives (members, config, compile state, custom objects, safe
mode), `.weights.h5` layouts, the Keras 2 `.h5` format, and the errors of bad paths/files.

Each case saves and loads with the same library and returns what a user could observe."""

import json
import zipfile

import numpy as np

from tests.parity.case import ALL, case


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _mlp(keras):
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(5, activation="relu"), keras.layers.Dense(3)],
        name="mlp",
    )


def _archive_weights_paths(H, path):
    with zipfile.ZipFile(path) as archive:
        with open("inner.weights.h5", "wb") as f:
            f.write(archive.read("model.weights.h5"))
    return H.h5_paths("inner.weights.h5")


def _config(path):
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    optimizer = (config.get("compile_config") or {}).get("optimizer")
    if isinstance(optimizer, dict):
        # Keras on torch records its torch optimizer subclasses ("keras.src.backend.torch...");
        # cornu records the public class, which Keras loads too.
        optimizer.pop("module", None)
        optimizer.pop("registered_name", None)
    return config


# -- .keras archives ------------------------------------------------------------------------


@case(backends=ALL)
def case_keras_archive_members_and_metadata(keras, H):
    model = _mlp(keras)
    model.save("m.keras")
    with zipfile.ZipFile("m.keras") as archive:
        metadata = json.loads(archive.read("metadata.json"))
    config = _config("m.keras")
    return {
        "members": H.zip_members("m.keras"),
        "metadata_keys": sorted(metadata),
        "top_keys": sorted(config),
        "module": config["module"], "class_name": config["class_name"],
        "build_config": config["build_config"], "compile_config": config["compile_config"],
        "layer_classes": [layer["class_name"] for layer in config["config"]["layers"]],
        "weights_paths": _archive_weights_paths(H, "m.keras"),
    }  # fmt: skip


@case(backends=ALL)
def case_keras_round_trip_sequential(keras, H):
    model = H.det_weights(_mlp(keras))
    x = _x((3, 4))
    model.save("m.keras")
    loaded = keras.saving.load_model("m.keras")
    return {
        "same": loaded.predict(x, verbose=0), "expected": model.predict(x, verbose=0),
        "name": loaded.name, "class": type(loaded).__name__,
        "layers": [layer.name for layer in loaded.layers],
        "compiled": loaded.compiled,
    }  # fmt: skip


@case(backends=ALL)
def case_keras_round_trip_functional_multi_io(keras, H):
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    h = keras.layers.Concatenate()([keras.layers.Dense(4, activation="tanh")(a), b])
    model = keras.Model(
        [a, b], [keras.layers.Dense(1, name="o1")(h), keras.layers.Dense(2, name="o2")(h)]
    )
    H.det_weights(model)
    xs = [_x((2, 3)), _x((2, 2), 1)]
    model.save("f.keras")
    loaded = keras.models.load_model("f.keras")
    config = _config("f.keras")
    return {
        "out": loaded.predict(xs, verbose=0), "ref": model.predict(xs, verbose=0),
        "inputs": [t.name for t in loaded.inputs], "output_names": list(loaded.output_names),
        "input_layers": config["config"]["input_layers"],
        "output_layers": config["config"]["output_layers"],
        "module": config["module"], "class_name": config["class_name"],
        "registered_name": config["registered_name"],
    }  # fmt: skip


@case()
def case_keras_compile_state_restored(keras, H):
    x, y = H.data(16, 4, classes=3)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])  # fmt: skip
    H.det_weights(model)
    model.compile(
        optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy", keras.metrics.SparseCategoricalCrossentropy(name="xent")],
    )
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    model.save("c.keras")
    loaded = keras.saving.load_model("c.keras")
    before = loaded.metrics_names
    result = loaded.evaluate(x, y, verbose=0, return_dict=True)
    return {
        "compile_config": _config("c.keras")["compile_config"],
        "compiled": loaded.compiled,
        "optimizer": (type(loaded.optimizer).__name__, loaded.optimizer.get_config()),
        "iterations": int(keras.ops.convert_to_numpy(loaded.optimizer.iterations)),
        "slots": [v.path for v in loaded.optimizer.variables],
        "slot_values": [np.asarray(keras.ops.convert_to_numpy(v), "float32")
                        for v in loaded.optimizer.variables],  # fmt: skip
        "metrics_names": (before, loaded.metrics_names),
        "evaluate": result,
        "original": model.evaluate(x, y, verbose=0, return_dict=True),
    }  # fmt: skip


@case()
def case_keras_training_resumes_identically(keras, H):
    x, y = H.data(32, 4)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dense(1)])  # fmt: skip
    H.det_weights(model)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    model.save("r.keras")
    loaded = keras.saving.load_model("r.keras")
    a = model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    b = loaded.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    return {"original": H.rounded(a), "loaded": H.rounded(b), "weights": H.weights(loaded)}


@case(backends=ALL)
def case_keras_compile_false(keras, H):
    model = _mlp(keras)
    model.compile(optimizer="adam", loss="mse")
    model.save("m.keras")
    loaded = keras.saving.load_model("m.keras", compile=False)
    return {"compiled": loaded.compiled, "compile_config": _config("m.keras")["compile_config"]}


@case(backends=ALL)
def case_registered_custom_activation_and_layer(keras, H):
    @keras.saving.register_keras_serializable(package="act")
    def swishy(x):
        return x * keras.ops.sigmoid(2.0 * x)

    @keras.saving.register_keras_serializable(package="lay")
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation=swishy), Scale(3.0)]
    )
    H.det_weights(model)
    x = _x((2, 4))
    model.save("reg.keras")
    loaded = keras.saving.load_model("reg.keras")
    layers = _config("reg.keras")["config"]["layers"][1:]  # after the InputLayer
    return {
        "out": loaded.predict(x, verbose=0), "ref": model.predict(x, verbose=0),
        "activation_config": layers[0]["config"]["activation"],
        "scale_entry": (layers[1]["class_name"], layers[1]["registered_name"], layers[1]["config"]["factor"]),
        "activation": loaded.layers[0].activation is swishy,
        "factor": loaded.layers[1].factor,
    }  # fmt: skip


@case(backends=ALL)
def case_custom_function_needs_custom_objects(keras, H):
    def tripled(x):
        return x * 3.0

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation=tripled)])
    H.det_weights(model)
    model.save("plain.keras")
    with_objects = keras.saving.load_model("plain.keras", custom_objects={"tripled": tripled})
    with keras.saving.custom_object_scope({"tripled": tripled}):
        scoped = keras.saving.load_model("plain.keras")
    x = _x((2, 4))
    return {
        "config": _config("plain.keras")["config"]["layers"][1]["config"]["activation"],
        "missing": H.raises(keras.saving.load_model, "plain.keras"),
        "custom_objects": with_objects.predict(x, verbose=0),
        "scope": scoped.predict(x, verbose=0),
        "ref": model.predict(x, verbose=0),
        "serialized": keras.activations.serialize(tripled),
        "builtin": keras.activations.serialize(keras.activations.relu),
    }  # fmt: skip


@case(backends=ALL)
def case_unregistered_custom_layer(keras, H):
    class AddOne(keras.layers.Layer):
        def call(self, x):
            return x + 1.0

    model = keras.Sequential([keras.Input((4,)), AddOne()])
    model.save("u.keras")
    loaded = keras.saving.load_model("u.keras", custom_objects={"AddOne": AddOne})
    return {
        "missing": H.raises(keras.saving.load_model, "u.keras"),
        "loaded": loaded.predict(np.zeros((1, 4), "float32"), verbose=0),
        "entry": {
            k: v
            for k, v in _config("u.keras")["config"]["layers"][1].items()
            if k in ("class_name", "registered_name")
        },  # fmt: skip
    }


@case(backends=ALL)
def case_lambda_safe_mode(keras, H):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda z: z * 2.0 - 1.0)])
    model.save("lam.keras")
    x = _x((2, 4))
    unsafe = keras.saving.load_model("lam.keras", safe_mode=False)
    return {
        "safe": H.raises(keras.saving.load_model, "lam.keras"),
        "unsafe": unsafe.predict(x, verbose=0),
        "still_safe_after": H.raises(keras.saving.load_model, "lam.keras"),
        "ref": model.predict(x, verbose=0),
    }


@case(backends=ALL)
def case_save_and_load_errors(keras, H):
    model = _mlp(keras)
    model.save("m.keras")
    with open("junk.keras", "wb") as f:
        f.write(b"not a zip")
    return {
        "bad_extension": H.raises(model.save, "model.pkl"),
        "missing_file": H.raises(keras.saving.load_model, "nope.keras"),
        "junk": H.raises(keras.saving.load_model, "junk.keras"),
        "weights_bad_name": H.raises(model.save_weights, "w.h5"),
        "no_overwrite_ok": H.raises(model.save, "m.keras", overwrite=True),
    }


@case(backends=ALL)
def case_model_to_json_round_trip(keras, H):
    model = H.det_weights(_mlp(keras))
    text = model.to_json()
    rebuilt = keras.models.model_from_json(text)
    parsed = json.loads(text)
    return {
        "keys": sorted(parsed), "class_name": parsed["class_name"], "module": parsed["module"],
        "layers": [layer.name for layer in rebuilt.layers],
        "weights": [w.shape for w in rebuilt.get_weights()],
    }  # fmt: skip


@case(backends=ALL)
def case_layer_serialize_round_trip(keras, H):
    layer = keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="relu",
                                kernel_regularizer=keras.regularizers.L2(0.01))  # fmt: skip
    config = keras.saving.serialize_keras_object(layer)
    back = keras.saving.deserialize_keras_object(config)
    return {
        "module": config["module"], "class_name": config["class_name"],
        "regularizer": config["config"]["kernel_regularizer"],
        "kernel_size": back.kernel_size, "strides": back.strides, "padding": back.padding,
        "dtype": config["config"]["dtype"],
    }  # fmt: skip


# -- .weights.h5 ----------------------------------------------------------------------------


def _weights_paths_and_round_trip(keras, H, model, x):
    H.det_weights(model)
    model.save_weights("m.weights.h5")
    ref = model.predict(x, verbose=0)
    H.det_weights(model, seed=5)
    model.load_weights("m.weights.h5")
    return {"paths": H.h5_paths("m.weights.h5"), "same": model.predict(x, verbose=0), "ref": ref}


@case(backends=ALL)
def case_weights_h5_paths_mlp(keras, H):
    return _weights_paths_and_round_trip(keras, H, _mlp(keras), _x((2, 4)))


@case(backends=ALL)
def case_weights_h5_paths_cnn_batchnorm(keras, H):
    i = keras.Input((8, 8, 3))
    h = keras.layers.Conv2D(4, 3, activation="relu")(i)
    h = keras.layers.BatchNormalization()(h)
    h = keras.layers.MaxPooling2D()(h)
    h = keras.layers.SeparableConv2D(2, 3)(h)
    h = keras.layers.GlobalAveragePooling2D()(h)
    model = keras.Model(i, keras.layers.Dense(3)(h))
    found = _weights_paths_and_round_trip(keras, H, model, _x((2, 8, 8, 3)))
    found.pop("same")  # BatchNormalization's random variance may be negative: compare paths
    found.pop("ref")
    return found


@case(backends=ALL)
def case_weights_h5_paths_recurrent(keras, H):
    model = keras.Sequential([
        keras.Input((5, 3)), keras.layers.LSTM(4, return_sequences=True),
        keras.layers.GRU(3, return_sequences=True), keras.layers.Bidirectional(keras.layers.SimpleRNN(2)),
        keras.layers.Dense(1),
    ])  # fmt: skip
    return _weights_paths_and_round_trip(keras, H, model, _x((2, 5, 3)))


@case(backends=ALL)
def case_weights_h5_paths_nested_and_shared(keras, H):
    inner = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="tanh")], name="inner"
    )
    shared = keras.layers.Dense(2, name="shared")
    i = keras.Input((4,))
    h = inner(i)
    model = keras.Model(i, keras.layers.Add()([shared(h), shared(h)]))
    return _weights_paths_and_round_trip(keras, H, model, _x((2, 4)))


@case(backends=ALL)
def case_weights_h5_paths_attention_embedding(keras, H):
    i = keras.Input((5,), dtype="int32")
    e = keras.layers.Embedding(11, 8)(i)
    a = keras.layers.MultiHeadAttention(2, 4)(e, e)
    a = keras.layers.LayerNormalization()(a + e)
    model = keras.Model(i, keras.layers.GlobalAveragePooling1D()(a))
    x = np.arange(10, dtype="int32").reshape(2, 5)
    return _weights_paths_and_round_trip(keras, H, model, x)


@case(backends=ALL)
def case_weights_h5_paths_conv_recurrent(keras, H):
    model = keras.Sequential([keras.Input((3, 6, 6, 2)), keras.layers.ConvLSTM2D(3, 3),
                              keras.layers.Flatten(), keras.layers.Dense(1)])  # fmt: skip
    return _weights_paths_and_round_trip(keras, H, model, _x((2, 3, 6, 6, 2)))


@case()
def case_weights_h5_with_optimizer_state(keras, H):
    x, y = H.data(16, 4)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2), keras.layers.Dense(1)])
    H.det_weights(model)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    model.save_weights("t.weights.h5")
    model.save("t.keras")
    return {
        "weights_file": H.h5_paths("t.weights.h5"),
        "archive": _archive_weights_paths(H, "t.keras"),
    }


@case(backends=ALL)
def case_weights_h5_subclassed_model(keras, H):
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(4, activation="relu")
            self.out = keras.layers.Dense(2)

        def call(self, x):
            return self.out(self.hidden(x))

    x = _x((3, 5))
    a = Net()
    a(x)
    H.det_weights(a)
    a.save_weights("net.weights.h5")
    b = Net()
    b(x)
    b.load_weights("net.weights.h5")
    return {"paths": H.h5_paths("net.weights.h5"), "a": a.predict(x, verbose=0),
            "b": b.predict(x, verbose=0)}  # fmt: skip


@case(backends=ALL)
def case_load_weights_mismatch(keras, H):
    _mlp(keras).save_weights("m.weights.h5")
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6), keras.layers.Dense(3)])
    fewer = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5)])
    return {
        "shape": H.raises(other.load_weights, "m.weights.h5"),
        "count": H.raises(fewer.load_weights, "m.weights.h5"),
        "missing": H.raises(other.load_weights, "nothing.weights.h5"),
    }


@case(backends=ALL)
def case_load_weights_from_keras_archive(keras, H):
    model = H.det_weights(_mlp(keras))
    model.save("m.keras")
    fresh = _mlp(keras)
    fresh.load_weights("m.keras")
    x = _x((2, 4))
    return {"same": fresh.predict(x, verbose=0), "ref": model.predict(x, verbose=0)}


# -- Keras 2 .h5 ----------------------------------------------------------------------------


@case()
def case_legacy_h5_round_trip(keras, H):
    import h5py

    x, y = H.data(16, 4)
    a = keras.Input((4,))
    model = keras.Model(a, keras.layers.Dense(2)(keras.layers.Dense(6, activation="relu")(a)))
    H.det_weights(model)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mean_squared_error",
                  metrics=["mean_absolute_error"])  # fmt: skip
    model.save("m.h5")
    with h5py.File("m.h5", "r") as f:
        top = sorted(f.keys())
        attrs = sorted(f.attrs.keys())
        layer_names = [n.decode() if isinstance(n, bytes) else n
                       for n in f["model_weights"].attrs["layer_names"]]  # fmt: skip
    loaded = keras.models.load_model("m.h5")
    return {
        "top": top, "attrs": attrs, "layer_names": layer_names,
        "out": loaded.predict(x, verbose=0), "ref": model.predict(x, verbose=0),
        "optimizer": type(loaded.optimizer).__name__,
        "lr": float(keras.ops.convert_to_numpy(loaded.optimizer.learning_rate)),
        "evaluate": sorted(loaded.evaluate(x, x[:, :2], verbose=0, return_dict=True)),
        "paths": H.h5_paths("m.h5"),
    }  # fmt: skip
