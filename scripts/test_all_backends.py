"""Runs the test suite once per backend (CORNU_BACKEND=numpy, jax, torch, tensorflow).

    python scripts/test_all_backends.py                 # every installed backend
    python scripts/test_all_backends.py --require-all   # fail if a framework is missing (CI)
    python scripts/test_all_backends.py --jobs 2        # two backends at a time (CI: 2 cores)
    python scripts/test_all_backends.py -- -k random    # extra pytest arguments after --

Prints each backend's pytest summary and a closing total line; exits non-zero if any backend
failed, errored or ran no test.
"""

import argparse
import concurrent.futures
import importlib.util
import os
import re
import subprocess
import sys
import time

BACKENDS = ("numpy", "jax", "torch", "tensorflow")
_COUNT = re.compile(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed|deselected)")


def summarize(output):
    """Counts from pytest's last summary line."""
    counts = {}
    for line in reversed(output.strip().splitlines()):
        found = _COUNT.findall(line)
        if found and (" in " in line or line.startswith("=")):
            for number, word in found:
                counts["error" if word.startswith("error") else word] = int(number)
            break
    return counts


def run_backend(name, root, pytest_args):
    """Runs the suite under one backend; returns (name, result, counts, seconds)."""
    env = dict(os.environ, CORNU_BACKEND=name, TF_CPP_MIN_LOG_LEVEL="3")
    start = time.time()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests", "-p", "no:cacheprovider", *pytest_args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    return name, result, summarize(result.stdout), time.time() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--require-all", action="store_true")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--jobs", type=int, default=1, help="backends run at the same time")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    totals = {"passed": 0, "failed": 0, "skipped": 0, "error": 0}
    ok = True
    runnable = []
    for name in args.backends.split(","):
        if name != "numpy" and importlib.util.find_spec(name) is None:
            print(
                f"[{name}] {'framework not installed' if args.require_all else 'skipped: framework not installed'}",
                flush=True,
            )
            ok = ok and not args.require_all
            continue
        runnable.append(name)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_backend, name, root, args.pytest_args) for name in runnable]
        for future in futures:  # report in backend order
            name, result, counts, seconds = future.result()
            if result.returncode != 0 or not counts.get("passed"):
                ok = False
                print(result.stdout[-20000:], result.stderr[-5000:], sep="\n", flush=True)
            for key in totals:
                totals[key] += counts.get(key, 0)
            described = ", ".join(f"{v} {k}" for k, v in counts.items()) or "no tests ran"
            print(f"[{name}] {described} ({seconds:.0f}s, exit {result.returncode})", flush=True)
    print(
        f"total: {totals['passed']} passed, {totals['failed'] + totals['error']} failed, "
        f"{totals['skipped']} skipped"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
