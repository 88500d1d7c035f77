"""Fixtures for the distribution tests: running child processes with host devices."""

import json
import os
import pathlib
import socket
import subprocess
import sys

import numpy as np

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent


def child_env(backend, device_count=None):
    """The environment of a child process: `backend`, and `device_count` JAX host devices."""
    env = dict(os.environ, CORNU_BACKEND=backend, KERAS_BACKEND=backend)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    if device_count is not None:
        # On a loaded machine with fewer cores than devices a device's thread can reach a
        # collective late; XLA's default timeout would then abort the child.
        env["XLA_FLAGS"] = (
            f"--xla_force_host_platform_device_count={device_count} "
            "--xla_cpu_collective_call_terminate_timeout_seconds=600 "
            "--xla_cpu_collective_timeout_seconds=600"
        )
    return env


def run_child(script, *args, env, timeout=300):
    """Runs `HERE/script args` and returns the JSON its last output line holds."""
    result = subprocess.run(
        [sys.executable, str(HERE / script), *map(str, args)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if result.returncode != 0:
        raise AssertionError(f"{script} {args} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_torch_ranks(script, out_dir, world_size=2):
    """Runs `script out_dir` as a `world_size`-process torch.distributed job on 127.0.0.1 and
    returns each rank's results (the `rank<r>.npz` it writes into `out_dir`) and each
    process's output. A process that fails or outlives 180 s fails the test with its output."""
    port = free_port()
    processes = []
    for rank in range(world_size):
        env = child_env("torch")
        env.update(
            RANK=str(rank), WORLD_SIZE=str(world_size), LOCAL_RANK=str(rank),
            MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), OMP_NUM_THREADS="1",
        )  # fmt: skip
        processes.append(
            subprocess.Popen(
                [sys.executable, str(script), str(out_dir)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )  # fmt: skip
        )
    outputs = []
    for p in processes:
        try:
            outputs.append(p.communicate(timeout=180)[0])
        except subprocess.TimeoutExpired:
            for q in processes:
                q.kill()
            raise
    for p, output in zip(processes, outputs):
        assert p.returncode == 0, output[-4000:]
    ranks = [dict(np.load(out_dir / f"rank{r}.npz")) for r in range(world_size)]
    return ranks, outputs
