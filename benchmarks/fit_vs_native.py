"""cornu against real Keras 3 and hand-written native loops, in one run: training, inference,
first-step time and memory, and `steps_per_execution`.

    python benchmarks/fit_vs_native.py [--backends jax,torch,tensorflow] [--rows tiny_mlp,cnn]
        [--sections fit,predict,spe] [--repeats 1] [--steps N] [--epochs 2] [--json out.json]
    python benchmarks/fit_vs_native.py --tables-from out.json   # tables of a saved run

Every measurement runs in a fresh keras_runner.py process (cornu or Keras, one backend; the
two would fight over the backend in one process), cornu's and Keras's processes alternating
repeat by repeat. Inside each, the library's epochs alternate with the native loop's
(native_loops.py), so each ratio to native compares runs that saw the same machine load.

Sections (each a Markdown table; `--json` also writes every run's raw figures):
  fit      ms/step of cornu's and Keras's `fit` against the native loop, per row
           (models_zoo.ROWS); cornu/keras is (cornu/native) / (keras/native). Also time to the
           first finished step and peak RSS of each fresh process (first_step.py).
  predict  `predict` on 32 samples, over 10,000, and eager `model(x)` (predict_latency.py),
           for the tiny MLP and the CNN.
  spe      `fit` with steps_per_execution 1 and 20 on jax and tensorflow (tiny MLP).

Defaults: the median of `--repeats` runs, one warm-up epoch plus `--epochs` timed epochs of
`--steps` steps (default: a per-row count that keeps a full run to a few minutes per backend
on 2 cores). TensorFlow's native loop runs the faster of tf.function with and without XLA.
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys

import first_step
import models_zoo
import predict_latency
from report import cell, markdown_table, median_of

HERE = os.path.dirname(os.path.abspath(__file__))
LIBRARIES = ("cornu", "keras")
# Timed steps per epoch by default: more where a step is short, fewer where it is heavy.
DEFAULT_STEPS = {"tiny_mlp": 50, "mlp": 20, "cnn": 10, "lstm": 10, "resnet": 3,
                 "transformer": 5, "gru_text": 5, "bilstm_text": 3}  # fmt: skip
SPE_ROW, SPE_VALUES, SPE_STEPS, SPE_BACKENDS = "tiny_mlp", (1, 20), 40, ("jax", "tensorflow")


def run_worker(library, backend, *args):
    """The JSON a keras_runner.py process prints, or {"error": its last stderr line}."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, os.path.join(HERE, "keras_runner.py"), "--library", library]
    run = subprocess.run(
        command + ["--backend", backend, *map(str, args)], env=env, capture_output=True, text=True
    )
    if run.returncode != 0:
        lines = run.stderr.strip().splitlines() or ["(no output)"]
        return {"error": lines[-1]}
    return json.loads(run.stdout.strip().splitlines()[-1])


def _alternating(repeats, measure):
    """{library: [runs]}: `measure(library)` for cornu then Keras, `repeats` times."""
    runs = {library: [] for library in LIBRARIES}
    for _ in range(repeats):
        for library in LIBRARIES:
            out = measure(library)
            if "error" in out:
                print(f"  {library}: {out['error']}", file=sys.stderr)
                continue
            if "ms" in out:
                out["ms_per_step"] = statistics.median(out["ms"])
                out["native_ms_per_step"] = statistics.median(out["native_ms"])
                out["vs_native"] = out["ms_per_step"] / out["native_ms_per_step"]
            runs[library].append(out)
    return runs


def fit_table(results):
    rows = []
    for backend, by_row in results.items():
        for row, runs in by_row.items():
            c, k = runs["cornu"], runs["keras"]
            native = median_of(c + k, "native_ms_per_step")
            vc, vk = median_of(c, "vs_native"), median_of(k, "vs_native")
            variant = {r.get("native_variant") for r in c + k} - {None}
            rows.append([
                backend, row, cell(native), cell(median_of(c, "ms_per_step")),
                cell(median_of(k, "ms_per_step")), cell(vc, "{:.2f}"), cell(vk, "{:.2f}"),
                "-" if vc is None or vk is None else f"{vc / vk:.2f}", ",".join(sorted(variant)) or "",
            ])  # fmt: skip
    headers = ["backend", "row", "native ms/step", "cornu ms/step", "keras ms/step",
               "cornu/native", "keras/native", "cornu/keras", "native tf"]  # fmt: skip
    return markdown_table(headers, rows)


