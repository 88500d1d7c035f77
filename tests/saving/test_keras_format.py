"""The `.keras` format: Keras 3.15.1 fixtures load and match their outputs, cornu's archives
have the fixtures' layout, round trips keep weights/compile state, broken files raise
ValueError naming the file, interrupted saves keep the old file, and files pass between
backends."""

import importlib.util
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import h5py
import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.saving import saving_api, serialization_lib
from tests.saving import fixture_utils as fx

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def small_model(seed=0):
    rng = np.random.default_rng(seed)
    inputs = cornu.Input((3,), name="features")
    x = cornu.layers.Dense(4, activation="relu")(inputs)
    outputs = cornu.layers.Dense(2)(x)
    model = cornu.Model(inputs, outputs, name="small")
    for v in model.weights:
        v.assign(rng.normal(size=tuple(v.shape)).astype("float32"))
    return model


# -- Keras fixtures ---------------------------------------------------------------------

# Sub-layers a layer creates for itself get names from a process-wide counter (Keras saved
# the transformer's attention dropout as "dropout_1" because an earlier model had a
# "dropout"), so only their group paths are compared, not the recorded names.
_GENERATED_SUBLAYERS = ("/_dropout_layer/vars", "/_softmax/vars")


def _without_generated_names(layout):
    return {
        path: (None if path.endswith(_GENERATED_SUBLAYERS) else value)
        for path, value in layout.items()
    }


@pytest.mark.parametrize("name", fx.FIXTURES)
def test_fixture_loads_and_matches_outputs(name):
    model = fx.load_or_skip(saving_api.load_model, fx.path(name, ".keras"))
    xs, ys = fx.inputs_outputs(name)
    fx.assert_outputs_close(fx.predict(model, xs), ys)
    assert model.count_params() == fx.manifest()["fixtures"][name]["params"]


@pytest.mark.parametrize("name", fx.FIXTURES)
def test_fixture_weights_h5_into_model_from_config(name, tmp_path):
    weights = fx.path(name, ".weights.h5")
    with zipfile.ZipFile(fx.path(name, ".keras")) as archive:
        config = json.loads(archive.read("config.json"))
        if not os.path.exists(weights):  # (no separate file: the archive's own weights)
            weights = str(tmp_path / "model.weights.h5")
            with open(weights, "wb") as handle:
                handle.write(archive.read("model.weights.h5"))
    config.pop("compile_config", None)
    model = fx.load_or_skip(serialization_lib.deserialize_keras_object, config)
    saving_api.load_weights(model, weights)
    xs, ys = fx.inputs_outputs(name)
    fx.assert_outputs_close(fx.predict(model, xs), ys)


@pytest.mark.parametrize("name", fx.FIXTURES)
def test_saved_archive_has_the_fixture_layout(name):
    source = fx.path(name, ".keras")
    model = fx.load_or_skip(saving_api.load_model, source)
    saved = fx.save_to_bytes(model)
    with zipfile.ZipFile(source) as ours_expected, zipfile.ZipFile(io.BytesIO(saved)) as ours:
        assert sorted(ours.namelist()) == sorted(ours_expected.namelist())
        expected_config = json.loads(ours_expected.read("config.json"))
        config = json.loads(ours.read("config.json"))
        metadata = json.loads(ours.read("metadata.json"))
    assert sorted(config) == sorted(expected_config)
    for key in ("module", "class_name", "registered_name", "build_config"):
        assert config[key] == expected_config[key]
    assert sorted(config["compile_config"]) == sorted(expected_config["compile_config"])
    assert sorted(metadata) == ["date_saved", "keras_version"]
    with open(source, "rb") as handle:
        expected_layout = fx.archive_weights_layout(handle.read())
    assert _without_generated_names(fx.archive_weights_layout(saved)) == (
        _without_generated_names(expected_layout)
    )
    reloaded = saving_api.load_model(io.BytesIO(saved))
    xs, ys = fx.inputs_outputs(name)
    fx.assert_outputs_close(fx.predict(reloaded, xs), ys)


def test_compiled_fixture_restores_compile_config_and_optimizer_state():
    model = fx.load_or_skip(saving_api.load_model, fx.path("mlp_sequential", ".keras"))
    assert model.compiled
    assert type(model.optimizer).__name__ == "Adam"
    with h5py.File(fx.path("mlp_sequential", ".weights.h5"), "r") as h5file:
        stored = [np.asarray(h5file[f"optimizer/vars/{i}"]) for i in range(18)]
    assert len(model.optimizer.variables) == 18
    for variable, value in zip(model.optimizer.variables, stored):
        np.testing.assert_allclose(np.asarray(variable.numpy()), value)
    uncompiled = saving_api.load_model(fx.path("mlp_sequential", ".keras"), compile=False)
    assert not uncompiled.compiled


