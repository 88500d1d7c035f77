"""scikit-learn estimators that fit and predict with a cornu Model.

Each wrapper takes `model`: a compiled `Model` (cloned and recompiled for each fit, unless
`warm_start`) or a callable `model(X=..., y=..., **model_kwargs)` returning a compiled Model,
built at each fit from the validated data and the encoded targets. The wrappers are ordinary
scikit-learn estimators: `get_params`/`set_params`, `clone`, `Pipeline`, `GridSearchCV` and
`cross_val_score` work on them. After `fit`: `model_` (the fitted Model), `history_` (its
`History`) and `n_features_in_`.

Example:
    >>> def build(X, y, units=16):
    ...     inputs = cornu.Input(X.shape[1:])
    ...     hidden = cornu.layers.Dense(units, activation="relu")(inputs)
    ...     outputs = cornu.layers.Dense(y.shape[1], activation="softmax")(hidden)
    ...     model = cornu.Model(inputs, outputs)
    ...     model.compile(loss="categorical_crossentropy", optimizer="adam")
    ...     return model
    >>> clf = SKLearnClassifier(build, model_kwargs={"units": 8}, fit_kwargs={"epochs": 5})
    >>> clf.fit(X, y).predict(X[:3])  # labels from `clf.classes_`
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from cornu.models import Model, clone_model

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _sklearn_validate_data
except ImportError:  # older: the estimator's own method
    _sklearn_validate_data = None


def _validate(estimator, X, y=None, reset=True):
    """scikit-learn's checks of X (and y): arrays, lengths, and `n_features_in_`."""
    kwargs = {"reset": reset} if y is None else {"y": y, "reset": reset}
    if _sklearn_validate_data is not None:
        return _sklearn_validate_data(estimator, X, **kwargs)
    return estimator._validate_data(X, **kwargs)


class SKLBase(BaseEstimator):
    """What the three wrappers share: building the Model, fitting it, predicting with it.

    Args:
        model: a compiled `Model`, or a callable taking `X` and `y` (and `model_kwargs`) as
            keyword arguments and returning a compiled Model.
        warm_start: reuse the fitted Model (and its weights) on the next `fit`, and fit a
            Model instance given as `model` itself rather than a clone of it.
        model_kwargs: keyword arguments for `model` when it is a callable.
        fit_kwargs: keyword arguments for `Model.fit` (`epochs`, `batch_size`, ...); those
            given to `fit` directly take precedence.
    """

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def fit(self, X, y, **kwargs):
        """Fits the Model on `X` and the encoded `y`; keyword arguments go to `Model.fit`.

        Returns:
            The estimator itself.
        """
        X, y = _validate(self, X, y, reset=True)
        y = self._encode_targets(y)
        self.model_ = self._fitting_model(X, y)
        self.history_ = self.model_.fit(X, y, **{**(self.fit_kwargs or {}), **kwargs})
        return self

    def _encode_targets(self, y):
        """`y` as the Model trains on it: a column per output."""
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def _fitting_model(self, X, y):
        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if isinstance(self.model, Model):
            return self.model if self.warm_start else _clone_compiled(self.model)
        if not callable(self.model):
            raise TypeError(
                f"{type(self).__name__}: `model` must be a compiled cornu Model or a callable "
                f"returning one; received {self.model!r}."
            )
        model = self.model(X=X, y=y, **(self.model_kwargs or {}))
        if not isinstance(model, Model):
            raise TypeError(
                f"{type(self).__name__}: the `model` callable must return a compiled cornu "
                f"Model; it returned {model!r}."
            )
        return model

    def _predict_raw(self, X):
        """The Model's outputs on the validated `X`."""
        check_is_fitted(self, "model_")
        X = _validate(self, X, reset=False)
        return np.asarray(self.model_.predict(X))


def _clone_compiled(model):
    """A fresh copy of `model` (new weights, new optimizer) compiled as `model` was."""
    if not getattr(model, "compiled", False):
        raise ValueError(
            f"SKLearn wrappers need a compiled Model; {model.name!r} is not compiled. Call "
            "`model.compile(...)` before wrapping it, or pass a callable that returns a "
            "compiled Model."
        )
    clone = clone_model(model)
    clone.compile_from_config(model.get_compile_config())
    return clone


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """A classifier: labels one-hot encoded for the Model, predictions decoded by argmax.

    `y` holds one label per sample (any sortable values: ints, strings); `classes_` lists
    them, sorted. The Model sees one-hot targets of width `len(classes_)` and should output
    one score per class.
    """

    def _encode_targets(self, y):
        kind = type_of_target(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(
                "SKLearnClassifier: only binary and multiclass targets (one label per sample) "
                f"are supported; the target type is {kind!r}."
            )
        self.classes_, indices = np.unique(y, return_inverse=True)
        return np.eye(len(self.classes_))[indices]

    def predict(self, X):
        """The most likely class of each sample, as a value of `classes_`."""
        scores = self._predict_raw(X)  # checks first that the estimator is fitted
        return self.classes_[np.argmax(scores, axis=-1)]

    def decision_function(self, X):
        """The Model's scores, one column per class of `classes_`."""
        return self._predict_raw(X)


class SKLearnRegressor(RegressorMixin, SKLBase):
    """A regressor on one target: the Model sees `y` as a column and predicts one value per
    sample."""

    def predict(self, X):
        """One prediction per sample (the Model's single output column, squeezed)."""
        outputs = self._predict_raw(X)
        return outputs.reshape(outputs.shape[0]) if outputs.shape[1:] == (1,) else outputs


class SKLearnTransformer(TransformerMixin, SKLBase):
    """A transformer: `fit` trains the Model on `(X, y)`; `transform` returns its outputs
    (for instance an encoder's codes)."""

    def transform(self, X):
        """The Model's outputs on `X`."""
        return self._predict_raw(X)
