"""DataParallel and ModelParallel on 8 JAX host devices give one device's results.

One child process (jax_child.py, XLA_FLAGS=--xla_force_host_platform_device_count=8) trains a
tiny Dense/EinsumDense model on one device, with DataParallel over 8 devices and with
ModelParallel on a 2x4 ("batch", "model") mesh; the tests read its observations.
"""

import numpy as np
import pytest

from cornu import backend
from tests.distribution.conftest import child_env, run_child

pytestmark = pytest.mark.skipif(
    backend.backend() != "jax",
    reason="starts its own jax process; run once, under the jax backend",
)


@pytest.fixture(scope="module")
def observed():
    return run_child("jax_child.py", "mesh", env=child_env("jax", device_count=8))


def test_host_devices(observed):
    assert observed["devices"] == [f"cpu:{i}" for i in range(8)]
    assert observed["count"] == 8


@pytest.mark.parametrize("name", ["data_parallel", "model_parallel"])
def test_matches_one_device(observed, name):
    single, distributed = observed["single"], observed[name]
    np.testing.assert_allclose(distributed["loss"], single["loss"], rtol=1e-5)
    np.testing.assert_allclose(distributed["evaluate"], single["evaluate"], rtol=1e-5)
    np.testing.assert_allclose(distributed["predict"], single["predict"], rtol=1e-5, atol=1e-6)
    assert distributed["weights"].keys() == single["weights"].keys()
    for path, value in single["weights"].items():
        np.testing.assert_allclose(
            distributed["weights"][path], value, rtol=1e-5, atol=1e-6, err_msg=path
        )


def test_data_parallel_replicates_variables_and_slots(observed):
    result = observed["data_parallel"]
    for path, spec in {**result["variable_specs"], **result["slot_specs"]}.items():
        assert all(axis is None for axis in spec), (path, spec)


def test_model_parallel_shards_as_the_layout_map_says(observed):
    result = observed["model_parallel"]
    assert result["variable_specs"] == {
        "dense_a/kernel": [None, "model"],
        "dense_a/bias": [None],
        "einsum_b/kernel": ["model", None],
        "einsum_b/bias": [None],
        "dense_c/kernel": [None, None],
        "dense_c/bias": [None],
    }
    # The optimizer's slots follow their variable's layout.
    slots = result["slot_specs"]
    assert slots["dense_a_kernel_momentum"] == [None, "model"]
    assert slots["dense_a_kernel_velocity"] == [None, "model"]
    assert slots["einsum_b_kernel_momentum"] == ["model", None]
    assert slots["dense_c_kernel_velocity"] == [None, None]


def test_batch_not_divisible_by_data_parallel_size(observed):
    message = observed["data_parallel"]["odd_batch_error"]
    assert "A batch of 6 samples cannot be split over the 8 devices" in message
    assert "'batch'" in message
    assert "odd_batch_error" not in observed["model_parallel"]  # 6 splits over 2


def test_variable_not_divisible_by_its_mesh_axis(observed):
    message = observed["indivisible_variable_error"]
    assert message.startswith("Variable 'dense_a/kernel': A variable of shape (3, 6) cannot be")
    assert "mesh axis 'model' (4 devices)" in message