# -- round trips ------------------------------------------------------------------------


def test_round_trip_path_and_file_object(tmp_path):
    model = small_model()
    x = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
    expected = np.asarray(model.predict(x, verbose=0))
    target = tmp_path / "m.keras"
    saving_api.save_model(model, target)
    assert sorted(zipfile.ZipFile(target).namelist()) == [
        "config.json", "metadata.json", "model.weights.h5",
    ]  # fmt: skip
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"]  # no temporary left behind
    for source in (target, str(target), io.BytesIO(target.read_bytes())):
        loaded = saving_api.load_model(source)
        np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)), expected, rtol=1e-6)
    buffer = io.BytesIO()
    saving_api.save(model, buffer)
    buffer.seek(0)
    loaded = saving_api.load_model(buffer)
    np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)), expected, rtol=1e-6)


def test_round_trip_sequential_compiled_with_optimizer_state(tmp_path):
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2)], name="seq")
    model.compile(optimizer=cornu.optimizers.Adam(learning_rate=0.01), loss="mse",
                  metrics=["mae"])  # fmt: skip
    model.optimizer.build(model.trainable_variables)
    for i, v in enumerate(model.optimizer.variables[2:]):  # after iteration, learning_rate
        v.assign(np.full(tuple(v.shape), i + 1, dtype=np.asarray(v.numpy()).dtype))
    saving_api.save_model(model, tmp_path / "s.keras")
    loaded = saving_api.load_model(tmp_path / "s.keras")
    assert type(loaded).__name__ == "Sequential"
    assert loaded.compiled and type(loaded.optimizer).__name__ == "Adam"
    np.testing.assert_allclose(float(np.asarray(loaded.optimizer.learning_rate)), 0.01, rtol=1e-6)
    assert len(loaded.optimizer.variables) == len(model.optimizer.variables)
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a.numpy()), np.asarray(b.numpy()))
    for a, b in zip(loaded.weights, model.weights):
        np.testing.assert_array_equal(np.asarray(a.numpy()), np.asarray(b.numpy()))


def test_unzipped_folder_round_trip(tmp_path):
    model = small_model()
    folder = tmp_path / "unzipped.keras"
    saving_api.save_model(model, folder, zipped=False)
    assert sorted(os.listdir(folder)) == ["config.json", "metadata.json", "model.weights.h5"]
    loaded = saving_api.load_model(folder)
    for a, b in zip(loaded.weights, model.weights):
        np.testing.assert_array_equal(np.asarray(a.numpy()), np.asarray(b.numpy()))


def test_overwrite_false_and_bad_extension(tmp_path):
    model = small_model()
    saving_api.save_model(model, tmp_path / "m.keras")
    with pytest.raises(FileExistsError, match="overwrite=False"):
        saving_api.save_model(model, tmp_path / "m.keras", overwrite=False)
    with pytest.raises(ValueError, match=r"must end in '\.keras'"):
        saving_api.save_model(model, tmp_path / "m.txt")
    with pytest.raises(ValueError, match="zipped=False .* needs a path"):
        saving_api.save_model(model, io.BytesIO(), zipped=False)


# -- broken files -----------------------------------------------------------------------


