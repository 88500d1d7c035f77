"""The training loop's data sources: validation_data of every kind, generators split into
epochs, steps_per_epoch streams, steps_per_execution, *_on_batch resets, custom steps."""

import warnings

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu.trainers.data_adapters import EpochIterator, get_data_adapter
from tests.conftest import requires_training

RNG = np.random.default_rng(3)
X = RNG.normal(size=(40, 3)).astype("float32")
Y = (X @ np.array([[1.0], [2.0], [-1.0]], "float32")).astype("float32")


def linear(lr=0.05, **compile_kwargs):
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(1)])
    model.set_weights([np.zeros((3, 1), "float32"), np.zeros((1,), "float32")])
    model.compile(optimizer=cornu.optimizers.SGD(lr), loss="mse", **compile_kwargs)
    return model


def batches(n=4, size=10, forever=False):
    while True:
        for i in range(n):
            yield X[i * size : (i + 1) * size], Y[i * size : (i + 1) * size]
        if not forever:
            return


class Batches(cornu.utils.PyDataset):
    def __init__(self, x, y=None, size=10, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.size, self.ended = x, y, size, 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.size))

    def __getitem__(self, i):
        part = slice(i * self.size, (i + 1) * self.size)
        return self.x[part] if self.y is None else (self.x[part], self.y[part])

    def on_epoch_end(self):
        self.ended += 1


# -- EpochIterator (no training needed) ----------------------------------------------------


def test_epoch_iterator_steps_continue_the_stream_and_restart_when_spent():
    adapter = get_data_adapter(np.arange(10)[:, None], batch_size=2)
    iterator = EpochIterator(adapter, steps_per_epoch=3)
    firsts = [[int(b[0][0, 0]) for _, b in iterator.epoch()] for _ in range(3)]
    assert firsts == [[0, 2, 4], [6, 8], [0, 2, 4]]


def test_epoch_iterator_generator_is_spent_after_one_pass():
    iterator = EpochIterator(get_data_adapter(batches()))
    assert len(list(iterator.epoch())) == 4
    assert list(iterator.epoch()) == [] and iterator.exhausted


def test_epoch_iterator_replays_a_validation_generator():
    iterator = EpochIterator(get_data_adapter(batches()), steps_per_epoch=2, replay=True)
    first = [b[0] for _, b in iterator.epoch()]
    again = [b[0] for _, b in iterator.epoch()]
    assert len(again) == 2 and all(a is b for a, b in zip(first, again))


def test_epoch_iterator_peek_keeps_the_first_batch():
    iterator = EpochIterator(get_data_adapter(batches()))
    peeked = iterator.peek()
    assert next(iterator.epoch())[1] is peeked


def test_epoch_iterator_peek_between_epochs_sees_the_next_epochs_first_batch():
    # Validation restarts every epoch: a peek before it (the input checks) must not shift it.
    adapter = get_data_adapter(X, batch_size=2)
    iterator = EpochIterator(adapter, steps_per_epoch=2, replay=True)
    for _ in range(3):
        peeked = iterator.peek()
        firsts = [b[0] for _, b in iterator.epoch()]
        assert firsts[0] is peeked[0] and np.array_equal(firsts[0], X[:2])
    streaming = EpochIterator(get_data_adapter(X, batch_size=2), steps_per_epoch=2)
    list(streaming.epoch())
    assert np.array_equal(streaming.peek()[0], X[4:6])  # a stream runs on across epochs


def test_generator_replayed_for_validation_peeks_its_first_batch():
    iterator = EpochIterator(get_data_adapter(batches()), steps_per_epoch=2, replay=True)
    first = [b[0] for _, b in iterator.epoch()]
    assert iterator.peek()[0] is first[0]
    assert [b[0] for _, b in iterator.epoch()][0] is first[0]


def test_py_dataset_on_epoch_end_each_epoch():
    data = Batches(X)
    iterator = EpochIterator(get_data_adapter(data))
    for _ in range(3):
        list(iterator.epoch())
    assert data.ended == 3


def test_unrecognized_data_is_a_value_error():
    with pytest.raises(ValueError, match="Unrecognized data type: x='abc'"):
        get_data_adapter("abc")


def test_fit_before_compile_is_a_value_error():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="You must call `compile\\(\\)`"):
        model.evaluate(X, Y, verbose=0)


def test_validation_data_of_four_elements_is_refused():
    model = linear()
    with pytest.raises(ValueError, match="validation_data should be"):
        model.fit(X, Y, validation_data=(X, Y, Y, Y), verbose=0)


def test_predict_on_unbuilt_subclass_builds_it_first():
    class Sub(cornu.Model):
        def __init__(self):
            super().__init__()
            self.drop = layers.Dropout(0.5)
            self.dense = layers.Dense(2)

        def call(self, x, training=False):
            return self.dense(self.drop(x, training=training))

    assert Sub().predict(X, verbose=0).shape == (40, 2)
    assert Sub().predict_on_batch(X[:4]).shape == (4, 2)


