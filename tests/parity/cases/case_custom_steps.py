"""Subclassed models and custom train_step / test_step / predict_step / compute_loss, written
as the Keras guides write them for each backend (jax: stateless; torch: backward(); tensorflow:
GradientTape)."""

import numpy as np

from tests.parity.case import ALL, case


def _history(history):
    return {k: [float(v) for v in vals] for k, vals in history.history.items()}


def _data(n=40):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [2.0], [-1.0]], "float32") + 0.5).astype("float32")
    return x, y


def _update_metrics(model, loss, y, y_pred):
    for metric in model.metrics:
        if metric.name == "loss":
            metric.update_state(loss)
        else:
            metric.update_state(y, y_pred)
    return {m.name: m.result() for m in model.metrics}


def _stateless_metrics(model, metrics_variables, loss, y, y_pred):
    new, logs = [], {}
    for metric in model.metrics:
        these = metrics_variables[len(new) : len(new) + len(metric.variables)]
        if metric.name == "loss":
            these = metric.stateless_update_state(these, loss)
        else:
            these = metric.stateless_update_state(these, y, y_pred)
        logs[metric.name] = metric.stateless_result(these)
        new += these
    return logs, new


def _guide_model_class(keras):
    """A Model whose train_step follows the backend's "customizing fit()" guide."""
    backend = keras.backend.backend()

    class GuideModel(keras.Model):
        if backend == "jax":

            def train_step(self, state, data):
                import jax

                trainable, non_trainable, optimizer_vars, metrics_vars = state
                x, y = data

                def loss_fn(trainable, non_trainable):
                    y_pred, non_trainable = self.stateless_call(
                        trainable, non_trainable, x, training=True
                    )
                    return self.compute_loss(x, y, y_pred), (y_pred, non_trainable)

                grad_fn = jax.value_and_grad(loss_fn, has_aux=True)
                (loss, (y_pred, non_trainable)), grads = grad_fn(trainable, non_trainable)
                trainable, optimizer_vars = self.optimizer.stateless_apply(
                    optimizer_vars, grads, trainable
                )
                logs, metrics_vars = _stateless_metrics(self, metrics_vars, loss, y, y_pred)
                return logs, (trainable, non_trainable, optimizer_vars, metrics_vars)

        elif backend == "torch":

            def train_step(self, data):
                import torch

                x, y = data
                self.zero_grad()
                y_pred = self(x, training=True)
                loss = self.compute_loss(x, y, y_pred)
                loss.backward()
                trainable = list(self.trainable_weights)
                with torch.no_grad():
                    self.optimizer.apply([v.value.grad for v in trainable], trainable)
                return _update_metrics(self, loss, y, y_pred)

        else:

            def train_step(self, data):
                import tensorflow as tf

                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = self.compute_loss(x, y, y_pred)
                grads = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply(grads, self.trainable_variables)
                return _update_metrics(self, loss, y, y_pred)

    return GuideModel


def _functional(keras, cls, H, hidden=4):
    inp = keras.Input((3,))
    model = cls(inp, keras.layers.Dense(1)(keras.layers.Dense(hidden)(inp)))
    H.det_weights(model)
    return model


@case()
def case_guide_train_step_functional_subclass(keras, H):
    x, y = _data()
    model = _functional(keras, _guide_model_class(keras), H)
    model.compile(
        optimizer=keras.optimizers.SGD(0.05),
        loss="mse",
        metrics=[keras.metrics.MeanAbsoluteError(name="mae")],
    )
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    return {
        "history": _history(history),
        "weights": H.weights(model),
        "evaluate": model.evaluate(x, y, verbose=0, return_dict=True),
    }


@case()
def case_guide_train_step_subclassed_layers(keras, H):
    x, y = _data()
    base = _guide_model_class(keras)

    class Net(base):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(4, activation="relu")
            self.out = keras.layers.Dense(1)

        def call(self, x, training=False):
            return self.out(self.hidden(x))

    model = Net()
    model(x[:2])
    H.det_weights(model)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, batch_size=10, epochs=2, shuffle=False, verbose=0)
    return {"history": _history(history), "weights": H.weights(model)}


# (Keras's tensorflow backend runs 6 steps on this 5-batch generator: a peeked batch again.)
@case(backends=("jax", "torch"))
def case_guide_train_step_with_generator_and_validation(keras, H):
    x, y = _data()
    model = _functional(keras, _guide_model_class(keras), H)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    source = ((x[i : i + 8], y[i : i + 8]) for i in range(0, 40, 8))
    history = model.fit(source, epochs=1, verbose=0, validation_data=(x[:16], y[:16]))
    return _history(history)