def test_broken_files_raise_value_error_naming_the_file(tmp_path):
    good = tmp_path / "good.keras"
    saving_api.save_model(small_model(), good)
    data = good.read_bytes()
    cases = {
        "truncated.keras": (data[: len(data) // 2], "not a valid zip|corrupted|HDF5"),
        "text.keras": (b"hello, not a model", "neither a .keras zip"),
        "empty.keras": (b"", "empty"),
    }
    for filename, (content, pattern) in cases.items():
        target = tmp_path / filename
        target.write_bytes(content)
        with pytest.raises(ValueError, match=pattern) as info:
            saving_api.load_model(target)
        assert filename in str(info.value)
    missing = tmp_path / "no_config.keras"
    with zipfile.ZipFile(missing, "w") as archive:
        archive.writestr("model.weights.h5", b"x")
    with pytest.raises(ValueError, match=r"no_config\.keras.*lacks \['config\.json'\]"):
        saving_api.load_model(missing)
    bad_h5 = tmp_path / "bad_weights.keras"
    with zipfile.ZipFile(bad_h5, "w") as archive:
        archive.writestr("config.json", json.dumps(fx.json_config(small_model())))
        archive.writestr("model.weights.h5", b"garbage")
    with pytest.raises(ValueError, match=r"bad_weights\.keras.*not a readable HDF5"):
        saving_api.load_model(bad_h5)
    with pytest.raises(ValueError, match="no such file"):
        saving_api.load_model(tmp_path / "absent.keras")


def test_interrupted_save_keeps_the_old_file(tmp_path):
    target = tmp_path / "model.keras"
    model = small_model()
    saving_api.save_model(model, target)
    expected = [np.asarray(v.numpy()) for v in model.weights]
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {REPO!r})
        import numpy as np
        import cornu
        from cornu.saving import saving_api
        inputs = cornu.Input((64,))
        x = inputs
        for _ in range(8):
            x = cornu.layers.Dense(256)(x)
        model = cornu.Model(inputs, x)
        print("ready", flush=True)
        while True:
            saving_api.save_model(model, {str(target)!r})
        """
    )
    env = dict(os.environ, CORNU_BACKEND="numpy")
    process = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE)
    try:
        assert process.stdout.readline().strip() == b"ready"
        time.sleep(0.7)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    loaded = saving_api.load_model(target)  # either the old model or a complete new one
    if len(loaded.weights) == len(expected):
        for variable, value in zip(loaded.weights, expected):
            np.testing.assert_array_equal(np.asarray(variable.numpy()), value)
    else:
        assert len(loaded.weights) == 16
    # The killed process's temporary file (if the kill came mid-write) goes at the next save.
    saving_api.save_model(model, target)
    assert sorted(os.listdir(tmp_path)) == ["model.keras"]


def test_stale_temp_files_are_removed_and_live_ones_kept(tmp_path):
    from cornu.saving import temp_files

    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    host = temp_files._host()
    dead = tmp_path / f".cornu-save-{host}-{int(done.stdout)}-abc.tmp"
    live = tmp_path / f".cornu-save-{host}-{os.getppid()}-def.tmp"  # (pytest's parent lives)
    old_unnamed = tmp_path / ".cornu-save-xyz.tmp"
    new_unnamed = tmp_path / ".cornu-save-uvw.tmp"
    user_file = tmp_path / "notes.tmp"
    for path in (dead, live, old_unnamed, new_unnamed, user_file):
        path.write_bytes(b"partial")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(old_unnamed, (day_ago, day_ago))
    saving_api.save_model(small_model(), tmp_path / "m.keras")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["m.keras", live.name, new_unnamed.name, user_file.name])


# -- across backends --------------------------------------------------------------------

_OTHER_BACKENDS = [
    b
    for b, module in (
        ("numpy", "numpy"),
        ("jax", "jax"),
        ("torch", "torch"),
        ("tensorflow", "tensorflow"),
    )  # fmt: skip
    if b != backend.backend() and importlib.util.find_spec(module) is not None
]


_SAVER = """
import sys
sys.path.insert(0, {repo!r})
import numpy as np
import cornu
from cornu.saving import saving_api
inputs = cornu.Input((3,))
outputs = cornu.layers.Dense(2, activation="tanh")(cornu.layers.Dense(4)(inputs))
model = cornu.Model(inputs, outputs)
rng = np.random.default_rng(0)
for v in model.weights:
    v.assign(rng.normal(size=tuple(v.shape)).astype("float32"))
x = np.linspace(-1, 1, 15, dtype="float32").reshape(5, 3)
np.save({folder!r} + "/y.npy", cornu.ops.convert_to_numpy(model(x)))
saving_api.save_model(model, {folder!r} + "/model.keras")
"""


@pytest.fixture(scope="module", autouse=True)
def _other_backends_saving(tmp_path_factory):
    """Starts one saving subprocess per other backend when the module starts, so they run
    while the other tests do."""
    launched = {}
    for name in _OTHER_BACKENDS:
        folder = tmp_path_factory.mktemp(f"saved_by_{name}")
        script = _SAVER.format(repo=REPO, folder=str(folder))
        env = dict(os.environ, CORNU_BACKEND=name)
        process = subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE)
        launched[name] = (folder, process)
    yield launched
    for _, process in launched.values():
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def saved_by_other_backends(_other_backends_saving):
    """{backend: folder holding model.keras and y.npy saved under that backend}."""
    folders = {}
    for name, (folder, process) in _other_backends_saving.items():
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()[-2000:]
        folders[name] = folder
    return folders


@pytest.mark.parametrize("source_backend", _OTHER_BACKENDS)
def test_load_a_model_saved_under_another_backend(saved_by_other_backends, source_backend):
    folder = saved_by_other_backends[source_backend]
    loaded = saving_api.load_model(folder / "model.keras")
    x = np.linspace(-1, 1, 15, dtype="float32").reshape(5, 3)
    np.testing.assert_allclose(
        cornu.ops.convert_to_numpy(loaded(x)), np.load(folder / "y.npy"), rtol=1e-5, atol=1e-6
    )
