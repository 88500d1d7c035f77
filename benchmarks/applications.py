"""keras.applications speed: `predict` images/second and build time, cornu next to Keras and
next to the framework's own forward pass over the same cornu model.

    python benchmarks/applications.py                        # short: 96x96, 3 batches, jax+torch
    python benchmarks/applications.py --size 224 --batches 10 --backends jax,torch,tensorflow
    python benchmarks/applications.py --apps ResNet50 --torch-compile --out results.json

Each (backend, library) pair runs in its own process. Per application and backend it reports:

- build: seconds to build the model with `weights=None` (cornu and Keras);
- predict: images/second of `model.predict(x, batch_size=32)` after one warm-up call;
- native: images/second of the framework's own forward over cornu's weights, without
  `predict`'s loop (jax: `jax.jit` of `stateless_call`; torch: the call under
  `torch.no_grad()`, and `torch.compile` with `--torch-compile`; tensorflow: `tf.function`).

The ratios printed are cornu/Keras for predict (above 1: cornu is faster) and cornu's predict
over the native forward (how much of the framework's speed `predict` keeps).
MobileNetV2 belongs to another family module: it is skipped, with a message, where cornu does
not have it yet.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

_APPS = ("ResNet50", "MobileNetV2")


def _applications(lib_name):
    import importlib

    return importlib.import_module(f"{lib_name}.applications")


def _images(n, size):
    return np.random.default_rng(0).uniform(-1, 1, (n, size, size, 3)).astype("float32")


def _rate(run, x, batch_size, repeats):
    """Images/second of `run(batch)` over `repeats` passes through `x`, after one warm-up."""
    batches = [x[i : i + batch_size] for i in range(0, len(x), batch_size)]
    run(batches[0])
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for b in batches:
            run(b)
        best = min(best, time.perf_counter() - start)
    return len(x) / best


def _native_runs(lib, model, torch_compile):
    """The framework's own forward over `model`'s weights: {label: batch -> numpy}."""
    name = lib.backend.backend()
    if name == "jax":
        import jax

        trainable = [v.value for v in model.trainable_variables]
        non_trainable = [v.value for v in model.non_trainable_variables]
        forward = jax.jit(lambda t, n, x: model.stateless_call(t, n, x, training=False)[0])
        return {"jax.jit": lambda x: forward(trainable, non_trainable, x).block_until_ready()}
    if name == "torch":
        import torch

        def eager(x):
            with torch.no_grad():
                return model(torch.from_numpy(x), training=False)

        runs = {"torch.no_grad": eager}
        if torch_compile:
            compiled = torch.compile(lambda x: model(x, training=False))

            def run_compiled(x):
                with torch.no_grad():
                    return compiled(torch.from_numpy(x))

            runs["torch.compile"] = run_compiled
        return runs
    if name == "tensorflow":
        import tensorflow as tf

        forward = tf.function(lambda x: model(x, training=False))
        return {"tf.function": lambda x: forward(tf.constant(x)).numpy()}
    return {}


def measure(lib_name, apps, size, batches, batch_size, repeats, torch_compile):
    """One child's numbers: {app: {"build_s", "predict_ips", "native": {label: ips}}}."""
    lib = __import__(lib_name)
    applications = _applications(lib_name)
    x = _images(batches * batch_size, size)
    results = {}
    for app in apps:
        builder = getattr(applications, app, None)
        if builder is None:
            results[app] = {"skipped": f"{lib_name}.applications has no {app} yet"}
            continue
        lib.backend.clear_session()
        start = time.perf_counter()
        model = builder(weights=None, input_shape=(size, size, 3))
        entry = {"build_s": time.perf_counter() - start}
        entry["predict_ips"] = _rate(
            lambda b, m=model: m.predict(b, batch_size=batch_size, verbose=0),
            x,
            len(x),  # one predict call over all batches: its own loop is what is measured
            repeats,
        )
        if lib_name == "cornu":
            entry["native"] = {
                label: _rate(run, x, batch_size, repeats)
                for label, run in _native_runs(lib, model, torch_compile).items()
            }
        results[app] = entry
    return results


def _child(backend_name, lib_name, args):
    env = dict(os.environ, CORNU_BACKEND=backend_name, KERAS_BACKEND=backend_name)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    command = [
        sys.executable,
        __file__,
        "--child",
        lib_name,
        "--apps",
        ",".join(args.apps),
        "--size",
        str(args.size),
        "--batches",
        str(args.batches),
        "--batch-size",
        str(args.batch_size),
        "--repeats",
        str(args.repeats),
    ] + (["--torch-compile"] if args.torch_compile else [])
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _report(backend_name, app, cornu_entry, keras_entry):
    if "skipped" in cornu_entry:
        print(f"  {app}: skipped ({cornu_entry['skipped']})")
        return
    line = (
        f"  {app}: build cornu {cornu_entry['build_s']:.2f}s, Keras "
        f"{keras_entry.get('build_s', float('nan')):.2f}s | predict img/s cornu "
        f"{cornu_entry['predict_ips']:.1f}, Keras {keras_entry.get('predict_ips', float('nan')):.1f}"
        f" (cornu/Keras {cornu_entry['predict_ips'] / keras_entry.get('predict_ips', np.nan):.2f})"
    )
    print(line)
    for label, ips in cornu_entry.get("native", {}).items():
        print(
            f"      native {label}: {ips:.1f} img/s (cornu predict / native "
            f"{cornu_entry['predict_ips'] / ips:.2f})"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", default=",".join(_APPS))
    parser.add_argument("--backends", default="jax,torch")
    parser.add_argument("--size", type=int, default=96, help="image side (224 for ImageNet)")
    parser.add_argument("--batches", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=2, help="timed passes; the best counts")
    parser.add_argument("--torch-compile", action="store_true")
    parser.add_argument("--out", help="write all numbers as JSON here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.apps = args.apps.split(",")
    if args.child:
        result = measure(
            args.child,
            args.apps,
            args.size,
            args.batches,
            args.batch_size,
            args.repeats,
            args.torch_compile,
        )
        print(json.dumps(result))
        return
    print(
        f"{args.batches} batches of {args.batch_size} images {args.size}x{args.size}, "
        f"best of {args.repeats}"
    )
    everything = {}
    for backend_name in args.backends.split(","):
        numbers = {lib: _child(backend_name, lib, args) for lib in ("cornu", "keras")}
        everything[backend_name] = numbers
        print(f"[{backend_name}]")
        for lib, result in numbers.items():
            if "error" in result:
                print(f"  {lib} failed: {result['error']}")
        if any("error" in r for r in numbers.values()):
            continue
        for app in args.apps:
            _report(backend_name, app, numbers["cornu"][app], numbers["keras"].get(app, {}))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(everything, f, indent=2)


if __name__ == "__main__":
    main()
