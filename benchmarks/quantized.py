"""Post-training quantization, cornu next to Keras on the same trained weights: accuracy of
a small MLP before and after int8/int4, weights memory, and `predict` latency.

    CORNU_BACKEND=jax python benchmarks/quantized.py [--out results.json]

cornu trains the float MLP once (synthetic 10-class data) and saves it; then cornu and
Keras (each in its own process, same backend) load that file, quantize, and measure.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

_N_FEATURES, _N_CLASSES = 32, 10


def data(seed):
    rng = np.random.default_rng(seed)
    centers = np.random.default_rng(123).standard_normal((_N_CLASSES, _N_FEATURES)) * 0.25
    y = rng.integers(0, _N_CLASSES, 4000)
    x = (centers[y] + rng.standard_normal((4000, _N_FEATURES))).astype("float32")
    return x, y.astype("int32")


def train(path):
    import cornu

    cornu.utils.set_random_seed(0)
    model = cornu.Sequential([
        cornu.Input((_N_FEATURES,)),
        cornu.layers.Dense(256, activation="relu"),
        cornu.layers.Dense(256, activation="relu"),
        cornu.layers.Dense(_N_CLASSES),
    ])  # fmt: skip
    model.compile(optimizer="adam", loss=cornu.losses.SparseCategoricalCrossentropy(True))
    x, y = data(0)
    model.fit(x, y, epochs=3, batch_size=64, verbose=0)
    model.save(path)


def _accuracy(model, x, y):
    return float(np.mean(np.argmax(model.predict(x, batch_size=500, verbose=0), -1) == y))


def _latency(model, x, repeats=20):
    model.predict(x, verbose=0)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(x, verbose=0)
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1e3)


def measure(lib_name, path):
    lib = __import__(lib_name)
    x, y = data(1)
    batch = x[:256]
    results = {}
    for mode in ("float32", "int8", "int4"):
        model = lib.saving.load_model(path)
        if mode != "float32":
            try:
                model.quantize(mode)
            except NotImplementedError as error:
                results[mode] = f"NotImplementedError: {error}"
                continue
        results[mode] = {
            "accuracy": _accuracy(model, x, y),
            "weights_bytes": int(sum(np.asarray(v).nbytes for v in model.weights)),
            "predict_ms_batch256": _latency(model, batch),
        }
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)  # child: lib, path
    args = parser.parse_args()
    if args.measure:
        print("RESULT" + json.dumps(measure(*args.measure)))
        return
    backend = os.environ.get("CORNU_BACKEND", "jax")
    report = {"backend": backend}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "mlp.keras")
        env = dict(os.environ, CORNU_BACKEND=backend, KERAS_BACKEND=backend)
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {root!r}); "
                        f"from benchmarks.quantized import train; train({path!r})"],
                       env=env, check=True)  # fmt: skip
        for lib in ("cornu", "keras"):
            proc = subprocess.run([sys.executable, __file__, "--measure", lib, path], env=env,
                                  capture_output=True, text=True)  # fmt: skip
            lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT")]
            report[lib] = json.loads(lines[-1][6:]) if lines else proc.stderr[-2000:]
    print(json.dumps(report, indent=1))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
