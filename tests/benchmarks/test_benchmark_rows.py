"""Smoke test of the benchmark rows: benchmarks/models_zoo.py under cornu and the native loops."""

import contextlib
import os
import sys

import numpy as np
import pytest

import cornu
from cornu import backend
from tests.conftest import requires_training

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))
import models_zoo  # noqa: E402
import native_loops  # noqa: E402

# count_params() of the same models_zoo.py code run under Keras 3.15.1 (KERAS_BACKEND=jax).
KERAS_PARAMS = {"resnet": 274042, "transformer": 131074, "gru_text": 89090, "bilstm_text": 130306}


@requires_training
@pytest.mark.parametrize("row", sorted(KERAS_PARAMS))
def test_row_builds_like_keras(row):
    assert models_zoo.build(cornu, row).count_params() == KERAS_PARAMS[row]


@requires_training
def test_masked_gru_row_trains_one_step_in_cornu_and_natively():
    x, y = models_zoo.data("gru_text", 1)
    loss = models_zoo.build(cornu, "gru_text").train_on_batch(x[:2], y[:2])
    assert np.isfinite(float(np.asarray(loss).ravel()[0]))
    native = native_loops.TRAIN[backend.backend()]("gru_text", x[:2], y[:2], 1, batch=2)
    with _standard_promotion():
        assert next(native) > 0


def _standard_promotion():
    """optax promotes dtypes implicitly; tests run JAX strict (conftest), for cornu's sake."""
    if backend.backend() != "jax":
        return contextlib.nullcontext()
    import jax

    return jax.numpy_dtype_promotion("standard")


@pytest.mark.parametrize("row", ["gru_text", "bilstm_text"])
def test_text_rows_are_right_padded_with_the_mask_id(row):
    x, _ = models_zoo.data(row, 1)
    padded = x == 0
    # Once a row is padded it stays padded: masking sees trailing zeros only.
    assert (padded[:, 1:] >= padded[:, :-1]).all() and padded.any()
