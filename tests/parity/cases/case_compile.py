"""compile() arguments and the names that reach logs, History, metrics_names and evaluate()."""

import numpy as np

from tests.parity.case import ALL, case


def _xy(n=16, out=1, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4)).astype("float32")
    y = rng.standard_normal((n, out)).astype("float32")
    return x, y


def _dense(keras, units=1, activation=None):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=activation)])
    return model


def _two_outputs(keras):
    inp = keras.Input((4,), name="inp")
    h = keras.layers.Dense(5, name="hidden")(inp)
    reg = keras.layers.Dense(1, name="reg")(h)
    cls = keras.layers.Dense(3, activation="softmax", name="cls")(h)
    return keras.Model(inp, [reg, cls])


def _two_targets(n=16):
    rng = np.random.default_rng(1)
    return rng.standard_normal((n, 1)).astype("float32"), rng.integers(0, 3, (n,)).astype("int32")


def _fit_keys(keras, model, x, y, **fit):
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False, **fit)
    return {k: [float(v) for v in vals] for k, vals in history.history.items()}, list(
        history.history
    )


def _compiled_fit(keras, metrics, units=1, **compile_kwargs):
    x, y = _xy(out=units)
    model = H_det(keras, _dense(keras, units))
    model.compile(optimizer="sgd", loss="mse", metrics=metrics, **compile_kwargs)
    history, order = _fit_keys(keras, model, x, y, validation_data=(x, y))
    return {"history": history, "order": order, "names": model.metrics_names}


def H_det(keras, model):
    from tests.parity.observe import H

    return H.det_weights(model)


@case()
def case_metric_string_aliases_log_as_given(keras, H):
    return _compiled_fit(keras, ["mae", "mse", "mape"])


@case()
def case_metric_long_and_class_names(keras, H):
    return _compiled_fit(keras, ["mean_absolute_error", "MeanSquaredError", "cosine_similarity"])


@case()
def case_metric_objects_default_and_custom_names(keras, H):
    return _compiled_fit(
        keras,
        [keras.metrics.MeanAbsoluteError(), keras.metrics.RootMeanSquaredError(name="rmse")],
    )


@case()
def case_metric_function_logs_its_name(keras, H):
    def my_mean_pred(y_true, y_pred):
        return keras.ops.mean(y_pred, axis=-1)

    return _compiled_fit(keras, [my_mean_pred, keras.metrics.mean_squared_error])


@case()
def case_two_metrics_of_one_class_are_numbered(keras, H):
    return _compiled_fit(
        keras, [keras.metrics.MeanAbsoluteError(), keras.metrics.MeanAbsoluteError(), "mae", "mae"]
    )


@case()
def case_weighted_metrics_names_and_values(keras, H):
    x, y = _xy()
    sw = np.linspace(0.1, 1.0, 16).astype("float32")
    model = H.det_weights(_dense(keras))
    model.compile("sgd", loss="mse", metrics=["mae"], weighted_metrics=["mae", "mse"])
    history, order = _fit_keys(keras, model, x, y, sample_weight=sw)
    return {
        "history": history,
        "order": order,
        "evaluate": model.evaluate(x, y, sample_weight=sw, verbose=0),
        "dict": model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True),
    }


def _evaluated(keras, H, x, y, units, activation, loss, metrics):
    """evaluate(return_dict=True) of a fresh deterministic Dense model compiled with SGD."""
    model = H.det_weights(_dense(keras, units, activation))
    model.compile("sgd", loss=loss, metrics=metrics)
    return model.evaluate(x, y, verbose=0, return_dict=True)


@case()
def case_accuracy_binary_for_one_unit(keras, H):
    x, _ = _xy()
    y = (x[:, :1] > 0).astype("float32")
    return _evaluated(keras, H, x, y, 1, "sigmoid", "binary_crossentropy", ["accuracy", "acc"])


@case()
def case_accuracy_sparse_for_integer_labels(keras, H):
    x, _ = _xy()
    y = np.argmax(x[:, :3], axis=1).astype("int32")
    return [
        _evaluated(
            keras, H, x, labels, 3, "softmax", "sparse_categorical_crossentropy", ["accuracy"]
        )
        for labels in (y, y[:, None])
    ]


@case()
def case_accuracy_categorical_for_one_hot(keras, H):
    x, _ = _xy()
    y = np.eye(3, dtype="float32")[np.argmax(x[:, :3], axis=1)]
    return _evaluated(keras, H, x, y, 3, "softmax", "categorical_crossentropy", ["accuracy", "acc"])


