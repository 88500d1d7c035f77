"""ModelParallel on the torch backend (DTensors): 2 CPU processes (gloo) against 1 process.

The job (`torch_model_parallel_child.py`, 2 processes on 127.0.0.1) trains a small MLP whose
Dense kernels a LayoutMap splits over the "model" axis of a (1, 2) and a (2, 1)
("batch", "model") mesh; the tests compare its losses, weights, evaluation and predictions
with the same training in this single process, and check the DTensor placements.
"""

import json
import os

import numpy as np
import pytest

import cornu
from cornu import backend
from tests.distribution import torch_model_parallel_child as child
from tests.distribution.conftest import HERE, run_torch_ranks

pytestmark = pytest.mark.skipif(
    backend.backend() != "torch",
    reason="these tests run torch.distributed.tensor (ModelParallel on the other backends is "
    "tested in their own files)",
)

# The placements of (dense/kernel, dense/bias, dense_1/kernel, dense_1/bias), as DTensor
# writes them: one per mesh axis ("batch", "model").
WANT_PLACEMENTS = [["R", "S(1)"], ["R", "R"], ["R", "S(0)"], ["R", "R"]]


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """Runs the 2-process job once; returns its folder, each process's results and output."""
    out_dir = tmp_path_factory.mktemp("torch_model_parallel")
    ranks, outputs = run_torch_ranks(HERE / "torch_model_parallel_child.py", out_dir)
    return out_dir, ranks, outputs


@pytest.fixture(scope="module")
def reference():
    """One process, no distribution: (history, weights, evaluation, predictions)."""
    model = child.mlp()
    history = model.fit(child.X, child.Y, **child.FIT).history
    evaluation = model.evaluate(child.X, child.Y, batch_size=8, verbose=0, return_dict=True)
    prediction = model.predict(child.X, batch_size=8, verbose=0)
    return history, model.get_weights(), evaluation, prediction


def _close(got, want, what):
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=what)


@pytest.mark.parametrize("mesh", list(child.MESHES))
def test_two_processes_train_like_one(job, reference, mesh):
    _, ranks, _ = job
    history, weights, evaluation, prediction = reference
    for results in ranks:
        got = json.loads(str(results[f"{mesh}_history"]))
        assert set(got) == set(history)
        for key in history:
            _close(got[key], history[key], key)
        for i, want in enumerate(weights):
            _close(results[f"{mesh}_weight_{i}"], want, f"weight {i}")
        got = json.loads(str(results[f"{mesh}_evaluate"]))
        for key in evaluation:
            _close(got[key], evaluation[key], key)
        _close(results[f"{mesh}_predict"], prediction, "predict")


@pytest.mark.parametrize("mesh", list(child.MESHES))
def test_variables_have_the_layout_maps_placements(job, mesh):
    _, ranks, _ = job
    for results in ranks:
        got = [json.loads(str(results[f"{mesh}_placements_{i}"])) for i in range(4)]
        assert got == WANT_PLACEMENTS
        # the gradients are laid out like their variables (not left as partial sums)
        got = [json.loads(str(results[f"{mesh}_grad_placements_{i}"])) for i in range(4)]
        assert got == WANT_PLACEMENTS


def test_distribute_tensor_places_by_the_layout(job):
    _, ranks, _ = job
    for results in ranks:
        assert json.loads(str(results["distribute_tensor"])) == ["R", "S(0)"]
        np.testing.assert_array_equal(
            results["distribute_tensor_local"], np.arange(8).reshape(2, 4)
        )


def test_a_layout_axis_not_in_the_mesh_raises(job):
    _, ranks, _ = job
    for results in ranks:
        message = str(results["unknown_axis_error"])
        assert "name the axis 'nope'" in message and "['batch', 'model']" in message


def test_a_batch_not_split_evenly_over_the_batch_axis_raises(job):
    _, ranks, _ = job
    for results in ranks:
        message = str(results["uneven_batch_error"])
        assert "a batch of 7 rows does not split evenly over the 2 devices" in message
        assert "rows per process are [4, 3]" in message


def test_only_process_0_writes_the_checkpoint(job, reference):
    out_dir, ranks, _ = job
    assert "checkpoint_error" not in ranks[0], str(ranks[0]["checkpoint_error"])
    assert not (out_dir / "rank1").exists()
    assert os.listdir(out_dir / "rank0") == ["ckpt.weights.h5"]
    want = child.mlp()
    want.fit(child.X, child.Y, **child.FIT)
    want.fit(child.X, child.Y, **dict(child.FIT, epochs=1))
    got = child.mlp()
    got.load_weights(out_dir / "rank0" / "ckpt.weights.h5")
    for a, b in zip(got.get_weights(), want.get_weights()):
        _close(a, b, "checkpoint")


# -- one process ------------------------------------------------------------------------------


def test_a_mesh_larger_than_the_job_raises():
    mesh = cornu.distribution.DeviceMesh((1, 2), ["batch", "model"], ["cpu:0", "cpu:1"])
    layout_map = cornu.distribution.LayoutMap(mesh)
    layout_map[".*kernel"] = (None, "model")
    with pytest.raises(
        ValueError, match=r"shape \(1, 2\).*holds 2 devices, but this job has 1 process"
    ):
        cornu.distribution.set_distribution(cornu.distribution.ModelParallel(layout_map=layout_map))
    assert cornu.distribution.distribution() is None


def test_placements_follow_the_layout_axes():
    from torch.distributed.tensor import Replicate, Shard

    from cornu.backend.torch import model_parallel

    mesh = cornu.distribution.DeviceMesh((1, 2), ["batch", "model"], ["cpu:0", "cpu:1"])
    layout = cornu.distribution.TensorLayout
    assert model_parallel.placements(layout([None, "model"]), mesh) == [Replicate(), Shard(1)]
    assert model_parallel.placements(layout(["batch", "model"]), mesh) == [Shard(0), Shard(1)]
    assert model_parallel.placements(layout([None, None]), mesh) == [Replicate(), Replicate()]
    with pytest.raises(ValueError, match=r"name the axis 'nope'.*\['batch', 'model'\]"):
        model_parallel.placements(layout([None, "nope"]), mesh)
    with pytest.raises(ValueError, match=r"split the dimensions \[0, 1\] over the same mesh"):
        model_parallel.placements(layout(["model", "model"]), mesh)
    with pytest.raises(ValueError, match="have 1 entries, but the tensor has 2 dimensions"):
        model_parallel.placements(layout(["model"]), mesh, ndim=2)


def test_a_one_device_model_parallel_trains_as_without(reference):
    mesh = cornu.distribution.DeviceMesh((1, 1), ["batch", "model"], ["cpu:0"])
    layout_map = cornu.distribution.LayoutMap(mesh)
    layout_map[".*kernel"] = (None, "model")
    with cornu.distribution.ModelParallel(layout_map=layout_map).scope():
        model = child.mlp()
        history = model.fit(child.X, child.Y, **child.FIT).history
    assert history == reference[0]
    for got, want in zip(model.get_weights(), reference[1]):
        np.testing.assert_array_equal(got, want)
