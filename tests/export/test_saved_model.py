"""`Model.export` and `cornu.export.ExportArchive`: SavedModels that serve the model's
inference output and reload with TensorFlow alone; clear errors where TensorFlow cannot trace."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.export import saved_model

TF_ONLY = pytest.mark.skipif(
    backend.backend() != "tensorflow",
    reason="checks tf.function tracing of cornu layers: tensorflow backend only",
)
TRACEABLE = pytest.mark.skipif(
    backend.backend() not in ("tensorflow", "jax"),
    reason="exporting needs TensorFlow tracing (tensorflow backend) or jax2tf (jax)",
)
RNG = np.random.default_rng(0)


def functional_model():
    inputs = cornu.Input((3,), name="features")
    x = cornu.layers.Dense(4, activation="relu")(inputs)
    x = cornu.layers.Dropout(0.5)(x)
    outputs = cornu.layers.Dense(2)(x)
    return cornu.Model(inputs, outputs, name="small")


def two_input_model():
    a = cornu.Input((3,), name="a")
    b = cornu.Input((2,), name="b")
    x = cornu.layers.Concatenate()([cornu.layers.Dense(2)(a), b])
    return cornu.Model([a, b], cornu.layers.Dense(1)(x))


class Subclassed(cornu.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = cornu.layers.Dense(5, activation="tanh")
        self.out = cornu.layers.Dense(2)

    def call(self, x):
        return self.out(self.hidden(x))


def x_of(*shape):
    return RNG.normal(size=shape).astype("float32")


def load(path):
    import tensorflow as tf

    return tf.saved_model.load(str(path))


@TRACEABLE
@pytest.mark.parametrize("kind", ["functional", "sequential", "subclassed"])
def test_export_serves_the_inference_output(tmp_path, kind, capsys):
    x = x_of(5, 3)
    if kind == "functional":
        model = functional_model()
    elif kind == "sequential":
        model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(4), cornu.layers.Dense(2)])
    else:
        model = Subclassed()
        model(x)
    expected = np.asarray(model.predict(x, verbose=0))
    model.export(tmp_path / "exported")
    assert "serve" in capsys.readouterr().out  # verbose by default
    reloaded = load(tmp_path / "exported")
    np.testing.assert_allclose(np.asarray(reloaded.serve(x)), expected, rtol=1e-5, atol=1e-6)
    default = reloaded.signatures["serving_default"]
    (out,) = default(**{default.structured_input_signature[1].popitem()[0]: x}).values()
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-5, atol=1e-6)
    assert len(reloaded.trainable_variables) == len(model.trainable_weights)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exported"]  # no staging left


@TRACEABLE
def test_export_two_inputs_and_explicit_signature(tmp_path):
    model = two_input_model()
    a, b = x_of(4, 3), x_of(4, 2)
    expected = np.asarray(model.predict([a, b], verbose=0))
    model.export(tmp_path / "m", verbose=False)
    reloaded = load(tmp_path / "m")
    np.testing.assert_allclose(np.asarray(reloaded.serve([a, b])), expected, rtol=1e-5,
                               atol=1e-6)  # fmt: skip
    out = reloaded.signatures["serving_default"](a=a, b=b)["output_0"]
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-5, atol=1e-6)

    # One spec per model input (the list the model takes is implied).
    signature = [cornu.InputSpec(shape=(2, 3), dtype="float32"),
                 cornu.InputSpec(shape=(2, 2), dtype="float32")]  # fmt: skip
    model.export(tmp_path / "m", verbose=False, input_signature=signature)  # overwrites
    fixed = load(tmp_path / "m")
    np.testing.assert_allclose(np.asarray(fixed.serve([a[:2], b[:2]])), expected[:2],
                               rtol=1e-5, atol=1e-6)  # fmt: skip
    with pytest.raises(Exception):
        fixed.serve([a, b])  # the batch size is now fixed at 2


@TRACEABLE
def test_export_reloads_without_cornu(tmp_path):
    model = functional_model()
    x = x_of(3, 3)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", np.asarray(model.predict(x, verbose=0)))
    model.export(tmp_path / "m", verbose=False)
    script = textwrap.dedent(
        f"""
        import sys
        import numpy as np
        import tensorflow as tf
        reloaded = tf.saved_model.load({str(tmp_path / "m")!r})
        served = reloaded.serve(np.load({str(tmp_path / "x.npy")!r}))
        expected = np.load({str(tmp_path / "y.npy")!r})
        np.testing.assert_allclose(served.numpy(), expected, rtol=1e-5, atol=1e-6)
        assert not any(m == "cornu" or m.startswith("cornu.") for m in sys.modules)
        print("served")
        """
    )
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, cwd=str(tmp_path), timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "served" in result.stdout


@TRACEABLE
def test_export_archive_endpoints_and_variable_collections(tmp_path):
    model = functional_model()
    extra = cornu.layers.Dense(3)
    extra.build((None, 2))
    x = x_of(4, 3)
    archive = cornu.export.ExportArchive()
    archive.track(model)
    spec = [cornu.InputSpec(shape=(None, 3), dtype="float32")]
    archive.add_endpoint("serve", lambda t: model(t, training=False), input_signature=spec)
    # A fixed batch size: on jax, random ops (dropout) need concrete shapes under jax2tf.
    archive.add_endpoint(
        "call_training",
        lambda t: model(t, training=True),
        input_signature=[cornu.InputSpec(shape=(4, 3), dtype="float32")],
    )
    archive.track_and_add_endpoint(
        "project", extra, input_signature=[cornu.InputSpec(shape=(None, 2), dtype="float32")]
    )
    archive.add_variable_collection("dense_weights", model.layers[1].weights)
    assert len(archive.variables) == len(model.variables) + len(extra.variables)
    archive.write_out(tmp_path / "a", verbose=False)
    reloaded = load(tmp_path / "a")
    np.testing.assert_allclose(
        np.asarray(reloaded.serve(x)), np.asarray(model.predict(x, verbose=0)), rtol=1e-5, atol=1e-6
    )
    training = np.asarray(reloaded.call_training(x))  # dropout on: some units zeroed
    assert training.shape == (4, 2)
    np.testing.assert_allclose(np.asarray(reloaded.project(x[:, :2])),
                               np.asarray(extra(x[:, :2])), rtol=1e-5, atol=1e-6)  # fmt: skip
    assert [tuple(v.shape) for v in reloaded.dense_weights] == [(3, 4), (4,)]
    np.testing.assert_allclose(reloaded.dense_weights[0].numpy(),
                               backend.convert_to_numpy(model.layers[1].kernel))  # fmt: skip
    assert set(reloaded.signatures) == {"serve", "call_training", "project", "serving_default"}


@TRACEABLE
def test_export_archive_errors(tmp_path):
    model = functional_model()
    archive = cornu.export.ExportArchive()
    spec = [cornu.InputSpec(shape=(None, 3), dtype="float32")]
    with pytest.raises(ValueError, match="no endpoint was added"):
        archive.write_out(tmp_path / "x")
    archive.track(model)
    with pytest.raises(ValueError, match="input_signature is required"):
        archive.add_endpoint("serve", lambda t: model(t))
    archive.add_endpoint("serve", lambda t: model(t), input_signature=spec)
    with pytest.raises(ValueError, match="'serve' is already used"):
        archive.add_endpoint("serve", lambda t: model(t), input_signature=spec)
    with pytest.raises(ValueError, match="must be a Python identifier"):
        archive.add_endpoint("not valid", lambda t: model(t), input_signature=spec)
    with pytest.raises(ValueError, match="'serve' is already used"):
        archive.add_variable_collection("serve", model.weights)
    with pytest.raises(ValueError, match="'variables' is already used"):
        archive.add_endpoint("variables", lambda t: model(t), input_signature=spec)
    with pytest.raises(TypeError, match="must be a list of Variables"):
        archive.add_variable_collection("vs", model.weights[0])
    with pytest.raises(ValueError, match="layer 'lonely' is not built"):
        archive.track(cornu.layers.Dense(2, name="lonely"))
    with pytest.raises(TypeError, match="expects a cornu Layer/Model or a TensorFlow trackable"):
        archive.track("model")
    (tmp_path / "file").write_text("keep me")
    with pytest.raises(ValueError, match="exists and is not a directory"):
        archive.write_out(tmp_path / "file", verbose=False)
    assert (tmp_path / "file").read_text() == "keep me"


@TF_ONLY
def test_export_archive_tensorflow_specifics(tmp_path):
    import tensorflow as tf

    model = functional_model()
    archive = cornu.export.ExportArchive()
    spec = [cornu.InputSpec(shape=(None, 3), dtype="float32")]
    with pytest.raises(ValueError, match="not tracked.*archive.track"):
        archive.add_endpoint("serve", lambda t: model(t), input_signature=spec)
    archive.track(model)
    # A tf.function that already has a signature needs none.
    fn = tf.function(lambda t: model(t), input_signature=[tf.TensorSpec((None, 3), tf.float32)])
    archive.add_endpoint("serve", fn)
    archive.write_out(tmp_path / "m", verbose=False)
    x = x_of(2, 3)
    reloaded = load(tmp_path / "m")  # held: its functions read its variables
    np.testing.assert_allclose(
        np.asarray(reloaded.serve(x)), np.asarray(model.predict(x, verbose=0)), rtol=1e-5, atol=1e-6
    )


@TRACEABLE
def test_export_unbuilt_model_and_bad_format(tmp_path):
    with pytest.raises(ValueError, match="Unrecognized format=bogus"):
        functional_model().export(tmp_path / "m", format="bogus")
    with pytest.raises(ValueError, match="Model 'lazy'.export: the model is not built"):
        Subclassed(name="lazy").export(tmp_path / "m")


@pytest.mark.skipif(backend.backend() in ("tensorflow", "jax"),
                    reason="the tensorflow and jax backends can export")  # fmt: skip
def test_export_on_a_backend_without_tensorflow_tracing_says_what_to_do(tmp_path):
    name = backend.backend()
    with pytest.raises(ValueError, match=f"backend is '{name}', which it cannot trace.*tensorflow"):
        functional_model().export(tmp_path / "m")
    assert not (tmp_path / "m").exists()


@pytest.mark.skipif(backend.backend() in ("tensorflow", "jax"),
                    reason="ExportArchive works there")  # fmt: skip
def test_export_archive_needs_a_backend_tensorflow_can_trace():
    name = backend.backend()
    with pytest.raises(ValueError, match=f"current backend is '{name}'.*CORNU_BACKEND=tensorflow"):
        cornu.export.ExportArchive()


def test_signature_entries_must_have_shapes():
    if backend.backend() not in ("tensorflow", "jax"):
        pytest.skip("converting signatures imports TensorFlow (tensorflow/jax backends)")
    with pytest.raises(TypeError, match="each input_signature entry must be"):
        saved_model._standardize_signature([object()])
