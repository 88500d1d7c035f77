"""
Title: Data-parallel training on TensorFlow with cornu.distribution
Description: One model mirrored on every device by tf.distribute; each device trains on a
slice of every batch.

## Introduction

On the tensorflow backend `cornu.distribution.DataParallel` runs on `tf.distribute`: in one
process a `tf.distribute.MirroredStrategy` over the mesh's devices, across machines a
`tf.distribute.MultiWorkerMirroredStrategy`. Variables made while the distribution is set
are mirrored (one copy per device); `fit`, `evaluate` and `predict` hand each device its rows
of every batch with `strategy.run`, scale each device's loss by its share of the global batch
(as tf.keras does), sum the gradients and apply them once to every copy. The losses, metrics
and weights are those of one device training on the whole batch.

The tf.keras workflow works too: build and compile the model inside
`with tf.distribute.MirroredStrategy().scope():`, then call `fit` (see the end).

## Running it

On one machine, this script splits the CPU into 2 logical devices (a stand-in for 2 GPUs):

    CORNU_BACKEND=tensorflow python examples/distribution_tensorflow.py [--devices 2] [--epochs 3]

On a machine with GPUs, pass `--devices 0` to use the GPUs as they are.

On several machines (multi-worker), start this script once per machine with `--devices 0`
and TF_CONFIG naming every worker and this one's index:

    TF_CONFIG='{"cluster": {"worker": ["10.0.0.1:12345", "10.0.0.2:12345"]},
                "task": {"type": "worker", "index": 0}}' \\
        CORNU_BACKEND=tensorflow python examples/distribution_tensorflow.py --devices 0

(`"index": 1` on the second machine.) Instead of TF_CONFIG you can set
KERAS_DISTRIBUTION_JOB_ADDRESSES (all workers' addresses, comma separated, in order),
KERAS_DISTRIBUTION_NUM_PROCESSES and KERAS_DISTRIBUTION_PROCESS_ID;
`cornu.distribution.initialize()` writes TF_CONFIG from them. Each worker reads its own part
of the data, and only worker 0 writes checkpoints.
"""

import argparse
import os
import sys

parser = argparse.ArgumentParser(description="Data-parallel training on TensorFlow.")
parser.add_argument("--devices", type=int, default=2, help="logical CPU devices; 0: as found")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--batch-size", type=int, default=64, help="the global batch size")
args = parser.parse_args()
os.environ.setdefault("CORNU_BACKEND", "tensorflow")

import tensorflow as tf  # noqa: E402

# Logical devices exist only if set before TensorFlow starts: before any op runs.
if args.devices:
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * args.devices
    )

from sklearn.datasets import load_digits  # noqa: E402

import cornu  # noqa: E402
from cornu import distribution, layers  # noqa: E402

if cornu.backend.backend() != "tensorflow":
    sys.exit(
        f"This example runs on the tensorflow backend; CORNU_BACKEND={cornu.backend.backend()}."
    )

"""
## Joining the other workers (several machines only)

`initialize()` reads TF_CONFIG (or the KERAS_DISTRIBUTION_* variables) and creates the
MultiWorkerMirroredStrategy, which TensorFlow needs before any other op runs.
"""

multi_worker = "TF_CONFIG" in os.environ or "KERAS_DISTRIBUTION_NUM_PROCESSES" in os.environ
if multi_worker:
    distribution.initialize()

"""
## The distribution

`DataParallel()` builds a one-axis mesh ("batch") over this process's devices. Setting it
before the model is built makes every variable mirrored.
"""

devices = distribution.list_devices()
print(f"{len(devices)} devices: {devices}")
distribution.set_distribution(distribution.DataParallel(devices=devices))

"""
## Data

Scikit-learn's 8x8 digits (bundled, no download). Each worker reads its own part; with one
process that is all of it.
"""

digits = load_digits()
images = (digits.images[..., None] / 16.0).astype("float32")
labels = digits.target.astype("int32")
x_train, y_train = images[:1500], labels[:1500]
x_test, y_test = images[1500:], labels[1500:]
workers, worker = distribution.distribution().num_processes, distribution.distribution().process_id
x_train, y_train = x_train[worker::workers], y_train[worker::workers]

"""
## The model

Built, compiled and trained exactly as on one device.
"""


def build_model():
    model = cornu.Sequential(
        [
            cornu.Input((8, 8, 1)),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=cornu.optimizers.Adam(3e-3),
        loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


model = build_model()
print("weights are", type(model.weights[0]._storage).__name__)  # MirroredVariable
per_worker_batch = args.batch_size // workers
model.fit(x_train, y_train, batch_size=per_worker_batch, epochs=args.epochs, verbose=2)
loss, accuracy = model.evaluate(x_test, y_test, batch_size=per_worker_batch, verbose=0)
print(f"DataParallel: test loss {loss:.4f}, accuracy {accuracy:.3f}")

"""
## The tf.keras workflow: a strategy scope of your own

Without `cornu.distribution`, a model built and compiled inside a strategy's scope trains
under that strategy, as in tf.keras (one process here; use MultiWorkerMirroredStrategy
across machines).
"""

if not multi_worker:
    distribution.set_distribution(None)
    strategy = tf.distribute.MirroredStrategy([f"/{d}" for d in devices])
    with strategy.scope():
        scoped = build_model()
    scoped.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, verbose=0)
    loss, accuracy = scoped.evaluate(x_test, y_test, batch_size=args.batch_size, verbose=0)
    print(f"MirroredStrategy scope: test loss {loss:.4f}, accuracy {accuracy:.3f}")
    if accuracy < 0.8:
        sys.exit(f"accuracy {accuracy:.3f} is below 0.8: something is wrong")
