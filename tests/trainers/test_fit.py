"""compile / fit / evaluate / predict / *_on_batch, data types, callbacks, errors."""

import io
import re
import sys

import numpy as np
import pytest

import cornu
from cornu import backend, layers
from tests.conftest import requires_training
from tests.parity.cases.case_custom_steps import _stateless_metrics, _update_metrics

RNG = np.random.default_rng(0)
X = RNG.normal(size=(200, 6)).astype("float32")
Y = (X[:, 0] - X[:, 1] > 0).astype("int32")


def classifier():
    model = cornu.Sequential(
        [cornu.Input((6,)), layers.Dense(16, activation="relu"), layers.Dense(2)]
    )
    model.compile(
        optimizer=cornu.optimizers.Adam(0.02),
        loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


@requires_training
def test_fit_learns_and_returns_history():
    model = classifier()
    history = model.fit(X, Y, batch_size=20, epochs=8, verbose=0, validation_split=0.25)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 8 and history.epoch == list(range(8))
    assert history.history["accuracy"][-1] > 0.9
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert all(isinstance(v, float) for v in history.history["loss"])


@requires_training
def test_evaluate_predict_and_batches():
    model = classifier()
    model.fit(X, Y, batch_size=32, epochs=5, verbose=0)
    logs = model.evaluate(X, Y, batch_size=50, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"} and logs["accuracy"] > 0.85
    loss, acc = model.evaluate(X, Y, verbose=0)
    assert loss == pytest.approx(logs["loss"], rel=1e-4)
    predictions = model.predict(X, batch_size=64, verbose=0)
    assert predictions.shape == (200, 2) and isinstance(predictions, np.ndarray)
    assert model.predict_on_batch(X[:3]).shape == (3, 2)
    assert set(model.train_on_batch(X[:10], Y[:10], return_dict=True)) == {"loss", "accuracy"}
    assert set(model.test_on_batch(X[:10], Y[:10], return_dict=True)) == {"loss", "accuracy"}


@requires_training
def test_multi_output_losses_by_name_weights_and_sample_weights():
    x = cornu.Input((6,))
    hidden = layers.Dense(8, activation="relu")(x)
    model = cornu.Model(
        x, {"cls": layers.Dense(2, name="cls")(hidden), "reg": layers.Dense(1, name="reg")(hidden)}
    )
    model.compile(
        optimizer="adam",
        loss={"cls": cornu.losses.SparseCategoricalCrossentropy(from_logits=True), "reg": "mse"},
        loss_weights={"cls": 1.0, "reg": 0.5},
        metrics={"cls": ["accuracy"]},
    )
    history = model.fit(
        X, {"cls": Y, "reg": X[:, :1]}, sample_weight=np.ones(200, "float32"), epochs=2, verbose=0
    )
    assert "cls_accuracy" in history.history and "loss" in history.history


@requires_training
def test_add_loss_and_custom_train_step_counts():
    calls = []

    class Counting(cornu.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            calls.append(batch)

    model = classifier()
    model.fit(X, Y, batch_size=50, epochs=2, verbose=0, callbacks=[Counting()])
    assert calls == [0, 1, 2, 3] * 2


@requires_training
def test_pandas_and_generators():
    import pandas as pd

    model = classifier()
    frame = pd.DataFrame(X)
    model.fit(frame, pd.Series(Y), epochs=1, verbose=0)

    def batches():
        for i in range(0, 200, 40):
            yield X[i : i + 40], Y[i : i + 40]

    model.fit(batches(), epochs=1, verbose=0)
    model.fit(batches(), epochs=1, steps_per_epoch=3, verbose=0)


@requires_training
def test_class_weight_and_shuffle_options():
    model = classifier()
    model.fit(X, Y, epochs=1, verbose=0, class_weight={0: 1.0, 1: 2.0}, shuffle="batch")
    with pytest.raises(ValueError, match=r"class_weight has no weight for classes \[1\]"):
        model.fit(X, Y, epochs=1, verbose=0, class_weight={0: 1.0})


def test_data_errors():
    model = classifier()
    with pytest.raises(
        ValueError, match="Data cardinality is ambiguous.*x sizes: 200.*y sizes: 150"
    ):
        model.evaluate(X, Y[:150], verbose=0)
    with pytest.raises(ValueError, match="Unrecognized data type: x='data.csv' \\(of type str\\)"):
        model.evaluate("data.csv", verbose=0)


def test_fit_before_compile_and_unknown_names():
    model = cornu.Sequential([cornu.Input((6,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="must call `compile\\(\\)` before using the model"):
        model.fit(X, Y, verbose=0)
    with pytest.raises(ValueError, match="Unknown loss: 'mean_sqared_error'. Did you mean"):
        model.compile(optimizer="sgd", loss="mean_sqared_error")
        model.evaluate(X, Y, verbose=0)
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamm'. Did you mean: 'adam'"):
        model.compile(optimizer="adamm", loss="mse")
    with pytest.raises(ValueError, match="Unknown metric: 'acuracy'"):
        model.compile(optimizer="sgd", loss="mse", metrics=["acuracy"])
        model.evaluate(X, Y, verbose=0)


def test_predict_on_the_numpy_backend_with_set_weights():
    model = cornu.Sequential([cornu.Input((6,)), layers.Dense(2)])
    kernel = np.arange(12, dtype="float32").reshape(6, 2) / 10
    model.set_weights([kernel, np.array([1.0, -1.0], "float32")])
    np.testing.assert_allclose(
        model.predict(X, verbose=0), X @ kernel + [1.0, -1.0], rtol=1e-5, atol=1e-5
    )


@requires_training
def test_progress_output_without_a_terminal(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stream)
    model = classifier()
    model.fit(X, Y, batch_size=50, epochs=2, verbose=1)
    text = stream.getvalue()
    assert "Epoch 1/2" in text and "Epoch 2/2" in text
    assert "4/4 ━━━━━━━━━━━━━━━━━━━━" in text and "loss: " in text
    assert re.search(r" \d+(ms|us)/step - ", text)  # fast steps print microseconds
    assert "\r" not in text and "\x1b" not in text
    stream.truncate(0)
    model.fit(X, Y, batch_size=50, epochs=1, verbose=2)
    assert stream.getvalue().count("\n") == 1


@requires_training
def test_custom_train_step_as_in_the_guides():
    name = backend.backend()
    if name == "torch":
        import torch

        class Custom(cornu.Model):
            def train_step(self, data):
                x, y = data
                self.zero_grad()
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
                loss.backward()
                grads = [v.value.grad for v in self.trainable_weights]
                with torch.no_grad():
                    self.optimizer.apply(grads, self.trainable_weights)
                return _update_metrics(self, loss, y, y_pred)

    elif name == "tensorflow":
        import tensorflow as tf

        class Custom(cornu.Model):
            def train_step(self, data):
                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = self.compute_loss(y=y, y_pred=y_pred)
                grads = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply(grads, self.trainable_variables)
                return _update_metrics(self, loss, y, y_pred)

    else:
        import jax

        class Custom(cornu.Model):
            def compute_loss_and_updates(self, trainable, non_trainable, x, y, training=False):
                y_pred, non_trainable = self.stateless_call(
                    trainable, non_trainable, x, training=training
                )
                return self.compute_loss(y=y, y_pred=y_pred), (y_pred, non_trainable)

            def train_step(self, state, data):
                trainable, non_trainable, optimizer_vars, metrics_vars = state
                x, y = data
                grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
                (loss, (y_pred, non_trainable)), grads = grad_fn(
                    trainable, non_trainable, x, y, training=True
                )
                trainable, optimizer_vars = self.optimizer.stateless_apply(
                    optimizer_vars, grads, trainable
                )
                logs, new_metrics = _stateless_metrics(self, metrics_vars, loss, y, y_pred)
                return logs, (trainable, non_trainable, optimizer_vars, new_metrics)

    class Net(Custom):
        def __init__(self):
            super().__init__()
            self.d1 = layers.Dense(1)

        def call(self, x, training=False):
            return self.d1(x)

    model = Net()
    model.compile(optimizer=cornu.optimizers.SGD(0.05), loss="mse")
    target = (X[:, :1] * 2.0).astype("float32")
    history = model.fit(X, target, epochs=5, batch_size=40, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] * 0.5
