"""cornu.distribution against Keras 3's keras.distribution on JAX, black box.

The same user code (keras_vs_child.py) runs under `import keras` and `import cornu as keras`,
each in its own process with 8 JAX host devices; what it observes must agree: mesh, layout and
LayoutMap attributes and lookups, DataParallel/ModelParallel layouts, the shardings variables
get, error types, and the losses and weights of a tiny DataParallel fit.
"""

import concurrent.futures
import importlib.util

import numpy as np
import pytest

from cornu import backend
from tests.distribution.conftest import child_env, run_child

pytestmark = [
    pytest.mark.skipif(
        backend.backend() != "jax",
        reason="starts its own jax processes; run once, under the jax backend",
    ),
    pytest.mark.skipif(importlib.util.find_spec("keras") is None, reason="Keras not installed"),
]


@pytest.fixture(scope="module")
def observed():
    env = child_env("jax", device_count=8)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        runs = {lib: pool.submit(run_child, "keras_vs_child.py", lib, env=env) for lib in
                ("keras", "cornu")}  # fmt: skip
        return {lib: run.result() for lib, run in runs.items()}


NUMERIC = ("fit_loss", "fit_weights")


def test_same_observations(observed):
    keras, cornu = observed["keras"], observed["cornu"]
    assert keras.keys() == cornu.keys()
    different = {
        k: (keras[k], cornu[k]) for k in keras if k not in NUMERIC and keras[k] != cornu[k]
    }
    assert not different


def test_same_data_parallel_fit(observed):
    keras, cornu = observed["keras"], observed["cornu"]
    np.testing.assert_allclose(cornu["fit_loss"], keras["fit_loss"], rtol=1e-5)
    for ours, theirs in zip(cornu["fit_weights"], keras["fit_weights"]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
