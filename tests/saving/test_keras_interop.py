"""`.keras` files that cornu writes load in real Keras (run in a subprocess) and predict the
same. Skipped when Keras is not installed."""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import cornu

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("keras") is None, reason="real Keras (the oracle) is not installed"
)
L = cornu.layers

_LOAD_IN_KERAS = """
import json, os, sys
import numpy as np
import keras
folder = sys.argv[1]
report = {}
for name in sorted(f[:-6] for f in os.listdir(folder) if f.endswith(".keras")):
    data = np.load(os.path.join(folder, name + ".npz"))
    xs = [data[k] for k in sorted(data) if k.startswith("x")]
    try:
        model = keras.saving.load_model(os.path.join(folder, name + ".keras"))
        out = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        out = out if isinstance(out, list) else [out]
        report[name] = [np.asarray(o, "float32").tolist() for o in out]
    except Exception as error:
        report[name] = f"{type(error).__name__}: {error}"
print("REPORT" + json.dumps(report))
"""


def _models():
    i = cornu.Input((8, 8, 3))
    h = L.MaxPooling2D()(L.BatchNormalization()(L.Conv2D(4, 3, activation="relu")(i)))
    cnn = cornu.Model(i, L.Dense(3, activation="softmax")(L.GlobalAveragePooling2D()(h)))
    i = cornu.Input((5, 8))
    a = L.LayerNormalization()(L.MultiHeadAttention(2, 4)(i, i) + i)
    i1, i2 = cornu.Input((3,), name="x1"), cornu.Input((2,), name="x2")
    c = L.Concatenate()([L.Dense(4)(i1), i2])
    inner = cornu.Sequential([cornu.Input((4,)), L.Dense(3, activation="tanh")], name="inner")
    j = cornu.Input((4,))
    compiled = cornu.Sequential([cornu.Input((4,)), L.Dense(3, activation="relu"), L.Dense(2)])
    compiled.compile(optimizer=cornu.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return {
        "convlstm2d": cornu.Sequential([
            cornu.Input((3, 8, 8, 2)), L.ConvLSTM2D(4, 3, padding="same", return_sequences=True),
            L.ConvLSTM2D(2, 3), L.Flatten(), L.Dense(2)]),
        "recurrent": cornu.Sequential([
            cornu.Input((5, 3)), L.LSTM(4, return_sequences=True), L.GRU(3, return_sequences=True),
            L.Bidirectional(L.SimpleRNN(2)), L.Dense(1)]),
        "cnn_bn": cnn,
        "attention": cornu.Model(i, L.GlobalAveragePooling1D()(a)),
        "two_in_two_out": cornu.Model([i1, i2], [L.Dense(1, name="o1")(c), L.Dense(2, name="o2")(c)]),
        "nested": cornu.Model(j, L.Dense(2)(inner(j))),
        "compiled": compiled,
        "mixed_precision": cornu.Sequential([cornu.Input((4,)), L.Dense(3, dtype="mixed_bfloat16"),
                                             L.Dense(2, dtype="float32")]),
        "ops_with_fixed_arguments": _ops_graph(cornu),
    }  # fmt: skip


def _ops_graph(lib):
    """A Functional graph of ops given fixed (non-tensor) arguments: Keras keeps those in each
    op's config, so both libraries must write and read them there."""
    ops = lib.ops
    x = lib.Input((4, 6))
    h = lib.layers.Dense(6, name="d")(x)
    parts = [
        ops.sum(h, axis=1, keepdims=True)[:, :, :2],
        h[:, 0:1, ::3],
        ops.reshape(ops.transpose(h, (0, 2, 1))[..., 1], (-1, 1, 6))[:, :, 1:3],
        ops.take(h, np.array([0, 2]), axis=1)[:, :1, :2] + 1.0,
    ]
    return lib.Model(x, ops.concatenate(parts, axis=-1))


def _positive_variances(model, rng):
    weights = []
    for variable in model.weights:
        value = (rng.standard_normal(variable.shape) * 0.3).astype(variable.dtype)
        weights.append(np.abs(value) + 0.5 if "variance" in variable.path else value)
    model.set_weights(weights)


def test_models_saved_by_cornu_load_in_keras(tmp_path):
    rng = np.random.default_rng(0)
    expected = {}
    for name, model in _models().items():
        _positive_variances(model, rng)
        xs = [
            rng.standard_normal((2,) + tuple(t.shape[1:])).astype("float32") for t in model.inputs
        ]
        out = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        expected[name] = [
            np.asarray(o, "float32") for o in (out if isinstance(out, list) else [out])
        ]
        model.save(str(tmp_path / f"{name}.keras"))
        np.savez(tmp_path / f"{name}.npz", **{f"x{i}": x for i, x in enumerate(xs)})
    env = dict(os.environ, KERAS_BACKEND=cornu.backend.backend(), TF_CPP_MIN_LOG_LEVEL="3")
    if env["KERAS_BACKEND"] == "numpy":
        env["KERAS_BACKEND"] = "jax"  # Keras's numpy backend cannot load every layer
    for flag in ("JAX_ENABLE_X64", "JAX_NUMPY_DTYPE_PROMOTION"):
        env.pop(flag, None)
    proc = subprocess.run([sys.executable, "-c", _LOAD_IN_KERAS, str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    lines = [line for line in proc.stdout.splitlines() if line.startswith("REPORT")]
    assert lines, f"the Keras subprocess failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    report = json.loads(lines[-1][len("REPORT") :])
    for name, outputs in expected.items():
        got = report[name]
        assert not isinstance(got, str), f"Keras cannot load cornu's {name}.keras: {got}"
        for want, have in zip(outputs, got):
            np.testing.assert_allclose(np.asarray(have), want, rtol=2e-2, atol=2e-2, err_msg=name)


_SAVE_IN_KERAS = """
import sys
import numpy as np
import keras
sys.path.insert(0, sys.argv[2])
from tests.saving.test_keras_interop import _ops_graph
model = _ops_graph(keras)
x = np.random.default_rng(0).standard_normal((2, 4, 6)).astype("float32")
model.save(sys.argv[1] + ".keras")
np.savez(sys.argv[1] + ".npz", x=x, y=keras.ops.convert_to_numpy(model(x)))
"""


def test_ops_graph_saved_by_keras_loads_in_cornu(tmp_path):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, KERAS_BACKEND=cornu.backend.backend(), TF_CPP_MIN_LOG_LEVEL="3")
    if env["KERAS_BACKEND"] == "numpy":
        env["KERAS_BACKEND"] = "jax"
    for flag in ("JAX_ENABLE_X64", "JAX_NUMPY_DTYPE_PROMOTION"):
        env.pop(flag, None)
    stem = str(tmp_path / "ops")
    proc = subprocess.run([sys.executable, "-c", _SAVE_IN_KERAS, stem, root], env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 0, f"the Keras subprocess failed:\n{proc.stderr[-4000:]}"
    data = np.load(stem + ".npz")
    model = cornu.saving.load_model(stem + ".keras")
    out = cornu.ops.convert_to_numpy(model(data["x"]))
    np.testing.assert_allclose(out, data["y"], rtol=1e-5, atol=1e-5)
