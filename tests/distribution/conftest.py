"""Fixtures for the distribution tests: running child processes with host devices."""

import json
import os
import pathlib
import socket
import subprocess
import sys

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
