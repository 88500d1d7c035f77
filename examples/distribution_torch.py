"""
Title: Data-parallel training on PyTorch with cornu.distribution
Description: One model, several processes, each training on its slice of every batch.

## Introduction

`cornu.distribution.DataParallel` on the torch backend runs one process per device. Every
process holds the whole model; `fit(x, y, batch_size=64)` gives each of N processes 64 / N
rows of every global batch of 64; after each `backward()` the gradients are averaged across
processes with `torch.distributed.all_reduce` (gloo on CPU, nccl on GPU), so every process
takes the optimizer step one process would take on the whole batch. Metrics are combined
across processes, so `History` holds the global numbers on every process, and only process
0 writes checkpoints, CSV logs and the progress bar.

## Running it

On one machine, with 2 CPU processes (this script starts them itself):

    CORNU_BACKEND=torch python examples/distribution_torch.py

On several machines, start one process per device with torchrun, e.g. 2 machines with 4
GPUs each (run on every machine, with its own --node-rank):

    CORNU_BACKEND=torch torchrun --nnodes=2 --nproc-per-node=4 --node-rank=0 \\
        --master-addr=10.0.0.1 --master-port=29500 examples/distribution_torch.py

torchrun sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT, which
`cornu.distribution.initialize()` reads (as it reads KERAS_DISTRIBUTION_JOB_ADDRESSES,
KERAS_DISTRIBUTION_NUM_PROCESSES and KERAS_DISTRIBUTION_PROCESS_ID). The checkpoint folder
should be on a filesystem every machine sees, for BackupAndRestore to resume everywhere.
"""

import os
import socket
import subprocess
import sys
import tempfile

import numpy as np

import cornu
from cornu import layers

"""
## Setup: join the job

`initialize()` must come first in every process: it calls
`torch.distributed.init_process_group`. Then `DataParallel()` spans every process's device.
"""


def main(out_dir):
    cornu.distribution.initialize()
    distribution = cornu.distribution.DataParallel()
    cornu.distribution.set_distribution(distribution)
    rank, count = distribution.process_id, distribution.num_processes
    print(f"process {rank} of {count}, devices {cornu.distribution.list_devices()}")

    """
    ## The data

    Every process loads the same data (here a synthetic two-class problem); fit splits each
    global batch between the processes. Shuffling is the same everywhere (process 0's seed).
    A torch DataLoader with a `DistributedSampler` is used as it is instead: its batches are
    already this process's part.
    """
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2048, 20)).astype("float32")
    y = (x[:, :5].sum(axis=1) > 0).astype("int32")

    """
    ## The model

    Built and compiled as usual. The processes may start from different random weights:
    the first `fit` gives every process process 0's weights.
    """
    model = cornu.Sequential(
        [
            cornu.Input((20,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(64, activation="relu"),
            layers.Dense(2),
        ]
    )
    model.compile(
        optimizer=cornu.optimizers.Adam(1e-3),
        loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )

    """
    ## Training

    `batch_size` is the global batch: 64 rows per step over all processes. Pass the same
    callbacks in every process; only process 0 writes files.
    """
    callbacks = [
        cornu.callbacks.ModelCheckpoint(os.path.join(out_dir, "model.keras")),
        cornu.callbacks.CSVLogger(os.path.join(out_dir, "training.csv")),
    ]
    history = model.fit(
        x, y, batch_size=64, epochs=3, validation_split=0.2, callbacks=callbacks,
        verbose=2,
    )  # fmt: skip
    print(f"process {rank}: final accuracy {history.history['accuracy'][-1]:.4f}")
    if history.history["accuracy"][-1] < 0.9:
        raise SystemExit(f"process {rank}: the model did not learn")


"""
## Starting 2 local processes (what torchrun does for you)
"""


def launch_locally(processes=2):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out_dir = tempfile.mkdtemp(prefix="cornu_distribution_torch_")
    children = [
        subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), out_dir],
            env=dict(
                os.environ,
                CORNU_BACKEND="torch",
                RANK=str(rank),
                WORLD_SIZE=str(processes),
                LOCAL_RANK=str(rank),
                MASTER_ADDR="127.0.0.1",
                MASTER_PORT=str(port),
                OMP_NUM_THREADS="1",
            ),  # fmt: skip
        )
        for rank in range(processes)
    ]
    codes = [child.wait() for child in children]
    print(f"checkpoint and log in {out_dir}: {sorted(os.listdir(out_dir))}")
    return max(codes)


if __name__ == "__main__":
    if "RANK" in os.environ:  # one of the job's processes (started by torchrun or below)
        main(sys.argv[1] if len(sys.argv) > 1 else tempfile.gettempdir())
    else:
        sys.exit(launch_locally())