@case()
def case_custom_test_step_extra_log(keras, H):
    x, y = _data()
    backend = keras.backend.backend()

    class Eval(keras.Model):
        if backend == "jax":

            def test_step(self, state, data):
                trainable, non_trainable, metrics_vars = state
                x, y = data
                y_pred, non_trainable = self.stateless_call(trainable, non_trainable, x)
                loss = self.compute_loss(x, y, y_pred)
                logs, metrics_vars = _stateless_metrics(self, metrics_vars, loss, y, y_pred)
                logs["extra"] = keras.ops.convert_to_tensor(2.5)
                return logs, (trainable, non_trainable, metrics_vars)

        else:

            def test_step(self, data):
                x, y = data
                y_pred = self(x, training=False)
                logs = _update_metrics(self, self.compute_loss(x, y, y_pred), y, y_pred)
                logs["extra"] = keras.ops.convert_to_tensor(2.5)
                return logs

    model = _functional(keras, Eval, H)
    model.compile(
        optimizer="sgd", loss="mse", metrics=[keras.metrics.MeanAbsoluteError(name="mae")]
    )
    return {
        "dict": model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True),
        "list": model.evaluate(x, y, batch_size=8, verbose=0),
    }


@case()
def case_custom_predict_step(keras, H):
    x, _ = _data(10)
    backend = keras.backend.backend()

    class Pred(keras.Model):
        if backend == "jax":

            def predict_step(self, state, data):
                trainable, non_trainable = state
                y_pred, non_trainable = self.stateless_call(trainable, non_trainable, data)
                # (Keras's JAX predict_step returns the outputs and the non-trainable values.)
                return {"raw": y_pred, "double": y_pred * 2}, non_trainable

        else:

            def predict_step(self, data):
                y_pred = self(data, training=False)
                return {"raw": y_pred, "double": y_pred * 2}

    model = _functional(keras, Pred, H)
    return model.predict(x, batch_size=4, verbose=0)


