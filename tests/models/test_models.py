"""Functional, Sequential and subclassed models: graphs, calling, config, errors."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops

X = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")


def test_functional_multi_input_multi_output_and_shared_layers():
    a, b = cornu.Input((4,), name="a"), cornu.Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    merged = ops.concatenate([shared(a), shared(b)], axis=-1)  # a cornu.ops call in the graph
    out1 = layers.Dense(1, name="out1")(merged)
    out2 = layers.Dense(2, name="out2")(merged * 2.0)
    model = cornu.Model([a, b], [out1, out2])
    assert [layer.name for layer in model.layers] == ["a", "b", "shared", "out1", "out2"]
    y1, y2 = model([X, X + 1])
    assert ops.shape(y1) == (6, 1) and ops.shape(y2) == (6, 2)
    h = ops.convert_to_numpy(shared(X))
    h2 = ops.convert_to_numpy(shared(X + 1))
    kernel, bias = model.get_layer("out1").get_weights()
    np.testing.assert_allclose(
        ops.convert_to_numpy(y1), np.concatenate([h, h2], -1) @ kernel + bias, rtol=1e-5, atol=1e-5
    )


def test_functional_dict_inputs_and_outputs():
    inputs = {"x": cornu.Input((4,), name="x"), "y": cornu.Input((2,), name="y")}
    outputs = {"sum": layers.Dense(1)(inputs["x"]) + layers.Dense(1)(inputs["y"])}
    model = cornu.Model(inputs, outputs)
    out = model({"x": X, "y": X[:, :2]})
    assert set(out) == {"sum"} and ops.shape(out["sum"]) == (6, 1)
    with pytest.raises(ValueError, match=r'missing data for input "y"'):
        model({"x": X})


def test_nested_models_and_intermediate_outputs():
    inner_in = cornu.Input((4,))
    inner = cornu.Model(inner_in, layers.Dense(3, activation="relu")(inner_in), name="inner")
    x = cornu.Input((4,))
    hidden = inner(x)
    model = cornu.Model(x, [layers.Dense(1)(hidden), hidden])
    out, mid = model(X)
    np.testing.assert_allclose(ops.convert_to_numpy(mid), ops.convert_to_numpy(inner(X)), rtol=1e-6)
    assert len(inner._layers[1]._inbound_nodes) == 1  # nesting added no nodes to inner layers
    assert len(model.weights) == 4


def test_functional_wrong_input_rank_and_count():
    x = cornu.Input((4,))
    model = cornu.Model(x, layers.Dense(2)(x), name="probe")
    with pytest.raises(
        ValueError,
        match=r"expects input .* shape \(None, 4\), but it received an input of shape \(4,\)",
    ):
        model(np.ones(4, "float32"))
    with pytest.raises(ValueError, match="expects 1 input"):
        model([X, X])
    with pytest.raises(ValueError, match="incompatible"):
        model(np.ones((2, 5), "float32"))


def test_functional_requires_keras_tensors():
    with pytest.raises(ValueError, match="must be KerasTensors"):
        cornu.Model(np.ones(3), np.ones(3))
    x, other = cornu.Input((4,)), cornu.Input((4,))
    with pytest.raises(ValueError, match="not among the model's inputs"):
        cornu.Model(x, layers.Dense(1)(other))


def test_sequential_add_pop_and_deferred_build():
    model = cornu.Sequential()
    model.add(layers.Dense(3))
    model.add(layers.Dense(2))
    assert not model.built
    out = model(X)
    assert model.built and ops.shape(out) == (6, 2) and model.output_shape == (None, 2)
    popped = model.pop()
    assert popped.units == 2 and len(model.layers) == 1
    model.build((None, 4))
    assert model.output_shape == (None, 3)


def test_sequential_with_input_builds_immediately():
    model = cornu.Sequential([cornu.Input((4,)), layers.Dense(5), layers.Dense(1)])
    assert model.built and len(model.weights) == 4
    assert model.count_params() == 4 * 5 + 5 + 5 + 1
    with pytest.raises(ValueError, match="already has an input layer"):
        model.add(layers.InputLayer(shape=(4,)))
    with pytest.raises(TypeError, match="expects a Layer"):
        model.add("dense")


def test_sequential_symbolic_call_and_get_layer():
    model = cornu.Sequential([layers.Dense(3, name="first"), layers.Dense(1, name="last")])
    y = model(cornu.Input((4,)))
    assert y.shape == (None, 1)
    assert model.get_layer("last").units == 1 and model.get_layer(index=0).name == "first"
    with pytest.raises(ValueError, match="No layer named 'nope'"):
        model.get_layer("nope")


class TwoLayer(cornu.Model):
    def __init__(self):
        super().__init__(name="two_layer")
        self.hidden = layers.Dense(8, activation="relu")
        self.out = layers.Dense(1)

    def call(self, x, training=False):
        return self.out(self.hidden(x))


def test_subclassed_model():
    model = TwoLayer()
    assert ops.shape(model(X)) == (6, 1)
    assert len(model.weights) == 4 and model.layers == [model.hidden, model.out]


def test_summary_table(capsys):
    model = cornu.Sequential(
        [cornu.Input((4,)), layers.Dense(5, name="d1"), layers.Dense(1, name="d2")]
    )
    model.summary()
    text = capsys.readouterr().out
    assert 'Model: "' in text and "d1 (Dense)" in text and "(None, 5)" in text
    assert "Total params: 31" in text and "Trainable params: 31" in text
    assert "Non-trainable params: 0" in text


def _round_trip(config):
    import json

    return json.loads(json.dumps(config))  # configs must be plain JSON


def test_functional_config_round_trip_with_ops_and_shared_layers():
    a, b = cornu.Input((4,), name="a"), cornu.Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    merged = ops.concatenate([shared(a), shared(b)], axis=-1)
    model = cornu.Model([a, b], [layers.Dense(1, name="out")(merged), merged * 2.0])
    config = model.get_config()
    shared_entry = next(e for e in config["layers"] if e["name"] == "shared")
    histories = [n["args"][0]["config"]["keras_history"] for n in shared_entry["inbound_nodes"]]
    assert histories == [["a", 0, 0], ["b", 0, 0]]
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    clone = cornu.Model.from_config(_round_trip(config))
    clone.set_weights(model.get_weights())
    for got, want in zip(clone([X, X + 1]), model([X, X + 1])):
        np.testing.assert_allclose(ops.convert_to_numpy(got), ops.convert_to_numpy(want), rtol=1e-6)


def test_sequential_config_and_clone_model():
    model = cornu.Sequential(
        [cornu.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(1)]
    )
    config = model.get_config()
    assert [c["class_name"] for c in config["layers"]] == ["InputLayer", "Dense", "Dense"]
    restored = cornu.Sequential.from_config(_round_trip(config))
    assert restored.output_shape == (None, 1) and len(restored.weights) == 4
    clone = cornu.models.clone_model(model)
    assert clone.output_shape == (None, 1)
    assert not np.allclose(clone.get_weights()[0], model.get_weights()[0])  # fresh weights


def test_custom_layers_need_registration():
    @cornu.saving.register_keras_serializable(package="tests")
    class Doubler(cornu.Layer):
        def call(self, x):
            return x * 2.0

    class Unregistered(cornu.Layer):
        def call(self, x):
            return x

    x = cornu.Input((4,))
    model = cornu.Model(x, Doubler()(x))
    restored = cornu.Model.from_config(_round_trip(model.get_config()))
    np.testing.assert_allclose(ops.convert_to_numpy(restored(X)), X * 2)
    assert cornu.saving.get_registered_name(Doubler) == "tests>Doubler"
    model = cornu.Model(x, Unregistered()(x))
    with pytest.raises(
        TypeError, match="Could not locate class 'Unregistered'.*register_keras_serializable"
    ):
        cornu.Model.from_config(_round_trip(model.get_config()))
    with cornu.saving.custom_object_scope({"Unregistered": Unregistered}):
        cornu.Model.from_config(_round_trip(model.get_config()))


def test_ops_in_a_graph_are_written_with_their_keras_op_family():
    images = cornu.Input((4, 4, 3))
    gray = ops.image.rgb_to_grayscale(images)  # defined in ops/image_color.py
    pooled = ops.nn.max_pool(gray, 2)  # ops/nn_conv.py
    total = ops.sum(pooled, axis=(1, 2, 3))  # ops/numpy/reduction.py
    model = cornu.Model(images, ops.where(total > 0, total, ops.zeros_like(total)))
    modules = {
        layer["class_name"]: layer["module"]
        for layer in model.get_config()["layers"]
        if layer["module"].startswith("keras.src.ops")
    }
    assert modules["RgbToGrayscale"] == "keras.src.ops.image"
    assert modules["MaxPool"] == "keras.src.ops.nn"
    assert modules["Sum"] == "keras.src.ops.numpy"
    assert modules["Where"] == "keras.src.ops.numpy"
    x = np.random.default_rng(0).random((2, 4, 4, 3)).astype("float32")
    clone = cornu.Model.from_config(model.get_config())
    np.testing.assert_allclose(
        ops.convert_to_numpy(clone(x)), ops.convert_to_numpy(model(x)), rtol=1e-6
    )


# -- Keras parity: attributes, input matching, layer order, subclass construction ---------


def _subtract_model(names=("zeta", "alpha")):
    a, b = cornu.Input((1,), name=names[0]), cornu.Input((1,), name=names[1])
    return cornu.Model([a, b], layers.Subtract()([a, b]))


def test_functional_input_and_output_shapes():
    a, b = cornu.Input((2,), name="a"), cornu.Input((3,), name="b")
    c = layers.Concatenate()([a, b])
    multi = cornu.Model([a, b], [layers.Dense(1, name="o1")(c), layers.Dense(2, name="o2")(c)])
    assert multi.input_shape == [(None, 2), (None, 3)]
    assert multi.output_shape == [(None, 1), (None, 2)]
    assert multi.output_names == ["o1", "o2"]
    single = cornu.Model([a], [layers.Dense(4)(a)])
    assert single.input_shape == (None, 2) and single.output_shape == (None, 4)


def test_dict_inputs_are_matched_by_input_name_not_sorted_key():
    model = _subtract_model()
    a, b = np.array([[5.0]], "float32"), np.array([[2.0]], "float32")
    for data in ({"zeta": a, "alpha": b}, {"alpha": b, "zeta": a}, {"zeta": a, "alpha": b, "x": a}):
        np.testing.assert_allclose(ops.convert_to_numpy(model(data)), [[3.0]])
    with pytest.raises(ValueError, match='missing data for input "alpha"'):
        model({"zeta": a})


def test_list_for_dict_inputs_needs_sorted_keys():
    a, b = cornu.Input((1,), name="na"), cornu.Input((1,), name="nb")
    x, y = np.array([[5.0]], "float32"), np.array([[2.0]], "float32")
    ordered = cornu.Model({"p": a, "q": b}, layers.Subtract()([a, b]))
    np.testing.assert_allclose(ops.convert_to_numpy(ordered([x, y])), [[3.0]])
    unordered = cornu.Model({"zz": a, "aa": b}, layers.Subtract()([a, b]))
    with pytest.raises(ValueError, match="cannot be matched to them unambiguously"):
        unordered([x, y])


def test_inputs_missing_or_having_a_trailing_unit_axis_are_adapted():
    i = cornu.Input((1,))
    model = cornu.Model(i, layers.Dense(1, kernel_initializer="ones")(i))
    assert ops.shape(model(np.array([1.0, 2.0], "float32"))) == (2, 1)
    assert ops.shape(model(np.ones((2, 1, 1), "float32"))) == (2, 1)
    j = cornu.Input((3,))
    other = cornu.Model(j, layers.Dense(1)(j))
    with pytest.raises(ValueError, match=r"rank 1 instead of 2"):
        other(np.ones((3,), "float32"))


def test_single_element_output_list_is_unwrapped_when_run():
    i = cornu.Input((4,))
    model = cornu.Model(i, [layers.Dense(2)(i)])
    assert not isinstance(model(X), (list, tuple))
    assert isinstance(model(cornu.Input((4,))), list)


def test_model_subclass_given_inputs_and_outputs_is_functional():
    class Wrapped(cornu.Model):
        def __init__(self, units=2, **kwargs):
            inp = cornu.Input((4,))
            super().__init__(inp, layers.Dense(units)(inp), **kwargs)
            self.units = units

    model = Wrapped(units=3, name="wrapped")
    assert isinstance(model, Wrapped) and isinstance(model, cornu.models.Functional)
    assert type(model).__name__ == "Wrapped" and model.units == 3
    assert model.output_shape == (None, 3) and ops.shape(model(X)) == (6, 3)
    assert type(Wrapped()) is type(model)


def test_functional_layers_are_ordered_by_depth():
    i1, i2 = cornu.Input((2,), name="i1"), cornu.Input((2,), name="i2")
    d2 = layers.Dense(2, name="d2")(layers.Dense(2, name="d1")(i1))
    model = cornu.Model([i2, i1], layers.Concatenate(name="c")([d2, i2]))
    assert [layer.name for layer in model.layers] == ["i1", "d1", "d2", "i2", "c"]


def test_operations_list_ops_with_keras_class_names():
    i = cornu.Input((3,), name="x")
    model = cornu.Model(i, ops.sum(layers.Dense(2, name="d")(ops.add(i, 1.0)), axis=-1))
    assert [type(op).__name__ for op in model.operations] == ["InputLayer", "Add", "Dense", "Sum"]
    assert [layer.name for layer in model.layers] == ["x", "d"]


def test_unbuilt_sequential_has_no_shapes_yet():
    model = cornu.Sequential([layers.Dense(2)])
    # torch's Module.__getattr__ restates an AttributeError from a property in its own words
    with pytest.raises(AttributeError, match="input.shape"):
        model.input_shape
    model.build((None, 4))
    assert model.input_shape == (None, 4) and model.get_config()["build_input_shape"] == (None, 4)


def test_sequential_weights_are_named_under_the_model():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(2, name="d")], name="outer")
    assert [v.path for v in model.weights] == ["outer/d/kernel", "outer/d/bias"]


def test_functional_config_endpoints_follow_the_structure():
    i = cornu.Input((2,), name="i")
    single = cornu.Model(i, layers.Dense(1, name="o")(i)).get_config()
    assert single["input_layers"] == ["i", 0, 0] and single["output_layers"] == ["o", 0, 0]
    listed = cornu.Model([i], [layers.Dense(1, name="p")(i)])
    assert listed.get_config()["input_layers"] == [["i", 0, 0]]
    clone = cornu.Model.from_config(listed.get_config())
    assert isinstance(clone.input, list) and isinstance(clone.output, list)


# -- Keras parity: jit_compile, Input names, configs, sub-layer dicts, op arguments ------


def test_jit_compile_reads_as_the_backends_resolved_default():
    resolved = backend.backend() in ("jax", "numpy")  # TensorFlow: only with an accelerator
    x = cornu.Input((3,))
    model = cornu.Model(x, layers.Dense(2)(x))
    assert model.jit_compile is resolved
    model.compile("sgd", "mse")
    assert model.jit_compile is resolved and model.get_compile_config()["jit_compile"] is resolved
    model.compile("sgd", "mse", run_eagerly=True)
    assert model.jit_compile is False
    with pytest.warns(UserWarning, match="run eagerly is not compiled"):
        model.compile("sgd", "mse", run_eagerly=True, jit_compile=True)
    assert model.jit_compile is False
    model.compile("sgd", "mse", jit_compile=None)
    assert model.jit_compile is resolved
    model.jit_compile = "auto"  # set directly, it is kept as given
    assert model.jit_compile == "auto"


def test_unnamed_inputs_are_numbered_keras_tensors_of_numbered_input_layers():
    cornu.utils.clear_session()
    first = cornu.Input((3,))
    named = cornu.Input((3,), name="given")
    second = cornu.Input((3,))
    model = cornu.Model(second, layers.Dense(2)(second))
    assert (first.name, named.name, second.name) == ("keras_tensor", "given", "keras_tensor_1")
    assert [layer.name for layer in model.layers] == ["input_layer_1", "dense"]
    assert model.inputs[0].name == "keras_tensor_1"
    cornu.utils.clear_session()
    assert cornu.Input((3,)).name == "keras_tensor"


def test_input_layer_config_keeps_batch_shape_a_tuple(tmp_path):
    x = cornu.Input((3,), name="x")
    model = cornu.Model(x, layers.Dense(2)(x))
    assert model.layers[0].get_config()["batch_shape"] == (None, 3)
    assert model.get_config()["layers"][0]["config"]["batch_shape"] == (None, 3)
    model.save(str(tmp_path / "m.keras"))
    loaded = cornu.saving.load_model(str(tmp_path / "m.keras"))
    assert loaded.layers[0].get_config()["batch_shape"] == (None, 3)


@cornu.saving.register_keras_serializable(package="test_models")
class _Blocks(layers.Layer):
    """A layer holding its sub-layers in a dict (inserted "b" first)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.blocks = {"b": layers.Dense(3, name="bb"), "a": layers.Dense(2, name="aa")}

    def call(self, x):
        return ops.concatenate([self.blocks["a"](x), self.blocks["b"](x)], axis=-1)


