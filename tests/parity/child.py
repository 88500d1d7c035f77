"""Runs parity cases under one library in this process and pickles what they returned.

    python -m tests.parity.child PACKAGE OUT.pkl [MODULE ...]

PACKAGE is `keras` or `cornu`; the backend comes from KERAS_BACKEND / CORNU_BACKEND. Each case
runs after `clear_session()` and `set_random_seed(1337)`, in a fresh working folder, under an
alarm; an exception is a result too (its builtin base class is compared).
"""

import importlib
import os
import pickle
import signal
import sys
import tempfile
import time
import traceback

import numpy as np

from tests.parity import observe
from tests.parity.registry import iter_cases


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Timeout("case took longer than its timeout")


def _run_case(keras, fn, options, backend):
    keras.backend.clear_session()
    keras.utils.set_random_seed(1337)
    np.random.seed(1337)
    home = os.getcwd()
    folder = tempfile.mkdtemp(prefix="parity_")
    os.chdir(folder)
    signal.alarm(options["timeout"])
    try:
        return {"ok": observe.plain(fn(keras, observe.H))}
    except _Timeout as exc:
        return {"timeout": str(exc)}
    except Exception as exc:
        return {"error": observe.Raised(exc), "traceback": traceback.format_exc()[-3000:]}
    finally:
        signal.alarm(0)
        os.chdir(home)


def main(argv):
    package, out_path, modules = argv[0], argv[1], argv[2:]
    keras = importlib.import_module(package)
    backend = keras.backend.backend()
    signal.signal(signal.SIGALRM, _on_alarm)
    results, seconds = {}, {}
    for case_id, fn, options in iter_cases(modules):
        if backend not in options["backends"]:
            continue
        start = time.perf_counter()
        results[case_id] = _run_case(keras, fn, options, backend)
        seconds[case_id] = time.perf_counter() - start
        sys.stdout.flush()
    with open(out_path + ".tmp", "wb") as f:
        pickle.dump({"backend": backend, "results": results, "seconds": seconds}, f)
    os.replace(out_path + ".tmp", out_path)


if __name__ == "__main__":
    main(sys.argv[1:])
