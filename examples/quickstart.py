"""Builds and calls a small model on every installed backend, and checks they agree.

    python examples/quickstart.py

Each backend runs in its own process (a process uses one backend). The model is a two-layer
perceptron written with cornu.Variable and cornu.ops; its weights come from one NumPy seed, so
every backend must produce the same numbers.
"""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np

MODEL = r"""
import json, time
import numpy as np
import cornu
from cornu import ops

rng = np.random.default_rng(0)
w1 = cornu.Variable(rng.normal(size=(4, 8)).astype("float32"), name="w1")
b1 = cornu.Variable(np.zeros(8, "float32"), name="b1")
w2 = cornu.Variable(rng.normal(size=(8, 3)).astype("float32"), name="w2")


def model(x):
    h = ops.matmul(x, w1) + b1
    h = h * ops.cast(h > 0, h.dtype)  # ReLU
    return ops.matmul(h, w2)


symbolic = model(cornu.Input((4,)))
x = rng.normal(size=(5, 4)).astype("float32")
start = time.perf_counter()
y = ops.convert_to_numpy(model(ops.convert_to_tensor(x)))
print(json.dumps({
    "backend": cornu.backend.backend(),
    "symbolic_shape": list(symbolic.shape),
    "output": y.tolist(),
    "ms": 1000 * (time.perf_counter() - start),
}))
"""


def main():
    backends = ["numpy"] + [
        b for b in ("jax", "torch", "tensorflow") if importlib.util.find_spec(b)
    ]
    outputs = {}
    for name in backends:
        env = dict(os.environ, CORNU_BACKEND=name, TF_CPP_MIN_LOG_LEVEL="3")
        run = subprocess.run(
            [sys.executable, "-c", MODEL], env=env, capture_output=True, text=True, check=False
        )
        if run.returncode != 0:
            print(run.stderr)
            raise SystemExit(f"{name}: the model failed to run")
        result = json.loads(run.stdout.strip().splitlines()[-1])
        outputs[name] = np.array(result["output"])
        print(
            f"{name:>10}: symbolic output shape {tuple(result['symbolic_shape'])}, "
            f"eager output {outputs[name].shape}, first row {np.round(outputs[name][0], 4)}, "
            f"{result['ms']:.2f} ms"
        )
    reference = outputs["numpy"]
    worst = max(float(np.max(np.abs(out - reference))) for out in outputs.values())
    print(f"largest difference from numpy across {len(outputs)} backends: {worst:.2e}")
    if worst > 1e-4:
        raise SystemExit("backends disagree")


if __name__ == "__main__":
    main()
