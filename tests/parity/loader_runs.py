"""Runs a loader parity child (`tests.parity.<module>`) under real Keras and under cornu (through
tf.data and through the TensorFlow-free dataset) in parallel, and collects what each saw."""

import importlib.util
import os
import pickle
import subprocess
import sys

import pytest

from cornu import backend

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNS = {"keras": ("keras",), "cornu_tf": ("cornu",), "cornu_host": ("cornu", "host")}


def parity_marks(tensorflow_reason):
    """The skips of every loader parity test: it runs once (in the numpy pass), and needs real
    Keras and TensorFlow (`tensorflow_reason` says what of Keras's needs TensorFlow)."""
    return [
        pytest.mark.skipif(
            backend.backend() != "numpy", reason="backend-independent; runs once, in the numpy pass"
        ),
        pytest.mark.skipif(
            importlib.util.find_spec("keras") is None,
            reason="the parity oracle (real Keras) is not installed",
        ),
        pytest.mark.skipif(
            importlib.util.find_spec("tensorflow") is None, reason=tensorflow_reason
        ),
    ]


def _start(child, package, files, out, *extra):
    env = dict(
        os.environ,
        KERAS_BACKEND="tensorflow",
        CORNU_BACKEND="numpy",
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONPATH=ROOT,
    )
    return subprocess.Popen(
        [sys.executable, "-m", f"tests.parity.{child}", package, files, out, *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def run_all(child_module, folder):
    """Writes the child's files under `folder`, runs the three children, returns their results
    by run name ("keras", "cornu_tf", "cornu_host")."""
    files = str(folder / "files")
    child_module.write_files(files)
    child = child_module.__name__.rsplit(".", 1)[-1]
    procs = {
        name: _start(child, args[0], files, str(folder / f"{name}.pkl"), *args[1:])
        for name, args in RUNS.items()
    }
    found = {}
    for name, proc in procs.items():
        output, _ = proc.communicate(timeout=300)
        if proc.returncode != 0:
            pytest.fail(f"{name} child failed:\n{output.decode()[-3000:]}")
        with open(folder / f"{name}.pkl", "rb") as f:
            found[name] = pickle.load(f)
    return found
