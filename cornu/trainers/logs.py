"""The logs `fit`/`evaluate` hand to callbacks: converted lazily, flattened from nested results."""

from collections.abc import Mapping

import numpy as np

from cornu import backend


class LazyLogs(Mapping):
    """Logs whose values are device tensors until read; each is converted once, on access.

    `raw` may be a dict or a function returning one (called on first access), so a step whose
    logs nobody reads costs one object.
    """

    def __init__(self, raw):
        self._source = raw
        self._raw = None
        self._cache = {}

    def _values(self):
        if self._raw is None:
            self._raw = self._source() if callable(self._source) else self._source
        return self._raw

    def __getitem__(self, key):
        if key not in self._cache:
            value = np.asarray(backend.convert_to_numpy(self._values()[key]))
            # Scalars become floats; per-class results (F1Score(average=None)) stay arrays.
            self._cache[key] = float(value.reshape(())) if value.size == 1 else value
        return self._cache[key]

    def __iter__(self):
        return iter(self._values())

    def __len__(self):
        return len(self._values())

    def __repr__(self):
        return repr(dict(self))


def flatten_logs(logs):
    """Nested dicts of results (from CompileMetrics) become one flat dict."""
    flat = {}
    for key, value in logs.items():
        if isinstance(value, dict):
            flat.update(flatten_logs(value))
        else:
            flat[key] = value
    return flat
