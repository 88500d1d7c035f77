"""The scikit-learn wrappers: building and cloning the Model, warm starts, target encoding,
errors, scikit-learn's tools and a subset of its own estimator checks."""

import subprocess
import sys

import numpy as np
import pytest

import cornu
from cornu.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer
from tests.conftest import requires_training

pytestmark = requires_training
sklearn = pytest.importorskip("sklearn")


def _data(n=24, features=3, classes=2, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32") + (classes > 2) * (x[:, 1] > 0)


def build(X, y, units=4):
    inputs = cornu.Input(X.shape[1:])
    hidden = cornu.layers.Dense(units, activation="tanh")(inputs)
    outputs = cornu.layers.Dense(y.shape[1], activation="softmax")(hidden)
    model = cornu.Model(inputs, outputs)
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    return model


FIT = {"epochs": 1, "verbose": 0}


def test_a_callable_is_called_with_the_data_and_model_kwargs():
    x, y = _data(classes=3)
    calls = []

    def recording_build(X, y, units=4):
        calls.append((X.shape, y.shape, units))
        return build(X, y, units)

    clf = SKLearnClassifier(recording_build, model_kwargs={"units": 7}, fit_kwargs=FIT).fit(x, y)
    assert calls == [((24, 3), (24, 3), 7)]
    assert clf.model_.layers[1].units == 7
    assert list(clf.classes_) == [0, 1, 2]
    assert clf.n_features_in_ == 3
    assert isinstance(clf.history_, cornu.callbacks.History)


def test_a_model_instance_is_cloned_and_compiled_like_the_original():
    x, y = _data()
    model = build(x, np.eye(2)[y])
    clf = SKLearnClassifier(model, fit_kwargs=FIT).fit(x, y)
    assert clf.model_ is not model
    assert clf.model_.optimizer is not model.optimizer
    assert clf.model_.get_compile_config() == model.get_compile_config()


def test_warm_start_keeps_the_fitted_model_and_its_weights():
    x, y = _data()
    clf = SKLearnClassifier(build, warm_start=True, fit_kwargs=FIT).fit(x, y)
    first = clf.model_
    weights = [w.copy() for w in first.get_weights()]
    clf.fit(x, y)
    assert clf.model_ is first
    assert any(not np.array_equal(a, b) for a, b in zip(weights, first.get_weights()))
    cold = SKLearnClassifier(build, fit_kwargs=FIT).fit(x, y)
    model = cold.model_
    assert cold.fit(x, y).model_ is not model


def test_warm_start_fits_a_given_model_instance_itself():
    x, y = _data()
    model = build(x, np.eye(2)[y])
    assert SKLearnClassifier(model, warm_start=True, fit_kwargs=FIT).fit(x, y).model_ is model


def test_regressor_squeezes_its_single_output_and_transformer_returns_outputs():
    x, _ = _data()
    y = x @ np.array([1.0, -2.0, 0.5], "float32")

    def regression(X, y):
        inputs = cornu.Input(X.shape[1:])
        model = cornu.Model(inputs, cornu.layers.Dense(y.shape[1])(inputs))
        model.compile(loss="mse", optimizer="sgd")
        return model

    reg = SKLearnRegressor(regression, fit_kwargs=FIT).fit(x, y)
    assert reg.predict(x[:5]).shape == (5,)
    transformer = SKLearnTransformer(regression, fit_kwargs=FIT).fit(x, y)
    assert transformer.transform(x[:5]).shape == (5, 1)
    assert transformer.fit_transform(x, y).shape == (24, 1)


@pytest.mark.parametrize(
    "model, error, match",
    [
        (42, TypeError, "must be a compiled cornu Model or a callable"),
        (lambda X, y: "not a model", TypeError, "must return a compiled cornu Model"),
    ],
    ids=["not-callable", "callable-returns-other"],
)
def test_bad_model_arguments(model, error, match):
    x, y = _data()
    with pytest.raises(error, match=match):
        SKLearnClassifier(model, fit_kwargs=FIT).fit(x, y)


def test_an_uncompiled_model_instance_is_refused():
    x, y = _data()
    inputs = cornu.Input((3,))
    model = cornu.Model(inputs, cornu.layers.Dense(2)(inputs))
    with pytest.raises(ValueError, match="need a compiled Model"):
        SKLearnClassifier(model, fit_kwargs=FIT).fit(x, y)


def test_classifier_refuses_continuous_targets():
    x, _ = _data()
    with pytest.raises(ValueError, match="target type is 'continuous'"):
        SKLearnClassifier(build, fit_kwargs=FIT).fit(x, x[:, 0] + 0.5)


def test_grid_search_over_model_and_fit_arguments():
    from sklearn.model_selection import GridSearchCV

    x, y = _data(n=30)
    search = GridSearchCV(
        SKLearnClassifier(build, fit_kwargs=FIT),
        {"model_kwargs": [{"units": 2}, {"units": 5}], "fit_kwargs": [FIT]},
        cv=2,
    ).fit(x, y)
    assert search.best_params_["model_kwargs"]["units"] in (2, 5)
    assert search.predict(x[:3]).shape == (3,)


@pytest.mark.parametrize(
    "check",
    [
        "check_get_params_invariance",
        "check_set_params",
        "check_estimators_unfitted",
        "check_n_features_in",
        "check_parameters_default_constructible",
        "check_no_attributes_set_in_init",
        "check_estimators_overwrite_params",
        "check_dont_overwrite_parameters",
    ],
)
def test_scikit_learn_estimator_checks(check):
    from sklearn.utils import estimator_checks

    # Enough units for sklearn's checks, which fit on their own small problems.
    clf = SKLearnClassifier(build, model_kwargs={"units": 3}, fit_kwargs=FIT)
    getattr(estimator_checks, check)(type(clf).__name__, clf)


def test_importing_cornu_does_not_import_scikit_learn():
    # TensorFlow itself may load scikit-learn (through the keras package it imports); what is
    # checked is that cornu adds no import of its own.
    code = (
        "import sys, cornu.backend; framework = 'sklearn' in sys.modules; import cornu; "
        "cornu.wrappers; print(framework or 'sklearn' not in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "True"
