"""Models: the text of `summary()` for Sequential, Functional, nested and subclassed models
(split from case_models.py)."""

import numpy as np

from tests.parity.case import ALL, case
from tests.parity.cases.case_models import X3, _multi

# -- summary ------------------------------------------------------------------------------


def _summaries(H, model, **line_lengths):
    """The summary plain, with show_trainable, and at each named line length."""
    out = {"plain": H.summary(model), "trainable": H.summary(model, show_trainable=True)}
    out.update({k: H.summary(model, line_length=n) for k, n in line_lengths.items()})
    return out


@case(backends=ALL)
def case_summary_sequential(keras, H):
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(3),
            keras.layers.Dropout(0.1),
            keras.layers.BatchNormalization(),
        ],
        name="seq",
    )
    return _summaries(H, model, narrow=60)


@case(backends=ALL)
def case_summary_unbuilt_sequential(keras, H):
    model = keras.Sequential([keras.layers.Dense(3)], name="later")
    before = H.summary(model)
    model.build((None, 5))
    return {"before": before, "after": H.summary(model)}


@case(backends=ALL)
def case_summary_functional_connected(keras, H):
    model = _multi(keras)
    return _summaries(H, model, wide=80)


@case(backends=ALL)
def case_summary_functional_chain_with_ops(keras, H):
    i = keras.Input((3,), name="x")
    y = keras.layers.Dense(2, name="d")(keras.ops.add(i, 1.0) * 2)
    model = keras.Model(i, keras.ops.sum(y, axis=-1, keepdims=True), name="ops")
    return H.summary(model)


@case(backends=ALL)
def case_summary_nested_expand(keras, H):
    ii = keras.Input((3,), name="ii")
    inner = keras.Model(ii, keras.layers.Dense(2, name="id")(ii), name="innerf")
    i = keras.Input((3,), name="oi")
    j = keras.Input((3,), name="oj")
    outer = keras.Model(i, keras.layers.Dense(1, name="od")(inner(i)), name="outer")
    twice = keras.Model([i, j], keras.layers.Add(name="add")([inner(i), inner(j)]), name="twice")
    return {
        "outer": H.summary(outer),
        "outer_expanded": H.summary(outer, expand_nested=True),
        "twice_expanded": H.summary(twice, expand_nested=True),
    }


@case(backends=ALL)
def case_summary_nested_sequential_deep(keras, H):
    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.Sequential(
                [L.Dense(2, name="sd1"), keras.Sequential([L.Dense(2, name="sd2")], name="deep")],
                name="mid",
            ),
            L.Dense(1, name="last"),
        ],
        name="top",
    )
    return {
        "expanded": H.summary(model, expand_nested=True, show_trainable=True),
        "range": H.summary(model, layer_range=["mid", "last"]),
    }


@case(backends=ALL)
def case_summary_shared_and_frozen(keras, H):
    shared = keras.layers.Dense(2, name="shared")
    x1 = keras.Input((2,), name="x1")
    x2 = keras.Input((2,), name="x2")
    model = keras.Model(
        [x1, x2], keras.layers.Add(name="add")([shared(x1), shared(x2)]), name="sharing"
    )
    shared.trainable = False
    return H.summary(model, show_trainable=True)


@case(backends=ALL)
def case_summary_long_names_and_multi_output_layer(keras, H):
    x = keras.Input((5, 3), name="seq")
    o, h, c = keras.layers.LSTM(2, return_state=True, name="lstm")(x)
    d = keras.layers.Dense(3, name="a_rather_long_layer_name_that_will_not_fit")(o)
    model = keras.Model(x, [d, h], name="long")
    return {"plain": H.summary(model), "narrow": H.summary(model, line_length=50)}


@case(backends=ALL)
def case_summary_big_counts_positions(keras, H):
    model = keras.Sequential(
        [
            keras.Input((4,), dtype="int32"),
            keras.layers.Embedding(100000, 64),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(1),
        ],
        name="emb",
    )
    return {
        "positions": H.summary(model, positions=[0.5, 0.7, 1.0]),
        "tiny": H.summary(model, line_length=40),
    }


@case(backends=ALL)
def case_summary_layer_range(keras, H):
    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((3,)),
            L.Dense(2, name="alpha"),
            L.Dense(2, name="beta_1"),
            L.Dense(2, name="beta_2"),
            L.Dense(1, name="gamma"),
        ],
        name="s",
    )
    return {
        "prefix": H.summary(model, layer_range=["al", "gam"]),
        "same": H.summary(model, layer_range=["beta", "beta"]),
        "reversed": H.summary(model, layer_range=["beta_2", "alpha"]),
        "no_match": H.raises(H.summary, model, layer_range=["lpha", "gamma"]),
        "one_name": H.raises(H.summary, model, layer_range=["alpha"]),
    }


@case()
def case_summary_after_fit_optimizer_params(keras, H):
    model = _multi(keras)
    model.compile(optimizer="adam", loss="mse")
    compiled = H.summary(model)
    model.fit([np.ones((2, 2)), np.ones((2, 3))], [np.ones((2, 1)), np.ones((2, 2))], verbose=0)
    return {"compiled": compiled, "fitted": H.summary(model)}


@case(backends=ALL)
def case_summary_subclassed(keras, H):
    class Sub(keras.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.d = keras.layers.Dense(2, name="dd")

        def call(self, x):
            return self.d(x)

    model = Sub()
    before = H.summary(model)
    model(X3)
    return {"before": before, "after": H.summary(model), "paths": [v.path for v in model.weights]}


@case(backends=ALL)
def case_summary_print_fn_calls(keras, H):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)], name="s")
    calls = []
    model.summary(print_fn=lambda text, *a, **k: calls.append(text))
    printed = H.capture_stdout(model.summary)
    return {
        "n_calls": len(calls),
        "ends_newline": calls[0].endswith("\n"),
        "stdout_same": printed == calls[0],
    }
