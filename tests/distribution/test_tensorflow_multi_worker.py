"""DataParallel across processes on tensorflow: 2 workers (MultiWorkerMirroredStrategy over
127.0.0.1, set up by `cornu.distribution.initialize`) against one process on the global
batches.

This file is also the worker: `python test_tensorflow_multi_worker.py <rank> <port,port>`.
Each worker trains on its half of every global batch and prints what it saw as JSON.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

from cornu import backend

pytestmark = pytest.mark.skipif(
    backend.backend() != "tensorflow",
    reason="these tests run tf.distribute's MultiWorkerMirroredStrategy",
)

RNG = np.random.default_rng(5)
X = RNG.normal(size=(16, 3)).astype("float32")
Y = RNG.normal(size=(16, 1)).astype("float32")
PER_WORKER_BATCH = 4  # a global batch of 8: worker 0's 4 rows, then worker 1's


def _model(keras):
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)]
    )
    model.set_weights([np.full(w.shape, 0.1 * (i + 1), "float32") for i, w in
                       enumerate(model.get_weights())])  # fmt: skip
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    return model


def _worker(rank, ports):
    import cornu as keras
    from cornu import distribution

    addresses = ",".join(f"127.0.0.1:{port}" for port in ports.split(","))
    distribution.initialize(addresses, num_processes=2, process_id=rank)
    distribution.set_distribution(distribution.DataParallel())
    model = _model(keras)
    history = model.fit(
        X[rank::2], Y[rank::2], batch_size=PER_WORKER_BATCH, epochs=2, shuffle=False, verbose=0
    )
    current = distribution.distribution()
    print(
        json.dumps(
            {
                "processes": [current.num_processes, current.process_id],
                "history": history.history,
                "weights": [w.tolist() for w in model.get_weights()],
            }
        )
    )


@pytest.fixture(scope="module")
def workers():
    from tests.distribution.conftest import HERE, ROOT, child_env, free_port

    ports = f"{free_port()},{free_port()}"
    children = [
        subprocess.Popen(
            [sys.executable, str(HERE / "test_tensorflow_multi_worker.py"), str(rank), ports],
            env=child_env("tensorflow"),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for rank in range(2)
    ]
    results = []
    try:
        for child in children:
            out, err = child.communicate(timeout=600)
            if child.returncode != 0:
                raise AssertionError(f"a worker failed:\n{err[-4000:]}")
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    return results


def _reference():
    """One process training on the same global batches (worker 0's rows, then worker 1's)."""
    import cornu as keras

    rows = np.arange(len(X))
    order = np.concatenate(
        [np.concatenate([part[b * PER_WORKER_BATCH:(b + 1) * PER_WORKER_BATCH]
                         for part in (rows[0::2], rows[1::2])])
         for b in range(len(X) // (2 * PER_WORKER_BATCH))]
    )  # fmt: skip
    model = _model(keras)
    history = model.fit(
        X[order], Y[order], batch_size=2 * PER_WORKER_BATCH, epochs=2, shuffle=False, verbose=0
    )
    return history.history, model.get_weights()


def test_two_workers_train_like_one_process_on_the_global_batch(workers):
    history, weights = _reference()
    for result in workers:
        for key, values in history.items():
            np.testing.assert_allclose(result["history"][key], values, rtol=1e-5, err_msg=key)
        for a, b in zip(result["weights"], weights):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_workers_know_their_place(workers):
    assert [w["processes"] for w in workers] == [[2, 0], [2, 1]]


if __name__ == "__main__" and len(sys.argv) == 3:
    _worker(int(sys.argv[1]), sys.argv[2])