@case()
def case_log_keys_sorted_in_history_and_callbacks(keras, H):
    x, _ = _xy()
    y = (x[:, :1] > 0).astype("float32")
    seen = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 0:
                seen.append(("batch", list(logs)))

        def on_epoch_end(self, epoch, logs=None):
            seen.append(("epoch", list(logs)))

    model = H.det_weights(_dense(keras, 1, "sigmoid"))
    model.compile(
        "sgd", loss="binary_crossentropy",
        metrics=["mse", keras.metrics.AUC(name="Zed"), "accuracy", keras.metrics.Precision(name="aaa")],
    )  # fmt: skip
    history = model.fit(
        x, y, epochs=1, batch_size=8, verbose=0, validation_data=(x, y), callbacks=[Record()]
    )
    return list(history.history), seen


@case()
def case_evaluate_list_in_compile_order(keras, H):
    x, _ = _xy()
    y = (x[:, :1] > 0).astype("float32")
    model = H.det_weights(_dense(keras, 1, "sigmoid"))
    model.compile(
        "sgd", loss="binary_crossentropy",
        metrics=["mse", keras.metrics.AUC(name="Zed"), "accuracy", keras.metrics.Precision(name="aaa")],
    )  # fmt: skip
    return {
        "list": model.evaluate(x, y, verbose=0),
        "dict": model.evaluate(x, y, verbose=0, return_dict=True),
        "train_on_batch": model.train_on_batch(x, y),
        "test_on_batch": model.test_on_batch(x, y, return_dict=True),
    }


@case()
def case_metrics_names_before_and_after_evaluate(keras, H):
    x, y = _xy()
    model = H.det_weights(_dense(keras))
    model.compile("sgd", loss="mse", metrics=["mae"])
    before = (model.metrics_names, [type(m).__name__ for m in model.metrics])
    model.evaluate(x, y, verbose=0)
    after = (model.metrics_names, [type(m).__name__ for m in model.metrics])
    return before, after, model.evaluate(x, y, verbose=0)


@case()
def case_multi_output_list_losses_log_per_output(keras, H):
    x = _xy()[0]
    model = H.det_weights(_two_outputs(keras))
    model.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"])
    before = model.metrics_names
    history, order = _fit_keys(keras, model, x, _two_targets())
    return {
        "before": before,
        "after": model.metrics_names,
        "history": history,
        "order": order,
        "evaluate": model.evaluate(x, _two_targets(), verbose=0),
    }


@case()
def case_multi_output_dict_losses_and_weights(keras, H):
    x = _xy()[0]
    yr, yc = _two_targets()
    model = H.det_weights(_two_outputs(keras))
    model.compile(
        "sgd", loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
        loss_weights={"reg": 0.5, "cls": 2.0},
    )  # fmt: skip
    return {
        "list_y": model.evaluate(x, [yr, yc], verbose=0, return_dict=True),
        "dict_y": model.evaluate(x, {"cls": yc, "reg": yr}, verbose=0, return_dict=True),
    }


@case()
def case_multi_output_metrics_prefixed(keras, H):
    x = _xy()[0]
    model = H.det_weights(_two_outputs(keras))
    model.compile(
        "sgd", loss=["mse", "sparse_categorical_crossentropy"],
        metrics={"reg": ["mae", keras.metrics.MeanSquaredError()], "cls": "accuracy"},
    )  # fmt: skip
    history, order = _fit_keys(keras, model, x, _two_targets())
    return {"history": history, "order": order, "names": model.metrics_names,
            "evaluate": model.evaluate(x, _two_targets(), verbose=0)}  # fmt: skip


@case()
def case_multi_output_list_of_metric_lists_and_weighted(keras, H):
    x = _xy()[0]
    sw = np.linspace(0.1, 1.0, 16).astype("float32")
    model = H.det_weights(_two_outputs(keras))
    model.compile(
        "sgd", loss=["mse", "sparse_categorical_crossentropy"],
        metrics=[["mae"], ["accuracy"]], weighted_metrics=[["mae"], ["accuracy"]],
    )  # fmt: skip
    return model.evaluate(x, _two_targets(), sample_weight=sw, verbose=0, return_dict=True)


@case()
def case_multi_output_single_loss_applies_to_each(keras, H):
    x = _xy()[0]
    rng = np.random.default_rng(3)
    y = (rng.standard_normal((16, 1)).astype("float32"), rng.random((16, 3)).astype("float32"))
    results = {}
    for label, loss_weights in (("scalar", 0.5), ("list", [1.0, 3.0])):
        model = H.det_weights(_two_outputs(keras))
        loss = "mse" if label == "scalar" else ["mse", "mse"]
        model.compile("sgd", loss=loss, loss_weights=loss_weights)
        # (even batches: Keras on TensorFlow averages per-output losses per batch unweighted)
        results[label] = model.evaluate(x, y, verbose=0, batch_size=8, return_dict=True)
    model = _two_outputs(keras)
    model.compile("sgd", loss="mse", loss_weights=[1.0, 3.0])
    results["single_loss_two_weights"] = H.raises(model.evaluate, x, y, verbose=0)
    return results


