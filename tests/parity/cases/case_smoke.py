"""Smoke cases: the harness itself (a Sequential model's predict, names, an exception)."""

import numpy as np

from tests.parity.case import ALL, case


@case(backends=ALL)
def case_sequential_predict(keras, H):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu")])
    H.det_weights(model)
    x = np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4)
    return {"y": model.predict(x, verbose=0), "names": [l.name for l in model.layers]}


@case(backends=ALL)
def case_unknown_activation_raises(keras, H):
    return H.raises(keras.layers.Dense, 3, activation="no_such_activation")
