"""Augmentation layers inside a model trained with `fit` (the compiled train step), as image
classification examples use them."""

import numpy as np
import pytest

import cornu
from tests.conftest import requires_training


@requires_training
@pytest.mark.parametrize(
    "make",
    [
        lambda: cornu.layers.RandomRotation(0.2, seed=1),
        lambda: cornu.layers.RandomZoom(0.2, seed=1),
        lambda: cornu.layers.RandomTranslation(0.1, 0.1, seed=1),
        lambda: cornu.layers.RandomFlip(seed=1),
    ],
    ids=["rotation", "zoom", "translation", "flip"],
)
def test_geometric_augmentation_trains_in_fit(make):
    # On TensorFlow 2.21 the projective warp once failed in the train step only (a grappler
    # rewrite mis-shaped its parameters: 'Incompatible shapes: [1,8,8] vs. [2]').
    model = cornu.Sequential([cornu.Input((8, 8, 3)), make(), cornu.layers.Flatten(),
                              cornu.layers.Dense(2)])  # fmt: skip
    model.compile("sgd", "mse")
    x = np.random.default_rng(0).random((4, 8, 8, 3)).astype("float32")
    history = model.fit(x, np.zeros((4, 2), "float32"), batch_size=2, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
