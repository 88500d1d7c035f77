"""Bad input gets a clear exception on every backend, never a silent wrong result.

One table: each case builds what a user might write by mistake, and names the exception type
and a `match=` on its message. Cases that train skip on the numpy backend.
"""

import numpy as np
import pytest

import cornu as keras
from cornu import backend
from cornu import layers as L

RNG = np.random.default_rng(0)
X = RNG.random((8, 4)).astype("float32")


def _regressor():
    model = keras.Sequential([keras.Input((4,)), L.Dense(1)])
    model.compile("sgd", "mse")
    return model


def _classifier(loss, units=3, activation=None):
    model = keras.Sequential([keras.Input((4,)), L.Dense(units, activation=activation)])
    model.compile("sgd", loss)
    return model


def conv_kernel_larger_than_input():
    return L.Conv2D(2, 5)(keras.Input((3, 3, 1)))


def conv_kernel_larger_than_eager_input():
    return L.Conv2D(2, 3)(np.ones((1, 2, 2, 1), "float32"))


def pooling_window_larger_than_input():
    return L.MaxPooling1D(4)(keras.Input((3, 1)))


def sparse_label_equal_to_class_count():
    model = _classifier(keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model.fit(X, np.full((8,), 3), verbose=0)


def sparse_label_negative():
    return _classifier("sparse_categorical_crossentropy", activation="softmax").fit(
        X, np.full((8,), -1), verbose=0
    )


def sparse_label_out_of_range_in_evaluate():
    model = _classifier("sparse_categorical_crossentropy", activation="softmax")
    return model.evaluate(X, np.full((8,), 7), verbose=0)


def sparse_label_out_of_range_in_a_later_generator_batch():
    model = _classifier("sparse_categorical_crossentropy", activation="softmax")

    def batches():
        yield X[:4], np.zeros((4,), "int32")
        yield X[4:], np.full((4,), 9, "int32")

    return model.fit(batches(), verbose=0)


def embedding_index_past_the_table():
    return L.Embedding(5, 2)(np.array([[1, 7]]))


def class_weight_for_a_missing_class():
    model = _classifier("sparse_categorical_crossentropy", activation="softmax")
    return model.fit(X, np.zeros(8), class_weight={0: 1.0, 5: 2.0}, verbose=0)


def negative_epochs():
    return _regressor().fit(X, X[:, :1], epochs=-1, verbose=0)


def initial_epoch_past_epochs():
    return _regressor().fit(X, X[:, :1], initial_epoch=5, epochs=3, verbose=0)


def string_data_to_predict():
    return _regressor().predict(np.array([["a"] * 4] * 2), verbose=0)


def string_data_to_fit():
    return _regressor().fit(np.array([["a"] * 4] * 8), X[:, :1], verbose=0)


def validation_data_without_targets():
    return _regressor().fit(X, X[:, :1], validation_data=(X,), verbose=0)


def evaluate_without_targets():
    return _regressor().evaluate(X, verbose=0)


def two_losses_for_one_output():
    model = keras.Sequential([keras.Input((4,)), L.Dense(1)])
    model.compile("sgd", loss=["mse", "mae"])
    return model.fit(X, X[:, :1], verbose=0)


def input_shape_as_an_int():
    return keras.Input(shape=3)


def generator_batch_shape_changes_mid_epoch():
    def batches():
        yield X[:4], X[:4, :1]
        yield np.ones((4, 5), "float32"), X[:4, :1]

    return _regressor().fit(batches(), verbose=0)


def set_backend_to_an_unknown_name():
    return keras.config.set_backend("theano")


TRAINS = {"train"}
CASES = [
    # (case, exception, match, needs)
    (conv_kernel_larger_than_input, ValueError, "does not fit an input axis of length 3", ()),
    (conv_kernel_larger_than_eager_input, ValueError, "output would be empty", ()),
    (pooling_window_larger_than_input, ValueError, "MaxPooling1D layer", ()),
    (sparse_label_equal_to_class_count, ValueError, r"in \[0, 3\).*received label 3", TRAINS),
    (sparse_label_negative, ValueError, r"received label -1", TRAINS),
    (sparse_label_out_of_range_in_evaluate, ValueError, r"received label 7", TRAINS),
    (sparse_label_out_of_range_in_a_later_generator_batch, ValueError, "received label 9", TRAINS),
    # (TensorFlow's InvalidArgumentError; IndexError elsewhere, checked below.)
    (embedding_index_past_the_table, Exception, r"out of (range|bounds)|not in \[0, 5\)", ()),
    (class_weight_for_a_missing_class, ValueError, r"class\(es\) \[5\].*3 classes", TRAINS),
    (negative_epochs, ValueError, "epochs=-1", TRAINS),
    (initial_epoch_past_epochs, ValueError, "epoch to stop at", TRAINS),
    (string_data_to_predict, TypeError, "received string data", ()),
    (string_data_to_fit, TypeError, "received string data", TRAINS),
    (validation_data_without_targets, ValueError, r"no targets \(y is None\)", TRAINS),
    (evaluate_without_targets, ValueError, r"no targets \(y is None\)", TRAINS),
    (two_losses_for_one_output, ValueError, "2 losses", TRAINS),
    (input_shape_as_an_int, ValueError, r"shape must be a tuple, e.g. shape=\(3,\)", ()),
    (
        generator_batch_shape_changes_mid_epoch,
        ValueError,
        r"expected .*4.*found shape=\(4, 5\)",
        TRAINS,
    ),  # fmt: skip
    (set_backend_to_an_unknown_name, ValueError, "Unknown backend 'theano'", ()),
]


@pytest.mark.parametrize(
    "case, exception, match, needs", CASES, ids=[case.__name__ for case, *_ in CASES]
)
def test_bad_input_raises_clearly(case, exception, match, needs):
    if "train" in needs and not backend.IS_DIFFERENTIABLE:
        pytest.skip("the numpy backend has no gradients")
    with pytest.raises(exception, match=match):
        case()


def test_embedding_index_past_the_table_is_an_index_error_where_checkable():
    # TensorFlow raises its own InvalidArgumentError; NumPy, torch and eager JAX an IndexError.
    if backend.backend() == "tensorflow":
        pytest.skip("TensorFlow's gather raises InvalidArgumentError")
    with pytest.raises(IndexError):
        embedding_index_past_the_table()


def test_dict_data_with_an_unknown_key_warns_and_is_matched_by_name():
    alpha, zeta = keras.Input((2,), name="alpha"), keras.Input((2,), name="zeta")
    model = keras.Model({"alpha": alpha, "zeta": zeta}, L.Concatenate()([alpha, zeta]))
    data = {"zeta": np.zeros((1, 2)), "gamma": np.full((1, 2), 7.0), "alpha": np.ones((1, 2))}
    with pytest.warns(UserWarning, match=r"key\(s\) \['gamma'\] that name none of its inputs"):
        out = model.predict(data, verbose=0)
    np.testing.assert_array_equal(out, [[1, 1, 0, 0]])


def test_in_range_sparse_labels_train_normally():
    if not backend.IS_DIFFERENTIABLE:
        pytest.skip("the numpy backend has no gradients")
    model = _classifier("sparse_categorical_crossentropy", activation="softmax")
    history = model.fit(X, np.arange(8) % 3, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
