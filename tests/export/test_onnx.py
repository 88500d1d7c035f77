"""`Model.export(format="onnx")`: the file runs in onnxruntime and matches `predict`, its
inputs carry the model's input names and a dynamic batch dimension, and bad input says what to
do. jax exports through jax2onnx, torch through torch.onnx, tensorflow through tf2onnx."""

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.export import onnx_rewrite

CONVERTER = {"jax": "jax2onnx", "torch": "onnxscript", "tensorflow": "tf2onnx"}
EXPORTS = pytest.mark.skipif(
    backend.backend() not in CONVERTER,
    reason="the numpy backend has no tracer to convert to ONNX",
)
L = cornu.layers
RNG = np.random.default_rng(0)


@pytest.fixture(scope="module")
def ort():
    """onnxruntime, and the backend's converter (skips where either is not installed)."""
    pytest.importorskip("onnx")
    if backend.backend() in CONVERTER:
        pytest.importorskip(CONVERTER[backend.backend()])
    return pytest.importorskip("onnxruntime")


def mlp():
    return cornu.Sequential(
        [cornu.Input((3,)), L.Dense(4, activation="relu"), L.Dense(2)], name="mlp"
    )


def cnn():
    inputs = cornu.Input((8, 8, 3), name="image")
    x = L.Conv2D(4, 3)(inputs)
    x = L.BatchNormalization()(x)
    x = L.MaxPooling2D()(x)
    x = L.Conv2D(4, 3, padding="same", activation="relu")(x)
    outputs = L.Dense(2)(L.GlobalAveragePooling2D()(x))
    model = cornu.Model(inputs, outputs, name="cnn")
    # Moving statistics away from 0/1, so inference-mode BatchNormalization is really checked.
    bn = model.layers[2]
    bn.moving_mean.assign(RNG.normal(size=(4,)).astype("float32"))
    bn.moving_variance.assign(RNG.uniform(0.5, 2.0, size=(4,)).astype("float32"))
    return model


def lstm():
    return cornu.Sequential([cornu.Input((5, 3)), L.LSTM(4), L.Dense(2)], name="lstm")


def two_inputs():
    a = cornu.Input((3,), name="a")
    b = cornu.Input((2,), name="b")
    joined = L.Concatenate()([L.Dense(2)(a), b])
    return cornu.Model([a, b], [L.Dense(2)(joined), L.Dense(1)(a)], name="two_inputs")


MODELS = {"mlp": mlp, "cnn": cnn, "lstm": lstm, "two_inputs": two_inputs}


def data(model, batch):
    shapes = [(batch,) + tuple(t.shape[1:]) for t in model.inputs]
    return [RNG.normal(size=s).astype("float32") for s in shapes]


def check_matches_predict(ort, path, model, batch):
    session = ort.InferenceSession(str(path))
    xs = data(model, batch)
    feeds = {i.name: x for i, x in zip(session.get_inputs(), xs)}
    got = session.run(None, feeds)
    want = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    want = want if isinstance(want, (list, tuple)) else [want]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, np.asarray(w), rtol=1e-4, atol=1e-5)
    return session


# Dynamic batch needs every layer to accept an unknown batch while traced. Two places in cornu
# (owned elsewhere) do not yet; a fixed-batch signature works there (test below).
_DYNAMIC_GAPS = {}  # (backend, model) -> why a dynamic batch cannot export yet


def dynamic_cases():
    for name in MODELS:
        gap = _DYNAMIC_GAPS.get((backend.backend(), name))
        marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
        yield pytest.param(name, marks=marks, id=name)


@EXPORTS
@pytest.mark.parametrize("name", list(dynamic_cases()))
def test_export_matches_predict_with_any_batch_size(ort, tmp_path, name):
    model = MODELS[name]()
    path = tmp_path / f"{name}.onnx"
    model.export(path, format="onnx", verbose=False)
    session = check_matches_predict(ort, path, model, batch=3)
    check_matches_predict(ort, path, model, batch=5)
    assert [i.name for i in session.get_inputs()] == [t.name for t in model.inputs]
    assert [i.shape[0] for i in session.get_inputs()] == ["batch"] * len(model.inputs)
    assert [o.shape[0] for o in session.get_outputs()] == ["batch"] * len(model.outputs)
    assert [o.name for o in session.get_outputs()] == [
        f"output_{i}" for i in range(len(model.outputs))
    ]


@EXPORTS
@pytest.mark.parametrize(
    "name", [n for n in MODELS if n == "cnn" or (backend.backend(), n) in _DYNAMIC_GAPS]
)
def test_export_with_a_fixed_batch_signature(ort, tmp_path, name):
    model = MODELS[name]()
    signature = [cornu.InputSpec(shape=(4,) + tuple(t.shape[1:])) for t in model.inputs]
    path = tmp_path / f"{name}.onnx"
    model.export(path, format="onnx", verbose=False, input_signature=signature)
    session = check_matches_predict(ort, path, model, batch=4)
    assert [i.shape[0] for i in session.get_inputs()] == [4] * len(model.inputs)
    # The export leaves the model usable for other shapes (jax: caches cleared after tracing).
    assert model.predict(data(model, 4), verbose=0) is not None


