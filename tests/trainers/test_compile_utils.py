"""compile(): the names metrics and losses log under, per-output losses, key order, errors."""

import numpy as np
import pytest

import cornu
from cornu import layers
from tests.conftest import requires_training

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 4)).astype("float32")
Y = RNG.normal(size=(16, 1)).astype("float32")
LABELS = RNG.integers(0, 3, (16,)).astype("int32")


def regressor(**compile_kwargs):
    model = cornu.Sequential([cornu.Input((4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", **compile_kwargs)
    return model


def two_outputs(**compile_kwargs):
    inp = cornu.Input((4,))
    hidden = layers.Dense(5)(inp)
    model = cornu.Model(
        inp,
        [
            layers.Dense(1, name="reg")(hidden),
            layers.Dense(3, activation="softmax", name="cls")(hidden),
        ],
    )
    model.compile(optimizer="sgd", **compile_kwargs)
    return model


@pytest.mark.parametrize(
    "metrics, keys",
    [
        (["mae", "mse"], ["loss", "mae", "mse"]),
        (
            ["mean_absolute_error", "MeanSquaredError"],
            ["MeanSquaredError", "loss", "mean_absolute_error"],
        ),
        (lambda: [cornu.metrics.MeanAbsoluteError()], ["loss", "mean_absolute_error"]),
        (lambda: [cornu.metrics.MeanAbsoluteError(name="foo")], ["foo", "loss"]),
        (
            lambda: [cornu.metrics.MeanAbsoluteError(), cornu.metrics.MeanAbsoluteError()],
            ["loss", "mean_absolute_error", "mean_absolute_error_1"],
        ),
        (["mae", "mae", "mae"], ["loss", "mae", "mae_1", "mae_2"]),
    ],
    ids=[
        "aliases",
        "long_and_class_names",
        "object",
        "named_object",
        "two_objects",
        "three_strings",
    ],
)
def test_metric_log_names(metrics, keys):
    metrics = metrics() if callable(metrics) else metrics
    logs = regressor(metrics=metrics).evaluate(X, Y, verbose=0, return_dict=True)
    assert list(logs) == keys  # sorted, as Keras gives them


def test_function_metric_logs_its_name():
    def my_metric(y_true, y_pred):
        return cornu.ops.mean(y_pred, axis=-1)

    assert list(regressor(metrics=[my_metric]).evaluate(X, Y, verbose=0, return_dict=True)) == [
        "loss",
        "my_metric",
    ]


def test_weighted_metric_prefix_only_on_a_clash():
    model = regressor(metrics=["mae"], weighted_metrics=["mae", "mse", "mae"])
    logs = model.evaluate(X, Y, sample_weight=np.linspace(0, 1, 16), verbose=0, return_dict=True)
    assert list(logs) == ["loss", "mae", "mse", "weighted_mae", "weighted_mae_1"]


def test_evaluate_list_follows_compile_order():
    model = regressor(metrics=["mse", cornu.metrics.MeanAbsoluteError(name="Zed"), "mae"])
    as_dict = model.evaluate(X, Y, verbose=0, return_dict=True)
    as_list = model.evaluate(X, Y, verbose=0)
    assert list(as_dict) == ["Zed", "loss", "mae", "mse"]
    assert as_list == [as_dict[k] for k in ("loss", "mse", "Zed", "mae")]


@requires_training
def test_history_and_epoch_logs_sorted():
    seen = []

    class Record(cornu.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(list(logs))

    model = regressor(metrics=["mse", cornu.metrics.MeanAbsoluteError(name="Zed")])
    history = model.fit(X, Y, epochs=1, verbose=0, validation_data=(X, Y), callbacks=[Record()])
    keys = ["Zed", "loss", "mse", "val_Zed", "val_loss", "val_mse"]
    assert list(history.history) == keys and seen == [keys]


def test_multi_output_losses_tracked_per_output():
    model = two_outputs(loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[0.5, 2.0],
                        metrics={"reg": ["mae"], "cls": "accuracy"})  # fmt: skip
    assert model.metrics_names == ["loss", "compile_metrics"]
    logs = model.evaluate(X, (Y, LABELS), verbose=0, return_dict=True)
    assert list(logs) == ["cls_accuracy", "cls_loss", "loss", "reg_loss", "reg_mae"]
    assert model.metrics_names == ["loss", "compile_metrics", "reg_loss", "cls_loss"]
    np.testing.assert_allclose(
        logs["loss"], 0.5 * logs["reg_loss"] + 2.0 * logs["cls_loss"], rtol=1e-5
    )
    as_list = model.evaluate(X, (Y, LABELS), verbose=0)
    assert as_list == [logs[k] for k in ("loss", "reg_loss", "cls_loss", "cls_accuracy", "reg_mae")]


def test_multi_output_targets_by_output_name():
    model = two_outputs(loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"})
    by_list = model.evaluate(X, [Y, LABELS], verbose=0, return_dict=True)
    by_name = model.evaluate(X, {"cls": LABELS, "reg": Y}, verbose=0, return_dict=True)
    assert by_list == pytest.approx(by_name)


def test_multi_output_one_loss_without_output_trackers():
    model = two_outputs(loss=["mse", None], metrics=[["mae"], None])
    assert list(model.evaluate(X, (Y, LABELS), verbose=0, return_dict=True)) == ["loss", "reg_mae"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"metrics": "mae"}, "expects a list, tuple or dict of metrics"),
        ({"weighted_metrics": "mae"}, "expects a list, tuple or dict of metrics"),
    ],
    ids=["metrics_string", "weighted_string"],
)
def test_metrics_must_be_a_collection(kwargs, match):
    with pytest.raises(ValueError, match=match):
        regressor(**kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"loss": "mse", "metrics": ["mae"]}, "got a list of 1 entries for a model with 2 outputs"),
        ({"loss": "mse", "metrics": {"nope": "mae"}}, r"names outputs \['nope'\]"),
        ({"loss": {"reg": "mse"}}, "expects the keys"),
        ({"loss": ["mse", "mse", "mse"]}, "got 3 losses for a model with 2"),
        ({"loss": "mse", "metrics": [["mae", None], []]}, "holds None where a metric"),
        ({"loss": "mse", "loss_weights": [1.0, 2.0]}, "2 weights for one loss"),
    ],
    ids=[
        "short_metrics",
        "unknown_output",
        "missing_loss_key",
        "long_loss_list",
        "none_metric",
        "weights_for_one_loss",
    ],  # fmt: skip
)
def test_multi_output_argument_errors(kwargs, match):
    model = two_outputs(**kwargs)
    with pytest.raises(ValueError, match=match):
        model.evaluate(X, (Y, np.zeros((16, 3), "float32")), verbose=0)


def test_subclassed_multi_output_names_from_losses():
    class TwoHeads(cornu.Model):
        def __init__(self):
            super().__init__()
            self.a = layers.Dense(1)
            self.b = layers.Dense(3)

        def call(self, x):
            return self.a(x), self.b(x)

    model = TwoHeads()
    model.compile("sgd", loss=["mse", "mae"], metrics=[["mae"], ["mae"]])
    logs = model.evaluate(X, (Y, np.zeros((16, 3), "float32")), verbose=0, return_dict=True)
    assert list(logs) == ["loss", "mae", "mae_1", "mae_loss", "mse_loss"]
