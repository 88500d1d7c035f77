"""
Title: Data-parallel training on JAX with cornu.distribution
Description: One model, replicated over every device; each device trains on a slice of every batch.

## Introduction

`cornu.distribution.DataParallel` on the jax backend keeps one copy of every weight on each
device (a replicated `jax.sharding.NamedSharding`) and splits every batch over the devices
along the mesh's "batch" axis. `fit` runs the same jitted training step as on one device; XLA
compiles it SPMD over the device mesh and inserts the all-reduce of the gradients itself, so
the losses and weights are those of one device training on the whole batch.

## Running it

On one machine, this script asks XLA for 8 CPU "host devices" (a stand-in for 8 GPUs):

    CORNU_BACKEND=jax python examples/distribution_jax.py [--devices 8] [--epochs 3]

On a machine with GPUs or TPUs, pass `--devices 0` to use the real devices as they are.

On several machines, start this script once per machine (one process per host; each process
drives its local devices) with the coordinator's address and the process's index:

    KERAS_DISTRIBUTION_JOB_ADDRESSES=10.0.0.1:1234 \\
    KERAS_DISTRIBUTION_NUM_PROCESSES=2 \\
    KERAS_DISTRIBUTION_PROCESS_ID=0 \\
        CORNU_BACKEND=jax python examples/distribution_jax.py --devices 0

(`KERAS_DISTRIBUTION_PROCESS_ID=1` on the second machine.) `cornu.distribution.initialize()`
reads these variables and calls `jax.distributed.initialize` (the first address is the
coordinator). `list_devices()` then names the devices of all machines; each process feeds its
own part of every global batch, and only process 0 writes checkpoints.
"""

import argparse
import os
import sys

parser = argparse.ArgumentParser(description="Data-parallel training on JAX host devices.")
parser.add_argument("--devices", type=int, default=8, help="CPU host devices; 0: as found")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--batch-size", type=int, default=64, help="the global batch size")
args = parser.parse_args()

# XLA reads its flags when JAX starts: set them before cornu (and so jax) is imported.
if args.devices:
    os.environ["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={args.devices}"
os.environ.setdefault("CORNU_BACKEND", "jax")

from sklearn.datasets import load_digits  # noqa: E402

import cornu  # noqa: E402
from cornu import distribution, layers  # noqa: E402

if cornu.backend.backend() != "jax":
    sys.exit(f"This example runs on the jax backend; CORNU_BACKEND={cornu.backend.backend()}.")

"""
## Joining the other processes (several machines only)
"""

if "KERAS_DISTRIBUTION_NUM_PROCESSES" in os.environ:
    distribution.initialize()  # before any JAX computation

"""
## The distribution

`DataParallel()` builds a one-axis mesh ("batch") over all devices. Setting it before the
model is built places every variable as the distribution says.
"""

devices = distribution.list_devices()
print(f"{len(devices)} devices: {devices}")
data_parallel = distribution.DataParallel(devices=devices)
distribution.set_distribution(data_parallel)

"""
## Data

Each process reads its own part of the data; with one process that is all of it. A global
batch of 64 over 8 devices gives each device 8 rows.
"""

digits = load_digits()
x = (digits.data / 16.0).astype("float32")
y = digits.target.astype("int32")
process_id, num_processes = data_parallel.process_id, data_parallel.num_processes
x, y = x[process_id::num_processes], y[process_id::num_processes]
batch_size = args.batch_size // num_processes
steps = len(x) // batch_size  # whole batches only: each must split evenly over the devices
x, y = x[: steps * batch_size], y[: steps * batch_size]

"""
## Model and training

Nothing here is specific to distribution: the same code trains on one device.
"""

cornu.utils.set_random_seed(0)  # every process must start from the same weights
model = cornu.Sequential(
    [
        cornu.Input((64,)),
        layers.Dense(128, activation="relu"),
        layers.Dense(64, activation="relu"),
        layers.Dense(10),
    ]
)
model.compile(
    optimizer=cornu.optimizers.Adam(3e-3),
    loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = model.fit(x, y, batch_size=batch_size, epochs=args.epochs, verbose=2)

kernel = model.layers[0].kernel.value
print(f"first kernel's sharding: {kernel.sharding}")
print(
    f"final loss {history.history['loss'][-1]:.4f}, accuracy {history.history['accuracy'][-1]:.3f}"
)
