"""Trains a small convnet on scikit-learn's bundled 8x8 digits (no download), on the backend
chosen by CORNU_BACKEND, then saves the model, reloads it and checks the reloaded model
predicts the same.

    CORNU_BACKEND=jax python examples/digits.py [--epochs 30] [--out /tmp/digits.keras]

Exits non-zero if test accuracy is below 95% or the reloaded model disagrees.
"""

import argparse
import os
import sys
import tempfile

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import cornu
from cornu import layers


def build_model():
    model = cornu.Sequential(
        [
            cornu.Input((8, 8, 1)),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10),
        ],
        name="digits_convnet",
    )
    model.compile(
        optimizer=cornu.optimizers.Adam(3e-3),
        loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--out", default=None, help="where to save the model (.keras)")
    args = parser.parse_args()

    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., None]
    y = digits.target.astype("int32")
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, random_state=0, stratify=y
    )
    cornu.utils.set_random_seed(0)
    print(
        f"backend: {cornu.backend.backend()}; {len(x_train)} training and {len(x_test)} test images"
    )
    model = build_model()
    model.summary()
    model.fit(x_train, y_train, batch_size=32, epochs=args.epochs, validation_split=0.1, verbose=1)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy: {accuracy:.4f} (loss {loss:.4f})")

    path = args.out or os.path.join(tempfile.mkdtemp(), "digits.keras")
    model.save(path)
    reloaded = cornu.saving.load_model(path)
    same = np.allclose(
        model.predict(x_test, verbose=0), reloaded.predict(x_test, verbose=0), atol=1e-5
    )
    print(f"saved to {path} ({os.path.getsize(path)} bytes); reloaded model agrees: {same}")
    if accuracy < 0.95 or not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
