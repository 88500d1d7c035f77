"""TensorBoard: event files read back with TensorBoard's own reader hold the History values;
batch scalars, histograms, images, embeddings and profiles; TensorFlow stays unimported."""

import os
import subprocess
import sys
from collections.abc import Mapping

import numpy as np
import pytest

import cornu
from cornu import backend, callbacks, layers
from tests.conftest import requires_training

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

RNG = np.random.default_rng(0)
X = RNG.normal(size=(32, 3)).astype("float32")
Y = (X[:, :1] > 0).astype("float32")


def _model():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    return model


def _fit(model, cbs, **kwargs):
    """model.fit(X, Y) quietly, with the callbacks `cbs`."""
    return model.fit(X, Y, verbose=0, callbacks=cbs, **kwargs)


def _read(run_dir):
    from tensorboard.backend.event_processing import event_accumulator

    acc = event_accumulator.EventAccumulator(
        str(run_dir), size_guidance={event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0}
    )
    acc.Reload()
    return acc


def _scalars(acc, tag):
    return [(e.step, e.value) for e in acc.Scalars(tag)]


@requires_training
def test_epoch_scalars_equal_the_history(tmp_path):
    history = _model().fit(X, Y, batch_size=8, epochs=3, verbose=0, validation_split=0.25,
                           callbacks=[callbacks.TensorBoard(tmp_path)])  # fmt: skip
    train, validation = _read(tmp_path / "train"), _read(tmp_path / "validation")
    for name in ("loss", "accuracy"):
        got = _scalars(train, f"epoch_{name}")
        assert [s for s, _ in got] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in got], history.history[name], rtol=1e-6)
        got = _scalars(validation, f"epoch_{name}")
        np.testing.assert_allclose([v for _, v in got], history.history[f"val_{name}"],
                                   rtol=1e-6)  # fmt: skip
    np.testing.assert_allclose([v for _, v in _scalars(train, "epoch_learning_rate")],
                               [0.1] * 3, rtol=1e-6)  # fmt: skip
    # With update_freq="epoch" there are no batch scalars; write_graph gives the config.
    assert not any(t.startswith("batch_") for t in train.Tags()["scalars"])
    assert "keras/text_summary" in train.Tags()["tensors"]