def test_predict_from_generator_py_dataset_and_steps():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(1)])
    expected = model.predict(X, verbose=0)
    np.testing.assert_allclose(model.predict(Batches(X, size=7), verbose=0), expected, atol=1e-6)
    inputs = ((X[i : i + 8],) for i in range(0, 40, 8))
    np.testing.assert_allclose(model.predict(inputs, verbose=0), expected, atol=1e-6)
    endless = model.predict(batches(forever=True), steps=2, verbose=0)
    np.testing.assert_allclose(endless, expected[:20], atol=1e-6)


# -- training ------------------------------------------------------------------------------


@requires_training
@pytest.mark.parametrize(
    "make_validation",
    [
        lambda: (X[:20], Y[:20]),
        lambda: [X[:20], Y[:20]],
        lambda: Batches(X[:20], Y[:20]),
        lambda: batches(2),
    ],
    ids=["tuple", "list", "py-dataset", "finite-generator"],
)
def test_validation_data_of_every_kind(make_validation):
    model = linear()
    history = model.fit(
        X, Y, batch_size=8, epochs=3, shuffle=False, verbose=0, validation_data=make_validation()
    )
    assert len(history.history["val_loss"]) == 3
    # The same validation batches every epoch: the value matches evaluate on them.
    np.testing.assert_allclose(
        history.history["val_loss"][-1], model.evaluate(X[:20], Y[:20], verbose=0), rtol=1e-5
    )


@requires_training
def test_validation_endless_generator_restarts_each_epoch():
    model = linear(lr=0.0)
    history = model.fit(
        X, Y, epochs=3, verbose=0, validation_steps=2, validation_data=batches(forever=True)
    )
    assert len(set(history.history["val_loss"])) == 1


@requires_training
def test_endless_generator_with_steps_per_epoch():
    model = linear()
    history = model.fit(batches(forever=True), steps_per_epoch=3, epochs=4, verbose=0)
    assert history.params["steps"] == 3 and len(history.history["loss"]) == 4
    assert int(backend.convert_to_numpy(model.optimizer.iterations)) == 12


@requires_training
def test_spent_generator_stops_training_with_a_warning():
    model = linear()
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(batches(), epochs=3, verbose=0)
    assert len(history.history["loss"]) == 1


@requires_training
def test_steps_per_epoch_on_arrays_sees_every_batch():
    model = linear()
    model.fit(X, Y, batch_size=4, steps_per_epoch=3, epochs=5, shuffle=False, verbose=0)
    # 10 batches: epochs of 3, 3, 3, 1 (the data ran out), then 3 from a fresh pass.
    assert int(backend.convert_to_numpy(model.optimizer.iterations)) == 13


@requires_training
def test_steps_per_execution_groups_batch_callbacks():
    seen = []

    class Record(cornu.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)

    model = linear(steps_per_execution=3)
    model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0, callbacks=[Record()])
    assert seen == [2, 5, 8, 11]
    assert int(backend.convert_to_numpy(model.optimizer.iterations)) == 10


@requires_training
def test_train_on_batch_reports_each_batch_alone():
    model = linear(lr=0.1)
    losses = [model.train_on_batch(X, Y) for _ in range(40)]
    assert isinstance(losses[0], float) and losses[-1] < losses[0] / 100


@requires_training
def test_validation_freq_list():
    model = linear()
    history = model.fit(X, Y, validation_data=(X, Y), validation_freq=[1, 3], epochs=3, verbose=0)
    assert len(history.history["val_loss"]) == 2


@requires_training
def test_train_step_receives_a_single_input_unwrapped():
    seen = []

    class Spy(cornu.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def test_step(self, *args):
            seen.append(type(args[-1]).__name__)
            one = ops.convert_to_tensor(1.0)
            return ({"n": one}, args[0]) if len(args) == 2 else {"n": one}

    model = Spy()
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    model.evaluate(X, batch_size=40, verbose=0)
    model.evaluate(X, Y, batch_size=40, verbose=0)
    assert seen[0] != "tuple" and seen[1] == "tuple"


@requires_training
def test_compute_loss_override_without_training_argument():
    class L1(cornu.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
            return ops.mean(ops.abs(y - y_pred))

    inp = cornu.Input((3,))
    model = L1(inp, layers.Dense(1)(inp))
    model.compile(optimizer=cornu.optimizers.SGD(0.05))
    history = model.fit(X, Y, epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]


@requires_training
def test_fit_without_trainable_weights():
    model = cornu.Sequential([cornu.Input((3,)), layers.Lambda(lambda t: t[:, :1])])
    model.compile(optimizer="sgd", loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(X, Y, epochs=2, verbose=0)
    assert history.history["loss"][0] == pytest.approx(history.history["loss"][1])


@requires_training
def test_only_train_step_subclass_is_not_called():
    inner = cornu.Sequential([cornu.Input((3,)), layers.Dense(1)])
    backend_name = backend.backend()

    class Wrapper(cornu.Model):
        def __init__(self):
            super().__init__()
            self.inner = inner

        if backend_name == "jax":

            def train_step(self, state, data):
                return {"n": ops.convert_to_tensor(1.0)}, state

        else:

            def train_step(self, data):
                return {"n": ops.convert_to_tensor(1.0)}

    model = Wrapper()
    model.compile(optimizer="sgd")
    assert model.fit(X, Y, epochs=1, verbose=0).history["n"] == [1.0]
