"""scikit-learn estimators around a cornu Model (`keras.wrappers`).

`SKLearnClassifier`, `SKLearnRegressor` and `SKLearnTransformer` need scikit-learn; it is
imported when one of them is first used, so `import cornu` stays free of it.
"""

_NAMES = ("SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer")
__all__ = list(_NAMES)


def __getattr__(name):
    if name not in _NAMES:
        raise AttributeError(f"module 'cornu.wrappers' has no attribute {name!r}")
    # Lazy: scikit-learn is an optional dependency and slow to import.
    from cornu.wrappers import sklearn_wrappers

    return getattr(sklearn_wrappers, name)


def __dir__():
    return sorted([*globals(), *_NAMES])