@EXPORTS
def test_input_signature_names_and_subclassed_models(ort, tmp_path, capsys):
    class Doubler(cornu.Model):
        def __init__(self):
            super().__init__(name="doubler")
            self.dense = L.Dense(2)

        def call(self, x):
            return {"twice": 2.0 * self.dense(x), "once": self.dense(x)}

    model = Doubler()
    model(np.zeros((1, 3), "float32"))
    model.export(tmp_path / "default.onnx", format="onnx")
    assert f"Saved artifact at '{tmp_path / 'default.onnx'}'." in capsys.readouterr().out
    session = ort.InferenceSession(str(tmp_path / "default.onnx"))
    assert [i.name for i in session.get_inputs()] == ["input_0"]
    assert [o.name for o in session.get_outputs()] == ["once", "twice"]
    x = RNG.normal(size=(2, 3)).astype("float32")
    once, twice = session.run(None, {"input_0": x})
    np.testing.assert_allclose(twice, 2 * once, rtol=1e-5)
    np.testing.assert_allclose(once, cornu.ops.convert_to_numpy(model(x)["once"]), rtol=1e-4,
                               atol=1e-5)  # fmt: skip

    spec = cornu.KerasTensor((None, 3), "float32", name="features")
    model.export(tmp_path / "named", format="onnx", verbose=False, input_signature=[spec])
    session = ort.InferenceSession(str(tmp_path / "named"))  # written as given: no extension
    assert [(i.name, i.shape) for i in session.get_inputs()] == [("features", ["batch", 3])]


@EXPORTS
def test_errors_say_what_to_do(ort, tmp_path):
    with pytest.raises(ValueError, match=r"Unrecognized format=ONNX\. Supported formats are"):
        mlp().export(tmp_path / "m.onnx", format="ONNX")

    class Lazy(cornu.Model):
        def call(self, x):
            return x

    with pytest.raises(ValueError, match="model 'lazy' has not yet been built"):
        Lazy(name="lazy").export(tmp_path / "m.onnx", format="onnx")
    with pytest.raises(TypeError, match="input_signature entry must be a cornu.InputSpec"):
        mlp().export(tmp_path / "m.onnx", format="onnx", input_signature=[3])
    assert not (tmp_path / "m.onnx").exists()


@pytest.mark.skipif(backend.backend() != "numpy", reason="checks the numpy backend's error")
def test_numpy_backend_names_the_backends_that_export(tmp_path):
    with pytest.raises(ValueError, match="current backend is 'numpy'.*CORNU_BACKEND=torch"):
        mlp().export(tmp_path / "m.onnx", format="onnx")


def test_channels_last_pooling_rewrite_runs_in_onnxruntime():
    """The graph jax2onnx writes for max pooling over (N, H, W, C), rewritten, gives the same
    result as pooling with numpy (backend independent: built with onnx.helper)."""
    onnx = pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    helper = onnx.helper
    axes = onnx.numpy_helper.from_array(np.array([0, 1], dtype=np.int64), "axes")
    nodes = [
        helper.make_node("Unsqueeze", ["x", "axes"], ["x6"]),
        helper.make_node(
            "MaxPool", ["x6"], ["y6"], kernel_shape=[1, 2, 2, 1], strides=[1, 2, 2, 1]
        ),  # fmt: skip
        helper.make_node("Squeeze", ["y6", "axes"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "pool",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2, 4, 4, 3])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2, 2, 2, 3])],
        initializer=[axes],
    )
    assert onnx_rewrite.rewrite_channels_last_pooling(graph) == 1
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    onnx.checker.check_model(model)
    x = RNG.normal(size=(2, 4, 4, 3)).astype("float32")
    (y,) = ort.InferenceSession(model.SerializeToString()).run(None, {"x": x})
    np.testing.assert_allclose(y, x.reshape(2, 2, 2, 2, 2, 3).max(axis=(2, 4)), rtol=1e-6)


@pytest.mark.skipif(backend.backend() == "tensorflow", reason="tensorflow needs TensorFlow")
def test_tf_saved_model_without_tensorflow_names_onnx(tmp_path, monkeypatch):
    # sys.modules[name] = None makes `import tensorflow` raise ImportError, as when absent.
    monkeypatch.setitem(__import__("sys").modules, "tensorflow", None)
    expected = {
        "torch": (ValueError, "cannot trace.*or export with format='onnx', which works on torch"),
        "jax": (ImportError, "TensorFlow is not installed.*format='onnx'"),
        "numpy": (ValueError, "backend is 'numpy', which it cannot trace"),
    }[backend.backend()]
    with pytest.raises(expected[0], match=expected[1]):
        mlp().export(tmp_path / "m", format="tf_saved_model")
