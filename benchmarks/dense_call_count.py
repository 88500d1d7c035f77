"""Counts the Python function calls made inside cornu for one eager `Dense(4)(x)`, per backend.

    python benchmarks/dense_call_count.py            # every installed backend
    python benchmarks/dense_call_count.py --show     # also list the calls (current backend)

A call counts when the called function's code lives in the cornu package. The layer is built
and called once first, so the count is the steady-state per-call cost.
"""

import importlib.util
import json
import os
import subprocess
import sys

PROBE = r"""
import collections, json, os, sys
import numpy as np
import cornu
from cornu import layers, ops

root = os.path.dirname(cornu.__file__)
layer = layers.Dense(4)
x = ops.convert_to_tensor(np.ones((2, 3), "float32"))
layer(x)
calls = collections.Counter()

def profile(frame, event, arg):
    if event == "call" and frame.f_code.co_filename.startswith(root):
        calls[f"{os.path.relpath(frame.f_code.co_filename, root)}:{frame.f_code.co_name}"] += 1

sys.setprofile(profile)
layer(x)
sys.setprofile(None)
print(json.dumps({"total": sum(calls.values()), "calls": calls.most_common()}))
"""


def count(backend):
    env = dict(os.environ, CORNU_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    show = "--show" in sys.argv
    for backend in ("numpy", "jax", "torch", "tensorflow"):
        if backend != "numpy" and importlib.util.find_spec(backend) is None:
            continue
        result = count(backend)
        print(f"{backend:>10}: {result['total']} Python calls inside cornu for Dense(4)(x)")
        if show:
            for name, n in result["calls"]:
                print(f"{'':>12}{n:3d}  {name}")


if __name__ == "__main__":
    main()