@case()
def case_multi_output_none_loss_has_no_output_tracker(keras, H):
    x = _xy()[0]
    model = H.det_weights(_two_outputs(keras))
    model.compile("sgd", loss=["mse", None], metrics=[["mae"], ["accuracy"]])
    return model.evaluate(x, _two_targets(), verbose=0, return_dict=True), model.metrics_names


@case()
def case_dict_outputs_named_by_keys(keras, H):
    inp = keras.Input((4,))
    model = keras.Model(
        inp,
        {"b": keras.layers.Dense(1, name="d1")(inp), "a": keras.layers.Dense(2, name="d2")(inp)},
    )
    H.det_weights(model)
    model.compile("sgd", loss={"a": "mse", "b": "mae"}, metrics={"a": "mae", "b": ["mse"]})
    x, _ = _xy()
    rng = np.random.default_rng(2)
    y = {
        "a": rng.standard_normal((16, 2)).astype("float32"),
        "b": rng.standard_normal((16, 1)).astype("float32"),
    }
    return model.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0, return_dict=True)


@case()
def case_subclassed_multi_output_names(keras, H):
    class TwoHeads(keras.Model):
        def __init__(self):
            super().__init__()
            self.a = keras.layers.Dense(1)
            self.b = keras.layers.Dense(3, activation="softmax")

        def call(self, x):
            return self.a(x), self.b(x)

    x = _xy()[0]
    model = TwoHeads()
    model.compile("sgd", loss=["mse", "categorical_crossentropy"], metrics=[["mae"], ["mae"]])
    model(x[:1])
    H.det_weights(model)
    soft = np.full((16, 3), 1.0 / 3.0, dtype="float32")
    history = model.fit(x, (_two_targets()[0], soft), epochs=1, verbose=0)
    return list(history.history), model.metrics_names


@case()
def case_metrics_argument_errors(keras, H):
    x = _xy()[0]

    def compile_with(**kwargs):
        model = _two_outputs(keras)
        model.compile("sgd", **kwargs)
        return model.evaluate(x, _two_targets(), verbose=0)

    return {
        "string_metrics": H.raises(_dense(keras).compile, "sgd", loss="mse", metrics="mae"),
        "string_weighted": H.raises(
            _dense(keras).compile, "sgd", loss="mse", weighted_metrics="mae"
        ),
        "short_metrics_list": H.raises(compile_with, loss="mse", metrics=["mae"]),
        "unknown_metric_key": H.raises(compile_with, loss="mse", metrics={"nope": "mae"}),
        "loss_dict_missing_key": H.raises(compile_with, loss={"reg": "mse"}),
        "loss_dict_unknown_key": H.raises(
            compile_with, loss={"reg": "mse", "cls": "mse", "x": "mse"}
        ),
        "unknown_loss": H.raises(compile_with, loss="no_such_loss"),
        "unknown_optimizer": H.raises(
            _dense(keras).compile, optimizer="no_such_optimizer", loss="mse"
        ),
    }


@case(backends=("torch", "tensorflow"))  # (Keras on JAX evaluates a loss of 0.0 instead)
def case_no_loss_raises_value_error(keras, H):
    x, y = _xy()
    model = _dense(keras)
    model.compile("sgd", metrics=["mae"])
    return H.raises(model.evaluate, x, y, verbose=0)


@case()
def case_compile_with_objects_and_loss_function(keras, H):
    x, y = _xy()
    model = H.det_weights(_dense(keras))
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.05),
        loss=keras.losses.mean_squared_error,
        metrics=[keras.metrics.MeanAbsoluteError(name="L1")],
    )
    history, order = _fit_keys(keras, model, x, y)
    return history, order, H.weights(model)


@case(backends=ALL)
def case_evaluate_metric_values_match_numpy(keras, H):
    x, y = _xy(n=21)
    model = H.det_weights(_dense(keras))
    model.compile(
        "sgd", loss="mse", metrics=["mae", keras.metrics.RootMeanSquaredError(name="rmse")]
    )
    return [model.evaluate(x, y, batch_size=bs, verbose=0) for bs in (1, 5, 21)]


@case()
def case_compile_config_and_loss_attribute(keras, H):
    model = _dense(keras)
    before = (model.get_compile_config(), model.loss)
    model.compile("adam", loss="mse", metrics=["mae"])
    by_name = _without_optimizer_module(model.get_compile_config())
    model.compile(
        keras.optimizers.SGD(0.1), loss=keras.losses.Huber(), metrics=[keras.metrics.AUC(name="a")]
    )
    objects = _without_optimizer_module(model.get_compile_config())
    return before, by_name, objects, type(model.loss).__name__


def _without_optimizer_module(config):
    # (Keras on torch records its torch-specific optimizer module; default names are numbered)
    optimizer = config["optimizer"]
    optimizer["config"].pop("name")
    config["optimizer"] = (optimizer["class_name"], optimizer["config"])
    return config