def _spy_class(keras, seen):
    """A model whose steps record the structure of `data` they receive."""
    backend = keras.backend.backend()

    def describe(data):
        if isinstance(data, tuple):
            return ("tuple", len(data), describe(data[0]))
        if isinstance(data, dict):
            return ("dict", sorted(data))
        if isinstance(data, list):
            return ("list", len(data))
        return ("tensor", tuple(data.shape))

    one = lambda: keras.ops.convert_to_tensor(1.0)  # noqa: E731

    class Spy(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        if backend == "jax":

            def train_step(self, state, data):
                seen.append(("train", describe(data)))
                return {"n": one()}, state

            def test_step(self, state, data):
                seen.append(("test", describe(data)))
                return {"n": one()}, state

            def predict_step(self, state, data):
                seen.append(("predict", describe(data)))
                return keras.ops.ones((1,)), state[1]

        else:

            def train_step(self, data):
                seen.append(("train", describe(data)))
                return {"n": one()}

            def test_step(self, data):
                seen.append(("test", describe(data)))
                return {"n": one()}

            def predict_step(self, data):
                seen.append(("predict", describe(data)))
                return keras.ops.ones((1,))

    return Spy


def _compiled_spy(keras):
    """A compiled spy model, and the list its steps record what they were given in."""
    seen = []
    model = _spy_class(keras, seen)()
    model.compile(optimizer="sgd", loss="mse")
    return model, seen


@case()
def case_train_step_data_structure(keras, H):
    x, y = _data(8)
    model, seen = _compiled_spy(keras)
    runs = [(x, y), ((x, x),), ({"a": x, "b": x},)]
    if keras.backend.backend() != "tensorflow":  # (Keras's tf.data turns lists into tuples)
        runs.append(([x, x], y))
    for args in runs:
        model.fit(*args, batch_size=8, epochs=1, verbose=0)
    return seen


@case()
def case_test_and_predict_step_single_input_is_not_wrapped(keras, H):
    x, y = _data(8)
    model, seen = _compiled_spy(keras)
    model.evaluate(x, y, batch_size=8, verbose=0)
    model.predict(x, batch_size=8, verbose=0)
    model.predict((x, x), batch_size=8, verbose=0)
    model.predict({"a": x}, batch_size=8, verbose=0)
    return seen


@case()
def case_compute_loss_override_without_training(keras, H):
    x, y = _data()
    ops = keras.ops

    class L1(keras.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
            return ops.mean(ops.abs(y - y_pred)) * 2.0

    model = _functional(keras, L1, H)
    model.compile(optimizer=keras.optimizers.SGD(0.05))
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    return {"history": _history(history), "evaluate": model.evaluate(x, y, verbose=0)}


@case()
def case_compute_loss_override_with_training(keras, H):
    x, y = _data()

    class Penalized(keras.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            loss = super().compute_loss(x, y, y_pred, sample_weight, training)
            return loss + (1.0 if training else 0.0)

    model = _functional(keras, Penalized, H)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    return {
        "history": _history(history),
        "evaluate": model.evaluate(x, y, verbose=0),
        "weights": H.weights(model),
    }


@case()
def case_compute_loss_called_directly(keras, H):
    x, y = _data(6)
    inp = keras.Input((3,))
    model = keras.Model(inp, keras.layers.Dense(1)(inp))
    H.det_weights(model)
    model.compile(optimizer="sgd", loss="mae")
    y_pred = model(x)
    weights = np.linspace(0, 1, 6).astype("float32")
    return [model.compute_loss(x, y, y_pred), model.compute_loss(x, y, y_pred, weights)]


def _subclass(keras, dropout=0.0):
    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(4)
            self.drop = keras.layers.Dropout(dropout)
            self.out = keras.layers.Dense(1)

        def call(self, x, training=False):
            return self.out(self.drop(self.hidden(x), training=training))

    return Sub()


@case(backends=ALL)
def case_predict_builds_unbuilt_subclass(keras, H):
    x, _ = _data(10)
    model = _subclass(keras, dropout=0.5)
    shape = model.predict(x, verbose=0).shape
    return {"shape": shape, "built": model.built, "n_weights": len(model.weights)}


@case(backends=ALL)
def case_predict_on_batch_builds_unbuilt_subclass(keras, H):
    x, _ = _data(10)
    model = _subclass(keras, dropout=0.5)
    return {"shape": model.predict_on_batch(x).shape, "n_weights": len(model.weights)}


@case()
def case_fit_builds_unbuilt_subclass_with_dropout(keras, H):
    x, y = _data()
    model = _subclass(keras, dropout=0.3)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    return {
        "epochs": len(history.history["loss"]),
        "n_weights": len(model.weights),
        "evaluate_type": type(model.evaluate(x, y, verbose=0)).__name__,
    }


@case()
def case_train_on_batch_builds_unbuilt_subclass(keras, H):
    x, y = _data(8)
    model = _subclass(keras)
    model.compile(optimizer="sgd", loss="mse")
    return {"type": type(model.train_on_batch(x, y)).__name__, "n_weights": len(model.weights)}


@case()
def case_gan_style_only_train_step(keras, H):
    """The guides' GAN pattern: no call(), sub-models as attributes, `self.built = True`."""
    x, y = _data()
    backend = keras.backend.backend()
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    H.det_weights(inner)

    class Wrapper(keras.Model):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner
            self.tracker = keras.metrics.Mean(name="my_loss")
            self.built = True

        @property
        def metrics(self):
            return [self.tracker]

        if backend == "jax":

            def train_step(self, state, data):
                return {"my_loss": keras.ops.convert_to_tensor(0.0)}, state

        elif backend == "torch":

            def train_step(self, data):
                import torch

                x, y = data
                self.zero_grad()
                loss = keras.ops.mean((self.inner(x) - y) ** 2)
                loss.backward()
                weights = self.inner.trainable_weights
                with torch.no_grad():
                    self.optimizer.apply([v.value.grad for v in weights], weights)
                self.tracker.update_state(loss)
                return {"my_loss": self.tracker.result()}

        else:

            def train_step(self, data):
                import tensorflow as tf

                x, y = data
                with tf.GradientTape() as tape:
                    loss = keras.ops.mean((self.inner(x) - y) ** 2)
                weights = self.inner.trainable_weights
                self.optimizer.apply(tape.gradient(loss, weights), weights)
                self.tracker.update_state(loss)
                return {"my_loss": self.tracker.result()}

    model = Wrapper(inner)
    model.compile(optimizer=keras.optimizers.SGD(0.05))
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    return {"history": _history(history), "weights": H.weights(inner)}


@case()
def case_fit_model_without_trainable_weights(keras, H):
    x, y = _data(16)
    frozen = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    H.det_weights(frozen)
    frozen.trainable = False
    frozen.compile(optimizer="sgd", loss="mse")
    before = H.weights(frozen)
    history = frozen.fit(x, y, epochs=2, batch_size=8, verbose=0)
    no_weights = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda t: t[:, :1])])
    no_weights.compile(optimizer="sgd", loss="mse")
    return {
        "frozen": _history(history),
        "unchanged": all(np.array_equal(a, b) for a, b in zip(before, H.weights(frozen))),
        "no_weights": _history(no_weights.fit(x, y, epochs=2, batch_size=8, verbose=0)),
    }


