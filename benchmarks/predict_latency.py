"""Inference speed: `predict` on one batch of 32, over 10,000 samples, and eager `model(x)`.

Run inside a keras_runner.py process (cornu or Keras, one backend). Each round times, in
turn, the library's `predict(x32)`, `model(x32)`, the framework's own forward on the same
batch (native_loops.FORWARD), then the throughput of `predict(x10000, batch_size=32)` and of
the native forward over the same 32-sample batches; medians of the rounds are reported.
"""

import time

import native_loops
import numpy as np
from report import cell, markdown_table, median_of

BATCH, SAMPLES = 32, 10_000
PREDICT_ROWS = ("tiny_mlp", "cnn")


def _latency_ms(fn, calls):
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def _throughput(fn):
    start = time.perf_counter()
    fn()
    return SAMPLES / (time.perf_counter() - start)


def measure(keras, model, backend, row, x, rounds=3, calls=20):
    """A dict of medians: latencies in ms and throughputs in samples/s, library and native."""
    x, x32 = x[:SAMPLES], x[:BATCH]
    native = native_loops.FORWARD[backend](row, x32)

    def native_all():
        for i in range(0, len(x), BATCH):
            native(x[i : i + BATCH])

    def predict_all():
        model.predict(x, batch_size=BATCH, verbose=0)

    measures = {
        "predict_ms": lambda: _latency_ms(lambda: model.predict(x32, verbose=0), calls),
        "call_ms": lambda: _latency_ms(lambda: keras.ops.convert_to_numpy(model(x32)), calls),
        "native_ms": lambda: _latency_ms(lambda: native(x32), calls),
        "predict_per_s": lambda: _throughput(predict_all),
        "native_per_s": lambda: _throughput(native_all),
    }
    for fn in measures.values():  # warm-up: traces, compiles, the last partial batch
        fn()
    runs = {name: [] for name in measures}
    for _ in range(rounds):
        for name, fn in measures.items():
            runs[name].append(fn())
    out = {name: float(np.median(values)) for name, values in runs.items()}
    # Ratios within one process, so both sides of each saw the same machine load.
    out["predict_vs_native"] = out["predict_ms"] / out["native_ms"]
    out["call_vs_native"] = out["call_ms"] / out["native_ms"]
    return out


def table(results):
    """Markdown: per backend and row, cornu and Keras inference against the native forward."""
    rows = []
    for backend, by_row in results.items():
        for row, runs in by_row.items():
            c, k = runs.get("cornu"), runs.get("keras")
            native = median_of((c or []) + (k or []), "native_ms")
            native_per_s = median_of((c or []) + (k or []), "native_per_s")
            pc, pk = median_of(c, "predict_ms"), median_of(k, "predict_ms")
            mc, mk = median_of(c, "call_ms"), median_of(k, "call_ms")
            tc, tk = median_of(c, "predict_per_s"), median_of(k, "predict_per_s")
            vs = [
                cell(median_of(r, key), "{:.2f}")
                for key in ("predict_vs_native", "call_vs_native")
                for r in (c, k)
            ]
            rows.append([
                backend, row, cell(native), cell(pc), cell(pk), vs[0], vs[1],
                cell(mc), cell(mk), vs[2], vs[3],
                cell(native_per_s, "{:.0f}"), cell(tc, "{:.0f}"), cell(tk, "{:.0f}"),
            ])  # fmt: skip
    headers = [
        "backend", "row", "native fwd ms", "cornu predict ms", "keras predict ms",
        "cornu/native", "keras/native", "cornu model(x) ms", "keras model(x) ms",
        "cornu/native", "keras/native", "native samples/s", "cornu predict samples/s",
        "keras predict samples/s",
    ]  # fmt: skip
    return markdown_table(headers, rows)
