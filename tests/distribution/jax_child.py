"""Runs distributed JAX training in a child process and prints its observations as JSON.

`python jax_child.py mesh` trains a tiny model on one device, with DataParallel over 8 host
devices and with ModelParallel on a 2x4 mesh; `python jax_child.py worker PID PORT DIR` is one
of two processes joined by `cornu.distribution.initialize` (PID -1: the single-process
reference). The parent tests (test_jax_distribution.py, test_jax_multiprocess.py) set
XLA_FLAGS and CORNU_BACKEND=jax.
"""

import json
import os
import re
import sys

import numpy as np

import cornu
from cornu import distribution, layers
from cornu.backend.common import distribution_state


def build_model():
    cornu.utils.set_random_seed(1)
    model = cornu.Sequential(
        [
            cornu.Input((6,)),
            layers.Dense(8, activation="relu", name="dense_a"),
            layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c", name="einsum_b"),
            layers.Dense(1, name="dense_c"),
        ]
    )
    model.compile(optimizer=cornu.optimizers.Adam(0.01), loss="mse")
    return model


def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(16, 6)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")


def spec(value):
    return [list(a) if isinstance(a, tuple) else a for a in value.sharding.spec]


def train(dist):
    x, y = data()
    if dist is not None:
        distribution.set_distribution(dist)
    model = build_model()
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    result = {
        "loss": history.history["loss"],
        "evaluate": float(model.evaluate(x, y, batch_size=8, verbose=0)),
        "predict": model.predict(x, batch_size=8, verbose=0).tolist(),
        "weights": {v.path.split("/", 1)[1]: v.numpy().tolist() for v in model.weights},
    }
    if dist is not None:
        result["variable_specs"] = {v.path.split("/", 1)[1]: spec(v.value) for v in model.weights}
        result["slot_specs"] = {
            re.sub(r"^sequential(_\d+)?_", "", v.name): spec(v.value)
            for v in model.optimizer.variables
            if v.name.endswith(("momentum", "velocity"))
        }
        try:
            model.fit(x[:6], y[:6], batch_size=6, epochs=1, verbose=0)
        except ValueError as error:
            result["odd_batch_error"] = str(error)
        distribution.set_distribution(None)
    return result


def mesh():
    out = {"devices": distribution.list_devices(), "count": distribution.get_device_count()}
    out["single"] = train(None)
    out["data_parallel"] = train(distribution.DataParallel())
    device_mesh = distribution.DeviceMesh((2, 4), ["batch", "model"])
    layout_map = distribution.LayoutMap(device_mesh)
    layout_map[".*dense_a/kernel"] = (None, "model")  # (paths start with the model's name)
    layout_map[".*einsum_b/kernel"] = ("model", None)
    out["model_parallel"] = train(distribution.ModelParallel(layout_map=layout_map))
    with distribution.ModelParallel(layout_map=layout_map).scope():
        try:
            layers.Dense(6, name="dense_a").build((None, 3))  # 6 columns over 4 devices
        except ValueError as error:
            out["indivisible_variable_error"] = str(error)
    print(json.dumps(out))


def worker(process_id, port, folder):
    """Global batches of 8: process p feeds rows [8 s + 4 p, 8 s + 4 p + 4) of step s."""
    x, y = data()
    if process_id >= 0:
        distribution.initialize(f"127.0.0.1:{port}", 2, process_id)
        rows = np.concatenate([np.arange(8 * s + 4 * process_id, 8 * s + 4 * process_id + 4)
                               for s in range(2)])  # fmt: skip
        x, y, batch_size = x[rows], y[rows], 4
        distribution.set_distribution(distribution.DataParallel())
    else:
        batch_size = 8
    model = build_model()
    folder = os.path.join(folder, f"process_{process_id}")
    checkpoint = cornu.callbacks.ModelCheckpoint(
        os.path.join(folder, "model.weights.h5"), save_weights_only=True
    )
    history = model.fit(
        x, y, batch_size=batch_size, epochs=2, verbose=0, shuffle=False, callbacks=[checkpoint]
    )
    print(
        json.dumps(
            {
                "loss": history.history["loss"],
                "device_count": distribution.get_device_count(),
                "is_chief": distribution_state.is_chief(),
                "num_processes": distribution_state.num_processes(),
                "wrote_checkpoint": os.path.exists(os.path.join(folder, "model.weights.h5")),
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1] == "mesh":
        mesh()
    else:
        worker(int(sys.argv[2]), sys.argv[3], sys.argv[4])
