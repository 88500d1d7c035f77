"""What a parity case can observe, turned into plain data that both processes can pickle.

A case returns any mix of Python values, NumPy arrays, framework tensors, Variables and
objects; `plain` turns it into builtins and NumPy only, keeping what a user could tell apart:
the Python type of scalars and containers, array dtypes and shapes, the framework a tensor
belongs to, the class name of library objects. `H` is the helper namespace handed to every
case (deterministic weights, captured exceptions, summary text, file listings).
"""

import io
import os
import zipfile

import numpy as np

_LIBRARIES = ("keras", "cornu")


class Tensor:
    """A framework tensor seen by a case: which framework, and its value."""

    def __init__(self, framework, value):
        self.framework = framework
        self.value = value

    def __repr__(self):
        return f"Tensor({self.framework}, {self.value!r})"


class Obj:
    """A library object seen by a case: only its class name is compared."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"Obj({self.name})"


class Raised:
    """An exception a case provoked; compared by its builtin base class."""

    def __init__(self, exc):
        self.builtin = next(
            (k.__name__ for k in type(exc).__mro__ if k.__module__ == "builtins"), "Exception"
        )
        self.name = type(exc).__name__
        self.message = str(exc)[:500]

    def __repr__(self):
        return f"Raised({self.builtin}: {self.name}: {self.message[:120]})"


def _framework_of(value):
    module = type(value).__module__.split(".")[0]
    if module in ("jax", "jaxlib"):
        return "jax"
    if module in ("torch", "tensorflow"):
        return module
    return None


def plain(value):
    """Converts `value` to builtins, NumPy arrays and the marker classes above."""
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return value
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.generic):
        return value
    if isinstance(value, BaseException):
        return Raised(value)
    if isinstance(value, (Raised, Obj, Tensor)):  # already plain (e.g. from H.raises)
        return value
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):  # list subclasses (tracking lists) read as lists
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return set(plain(v) for v in value)
    framework = _framework_of(value)
    if framework is not None and hasattr(value, "shape"):
        return Tensor(framework, np.asarray(_to_numpy(value)))
    module = type(value).__module__.split(".")[0]
    if module in _LIBRARIES:
        if (
            type(value).__name__ == "Variable"
            or hasattr(value, "assign")
            and hasattr(value, "path")
        ):
            return Tensor("Variable", np.asarray(value.numpy()))
        if hasattr(value, "shape") and hasattr(value, "dtype") and not hasattr(value, "numpy"):
            return Obj(f"KerasTensor{tuple(value.shape)}:{value.dtype}")
        return Obj(type(value).__name__)
    return Obj(type(value).__name__)


def _to_numpy(value):
    if hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    if hasattr(value, "numpy"):
        return value.numpy()
    return value


class H:
    """Helpers for cases; the same code runs under Keras and under cornu."""

    @staticmethod
    def raises(fn, *args, **kwargs):
        """Calls fn; returns a Raised marker for an exception, else ("no exception", result)."""
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:  # the type is what is compared
            return Raised(exc)
        return ("no exception", plain(result))

    @staticmethod
    def det_weights(model, seed=0, scale=0.3):
        """Sets every weight of `model` from a NumPy generator, so both runs start equal."""
        rng = np.random.default_rng(seed)
        new = []
        for w in model.get_weights():
            if np.issubdtype(w.dtype, np.floating):
                new.append((rng.standard_normal(w.shape) * scale).astype(w.dtype))
            else:
                new.append(w)
        model.set_weights(new)
        return model

    @staticmethod
    def weights(model):
        return [np.asarray(w) for w in model.get_weights()]

    @staticmethod
    def summary(model, **kwargs):
        lines = []
        model.summary(print_fn=lambda line, *a, **k: lines.append(line), **kwargs)
        return "\n".join(lines)

    @staticmethod
    def zip_members(path):
        with zipfile.ZipFile(path) as archive:
            return sorted(archive.namelist())

    @staticmethod
    def h5_paths(path):
        import h5py

        found = []
        with h5py.File(path, "r") as f:
            f.visititems(lambda name, obj: found.append(name) if hasattr(obj, "shape") else None)
        return sorted(found)

    @staticmethod
    def listdir(path="."):
        return sorted(os.listdir(path))

    @staticmethod
    def capture_stdout(fn, *args, **kwargs):
        import contextlib

        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            fn(*args, **kwargs)
        return buffer.getvalue()

    @staticmethod
    def data(n=64, features=4, classes=None, seed=0, outputs=1):
        """A small learnable problem: x, and y (regression, or class ids when `classes`)."""
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((n, features)).astype("float32")
        w = rng.standard_normal((features, max(outputs, classes or 1))).astype("float32")
        if classes:
            y = np.argmax(x @ w, axis=1).astype("int32")
        else:
            y = (x @ w).astype("float32")
        return x, y

    @staticmethod
    def rounded(history, digits=None):
        return {k: [float(v) for v in vals] for k, vals in history.history.items()}
