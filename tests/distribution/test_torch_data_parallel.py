"""DataParallel on the torch backend: 2 CPU processes (gloo on 127.0.0.1) against 1 process.

One job of 2 processes runs every multi-process scenario once (this file is also the
worker: `python test_torch_data_parallel.py <out_dir>`, with torchrun's RANK, WORLD_SIZE,
MASTER_ADDR and MASTER_PORT set); each process writes what it saw to `<out_dir>/rank<r>.npz`
and the tests compare that with the same training in this single process.
"""

import json
import os
import sys

import numpy as np
import pytest

import cornu
from cornu import backend, layers
from tests.distribution.conftest import run_torch_ranks

pytestmark = pytest.mark.skipif(
    backend.backend() != "torch",
    reason="these tests run torch.distributed (DataParallel on the other backends is tested "
    "in their own files)",
)

RNG = np.random.default_rng(7)
X = RNG.normal(size=(16, 3)).astype("float32")
Y = RNG.normal(size=(16, 1)).astype("float32")
X_VAL = RNG.normal(size=(8, 3)).astype("float32")
Y_VAL = RNG.normal(size=(8, 1)).astype("float32")
INITIAL = [
    RNG.normal(size=(3, 4)).astype("float32"),
    RNG.normal(size=(4,)).astype("float32"),
    RNG.normal(size=(4, 1)).astype("float32"),
    RNG.normal(size=(1,)).astype("float32"),
]
FIT = dict(batch_size=8, epochs=2, verbose=0)


def regressor(weights=INITIAL):
    model = cornu.Sequential(
        [cornu.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(1)]
    )
    model.set_weights(weights)
    model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    return model


def fit_reference(**kwargs):
    """What one process gets on the global batches: (history, weights, evaluate, predict)."""
    model = regressor()
    history = model.fit(X, Y, validation_data=(X_VAL, Y_VAL), **FIT, **kwargs)
    evaluation = model.evaluate(X_VAL, Y_VAL, batch_size=4, verbose=0, return_dict=True)
    return history.history, model.get_weights(), evaluation, model.predict(X_VAL, verbose=0)


class OwnStepRegressor(cornu.Sequential):
    """A train_step written as Keras's torch guide writes one (no super() call)."""

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        loss = self.compute_loss(y=y, y_pred=self(x, training=True))
        loss.backward()
        trainable = self.trainable_weights
        with backend.no_grad():
            self.optimizer.apply([v.value.grad for v in trainable], trainable)
        return {"loss": loss}  # this batch's loss, not a metric's result


def own_step_regressor():
    model = OwnStepRegressor([cornu.Input((3,)), layers.Dense(4), layers.Dense(1)])
    model.set_weights(INITIAL)
    model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse")
    return model


# -- the worker (each of the 2 processes) ----------------------------------------------------


def _native_ddp_weights(torch, global_x, global_y, rank=None, world=1):
    """A cornu model trained by a plain torch loop: 2 SGD steps, wrapped in torch's own
    DistributedDataParallel when `rank` is given (each process on its half)."""
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(4), layers.Dense(1)])
    model.set_weights(INITIAL)
    module = model
    if rank is not None:
        module = torch.nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    rows = len(global_x) // world
    start = 0 if rank is None else rank * rows
    x = torch.as_tensor(global_x[start : start + rows])
    y = torch.as_tensor(global_y[start : start + rows])
    for _ in range(2):
        optimizer.zero_grad()
        loss = torch.mean((module(x) - y) ** 2)
        loss.backward()
        optimizer.step()
    return model.get_weights()


