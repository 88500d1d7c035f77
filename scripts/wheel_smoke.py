"""The package as users install it: run from outside the checkout in an environment where
cornu was installed from its wheel (`scripts/ci_without_tf.sh` builds one with jax only).

Checks that cornu imports from site-packages (not the checkout), that the wheel carries its
license and version, and that one fit, `.keras` save and load round trip gives the same
predictions, without TensorFlow, torch or Keras being imported.

    python scripts/wheel_smoke.py
"""

import importlib.metadata
import os
import sys
import tempfile

import numpy as np

import cornu as keras


def main():
    where = os.path.dirname(keras.__file__)
    if "site-packages" not in where:
        sys.exit(f"cornu was imported from {where}, not from an installed wheel")
    if importlib.metadata.version("cornu") != keras.__version__:
        sys.exit(
            f"the wheel's version {importlib.metadata.version('cornu')} is not "
            f"cornu.__version__ {keras.__version__}"
        )
    meta = importlib.metadata.metadata("cornu")
    if meta.get("License-Expression") != "Apache-2.0":
        sys.exit(f"the wheel's license is {meta.get('License-Expression')!r}, not Apache-2.0")

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
    model = keras.Sequential(
        [keras.Input((8,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        restored = keras.models.load_model(path)
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    for name in ("tensorflow", "torch", "keras"):
        if name in sys.modules:
            sys.exit(f"{name} was imported by cornu on the {keras.backend.backend()} backend")
    print(
        f"wheel smoke: cornu {keras.__version__} from {where} on {keras.backend.backend()}: "
        f"fit loss {history.history['loss'][0]:.4f} -> {history.history['loss'][-1]:.4f}, "
        "save/load predictions equal"
    )


if __name__ == "__main__":
    main()
