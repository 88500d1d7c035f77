"""cornu's behaviour where Keras 3.15.1 is plainly wrong, pinned against NumPy references.

The parity cases compare cornu with real Keras; here are the places where they must not agree.
Each test states what Keras 3.15.1 does (seen by running it as a black box) and checks cornu's
result against math written out in NumPy. These tests do not need Keras installed.
"""

import numpy as np
import pytest

import cornu as keras
from cornu import backend, ops
from tests.conftest import requires_training

X = np.array([[0.5, 1.0, 3.0, 2.9], [0.1, 0.2, 0.3, 0.25]], "float32")


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _sparsemax_reference(z):
    # Euclidean projection of each row onto the probability simplex.
    out = np.empty_like(z)
    for i, row in enumerate(z):
        s = np.sort(row)[::-1]
        k = np.arange(1, len(row) + 1)
        support = 1 + k * s > np.cumsum(s)
        k_max = k[support][-1]
        tau = (np.cumsum(s)[k_max - 1] - 1) / k_max
        out[i] = np.maximum(row - tau, 0)
    return out


def test_sparsemax_is_a_projection_onto_the_simplex():
    # Keras 3.15.1 (jax): the outputs of this input sum to 0, not 1.
    for fn in (keras.activations.sparsemax, ops.sparsemax):
        out = _np(fn(X))
        np.testing.assert_allclose(out.sum(axis=-1), [1.0, 1.0], rtol=1e-6)
        np.testing.assert_allclose(out, _sparsemax_reference(X), rtol=1e-5, atol=1e-6)


def test_normalize_along_axis_0():
    # Keras 3.15.1: utils.normalize(x, axis=0) fails to broadcast (ValueError).
    out = _np(keras.utils.normalize(X, axis=0))
    np.testing.assert_allclose(out, X / np.linalg.norm(X, axis=0, keepdims=True), rtol=1e-5)


def test_tversky_alpha_weighs_false_positives():
    # Keras documents alpha for false positives but applies it to false negatives:
    # Keras 3.15.1 gives 0.5238 = 1 - 1/(1 + 0.9*1 + 0.1*2) here.
    y_true = np.array([[1, 1, 0, 0]], "float32")
    y_pred = np.array([[1, 0, 1, 1]], "float32")
    tp, fp, fn = 1.0, 2.0, 1.0
    expected = 1 - tp / (tp + 0.9 * fp + 0.1 * fn)
    loss = keras.losses.Tversky(alpha=0.9, beta=0.1)(y_true, y_pred)
    np.testing.assert_allclose(_np(loss), expected, rtol=1e-5)


def test_iou_keeps_fractional_sample_weights():
    # Keras 3.15.1 counts the confusion matrix in int32, so weights of 0.5 give IoU 0.0.
    metric = keras.metrics.IoU(num_classes=2, target_class_ids=[0, 1])
    metric.update_state([0, 1, 1], [0, 1, 0], sample_weight=[0.5, 0.5, 0.5])
    # Confusion (true x pred): [[0.5, 0], [0.5, 0.5]]; IoU = tp / (row + col - tp) per class.
    np.testing.assert_allclose(_np(metric.result()), 0.5, rtol=1e-6)


def test_adjusted_r2_counts_rows_as_samples():
    # Keras 3.15.1 counts every value (rows x outputs) as a sample: 0.9743 here, not 0.9720.
    y_true = np.array([[1, 2], [2, 3], [3, 5], [4, 4]], "float32")
    y_pred = y_true + np.array([[0.1, -0.2], [0.3, 0.1], [-0.2, 0.2], [0.1, 0.0]], "float32")
    ss_res = ((y_true - y_pred) ** 2).sum(axis=0)
    ss_tot = ((y_true - y_true.mean(axis=0)) ** 2).sum(axis=0)
    r2 = np.mean(1 - ss_res / ss_tot)
    n, p = 4, 1
    metric = keras.metrics.R2Score(num_regressors=p)
    metric.update_state(y_true, y_pred)
    adjusted = 1 - (1 - r2) * (n - 1) / (n - p - 1)
    np.testing.assert_allclose(_np(metric.result()), adjusted, rtol=1e-5)


def test_to_categorical_of_a_tensor_infers_num_classes():
    # Keras 3.15.1: TypeError ('NoneType' object cannot be interpreted as an integer).
    out = _np(keras.utils.to_categorical(ops.convert_to_tensor([0, 2, 1])))
    np.testing.assert_array_equal(out, np.eye(3, dtype="float32")[[0, 2, 1]])


def test_pad_sequences_to_length_zero():
    # Keras 3.15.1: ValueError (cannot broadcast (2,) into (0,)).
    out = keras.utils.pad_sequences([[1, 2], [3]], maxlen=0)
    assert out.shape == (2, 0)


def test_cosine_similarity_along_axis_0():
    # Keras 3.15.1 crashes on its numpy backend for axis=0.
    a, b = X, X[::-1].copy()
    unit = lambda v: v / np.linalg.norm(v, axis=0, keepdims=True)  # noqa: E731
    expected = -np.mean(np.sum(unit(a) * unit(b), axis=0))
    loss = keras.losses.CosineSimilarity(axis=0)(a, b)
    np.testing.assert_allclose(_np(loss), expected, rtol=1e-5)


def test_top_k_indices_are_int32_and_nonzero_is_a_tuple_on_every_backend():
    # Keras 3.15.1 on torch alone gives int64 top_k indices and a stacked nonzero tensor.
    _, indices = ops.top_k(np.array([1.0, 3.0, 2.0], "float32"), 2)
    assert backend.standardize_dtype(indices.dtype) == "int32"
    rows, cols = ops.nonzero(np.array([[0, 1], [1, 0]]))
    np.testing.assert_array_equal(_np(rows), [0, 1])
    np.testing.assert_array_equal(_np(cols), [1, 0])


@requires_training
def test_one_output_model_given_two_losses_is_refused():
    # Keras 3.15.1 trains with both losses logged as 0.0: a silent wrong result.
    x = np.zeros((4, 3), "float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", loss=["mse", "mae"])
    with pytest.raises(ValueError, match="2 losses"):
        model.fit(x, x[:, :1], verbose=0)


@requires_training
def test_sequential_compiled_with_a_loss_dict_by_output_name():
    # Keras 3.15.1: TypeError ('NoneType' object is not iterable) at fit.
    x = np.random.default_rng(0).random((16, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, name="out")])
    model.compile("sgd", loss={"out": "mse"})
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    prediction = model.predict(x, verbose=0)
    expected = np.mean((prediction - y) ** 2)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), expected, rtol=1e-4)
    assert list(history.history) == ["loss"]