def _worker(out_dir):
    import torch

    cornu.distribution.initialize()  # (torchrun's variables: RANK, WORLD_SIZE, MASTER_*)
    rank = cornu.distribution.DataParallel().process_id
    results = {}
    cornu.distribution.set_distribution(cornu.distribution.DataParallel())
    own_dir = os.path.join(out_dir, f"rank{rank}")
    callbacks = [
        cornu.callbacks.ModelCheckpoint(
            os.path.join(own_dir, "ckpt.weights.h5"), save_weights_only=True
        ),
        cornu.callbacks.CSVLogger(os.path.join(own_dir, "log.csv")),
        cornu.callbacks.TensorBoard(os.path.join(own_dir, "tensorboard")),
        cornu.callbacks.BackupAndRestore(os.path.join(own_dir, "backup"), delete_checkpoint=False),
    ]
    # Different initial weights on each process: process 0's are broadcast.
    model = regressor([w + rank for w in INITIAL])
    history = model.fit(
        X, Y, validation_data=(X_VAL, Y_VAL), callbacks=callbacks, shuffle=False,
        **dict(FIT, verbose=2),
    )  # fmt: skip
    results["history"] = json.dumps(history.history)
    for i, w in enumerate(model.get_weights()):
        results[f"weight_{i}"] = w
    evaluation = model.evaluate(X_VAL, Y_VAL, batch_size=4, verbose=0, return_dict=True)
    results["evaluate"] = json.dumps(evaluation)
    results["predict"] = model.predict(X_VAL, verbose=0)

    np.random.seed(1 + rank)  # different data-order seeds: process 0's must win
    shuffled = regressor()
    history = shuffled.fit(X, Y, validation_data=(X_VAL, Y_VAL), shuffle=True, **FIT)
    results["shuffled_history"] = json.dumps(history.history)

    # An uneven final batch (16 = 6 + 6 + 4 rows: 3 + 3 + 2 per process) is weighted exactly.
    uneven = regressor()
    uneven.fit(X, Y, batch_size=6, epochs=1, verbose=0, shuffle=False)
    for i, w in enumerate(uneven.get_weights()):
        results[f"uneven_{i}"] = w

    # DataLoaders: a plain one (global batches of 8, split) and one with a DistributedSampler
    # (batches of 4 of this process's part: rows r, r + 2, ...; together rows 0-7, 8-15).
    data = torch.utils.data.TensorDataset(torch.as_tensor(X), torch.as_tensor(Y))
    plain = torch.utils.data.DataLoader(data, batch_size=8)
    sampler = torch.utils.data.distributed.DistributedSampler(data, shuffle=False)
    own_part = torch.utils.data.DataLoader(data, batch_size=4, sampler=sampler)
    for name, loader in (("plain_loader", plain), ("sampler_loader", own_part)):
        model = regressor()
        model.fit(loader, epochs=1, verbose=0)
        for i, w in enumerate(model.get_weights()):
            results[f"{name}_{i}"] = w

    own_step = own_step_regressor()
    history = own_step.fit(X, Y, shuffle=False, **FIT)
    results["own_step_history"] = json.dumps(history.history)
    for i, w in enumerate(own_step.get_weights()):
        results[f"own_step_{i}"] = w

    try:
        regressor().fit(X, Y, batch_size=5, epochs=1, verbose=0)
    except ValueError as e:
        results["odd_batch_error"] = str(e)

    cornu.distribution.set_distribution(None)  # the native workflow: torch's own DDP
    for i, w in enumerate(_native_ddp_weights(torch, X, Y, rank=rank, world=2)):
        results[f"native_{i}"] = w
    np.savez(os.path.join(out_dir, f"rank{rank}.npz"), **results)


# -- the tests -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """Runs the 2-process job once; returns each process's results."""
    out_dir = tmp_path_factory.mktemp("torch_data_parallel")
    ranks, outputs = run_torch_ranks(os.path.abspath(__file__), out_dir)
    return out_dir, ranks, outputs


def _weights(results, prefix="weight"):
    return [results[f"{prefix}_{i}"] for i in range(len(INITIAL))]


def _close_histories(a, b):
    assert set(a) == set(b)
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=1e-5, atol=1e-6, err_msg=key)


def test_two_processes_train_like_one_on_the_global_batch(job):
    _, ranks, _ = job
    history, weights, evaluation, prediction = fit_reference(shuffle=False)
    for results in ranks:
        _close_histories(json.loads(str(results["history"])), history)
        for got, want in zip(_weights(results), weights):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        _close_histories(json.loads(str(results["evaluate"])), evaluation)
        np.testing.assert_allclose(results["predict"], prediction, rtol=1e-5, atol=1e-6)


def test_history_is_the_same_on_every_process(job):
    _, ranks, _ = job
    assert str(ranks[0]["history"]) == str(ranks[1]["history"])
    assert str(ranks[0]["shuffled_history"]) == str(ranks[1]["shuffled_history"])


def test_processes_shuffle_with_process_0s_seed(job):
    _, ranks, _ = job
    np.random.seed(1)  # process 0's seed
    history, _, _, _ = fit_reference(shuffle=True)
    _close_histories(json.loads(str(ranks[0]["shuffled_history"])), history)