def spe_table(results):
    rows = []
    for backend, by_spe in results.items():
        for spe, runs in by_spe.items():
            c, k = runs["cornu"], runs["keras"]
            vc, vk = median_of(c, "vs_native"), median_of(k, "vs_native")
            rows.append([
                backend, SPE_ROW, spe, cell(median_of(c, "ms_per_step")), cell(median_of(k, "ms_per_step")),
                cell(vc, "{:.2f}"), cell(vk, "{:.2f}"), "-" if vc is None or vk is None else f"{vc / vk:.2f}",
                cell(median_of(c, "first_step_s"), "{:.2f}"), cell(median_of(k, "first_step_s"), "{:.2f}"),
            ])  # fmt: skip
    headers = ["backend", "row", "steps_per_execution", "cornu ms/step", "keras ms/step",
               "cornu/native", "keras/native", "cornu/keras", "cornu first s", "keras first s"]  # fmt: skip
    return markdown_table(headers, rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="jax,torch,tensorflow")
    parser.add_argument("--rows", default=",".join(models_zoo.ROWS))
    parser.add_argument("--sections", default="fit,predict,spe")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--steps", type=int, help="timed steps per epoch, for every row")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs after the warm-up")
    parser.add_argument("--json", help="write every run's figures here (updated as it goes)")
    parser.add_argument(
        "--tables-from", help="print the tables of a saved --json file, run nothing"
    )
    args = parser.parse_args(argv)
    rows, sections = args.rows.split(","), args.sections.split(",")
    unknown = sorted(set(rows) - set(models_zoo.ROWS))
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {list(models_zoo.ROWS)}")
    results = {"fit": {}, "predict": {}, "spe": {}}
    if args.tables_from:
        with open(args.tables_from) as f:
            results.update(json.load(f))
    for section, backend, key, task in [] if args.tables_from else _units(args, rows, sections):
        print(f"{section} {backend} {key}", file=sys.stderr, flush=True)
        results[section].setdefault(backend, {})[key] = _alternating(
            args.repeats, lambda lib, b=backend, t=task: run_worker(lib, b, *t)
        )
        if args.json:  # after every unit, so an interrupted run keeps what it measured
            with open(args.json, "w") as f:
                json.dump(results, f, indent=2)
    print_tables(results)


def _units(args, rows, sections):
    """(section, backend, row or steps_per_execution, keras_runner.py arguments) to run."""
    for backend in args.backends.split(","):
        if importlib.util.find_spec(backend) is None:
            print(f"{backend}: not installed, skipped", file=sys.stderr)
            continue
        for row in rows if "fit" in sections else ():
            steps = args.steps or DEFAULT_STEPS[row]
            yield "fit", backend, row, ("--row", row, "--steps", steps, "--epochs", args.epochs)
        for row in predict_latency.PREDICT_ROWS if "predict" in sections else ():
            if row in rows:
                yield "predict", backend, row, ("--task", "predict", "--row", row)
        for spe in SPE_VALUES if "spe" in sections and backend in SPE_BACKENDS else ():
            task = ("--row", SPE_ROW, "--steps", args.steps or SPE_STEPS, "--epochs", args.epochs)
            yield "spe", backend, spe, task + ("--steps-per-execution", spe)


def print_tables(results):
    if results["fit"]:
        print("\n## fit: ms/step against the native loop\n\n" + fit_table(results["fit"]))
        print("\n## first step and peak memory\n\n" + first_step.table(results["fit"]))
    if results["predict"]:
        print("\n## predict and model(x)\n\n" + predict_latency.table(results["predict"]))
    if results["spe"]:
        print("\n## steps_per_execution\n\n" + spe_table(results["spe"]))


if __name__ == "__main__":
    main()
