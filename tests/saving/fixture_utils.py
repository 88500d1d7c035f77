"""Helpers shared by the saving tests: the Keras 3.15.1 fixtures in tests/data/keras3."""

import io
import os
import zipfile

import h5py
import numpy as np
import pytest

from cornu.saving import saving_api

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "keras3")
FIXTURES = sorted(name[: -len(".keras")] for name in os.listdir(DATA) if name.endswith(".keras"))
LEGACY = sorted(
    name[: -len(".h5")]
    for name in os.listdir(DATA)
    if name.endswith(".h5") and not name.endswith(".weights.h5")
)


def path(name, ext):
    return os.path.join(DATA, name + ext)


def manifest():
    import json

    with open(os.path.join(DATA, "manifest.json")) as handle:
        return json.load(handle)


def inputs_outputs(name):
    data = np.load(path(name, ".npz"))
    xs = [data[k] for k in sorted(data) if k.startswith("x")]
    ys = [data[k] for k in sorted(data) if k.startswith("y")]
    return xs, ys


def load_or_skip(load, *args, **kwargs):
    """Runs a load; skips (naming the class) when the fixture uses a class cornu lacks."""
    try:
        return load(*args, **kwargs)
    except TypeError as error:
        if str(error).startswith("Could not locate"):
            pytest.skip(f"cornu lacks a class the fixture uses: {error}".split(". If")[0])
        raise


def predict(model, xs):
    from cornu import backend

    out = model(xs if len(xs) > 1 else xs[0], training=False)
    out = backend.convert_to_numpy(out) if not isinstance(out, (list, tuple, dict)) else out
    if isinstance(out, dict):  # in the order of the model's outputs (the .npz order)
        names = [t._keras_history.operation.name for t in model.outputs]
        out = [backend.convert_to_numpy(out[n]) for n in names]
    elif isinstance(out, (list, tuple)):
        out = [backend.convert_to_numpy(o) for o in out]
    return [np.asarray(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


def assert_outputs_close(actual, expected, tol=1e-4):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a.shape == e.shape
        scale = max(float(np.max(np.abs(e))), 1e-6)
        assert float(np.max(np.abs(a - e))) / scale < tol


def h5_layout(h5file):
    """{path: dataset shape, or the group's `name` attribute} for every item of the file."""
    layout = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            layout[name] = tuple(obj.shape)
        else:
            value = obj.attrs.get("name")
            layout[name] = value.decode() if isinstance(value, bytes) else value

    h5file.visititems(visit)
    return layout


def archive_weights_layout(archive_bytes):
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as h5file:
            return h5_layout(h5file)


def save_to_bytes(model):
    buffer = io.BytesIO()
    saving_api.save_model(model, buffer)
    return buffer.getvalue()


def json_config(model):
    from cornu.saving import keras_archive

    return keras_archive.model_config(model)