def test_an_uneven_final_batch_is_weighted_by_rows(job):
    _, ranks, _ = job
    model = regressor()
    model.fit(X, Y, batch_size=6, epochs=1, verbose=0, shuffle=False)
    for results in ranks:
        for got, want in zip(_weights(results, "uneven"), model.get_weights()):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("loader", ["plain_loader", "sampler_loader"])
def test_torch_dataloaders_split_or_keep_their_batches(job, loader):
    _, ranks, _ = job
    model = regressor()
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    for results in ranks:
        for got, want in zip(_weights(results, loader), model.get_weights()):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_train_step_override_steps_on_the_global_gradients(job):
    _, ranks, _ = job
    model = own_step_regressor()
    history = model.fit(X, Y, shuffle=False, **FIT).history
    for results in ranks:
        _close_histories(json.loads(str(results["own_step_history"])), history)
        for got, want in zip(_weights(results, "own_step"), model.get_weights()):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_only_process_0_writes_checkpoints_and_logs(job):
    out_dir, _, outputs = job
    written = sorted(os.listdir(out_dir / "rank0"))
    assert written == ["backup", "ckpt.weights.h5", "log.csv", "tensorboard"]
    assert not os.path.exists(out_dir / "rank1")  # (each process was given its own folder)
    with open(out_dir / "rank0" / "log.csv") as f:
        lines = f.read().splitlines()
    assert lines[0].startswith("epoch,") and len(lines) == 3
    assert "Epoch 2/2" in outputs[0] and "Epoch" not in outputs[1]  # the progress lines


def test_batch_size_not_divisible_by_process_count_raises(job):
    _, ranks, _ = job
    for results in ranks:
        message = str(results["odd_batch_error"])
        assert "batch_size=5 does not split evenly over the 2 processes" in message


def test_model_wrapped_in_torchs_own_ddp_trains_in_a_plain_torch_loop(job):
    import torch

    _, ranks, _ = job
    want = _native_ddp_weights(torch, X, Y)
    for results in ranks:
        for got, expected in zip(_weights(results, "native"), want):
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


# -- one process -----------------------------------------------------------------------------


@pytest.fixture
def data_parallel():
    cornu.distribution.set_distribution(cornu.distribution.DataParallel())
    yield
    cornu.distribution.set_distribution(None)


def test_one_process_data_parallel_trains_exactly_as_without(data_parallel):
    history, weights, _, _ = fit_reference(shuffle=False)
    cornu.distribution.set_distribution(None)
    want_history, want_weights, _, _ = fit_reference(shuffle=False)
    assert history == want_history
    for got, want in zip(weights, want_weights):
        np.testing.assert_array_equal(got, want)


def test_fit_before_initialize_in_a_multi_process_launch_raises(data_parallel, monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(ValueError, match=r"call cornu.distribution.initialize\(\) in every"):
        regressor().fit(X, Y, **FIT)


def test_model_parallel_larger_than_the_job_is_refused_on_torch():
    mesh = cornu.distribution.DeviceMesh((1, 2), ["batch", "model"], ["cpu:0", "cpu:1"])
    layout_map = cornu.distribution.LayoutMap(mesh)
    layout_map["dense.*kernel"] = (None, "model")
    with pytest.raises(ValueError, match=r"holds 2 devices, but this job has 1 process"):
        cornu.distribution.set_distribution(cornu.distribution.ModelParallel(layout_map=layout_map))
    assert cornu.distribution.distribution() is None


def test_a_batch_splits_into_consecutive_slices_first_ones_larger():
    from cornu.trainers.data_adapters import process_split

    batch = (np.arange(5), {"a": np.arange(5) * 10}, None)
    parts = [process_split.process_slice(batch, r, 2) for r in range(2)]
    np.testing.assert_array_equal(parts[0][0], [0, 1, 2])
    np.testing.assert_array_equal(parts[1][1]["a"], [30, 40])
    assert parts[1][2] is None
    with pytest.raises(ValueError, match="A batch of 1 rows cannot be split over 2 processes"):
        process_split.process_slice((np.arange(1),), 1, 2)


def test_initialize_without_a_coordinator_address_raises(monkeypatch):
    from cornu.backend.torch import distribution

    for name in ("MASTER_ADDR", "MASTER_PORT", "KERAS_DISTRIBUTION_JOB_ADDRESSES"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="need the address of process 0"):
        distribution.initialize(None, 2, 0)


if __name__ == "__main__":
    _worker(sys.argv[1])
