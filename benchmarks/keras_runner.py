"""One benchmark process: a models_zoo.py model under cornu or under Keras, on one backend.

    python benchmarks/keras_runner.py --library keras --backend jax --task fit --row cnn

cornu and Keras each own their backend's global state, so fit_vs_native.py starts this once
per library, backend, row and repeat, with CORNU_BACKEND / KERAS_BACKEND set. The library is
a black box: the process imports it by name and runs only user-level Keras-API code. It
prints one JSON line: the library's and the native loop's timings, measured interleaved.

Tasks:
  fit      one warm-up epoch and `--epochs` timed ones of `--steps` steps; after each library
           epoch one native epoch (native_loops.TRAIN). Also first-step time and peak RSS
           (first_step.py).
  predict  predict and model(x) latency and throughput (predict_latency.py).
"""

import argparse
import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BACKEND_VARIABLE = {"cornu": "CORNU_BACKEND", "keras": "KERAS_BACKEND"}


def run_fit(keras, backend, row, steps, epochs, steps_per_execution):
    import first_step
    import models_zoo
    import native_loops

    batch = models_zoo.ROWS[row][0]
    x, y = models_zoo.data(row, steps)
    native = native_loops.TRAIN[backend](row, x, y, epochs + 1)
    model = models_zoo.build(keras, row, steps_per_execution)
    timer = first_step.callback(keras, native)
    model.fit(
        x, y, batch_size=batch, epochs=epochs + 1, shuffle=False, verbose=0, callbacks=[timer]
    )
    cornu_ms = [1000 * t / steps for t in timer.times[1:]]
    native_ms = [1000 * t / steps for t in timer.native[1:]]
    return {
        "ms": cornu_ms,
        "native_ms": native_ms,
        "native_variant": native_loops.CHOSEN.get(backend),
        "first_step_s": timer.first_step_s,
        "peak_rss_mb": timer.peak_rss_mb,
    }


def run_predict(keras, backend, row):
    import models_zoo
    import predict_latency

    batch = models_zoo.ROWS[row][0]
    x, _ = models_zoo.data(row, -(-predict_latency.SAMPLES // batch))
    return predict_latency.measure(keras, models_zoo.build(keras, row), backend, row, x)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", choices=sorted(BACKEND_VARIABLE), required=True)
    parser.add_argument("--backend", choices=("jax", "torch", "tensorflow"), required=True)
    parser.add_argument("--task", choices=("fit", "predict"), default="fit")
    parser.add_argument("--row", required=True)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--steps-per-execution", type=int, default=1)
    args = parser.parse_args(argv)
    # The backend must be chosen before the library is imported.
    os.environ[BACKEND_VARIABLE[args.library]] = args.backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.path[:0] = [HERE, os.path.dirname(HERE)]
    keras = importlib.import_module(args.library)
    if args.task == "fit":
        out = run_fit(
            keras, args.backend, args.row, args.steps, args.epochs, args.steps_per_execution
        )
    else:
        out = run_predict(keras, args.backend, args.row)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