class _LastBatch(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.losses = []

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(logs["loss"])


@requires_training
@pytest.mark.parametrize(
    "update_freq, steps",
    [("batch", [1, 2, 3, 4, 5, 6, 7, 8]), (3, [3, 6])],
    ids=["batch", "every_3"],
)
def test_batch_scalars_follow_update_freq(tmp_path, update_freq, steps):
    seen = _LastBatch()
    _fit(
        _model(),
        [
            callbacks.TensorBoard(tmp_path, update_freq=update_freq, write_steps_per_second=True),
            seen,
        ],
        batch_size=8,
        epochs=2,
    )
    train = _read(tmp_path / "train")
    got = _scalars(train, "batch_loss")
    assert [s for s, _ in got] == steps
    np.testing.assert_allclose([v for _, v in got], [seen.losses[s - 1] for s in steps],
                               rtol=1e-6)  # fmt: skip
    assert [s for s, _ in _scalars(train, "batch_steps_per_second")] == steps
    assert [s for s, _ in _scalars(train, "epoch_steps_per_second")] == [0, 1]


class _CountingLogs(Mapping):
    """Logs that count how often a value is read (each read is a device conversion)."""

    def __init__(self):
        self.reads = 0

    def __getitem__(self, key):
        self.reads += 1
        return 0.5

    def __iter__(self):
        return iter(["loss"])

    def __len__(self):
        return 1


@requires_training
def test_logs_are_read_only_on_written_batches(tmp_path):
    callback = callbacks.TensorBoard(tmp_path, update_freq=3, write_graph=False)
    callback.set_model(_model())
    callback.on_train_begin()
    reads = []
    for batch in range(6):
        logs = _CountingLogs()
        callback.on_train_batch_begin(batch)
        callback.on_train_batch_end(batch, logs)
        reads.append(logs.reads)
    callback.on_train_end()
    assert reads == [0, 0, 1, 0, 0, 1]


@requires_training
def test_histograms_and_images_every_histogram_freq(tmp_path):
    model = _model()
    _fit(
        model,
        [callbacks.TensorBoard(tmp_path, histogram_freq=2, write_images=True)],
        batch_size=16,
        epochs=3,
    )
    train = _read(tmp_path / "train")
    kernel, bias = (v.path for v in model.layers[0].weights)
    assert sorted(train.Tags()["histograms"]) == sorted([kernel, bias])
    assert [e.step for e in train.Histograms(kernel)] == [0, 2]
    assert f"{kernel}/image" in train.Tags()["images"]


@requires_training
def test_embeddings_are_written_for_the_projector(tmp_path):
    model = cornu.Sequential([cornu.Input((2,), dtype="int32"), layers.Embedding(5, 3),
                              layers.Flatten(), layers.Dense(1)])  # fmt: skip
    model.compile(optimizer="sgd", loss="mse")
    labels = tmp_path / "labels.tsv"
    labels.write_text("\n".join(f"word{i}" for i in range(5)) + "\n")
    tokens = np.array([[0, 1], [2, 3], [4, 0], [1, 2]], "int32")
    log_dir = tmp_path / "logs"
    model.fit(
        tokens,
        np.ones((4, 1), "float32"),
        epochs=1,
        verbose=0,
        callbacks=[
            callbacks.TensorBoard(log_dir, embeddings_freq=1, embeddings_metadata=str(labels))
        ],
    )
    config = (log_dir / "train" / "projector_config.pbtxt").read_text()
    assert model.layers[0].name in config
    found = []
    for folder, _, files in os.walk(log_dir / "train"):
        if "tensors.tsv" in files:
            rows = np.loadtxt(os.path.join(folder, "tensors.tsv"), ndmin=2)
            np.testing.assert_allclose(rows, model.layers[0].get_weights()[0], rtol=1e-5)
            meta = open(os.path.join(folder, "metadata.tsv")).read().split()
            found.append(meta)
    assert found == [[f"word{i}" for i in range(5)]]


@requires_training
def test_profile_batch_writes_a_profile(tmp_path):
    _fit(_model(), [callbacks.TensorBoard(tmp_path, profile_batch=(2, 3))], batch_size=8, epochs=1)
    runs = os.listdir(tmp_path / "plugins" / "profile")
    assert len(runs) == 1
    files = os.listdir(tmp_path / "plugins" / "profile" / runs[0])
    assert any(f.endswith((".xplane.pb", ".pt.trace.json")) for f in files), files


@requires_training
def test_tensorflow_is_not_imported_by_other_backends(tmp_path):
    if backend.backend() == "tensorflow":
        pytest.skip("tensorflow is the backend")
    script = (
        "import sys, numpy as np, cornu\n"
        "from cornu import callbacks, layers\n"
        "m = cornu.Sequential([cornu.Input((3,)), layers.Dense(1)])\n"
        "m.compile(optimizer='sgd', loss='mse')\n"
        "m.fit(np.ones((8, 3), 'float32'), np.ones((8, 1), 'float32'), epochs=2, verbose=0,\n"
        f"      callbacks=[callbacks.TensorBoard({str(tmp_path)!r}, histogram_freq=1,\n"
        "                                       update_freq='batch')])\n"
        "print('tensorflow' in sys.modules)\n"
    )
    env = dict(os.environ, CORNU_BACKEND=backend.backend())
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "False"
    assert os.listdir(tmp_path / "train")


def test_missing_tensorboardx_names_the_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    callback = callbacks.TensorBoard(tmp_path)
    match = r"pip install tensorboardX.*pip install cornu\[tensorboard\]"
    with pytest.raises(ImportError, match=match):
        callback._writer("train")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"update_freq": 0}, ValueError, "`update_freq` must be 'epoch', 'batch' or a positive"),
        ({"update_freq": "step"}, ValueError, "`update_freq` must be"),
        ({"histogram_freq": -1}, ValueError, "`histogram_freq` must be a non-negative int"),
        ({"embeddings_freq": 1.5}, ValueError, "`embeddings_freq` must be a non-negative int"),
        ({"profile_batch": -2}, ValueError, "`profile_batch` must be a non-negative int"),
        ({"profile_batch": (5, 2)}, ValueError, r"start <= stop"),
        ({"profile_batch": "a,b"}, ValueError, "`profile_batch` must be"),
        ({"embeddings_metadata": 3}, TypeError, "`embeddings_metadata` must be a file path"),
    ],
    ids=[
        "freq_zero",
        "freq_str",
        "hist_neg",
        "emb_float",
        "prof_neg",
        "prof_order",
        "prof_str",
        "meta_type",
    ],
)
def test_bad_arguments_raise(kwargs, error, match):
    with pytest.raises(error, match=match):
        callbacks.TensorBoard(**kwargs)


def test_profile_batch_forms():
    assert callbacks.TensorBoard(profile_batch=0)._profile_range is None
    assert callbacks.TensorBoard(profile_batch=3)._profile_range == (3, 3)
    assert callbacks.TensorBoard(profile_batch=(2, 4))._profile_range == (2, 4)
    assert callbacks.TensorBoard(profile_batch="2, 4")._profile_range == (2, 4)
