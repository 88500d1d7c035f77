"""keras.wrappers parity: the scikit-learn estimators around a Model (fit, predict, the
fitted attributes, target encoding, errors, and scikit-learn's own tools on them)."""

import numpy as np

from tests.parity.case import case


def _builder(keras, H, activation="softmax", loss="categorical_crossentropy"):
    """A `model(X, y)` callable whose Model starts from the same weights in both runs."""
    seen = []

    def build(X, y, units=4):
        seen.append({"X": X.shape, "y": y.shape, "y_dtype": str(y.dtype), "units": units})
        inputs = keras.Input(X.shape[1:])
        hidden = keras.layers.Dense(units, activation="tanh")(inputs)
        outputs = keras.layers.Dense(y.shape[1], activation=activation)(hidden)
        model = keras.Model(inputs, outputs)
        model.compile(loss=loss, optimizer=keras.optimizers.SGD(0.1))
        return H.det_weights(model)

    return build, seen


@case()
def case_sklearn_classifier_fit_predict(keras, H):
    x, y = H.data(n=32, features=5, classes=3)
    build, seen = _builder(keras, H)
    clf = keras.wrappers.SKLearnClassifier(
        build,
        model_kwargs={"units": 6},
        fit_kwargs={"epochs": 2, "batch_size": 8, "verbose": 0, "shuffle": False},
    )
    fitted = clf.fit(x, y)
    labels = clf.predict(x[:6])
    return {
        "returns_self": fitted is clf,
        "params": sorted(clf.get_params()),
        "build_saw": seen,
        "classes": clf.classes_,
        "n_features_in": clf.n_features_in_,
        "labels": labels,
        "labels_dtype": str(labels.dtype),
        "scores": clf.decision_function(x[:4]),
        "history": H.rounded(clf.history_),
        "accuracy": round(float(clf.score(x, y)), 6),
    }


@case()
def case_sklearn_classifier_string_and_binary_labels(keras, H):
    x, y = H.data(n=24, features=3, classes=2)
    build, seen = _builder(keras, H)
    clf = keras.wrappers.SKLearnClassifier(
        build, fit_kwargs={"epochs": 1, "verbose": 0, "shuffle": False}
    )
    clf.fit(x, np.array(["no", "yes"])[y])
    return {"classes": clf.classes_, "labels": clf.predict(x[:5]), "build_saw": seen}


@case()
def case_sklearn_regressor_and_transformer(keras, H):
    x, y = H.data(n=24, features=4)
    y = y[:, 0]
    build, seen = _builder(keras, H, activation=None, loss="mse")
    reg = keras.wrappers.SKLearnRegressor(
        build, fit_kwargs={"epochs": 2, "verbose": 0, "shuffle": False}
    )
    reg.fit(x, y, epochs=3)  # fit's own arguments take precedence
    predictions = reg.predict(x[:5])
    transformer = keras.wrappers.SKLearnTransformer(
        build, fit_kwargs={"epochs": 1, "verbose": 0, "shuffle": False}
    )
    codes = transformer.fit(x, y).transform(x[:5])
    return {
        "predictions": predictions,
        "predictions_shape": predictions.shape,
        "epochs_run": len(reg.history_.history["loss"]),
        "r2": round(float(reg.score(x, y)), 5),
        "codes": codes,
        "build_saw": seen,
    }


@case()
def case_sklearn_wrappers_errors(keras, H):
    x, y = H.data(n=16, features=3, classes=2)
    build, _ = _builder(keras, H)
    clf = keras.wrappers.SKLearnClassifier(
        build, fit_kwargs={"epochs": 1, "verbose": 0, "shuffle": False}
    )
    unfitted = H.raises(clf.predict, x)
    clf.fit(x, y)
    return {
        "unfitted": unfitted,
        "wrong_features": H.raises(clf.predict, x[:, :2]),
        "wrong_length": H.raises(clf.fit, x, y[:5]),
        "continuous_target": H.raises(clf.fit, x, x[:, 0] + 0.5),
        "two_column_target": H.raises(clf.fit, x, np.stack([y, 1 - y], axis=1)),
        "transformer_without_y": H.raises(keras.wrappers.SKLearnTransformer(build).fit, x),
    }


@case()
def case_sklearn_wrappers_in_sklearn_tools(keras, H):
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = H.data(n=30, features=4, classes=2)
    build, _ = _builder(keras, H)
    clf = keras.wrappers.SKLearnClassifier(
        build, fit_kwargs={"epochs": 1, "verbose": 0, "shuffle": False}
    )
    copy = clone(clf)
    pipeline = make_pipeline(StandardScaler(), clf).fit(x, y)
    scores = cross_val_score(clf, x, y, cv=3)
    return {
        "clone_params": sorted(copy.get_params()),
        "clone_unfitted": not hasattr(copy, "model_"),
        "pipeline_labels": pipeline.predict(x[:6]),
        "cv_scores": np.round(scores, 6),
    }
