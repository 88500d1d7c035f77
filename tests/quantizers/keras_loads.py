"""Loads a `.keras` file cornu wrote in real Keras 3.15 (a child process, numpy backend) and
returns Keras's predictions on `x` with the layers' dtype policy names."""

import os
import subprocess
import sys

import numpy as np

_SCRIPT = """
import sys, numpy as np, keras
model = keras.saving.load_model(sys.argv[1])
np.save(sys.argv[2], model.predict(np.load(sys.argv[3]), verbose=0))
print([layer.dtype_policy.name for layer in model.layers])
"""


def keras_predicts(model, x, folder, name):
    """Saves `model` as `folder/name.keras`; Keras's `(predictions, printed policy names)`."""
    path, out, inputs = (os.path.join(folder, f) for f in (f"{name}.keras", "out.npy", "x.npy"))
    np.save(inputs, x)
    model.save(path)
    env = {**os.environ, "KERAS_BACKEND": "numpy", "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("JAX_NUMPY_DTYPE_PROMOTION", None)  # cornu's strict test setting, not Keras's
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, path, out, inputs],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return np.load(out), done.stdout
