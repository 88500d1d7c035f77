"""Time `import cornu` beyond the framework's own import, per backend (median of N fresh processes).

    python benchmarks/import_time.py [--runs 5] [--json out.json]

Each run is a new interpreter that imports the framework (timed), then cornu (timed): the second
number is what cornu adds. Bytecode caches are enabled and warmed by one untimed run first, as
on any machine after the first import (`--cold` measures with no caches at all, i.e. with
PYTHONDONTWRITEBYTECODE=1 and no __pycache__).
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys

PROBE = r"""
import time, json
t0 = time.perf_counter()
import {framework}
t1 = time.perf_counter()
import cornu
t2 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1]))
"""


def measure(backend, runs, cold=False):
    framework = "numpy" if backend == "numpy" else backend
    framework_s, cornu_s = [], []
    env = dict(os.environ, CORNU_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    if cold:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-c", "import cornu"], env=env, check=True)  # warm caches
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(framework=framework)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        a, b = json.loads(out.strip().splitlines()[-1])
        framework_s.append(a)
        cornu_s.append(b)
    return statistics.median(framework_s), statistics.median(cornu_s)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json")
    parser.add_argument("--cold", action="store_true", help="no bytecode caches")
    args = parser.parse_args()
    rows = {}
    print(f"{'backend':>10}  {'framework import':>16}  {'cornu beyond it':>15}")
    for backend in ("numpy", "jax", "torch", "tensorflow"):
        if backend != "numpy" and importlib.util.find_spec(backend) is None:
            continue
        framework_s, cornu_s = measure(backend, args.runs, cold=args.cold)
        rows[backend] = {"framework_s": framework_s, "cornu_extra_s": cornu_s}
        print(f"{backend:>10}  {framework_s:>15.3f}s  {cornu_s:>14.3f}s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
