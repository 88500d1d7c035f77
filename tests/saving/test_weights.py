"""`.weights.h5` files: Keras's group layout, round trips, optimizer state, and the errors
for mismatching weights."""

import io

import h5py
import numpy as np
import pytest

import cornu
from cornu.saving import saving_api, weights_h5
from tests.saving import fixture_utils as fx


def functional(seed=0, units=2, name="net"):
    rng = np.random.default_rng(seed)
    inputs = cornu.Input((3,))
    x = cornu.layers.Dense(4, activation="relu")(inputs)
    outputs = cornu.layers.Dense(units)(x)
    model = cornu.Model(inputs, outputs, name=name)
    for v in model.weights:
        v.assign(rng.normal(size=tuple(v.shape)).astype("float32"))
    return model


def values(model):
    return [np.asarray(v.numpy()) for v in model.weights]


def assert_same_values(model, other):
    for a, b in zip(values(model), values(other)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "class_name, group",
    [("Dense", "dense"), ("GlobalAveragePooling1D", "global_average_pooling1d"),
     ("SimpleRNN", "simple_rnn"), ("MultiHeadAttention", "multi_head_attention"),
     ("Conv2DTranspose", "conv2d_transpose"), ("BatchNormalization", "batch_normalization"),
     ("GRU", "gru"), ("InputLayer", "input_layer")],
)  # fmt: skip
def test_snake_case_group_names(class_name, group):
    assert weights_h5.snake_case(class_name) == group


def test_layout_of_a_functional_model(tmp_path):
    model = functional()
    saving_api.save_weights(model, tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "r") as h5file:
        layout = fx.h5_layout(h5file)
    names = [layer.name for layer in model.layers]
    assert layout == {
        "layers": None,
        "layers/input_layer": None,
        "layers/input_layer/vars": names[0],
        "layers/dense": None,
        "layers/dense/vars": names[1],
        "layers/dense/vars/0": (3, 4),
        "layers/dense/vars/1": (4,),
        "layers/dense_1": None,
        "layers/dense_1/vars": names[2],
        "layers/dense_1/vars/0": (4, 2),
        "layers/dense_1/vars/1": (2,),
        "vars": "net",
    }


def test_layout_of_nested_models_matches_keras():
    """The nested_models fixture: a Sequential inside a Functional model."""
    inner = cornu.Sequential(
        [cornu.Input((6,)), cornu.layers.Dense(4, activation="relu"), cornu.layers.Dense(4)],
        name="inner",
    )
    inputs = cornu.Input((6,))
    x = cornu.layers.Activation("sigmoid")(inner(inputs))
    model = cornu.Model(inputs, cornu.layers.Dense(1)(x), name="outer")
    buffer = io.BytesIO()
    saving_api.save_weights(model, buffer)
    with h5py.File(buffer, "r") as ours:
        mine = fx.h5_layout(ours)
    with h5py.File(fx.path("nested_models", ".weights.h5"), "r") as keras_file:
        theirs = fx.h5_layout(keras_file)
    assert sorted(mine) == sorted(theirs)
    for path, value in theirs.items():
        if isinstance(value, tuple):
            assert mine[path] == value


def test_round_trip_restores_values(tmp_path):
    source, target = functional(seed=0), functional(seed=1)
    saving_api.save_weights(source, tmp_path / "w.weights.h5")
    saving_api.load_weights(target, tmp_path / "w.weights.h5")
    assert_same_values(source, target)
    buffer = io.BytesIO()
    saving_api.save_weights(source, buffer)
    buffer.seek(0)
    fresh = functional(seed=2)
    saving_api.load_weights(fresh, buffer)
    assert_same_values(source, fresh)


def test_load_weights_from_a_keras_archive(tmp_path):
    source, target = functional(seed=0), functional(seed=1)
    saving_api.save_model(source, tmp_path / "m.keras")
    saving_api.load_weights(target, tmp_path / "m.keras")
    assert_same_values(source, target)


def test_shape_mismatch_names_the_layer_and_both_shapes(tmp_path):
    saving_api.save_weights(functional(units=2), tmp_path / "w.weights.h5")
    target = functional(units=5)
    last = target.layers[-1].name
    with pytest.raises(ValueError, match=rf"'{last}'.*\(4, 5\) in the model but \(4, 2\)"):
        saving_api.load_weights(target, tmp_path / "w.weights.h5")


def test_skip_mismatch_warns_and_loads_the_rest(tmp_path):
    source = functional(seed=0, units=2)
    saving_api.save_weights(source, tmp_path / "w.weights.h5")
    target = functional(seed=1, units=5)
    before = values(target)
    with pytest.warns(UserWarning, match="skip_mismatch=True"):
        saving_api.load_weights(target, tmp_path / "w.weights.h5", skip_mismatch=True)
    after = values(target)
    np.testing.assert_array_equal(after[0], values(source)[0])  # first Dense loaded
    np.testing.assert_array_equal(after[2], before[2])  # mismatching Dense untouched


def test_missing_layer_group_is_an_error(tmp_path):
    inputs = cornu.Input((3,))
    one = cornu.Model(inputs, cornu.layers.Dense(4)(inputs))
    saving_api.save_weights(one, tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match=r"no group 'layers/dense_1/vars'"):
        saving_api.load_weights(functional(), tmp_path / "w.weights.h5")


