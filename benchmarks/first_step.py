"""Time to the first finished training step and peak resident memory, cornu against Keras.

Measured inside each fresh training process of fit_vs_native.py (one per library, backend,
row and repeat), so nothing else has run in it: `first_step_s` is the time from the `fit()`
call to the end of its first step (with `steps_per_execution` above 1, its first execution),
so it holds tracing and compilation; `peak_rss_mb` is the process's `ru_maxrss` at the end of
the warm-up epoch, before the first native epoch runs.
"""

import resource
import sys
import time

from report import cell, markdown_table, median_of, ratio


def peak_rss_mb():
    """The process's peak resident memory so far, in MiB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def callback(keras, native):
    """A Keras-API callback timing epochs, recording the first step and the warm-up peak RSS.

    After each epoch it runs one epoch of the `native` generator, so both see the same load.
    """

    class Interleaved(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times, self.native, self.first_step_s, self.peak_rss_mb = [], [], None, None

        def on_train_begin(self, logs=None):
            self.fit_start = time.perf_counter()

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            if self.first_step_s is None:
                self.first_step_s = time.perf_counter() - self.fit_start

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.start)
            if self.peak_rss_mb is None:
                self.peak_rss_mb = peak_rss_mb()
            self.native.append(next(native))

    return Interleaved()


def table(results):
    """Markdown: per backend and row, first-step seconds and peak RSS of cornu and Keras."""
    rows = []
    for backend, by_row in results.items():
        for row, runs in by_row.items():
            cells = [backend, row]
            for key, fmt in (("first_step_s", "{:.2f}"), ("peak_rss_mb", "{:.0f}")):
                ours, theirs = median_of(runs.get("cornu"), key), median_of(runs.get("keras"), key)
                cells += [cell(ours, fmt), cell(theirs, fmt), ratio(ours, theirs)]
            rows.append(cells)
    headers = ["backend", "row", "cornu first step s", "keras first step s", "cornu/keras",
               "cornu peak RSS MiB", "keras peak RSS MiB", "cornu/keras"]  # fmt: skip
    return markdown_table(headers, rows)