def test_layer_with_a_dict_of_sublayers_builds_inside_sequential(tmp_path):
    model = cornu.Sequential([cornu.Input((4,)), _Blocks(name="blk"), layers.Dense(1, name="o")])
    assert [w.path for w in model.weights] == [
        "sequential/blk/bb/kernel", "sequential/blk/bb/bias", "sequential/blk/aa/kernel",
        "sequential/blk/aa/bias", "sequential/o/kernel", "sequential/o/bias",
    ]  # fmt: skip
    assert model.count_params() == 31 and model.output_shape == (None, 1)
    y = ops.convert_to_numpy(model(X))
    model.save(str(tmp_path / "blocks.keras"))
    loaded = cornu.saving.load_model(str(tmp_path / "blocks.keras"))
    np.testing.assert_allclose(ops.convert_to_numpy(loaded(X)), y, rtol=1e-6)


def test_ops_keep_fixed_arguments_in_their_config_as_keras_does():
    x = cornu.Input((4,), name="x")
    h = layers.Dense(4, name="d")(x)
    model = cornu.Model(
        x, ops.concatenate([ops.sum(h, axis=1, keepdims=True), h[:, 0:1], ops.add(h, 1.0)], 1)
    )
    entries = {e["class_name"]: e for e in model.get_config()["layers"]}
    assert entries["Sum"]["config"] == {"name": "sum", "axis": 1, "keepdims": True}
    assert len(entries["Sum"]["inbound_nodes"][0]["args"]) == 1  # the tensor only
    assert entries["Concatenate"]["config"] == {"name": "concatenate", "axis": 1}
    assert entries["Add"]["config"] == {"name": "add"}  # both operands are data
    assert entries["Add"]["inbound_nodes"][0]["args"][1] == 1.0
    key = entries["GetItem"]["inbound_nodes"][0]["args"][1]
    assert key[0] == {
        "class_name": "__slice__",
        "config": {"start": None, "stop": None, "step": None},
    }
    clone = cornu.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(ops.convert_to_numpy(clone(X)), ops.convert_to_numpy(model(X)))
    again = {e["class_name"]: e for e in clone.get_config()["layers"]}
    assert again["Sum"]["config"] == entries["Sum"]["config"]  # kept through a reload
