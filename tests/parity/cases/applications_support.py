"""What the keras.applications parity cases share: the applications module, weights set alike
in both libraries, and a comparable form of a raised error.

Not a case module (its name does not start with `case_`): the `case_applications_*` modules
import it.
"""

import importlib
import os
import re
import tempfile

import numpy as np


def applications(keras):
    """`keras.applications`, imported (cornu's top level may not import it eagerly)."""
    return importlib.import_module(keras.__name__ + ".applications")


def set_weights_by_role(model, seed=0):
    """Every weight from a NumPy generator by its role (fan-in scaled kernels, positive
    variances), in `model.weights` order, so both libraries predict alike."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        shape, role = tuple(w.shape), w.path.split("/")[-1]
        if role in ("kernel", "pointwise_kernel"):
            value = rng.normal(0.0, 1.0 / np.sqrt(np.prod(shape[:-1])), shape)
        elif role == "depthwise_kernel":
            value = rng.normal(0.0, 1.0 / np.sqrt(np.prod(shape[:2])), shape)
        elif role == "gamma":
            value = rng.uniform(0.8, 1.2, shape)
        elif role == "moving_variance":
            value = rng.uniform(0.5, 1.5, shape)
        else:  # bias, beta, moving_mean
            value = rng.normal(0.0, 0.1, shape)
        w.assign(value.astype("float32"))
    return model


def set_weights_by_shape(model, variance=(0.5, 1.5), seed=0):
    """Every float weight from one NumPy generator in `model.weights` order, scaled so signals
    survive many blocks: He-normal kernels, scales near 1, BatchNorm variances in `variance`
    (chosen per model so that the outputs neither vanish nor explode and still differ per
    image), small offsets (LayerScale's too)."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        shape = tuple(w.shape)
        if not np.issubdtype(np.dtype(w.dtype), np.floating):
            continue
        if w.path.endswith("variance"):
            value = rng.uniform(*variance, shape)
        elif w.path.endswith("gamma"):
            value = rng.uniform(0.5, 1.5, shape)
        elif len(shape) == 4:
            fan_in = np.prod(shape[:2]) * (1 if shape[3] == 1 else shape[2])
            value = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
        elif len(shape) == 2:
            value = rng.normal(0.0, np.sqrt(1.0 / shape[0]), shape)
        else:
            value = rng.normal(0.0, 0.1, shape)
        w.assign(value.astype(w.dtype))
    # Keras's Normalization reads its statistics when weights are loaded, not when its
    # variables are assigned: a save/load round trip makes both libraries use them.
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.weights.h5")
        model.save_weights(path)
        model.load_weights(path)
    return model


def error_of(fn, *args, **kwargs):
    """`(exception type name, message)` of what `fn(*args, **kwargs)` raises, or
    "no exception"."""
    try:
        fn(*args, **kwargs)
    except Exception as exc:
        # A function's repr carries its address: compare without it.
        return type(exc).__name__, re.sub(r" at 0x[0-9a-f]+", "", str(exc))
    return "no exception"
