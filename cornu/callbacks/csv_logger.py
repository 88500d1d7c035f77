"""`CSVLogger`: writes each epoch's logs as a row of a CSV file."""

import csv
import os

import numpy as np

from cornu.backend.common import distribution_state
from cornu.callbacks.callback import Callback


def _cell(value):
    if isinstance(value, str):
        return value
    arr = np.asarray(value)
    if arr.ndim == 0:
        return str(arr.item())
    return "[" + ", ".join(str(v) for v in arr.ravel().tolist()) + "]"


class CSVLogger(Callback):
    """Streams epoch results to a CSV file: a header (`epoch` then the sorted log names)
    and one row per epoch.

    The columns are fixed by the first epoch this logger sees and kept for later `fit` calls;
    a log missing from an epoch is written as "NA". In a multi-process job only process 0
    writes the file.

    Args:
        filename: the CSV file's path.
        separator: the column separator.
        append: add to an existing file (no second header) instead of overwriting it.

    Example:

    ```python
    model.fit(x, y, epochs=3, callbacks=[cornu.callbacks.CSVLogger("training.csv")])
    ```
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self.writer = None
        self.csv_file = None
        self.append_header = True

    def on_train_begin(self, logs=None):
        if not distribution_state.is_chief():
            return
        self.append_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8") as f:
                self.append_header = not f.read(1)
            mode = "a"
        else:
            mode = "w"
        self.csv_file = open(self.filename, mode, newline="", encoding="utf-8")
        self.writer = None

    def on_epoch_end(self, epoch, logs=None):
        if not distribution_state.is_chief():
            return
        logs = dict(logs or {})
        if self.csv_file is None:
            self.on_train_begin()
        if self.keys is None:
            self.keys = sorted(logs)
        if self.writer is None:
            self.writer = csv.writer(self.csv_file, delimiter=self.sep, lineterminator="\n")
            if self.append_header:
                self.writer.writerow(["epoch"] + self.keys)
        row = [epoch] + [_cell(logs[k]) if k in logs else "NA" for k in self.keys]
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
        self.csv_file = None
        self.writer = None
