"""Time `clear_session()` plus building, fitting and predicting one small model again, as a
hyper-parameter search or a notebook does many times in one process; cornu and Keras side by
side, per backend, each in its own process (median of the rebuilds after a warm-up one).

    python benchmarks/rebuild_after_clear_session.py [--rebuilds 5] [--backends jax torch]
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys

PROBE = r"""
import importlib, json, statistics, time
import numpy as np
keras = importlib.import_module({package!r})
x = np.random.default_rng(0).random((64, 8), dtype="float32")
y = x.sum(axis=1, keepdims=True)

def one():
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    model.predict(x, verbose=0)

one()
times = []
for _ in range({rebuilds}):
    start = time.perf_counter()
    keras.backend.clear_session()
    one()
    times.append(time.perf_counter() - start)
print(json.dumps(statistics.median(times)))
"""


def measure(package, backend, rebuilds):
    env = dict(os.environ, KERAS_BACKEND=backend, CORNU_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    code = PROBE.format(package=package, rebuilds=rebuilds)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuilds", type=int, default=5)
    parser.add_argument("--backends", nargs="+", default=["jax", "torch", "tensorflow"])
    args = parser.parse_args()
    have_keras = importlib.util.find_spec("keras") is not None
    print(f"{'backend':>10}  {'cornu':>8}  {'keras':>8}  {'cornu/keras':>11}")
    for backend in args.backends:
        if importlib.util.find_spec(backend) is None:
            continue
        cornu_s = measure("cornu", backend, args.rebuilds)
        keras_s = measure("keras", backend, args.rebuilds) if have_keras else float("nan")
        print(f"{backend:>10}  {cornu_s:>7.3f}s  {keras_s:>7.3f}s  {cornu_s / keras_s:>11.2f}")


if __name__ == "__main__":
    main()
