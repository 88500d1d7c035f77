"""ONNX export time and onnxruntime latency next to `predict`, for the four models of
tests/export/test_onnx.py, on each backend that exports (jax, torch, tensorflow).

    python benchmarks/onnx_export.py                 # every backend, one child process each
    python benchmarks/onnx_export.py --json out.json

Each backend runs in its own process (CORNU_BACKEND is read at import). Per model: the export
time (one call, after a warm-up export of a tiny model so converter imports are not counted),
then the median over `--repeats` calls of `model.predict(x)` and of `session.run` on the same
batch, and the largest absolute difference between the two. A model the backend can only
export with a fixed batch (see tests/export/test_onnx.py) is exported with one and marked
"fixed".
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

BACKENDS = ("jax", "torch", "tensorflow")
BATCH = 32


def median_ms(repeats, fn, *args, **kwargs):
    """Median wall time of `fn(*args, **kwargs)` in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return round(1000 * statistics.median(times), 3)


def child(repeats):
    """Runs in a process with CORNU_BACKEND set; prints one JSON line per model."""
    import numpy as np
    import onnxruntime as ort

    import cornu
    from tests.export import test_onnx as models

    backend = cornu.backend.backend()
    tmp = tempfile.mkdtemp(prefix="cornu-onnx-bench-")
    models.mlp().export(os.path.join(tmp, "warmup.onnx"), format="onnx", verbose=False)
    for name, make in models.MODELS.items():
        model = make()
        xs = models.data(model, BATCH)
        x = xs if len(xs) > 1 else xs[0]
        fixed = (backend, name) in models._DYNAMIC_GAPS
        signature = (
            [cornu.InputSpec(shape=(BATCH,) + tuple(t.shape[1:])) for t in model.inputs]
            if fixed
            else None
        )
        path = os.path.join(tmp, f"{name}.onnx")
        start = time.perf_counter()
        model.export(path, format="onnx", verbose=False, input_signature=signature)
        export_s = time.perf_counter() - start
        session = ort.InferenceSession(path)
        feeds = {i.name: v for i, v in zip(session.get_inputs(), xs)}
        want = model.predict(x, verbose=0, batch_size=BATCH)  # warm-up (compiles)
        got = session.run(None, feeds)
        want = want if isinstance(want, (list, tuple)) else [want]
        diff = max(float(np.max(np.abs(g - np.asarray(w)))) for g, w in zip(got, want))

        row = {
            "backend": backend,
            "model": name,
            "batch": "fixed" if fixed else "dynamic",
            "export_s": round(export_s, 2),
            "predict_ms": median_ms(repeats, model.predict, x, verbose=0, batch_size=BATCH),
            "onnxruntime_ms": median_ms(repeats, session.run, None, feeds),
            "max_abs_diff": diff,
        }
        print("ROW " + json.dumps(row), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.repeats)
        return
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rows = []
    for backend in args.backends.split(","):
        env = dict(os.environ, CORNU_BACKEND=backend, PYTHONPATH=root)
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--repeats", str(args.repeats)],
            env=env, capture_output=True, text=True, cwd=root,
        )  # fmt: skip
        found = [
            json.loads(line[4:]) for line in done.stdout.splitlines() if line.startswith("ROW ")
        ]
        if done.returncode or not found:
            print(f"{backend}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
        rows.extend(found)
    header = f"{'backend':<11}{'model':<12}{'batch':<9}{'export s':>9}{'predict ms':>12}"
    header += f"{'ort ms':>9}{'max |diff|':>12}"
    print(f"batch size {BATCH}, median of {args.repeats} calls; CPU")
    print(header)
    for r in rows:
        print(
            f"{r['backend']:<11}{r['model']:<12}{r['batch']:<9}{r['export_s']:>9.2f}"
            f"{r['predict_ms']:>12.3f}{r['onnxruntime_ms']:>9.3f}{r['max_abs_diff']:>12.1e}"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