@case()
def case_partly_frozen_fit(keras, H):
    x, y = _data()
    first = keras.layers.Dense(4)
    model = keras.Sequential([keras.Input((3,)), first, keras.layers.Dense(1)])
    H.det_weights(model)
    first.trainable = False
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    return {
        "history": _history(history),
        "weights": H.weights(model),
        "trainable": len(model.trainable_weights),
    }


@case()
def case_subclass_add_loss_and_tracker_metric(keras, H):
    x, y = _data()

    class WithExtras(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)
            self.seen = keras.metrics.Mean(name="mean_output")

        def call(self, x):
            out = self.dense(x)
            self.add_loss(0.01 * keras.ops.sum(keras.ops.square(self.dense.kernel)))
            return out

    model = WithExtras()
    model(x[:1])
    H.det_weights(model)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    return {
        "history": _history(history),
        "weights": H.weights(model),
        "evaluate": model.evaluate(x, y, verbose=0),
    }


@case()
def case_custom_compute_metrics(keras, H):
    x, y = _data()

    class Counting(keras.Model):
        def compute_metrics(self, x, y, y_pred, sample_weight=None):
            logs = super().compute_metrics(x, y, y_pred, sample_weight)
            logs["batch_rows"] = keras.ops.cast(keras.ops.shape(y_pred)[0], "float32")
            return logs

    model = _functional(keras, Counting, H)
    model.compile(
        optimizer=keras.optimizers.SGD(0.05),
        loss="mse",
        metrics=[keras.metrics.MeanSquaredError(name="mse_metric")],
    )
    history = model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    return {
        "history": _history(history),
        "evaluate": model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True),
    }


@case()
def case_train_on_batch_sequence(keras, H):
    x, y = _data(16)
    model = _functional(keras, keras.Model, H)
    model.compile(
        optimizer=keras.optimizers.SGD(0.05),
        loss="mse",
        metrics=[keras.metrics.MeanAbsoluteError(name="mae")],
    )
    results = [model.train_on_batch(x, y, return_dict=True) for _ in range(3)]
    return {"results": results, "weights": H.weights(model)}


@case()
def case_custom_train_step_sample_weight_data(keras, H):
    x, y = _data(16)
    backend = keras.backend.backend()
    seen = []

    class Weighted(keras.Model):
        if backend == "jax":

            def train_step(self, state, data):
                x, y, sw = data
                seen.append(tuple(sw.shape))
                return {"n": keras.ops.sum(sw)}, state

        else:

            def train_step(self, data):
                x, y, sw = data
                seen.append(tuple(sw.shape))
                return {"n": keras.ops.sum(sw)}

    model = _functional(keras, Weighted, H)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(
        x, y, sample_weight=np.full(16, 0.5, "float32"), batch_size=8, epochs=1, verbose=0
    )
    return {"history": _history(history), "seen": seen}


@case()
def case_run_eagerly_matches_compiled(keras, H):
    x, y = _data()
    results = []
    for eager in (False, True):
        model = _functional(keras, keras.Model, H)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", run_eagerly=eager)
        history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        results.append({"history": _history(history), "weights": H.weights(model)})
    return results


@case(backends=("jax", "tensorflow"))  # (Keras refuses steps_per_execution > 1 on torch)
def case_steps_per_execution_with_custom_train_step(keras, H):
    x, y = _data()
    model = _functional(keras, _guide_model_class(keras), H)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", steps_per_execution=2)
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    return {
        "history": _history(history),
        "weights": H.weights(model),
        "iterations": int(np.asarray(model.optimizer.iterations)),
    }


@case()
def case_metrics_reset_between_epochs_and_evaluate(keras, H):
    x, y = _data()
    model = _functional(keras, keras.Model, H)
    model.compile(
        optimizer=keras.optimizers.SGD(0.01),
        loss="mse",
        metrics=[keras.metrics.MeanAbsoluteError(name="mae")],
    )
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    first = model.evaluate(x, y, verbose=0, return_dict=True)
    second = model.evaluate(x, y, verbose=0, return_dict=True)
    return {
        "history": _history(history),
        "first": first,
        "second": second,
        "names": model.metrics_names,
    }
