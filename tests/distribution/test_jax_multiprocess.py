"""Two processes joined by `cornu.distribution.initialize` (jax.distributed on 127.0.0.1,
2 host devices each) train as one process does on the global batch, and only process 0
writes the checkpoint."""

import concurrent.futures

import numpy as np
import pytest

from cornu import backend
from tests.distribution.conftest import child_env, free_port, run_child

pytestmark = pytest.mark.skipif(
    backend.backend() != "jax",
    reason="starts its own jax processes; run once, under the jax backend",
)


def test_two_processes_match_one(tmp_path):
    env = child_env("jax", device_count=2)
    port = free_port()
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        runs = [
            pool.submit(run_child, "jax_child.py", "worker", pid, port, tmp_path, env=env)
            for pid in (-1, 0, 1)
        ]
        single, first, second = (run.result() for run in runs)
    np.testing.assert_allclose(first["loss"], single["loss"], rtol=1e-5)
    np.testing.assert_allclose(second["loss"], single["loss"], rtol=1e-5)
    assert first["device_count"] == second["device_count"] == 4
    assert first["num_processes"] == second["num_processes"] == 2
    assert (first["is_chief"], second["is_chief"]) == (True, False)
    # Each process was given its own checkpoint folder: only process 0's holds a file.
    assert first["wrote_checkpoint"] and not second["wrote_checkpoint"]
    assert single["wrote_checkpoint"]
