"""cornu's `fit()` against a hand-written loop in the same framework, side by side.

    python benchmarks/fit_vs_native.py [--backends jax,torch,tensorflow] [--cases tiny_mlp,mlp]
                                       [--epochs 4] [--repeats 1] [--json results.json]

For each backend (in its own process) and case, both loops train the same architecture from
the same initial weights on the same batches with Adam(1e-3), for one warm-up epoch plus
`--epochs` timed ones, alternating: a cornu epoch, then a native epoch. Reports the median ms/step of the timed epochs and cornu/native.
With `--repeats N` each case runs in N fresh processes and the run with the median ratio is
reported (shared machines drift between the native and the cornu half of one run).
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

RUN_ONE = r"""
import json, sys, time
sys.path.insert(0, {here!r})
import numpy as np
from cases import CASES, data, init_weights
import native_loops

case, epochs = {case!r}, {epochs}
x, y = data(case)
native = native_loops.TRAIN[{backend!r}](case, x, y, epochs + 1)

import cornu
from cornu import layers

def build():
    shape, classes = CASES[case][0], CASES[case][1]
    if case in ("tiny_mlp", "mlp"):
        sizes = {{"tiny_mlp": [32, 2], "mlp": [512, 512, 10]}}[case]
        stack = [layers.Dense(n, activation="relu") for n in sizes[:-1]] + [layers.Dense(sizes[-1])]
    elif case == "cnn":
        stack = [layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
                 layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
                 layers.Flatten(), layers.Dense(classes)]
    else:
        stack = [layers.LSTM(64), layers.Dense(classes)]
    model = cornu.Sequential([cornu.Input(shape)] + stack)
    model.set_weights(init_weights(case))
    model.compile(optimizer=cornu.optimizers.Adam(1e-3),
                  loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model

try:
    model = build()
except (AttributeError, ValueError) as e:
    print(json.dumps({{"skipped": f"cornu lacks a layer for this case: {{e}}"}}))
    raise SystemExit(0)

class Interleaved(cornu.callbacks.Callback):
    # Times each cornu epoch, then runs one native epoch, so both see the same machine load.
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.start)
        self.native.append(next(native))

timer = Interleaved(); timer.times = []; timer.native = []
batch = CASES[case][2]
model.fit(x, y, batch_size=batch, epochs=epochs + 1, shuffle=False, verbose=0, callbacks=[timer])
steps = len(x) // batch
print(json.dumps({{"native_ms": [1000 * t / steps for t in timer.native[1:]],
                  "cornu_ms": [1000 * t / steps for t in timer.times[1:]]}}))
"""


def _run_case(backend, case, epochs):
    """(the run's JSON result, None), or (None, why it gave no timing)."""
    code = RUN_ONE.format(here=HERE, case=case, epochs=epochs, backend=backend)
    env = dict(os.environ, CORNU_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        return None, f"failed: {run.stderr.strip().splitlines()[-1]}"
    out = json.loads(run.stdout.strip().splitlines()[-1])
    if "skipped" in out:
        return None, f"skipped: {out['skipped']}"
    return out, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="jax,torch,tensorflow")
    parser.add_argument("--cases", default="tiny_mlp,mlp,cnn,lstm")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--json")
    args = parser.parse_args()
    results = {}
    print(
        f"{'backend':>10} {'case':>9} {'native ms/step':>15} {'cornu ms/step':>14} {'cornu/native':>13}"
    )
    for backend in args.backends.split(","):
        if importlib.util.find_spec(backend) is None:
            print(f"{backend:>10}  (not installed)")
            continue
        for case in args.cases.split(","):
            runs, failure = [], None
            for _ in range(args.repeats):
                out, failure = _run_case(backend, case, args.epochs)
                if out is None:
                    break
                native = statistics.median(out["native_ms"])
                ours = statistics.median(out["cornu_ms"])
                runs.append((ours / native, native, ours))
            if not runs:
                print(f"{backend:>10} {case:>9}  {failure}")
                continue
            ratio, native, ours = sorted(runs)[len(runs) // 2]
            results.setdefault(backend, {})[case] = {
                "native_ms_per_step": native, "cornu_ms_per_step": ours, "ratio": ratio,
                "ratios": [r[0] for r in runs],
            }  # fmt: skip
            print(f"{backend:>10} {case:>9} {native:>15.3f} {ours:>14.3f} {ratio:>13.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
