"""BackupAndRestore: a training process killed mid-epoch resumes in a new process and ends with
the weights of an uninterrupted run; backups are atomic, fall back, and are removed at the end."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import cornu
from cornu import backend, callbacks, layers
from tests.conftest import requires_training

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Trains a tiny model with fixed weights on one of several data sources ("arrays" unshuffled;
# "shuffled" arrays, a shuffled "pydataset" and an endless "generator" with steps_per_epoch, all
# three through a Dropout layer). "kill" backs up into both backup_root/epoch (save_freq="epoch")
# and backup_root/3 (save_freq=3), and SIGKILLs the process at the start of epoch 1's batch 3;
# "resume" restores from the folder of its save_freq, under another global seed, so only what
# the backup holds (weights, optimizer, SeedGenerators, data order) can make it match.
SCRIPT = r"""
import json, os, signal, sys
import numpy as np
import cornu
from cornu import callbacks, layers

def main(mode, backup_root, save_freq, out, source="arrays"):
    model, seen = train(mode, backup_root, save_freq, source)
    np.savez(out + ".npz", *model.get_weights())
    with open(out + ".json", "w") as f:
        json.dump(seen, f)


def train(mode, backup_root=None, save_freq="epoch", source="arrays"):
    cornu.utils.set_random_seed(123 if mode == "resume" else 0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = rng.normal(size=(32, 2)).astype("float32")
    noise = [layers.Dropout(0.25)] if source != "arrays" else []
    model = cornu.Sequential(
        [cornu.Input((3,)), layers.Dense(4, activation="tanh"), *noise, layers.Dense(2)]
    )
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=cornu.optimizers.Adam(0.05), loss="mse")
    seen = []

    class Probe(callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_begin(self, batch, logs=None):
            seen.append([self.epoch, batch])
            if mode == "kill" and (self.epoch, batch) == (1, 3):
                os.kill(os.getpid(), signal.SIGKILL)

    freqs = {"plain": [], "kill": ["epoch", "3"], "resume": [save_freq]}[mode]
    cbs = [
        callbacks.BackupAndRestore(
            os.path.join(backup_root, f), save_freq=f if f == "epoch" else int(f)
        )
        for f in freqs
    ]
    cbs.append(Probe())
    data = {"x": x, "y": y, "batch_size": 8, "shuffle": source != "arrays"}
    if source == "pydataset":
        data = {"x": Batches(x, y), "shuffle": True}
    elif source == "generator":
        data = {"x": endless(x, y), "steps_per_epoch": 4}
    model.fit(epochs=3, verbose=0, callbacks=cbs, **data)
    return model, seen


class Batches(cornu.utils.PyDataset):
    def __init__(self, x, y):
        super().__init__()
        self.x, self.y = x, y

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return self.x[i * 8 : (i + 1) * 8], self.y[i * 8 : (i + 1) * 8]


def endless(x, y):
    i = 0
    while True:  # a different batch each step, so replaying the wrong ones would show
        j = i % 4
        yield x[j * 8 : (j + 1) * 8] * (1 + 0.1 * i), y[j * 8 : (j + 1) * 8]
        i += 1


if __name__ == "__main__":
    main(*sys.argv[1:])
"""


def _run(tmp_path, mode, save_freq, name, source="arrays"):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, CORNU_BACKEND=backend.backend())
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    out = str(tmp_path / name)
    args = [sys.executable, str(script), mode, str(tmp_path / "backup"), str(save_freq), out,
            source]  # fmt: skip
    proc = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    return proc, out


def _weights(out):
    with np.load(out + ".npz") as data:
        return [data[f"arr_{i}"] for i in range(len(data.files))]


SOURCES = ["arrays", "shuffled", "pydataset", "generator"]


@pytest.fixture(scope="module", params=SOURCES)
def source(request):
    return request.param


@pytest.fixture(scope="module")
def uninterrupted(source):
    """The same script's training, uninterrupted and without the callback (in this process)."""
    if not backend.IS_DIFFERENTIABLE:
        pytest.skip("the numpy backend has no gradients")
    namespace = {"__name__": "reference"}
    exec(compile(SCRIPT, "train.py", "exec"), namespace)
    model, seen = namespace["train"]("plain", source=source)
    assert len(seen) == 12  # 3 epochs of 4 batches
    return [np.array(w) for w in model.get_weights()]


@pytest.fixture(scope="module")
def killed(tmp_path_factory, source):
    """A folder whose backups were left by a process SIGKILLed in the middle of epoch 1."""
    if not backend.IS_DIFFERENTIABLE:
        pytest.skip("the numpy backend has no gradients")
    tmp_path = tmp_path_factory.mktemp(f"killed_{source}")
    proc, _ = _run(tmp_path, "kill", "epoch", "killed", source)
    assert proc.returncode == -9, proc.stderr
    for folder in ("epoch", "3"):
        assert os.path.exists(tmp_path / "backup" / folder / "backup.npz")
    return tmp_path


@requires_training
@pytest.mark.parametrize(
    "save_freq, resumes_at",
    [("epoch", [1, 0]), ("3", [1, 2])],
    ids=["per_epoch", "every_3_batches"],
)
def test_killed_process_resumes_with_the_same_weights(
    killed, uninterrupted, source, save_freq, resumes_at
):
    if save_freq == "epoch" and source != "arrays":
        pytest.skip("mid-epoch resumption (every_3_batches) covers this source")
    resumed, out = _run(killed, "resume", save_freq, f"resumed_{save_freq}", source)
    assert resumed.returncode == 0, resumed.stderr
    with open(out + ".json") as f:
        seen = json.load(f)
    assert seen[0] == resumes_at
    assert seen[-1] == [2, 3]
    for got, want in zip(_weights(out), uninterrupted, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # Training ended normally: the backup is gone.
    assert not os.path.exists(killed / "backup" / save_freq / "backup.npz")


# -- in-process checks -----------------------------------------------------------------------

RNG = np.random.default_rng(1)
X = RNG.normal(size=(16, 3)).astype("float32")
Y = RNG.normal(size=(16, 1)).astype("float32")


def _model():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=cornu.optimizers.Adam(0.1), loss="mse")
    return model


def _fit(model, cbs, **kwargs):
    """model.fit(X, Y) quietly, with the callbacks `cbs`."""
    return model.fit(X, Y, verbose=0, callbacks=cbs, **kwargs)


class _StopAt(callbacks.Callback):
    """Raises at (epoch, batch) to interrupt fit the way a crash would."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)
        self.seen = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        self.seen.append((self.epoch, batch))
        if (self.epoch, batch) == self.at:
            raise RuntimeError("interrupted")


@requires_training
def test_restores_weights_optimizer_state_and_position_in_process(tmp_path):
    model = _model()
    backup = callbacks.BackupAndRestore(tmp_path, save_freq=2, delete_checkpoint=False)
    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0,
                  callbacks=[backup, _StopAt(1, 0)])  # fmt: skip
    # 4 batches ran; the last backup (every 2 batches) was after the 4th: epoch 1, batch 0.
    saved_weights = [np.array(w) for w in model.get_weights()]
    saved_moments = [np.array(v) for v in model.optimizer.variables]
    assert int(np.asarray(model.optimizer.iterations)) == 4

    fresh = _model()
    probe = _StopAt(-1, -1)
    _fit(
        fresh,
        [callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False), probe],
        batch_size=4,
        epochs=1,
        shuffle=False,
    )
    # The backup says epoch 1 (of 1): nothing left to train; the state is restored as saved.
    assert probe.seen == []
    for got, want in zip(fresh.get_weights(), saved_weights, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    for got, want in zip(fresh.optimizer.variables, saved_moments, strict=True):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)


@requires_training
def test_backup_is_kept_without_delete_checkpoint_and_removed_with_it(tmp_path):
    model = _model()
    _fit(
        model,
        [callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)],
        batch_size=8,
        epochs=1,
    )
    assert os.path.exists(tmp_path / "backup.npz")
    _fit(model, [callbacks.BackupAndRestore(tmp_path)], batch_size=8, epochs=2)
    assert os.listdir(tmp_path) == []


@requires_training
def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    model = _model()
    _fit(
        model,
        [callbacks.BackupAndRestore(tmp_path, double_checkpoint=True, delete_checkpoint=False)],
        batch_size=8,
        epochs=2,
    )
    assert sorted(os.listdir(tmp_path)) == ["backup.npz", "backup.previous.npz"]
    (tmp_path / "backup.npz").write_bytes(b"not a zip file")
    probe = _StopAt(-1, -1)
    with pytest.warns(UserWarning, match="restoring the previous one"):
        _fit(
            _model(),
            [callbacks.BackupAndRestore(tmp_path, double_checkpoint=True), probe],
            batch_size=8,
            epochs=2,
        )
    # The previous backup was taken after epoch 0: epoch 1 is trained again.
    assert probe.seen == [(1, 0), (1, 1)]


@requires_training
def test_corrupt_backup_without_fallback_raises(tmp_path):
    (tmp_path / "backup.npz").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="BackupAndRestore: the backup .* cannot be read"):
        _fit(_model(), [callbacks.BackupAndRestore(tmp_path)], epochs=1)


@requires_training
def test_backup_of_another_model_raises(tmp_path):
    model = _model()
    _fit(model, [callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)], epochs=1)
    other = cornu.Sequential([cornu.Input((3,)), layers.Dense(2)])
    other.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="holds weights of shapes"):
        other.fit(
            X,
            np.zeros((16, 2), "float32"),
            epochs=1,
            verbose=0,
            callbacks=[callbacks.BackupAndRestore(tmp_path)],
        )


@requires_training
def test_unwritable_backup_dir_raises_before_training(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    probe = _StopAt(-1, -1)
    with pytest.raises(PermissionError, match="BackupAndRestore cannot write to backup_dir"):
        _fit(_model(), [callbacks.BackupAndRestore(blocker / "backup"), probe], epochs=1)
    assert probe.seen == []


@pytest.mark.parametrize(
    "save_freq", [0, -1, "batch", True], ids=["zero", "negative", "str", "bool"]
)
def test_bad_save_freq_raises(tmp_path, save_freq):
    with pytest.raises(ValueError, match="BackupAndRestore: `save_freq` must be"):
        callbacks.BackupAndRestore(tmp_path, save_freq=save_freq)


def test_empty_backup_dir_raises():
    with pytest.raises(ValueError, match="`backup_dir` must be a folder path"):
        callbacks.BackupAndRestore("")


def test_get_config():
    cb = callbacks.BackupAndRestore("/tmp/x", save_freq=5, double_checkpoint=True)
    assert cb.get_config() == {
        "backup_dir": "/tmp/x", "save_freq": 5, "double_checkpoint": True,
        "delete_checkpoint": True,
    }  # fmt: skip
