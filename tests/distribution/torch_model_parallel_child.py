"""One process of the torch ModelParallel job (`test_torch_model_parallel.py` starts two).

`python torch_model_parallel_child.py <out_dir>`, with RANK, WORLD_SIZE, MASTER_ADDR and
MASTER_PORT set: trains the test's MLP under ModelParallel on a (1, 2) and a (2, 1)
("batch", "model") mesh and writes what this process saw to `<out_dir>/rank<r>.npz`.
"""

import json
import os
import sys

import numpy as np

import cornu
from cornu import layers

RNG = np.random.default_rng(3)
X = RNG.normal(size=(16, 6)).astype("float32")
Y = RNG.normal(size=(16, 2)).astype("float32")
FIT = dict(batch_size=8, epochs=2, verbose=0, shuffle=False)
LAYOUTS = {".*dense/kernel": (None, "model"), ".*dense_1/kernel": ("model", None)}
MESHES = {"1x2": (1, 2), "2x1": (2, 1)}


def mlp():
    """The MLP, its initial weights fixed by the seed (the same in every process)."""
    cornu.utils.set_random_seed(11)
    model = cornu.Sequential(
        [
            cornu.Input((6,)),
            layers.Dense(8, activation="relu", name="dense"),
            layers.Dense(2, name="dense_1"),
        ],
        name="mlp",
    )
    model.compile(optimizer=cornu.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model


def model_parallel(shape):
    mesh = cornu.distribution.DeviceMesh(shape, ["batch", "model"])
    layout_map = cornu.distribution.LayoutMap(mesh)
    for key, axes in LAYOUTS.items():
        layout_map[key] = axes
    return cornu.distribution.ModelParallel(layout_map=layout_map)


def train(name, shape, results):
    from torch.distributed.tensor import DTensor

    from cornu.backend.torch import model_parallel as engine

    cornu.distribution.set_distribution(model_parallel(shape))
    model = mlp()
    history = model.fit(X, Y, **FIT)
    results[f"{name}_history"] = json.dumps(history.history)
    for i, v in enumerate(model.weights):
        value = v.value
        placements = [str(p) for p in value.placements] if isinstance(value, DTensor) else None
        results[f"{name}_placements_{i}"] = json.dumps(placements)
        grad = value.grad  # (the last step's gradient)
        grad_placements = [str(p) for p in grad.placements] if isinstance(grad, DTensor) else None
        results[f"{name}_grad_placements_{i}"] = json.dumps(grad_placements)
        results[f"{name}_weight_{i}"] = engine.full(value).detach().numpy().copy()
    evaluation = model.evaluate(X, Y, batch_size=8, verbose=0, return_dict=True)
    results[f"{name}_evaluate"] = json.dumps(evaluation)
    results[f"{name}_predict"] = model.predict(X, batch_size=8, verbose=0)
    return model


def worker(out_dir):
    cornu.distribution.initialize()  # (torchrun's variables: RANK, WORLD_SIZE, MASTER_*)
    rank = cornu.distribution.DataParallel().process_id
    results = {}
    for name, shape in MESHES.items():
        model = train(name, shape, results)
    placed = cornu.distribution.distribute_tensor(
        np.arange(8, dtype="float32").reshape(2, 4),
        cornu.distribution.TensorLayout(["model", None]),
    )  # (on the last mesh, (2, 1): "model" has one device)
    results["distribute_tensor"] = json.dumps([str(p) for p in placed.placements])
    results["distribute_tensor_local"] = placed.to_local().numpy().copy()
    try:  # an axis the mesh does not have
        cornu.distribution.distribute_tensor(
            np.zeros((2, 2), "float32"), cornu.distribution.TensorLayout([None, "nope"])
        )
    except ValueError as error:
        results["unknown_axis_error"] = str(error)

    # Process 0 alone writes the checkpoint (each process is given its own folder) of the
    # (2, 1) model after one more epoch.
    checkpoint = cornu.callbacks.ModelCheckpoint(
        os.path.join(out_dir, f"rank{rank}", "ckpt.weights.h5"), save_weights_only=True
    )
    try:
        model.fit(X, Y, callbacks=[checkpoint], **dict(FIT, epochs=1))
    except RuntimeError as error:
        results["checkpoint_error"] = str(error)

    try:  # the final batch of 7 rows does not split over the 2 devices of "batch" (2x1)
        model.fit(X[:15], Y[:15], **dict(FIT, epochs=1))
    except ValueError as error:
        results["uneven_batch_error"] = str(error)
    np.savez(os.path.join(out_dir, f"rank{rank}.npz"), **results)


if __name__ == "__main__":
    worker(sys.argv[1])
