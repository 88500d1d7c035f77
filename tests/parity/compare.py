"""Compares what a case returned under Keras with what it returned under cornu."""

import numpy as np

from tests.parity.observe import Obj, Raised, Tensor


def differences(expected, actual, rtol, atol, path="result"):
    """Returns a list of human-readable differences (empty when equal)."""
    if isinstance(expected, Raised) or isinstance(actual, Raised):
        if not (isinstance(expected, Raised) and isinstance(actual, Raised)):
            return [f"{path}: Keras gave {expected!r}, cornu gave {actual!r}"]
        if expected.builtin != actual.builtin:
            return [f"{path}: Keras raised {expected!r}, cornu raised {actual!r}"]
        return []
    if isinstance(expected, Tensor):
        if not isinstance(actual, Tensor) or actual.framework != expected.framework:
            return [f"{path}: Keras gave {expected!r}, cornu gave {actual!r}"]
        return _array_differences(expected.value, actual.value, rtol, atol, path)
    if isinstance(expected, Obj):
        if not isinstance(actual, Obj) or actual.name != expected.name:
            return [f"{path}: Keras gave {expected!r}, cornu gave {actual!r}"]
        return []
    if type(expected) is not type(actual):
        return [
            f"{path}: Keras gave {type(expected).__name__} {_short(expected)}, "
            f"cornu gave {type(actual).__name__} {_short(actual)}"
        ]
    if isinstance(expected, np.ndarray):
        return _array_differences(expected, actual, rtol, atol, path)
    if isinstance(expected, np.generic):
        return _array_differences(np.asarray(expected), np.asarray(actual), rtol, atol, path)
    if isinstance(expected, dict):
        if set(expected) != set(actual):
            return [
                f"{path}: keys differ: Keras {sorted(map(str, expected))}, cornu {sorted(map(str, actual))}"
            ]
        found = []
        for key in expected:
            found += differences(expected[key], actual[key], rtol, atol, f"{path}[{key!r}]")
        return found
    if isinstance(expected, (list, tuple)):
        if len(expected) != len(actual):
            return [
                f"{path}: length {len(expected)} under Keras, {len(actual)} under cornu: {_short(expected)} vs {_short(actual)}"
            ]
        found = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            found += differences(e, a, rtol, atol, f"{path}[{i}]")
        return found
    if isinstance(expected, float):
        if not np.isclose(expected, actual, rtol=rtol, atol=atol, equal_nan=True):
            return [f"{path}: Keras {expected!r}, cornu {actual!r}"]
        return []
    if expected != actual:
        return [f"{path}: Keras {_short(expected)}, cornu {_short(actual)}"]
    return []


def _array_differences(expected, actual, rtol, atol, path):
    if expected.shape != actual.shape or expected.dtype != actual.dtype:
        return [
            f"{path}: Keras array {expected.dtype}{expected.shape}, cornu {actual.dtype}{actual.shape}"
        ]
    if expected.dtype.kind in "fc":
        ok = np.allclose(expected, actual, rtol=rtol, atol=atol, equal_nan=True)
    else:
        ok = np.array_equal(expected, actual)
    if not ok:
        return [f"{path}: values differ: Keras {_short(expected)}, cornu {_short(actual)}"]
    return []


def _short(value, limit=300):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
