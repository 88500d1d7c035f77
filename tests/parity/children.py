"""Runs a parity child: one library in its own process, which pickles what it found."""

import os
import pickle
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_child(module, package, args, out, backend, timeout, what, drop_env=()):
    """Runs `python -m module package *args` with KERAS_BACKEND and CORNU_BACKEND = `backend`
    (less the variables in `drop_env`) and returns what it pickled to `out`."""
    env = dict(os.environ, KERAS_BACKEND=backend, CORNU_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    for name in drop_env:
        env.pop(name, None)
    proc = subprocess.run(
        [sys.executable, "-m", module, package, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0 or not os.path.exists(out):
        raise RuntimeError(
            f"the {package} {what} child failed (exit {proc.returncode}):\n"
            f"{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
        )
    with open(out, "rb") as f:
        return pickle.load(f)