def test_optimizer_variables_are_saved_and_loaded(tmp_path):
    model = functional()
    model.compile(optimizer="adam", loss="mse")
    model.optimizer.build(model.trainable_variables)
    for v in model.optimizer.variables[2:]:
        v.assign(np.full(tuple(v.shape), 0.5, dtype="float32"))
    saving_api.save_weights(model, tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "r") as h5file:
        group = h5file["optimizer/vars"]
        assert group.attrs["name"] == model.optimizer.name
        assert len(group) == len(model.optimizer.variables)
    other = functional(seed=3)
    other.compile(optimizer="adam", loss="mse")  # not built: loading builds it
    saving_api.load_weights(other, tmp_path / "w.weights.h5")
    for a, b in zip(other.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a.numpy()), np.asarray(b.numpy()))


def test_fixture_weights_load_by_position():
    model = fx.load_or_skip(saving_api.load_model, fx.path("mlp_sequential", ".keras"),
                            compile=False)  # fmt: skip
    for v in model.weights:
        v.assign(np.zeros(tuple(v.shape), dtype="float32"))
    saving_api.load_weights(model, fx.path("mlp_sequential", ".weights.h5"))
    with h5py.File(fx.path("mlp_sequential", ".weights.h5"), "r") as h5file:
        np.testing.assert_array_equal(
            np.asarray(model.layers[0].kernel.numpy()), np.asarray(h5file["layers/dense/vars/0"])
        )


def test_bad_files(tmp_path):
    model = functional()
    with pytest.raises(ValueError, match=r"must end in '\.weights\.h5'"):
        saving_api.save_weights(model, tmp_path / "w.h5")
    (tmp_path / "junk.weights.h5").write_bytes(b"not hdf5 at all")
    with pytest.raises(ValueError, match=r"junk\.weights\.h5.*not an HDF5 file"):
        saving_api.load_weights(model, tmp_path / "junk.weights.h5")
    with h5py.File(tmp_path / "other.weights.h5", "w") as h5file:
        h5file.create_group("something")
    with pytest.raises(ValueError, match=r"other\.weights\.h5.*not a Keras \.weights\.h5"):
        saving_api.load_weights(model, tmp_path / "other.weights.h5")


class ResidualBlock(cornu.layers.Layer):
    """A layer holding sub-layers in attributes (public, private, and in a list)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.proj = cornu.layers.Dense(3)
        self._gate = cornu.layers.Dense(3)
        self.stages = [cornu.layers.Dense(3), cornu.layers.Dense(3)]
        self.scale = None

    def build(self, input_shape):
        for layer in (self.proj, self._gate, *self.stages):
            layer.build(input_shape)
        self.scale = self.add_weight(shape=(3,), initializer="ones", name="scale")

    def call(self, x):
        x = self.proj(x) * self._gate(x)
        for stage in self.stages:
            x = stage(x)
        return x * self.scale


def test_sub_layers_are_saved_under_their_attribute_names(tmp_path):
    inputs = cornu.Input((3,))
    model = cornu.Model(inputs, ResidualBlock(name="block")(inputs))
    rng = np.random.default_rng(0)
    for v in model.weights:
        v.assign(rng.normal(size=tuple(v.shape)).astype("float32"))
    saving_api.save_weights(model, tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "r") as h5file:
        layout = fx.h5_layout(h5file)
    assert layout["layers/residual_block/vars"] == "block"
    assert layout["layers/residual_block/vars/0"] == (3,)
    for group in ("proj", "_gate", "stages/dense", "stages/dense_1"):
        assert layout[f"layers/residual_block/{group}/vars/0"] == (3, 3)
    assert not any("lambda" in path or path.count("/dense") > 1 for path in layout)
    inputs = cornu.Input((3,))
    other = cornu.Model(inputs, ResidualBlock(name="block2")(inputs))
    saving_api.load_weights(other, tmp_path / "w.weights.h5")
    x = rng.normal(size=(2, 3)).astype("float32")
    np.testing.assert_allclose(
        cornu.ops.convert_to_numpy(other(x)), cornu.ops.convert_to_numpy(model(x)), rtol=1e-6
    )


def test_unbuilt_model_gets_a_hint(tmp_path):
    saving_api.save_weights(functional(), tmp_path / "w.weights.h5")
    unbuilt = cornu.Sequential([cornu.layers.Dense(4), cornu.layers.Dense(2)])
    with pytest.raises(ValueError, match="not built: build the model"):
        saving_api.load_weights(unbuilt, tmp_path / "w.weights.h5")


def test_subclassed_model_saves_sub_layers_under_attribute_names(tmp_path):
    """Like Keras: attributes in alphabetical order; those sorting after `layers` (the
    model's property listing every layer) are saved under `layers/` with container numbers."""

    class Net(cornu.Model):
        def __init__(self):
            super().__init__()
            self.hidden = cornu.layers.Dense(4)
            self.blocks = [cornu.layers.Dense(4), cornu.layers.Dense(4)]
            self.table = {"a": cornu.layers.Dense(2)}
            self.out = cornu.layers.Dense(2)

        def call(self, x):
            h = self.blocks[1](self.blocks[0](self.hidden(x)))
            return self.out(h) + self.table["a"](h)

    x = np.ones((2, 5), "float32")
    net = Net()
    net(x)
    path = str(tmp_path / "net.weights.h5")
    net.save_weights(path)
    with h5py.File(path, "r") as f:
        groups = sorted({name.rsplit("/vars", 1)[0] for name in _datasets(f)})
    assert groups == [
        "blocks/dense",
        "blocks/dense_1",
        "hidden",
        "layers/dense_3",
        "layers/dense_4",
    ]
    other = Net()
    other(x)
    other.load_weights(path)
    np.testing.assert_allclose(other.predict(x, verbose=0), net.predict(x, verbose=0))


def _datasets(h5file):
    found = []
    h5file.visititems(lambda name, obj: found.append(name) if hasattr(obj, "shape") else None)
    return found
