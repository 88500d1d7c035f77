"""DataParallel on the tensorflow backend (tf.distribute.MirroredStrategy over 2 logical CPUs)
against one device on the same global batches.

TensorFlow's logical devices must be set before it starts, so one child process (this file
run as a script: `python test_tensorflow_data_parallel.py worker`) runs every two-device
scenario once and prints what it saw as JSON; the tests compare. Errors that need no second
device are checked in this process.
"""

import sys
import warnings

import numpy as np
import pytest

from cornu import backend

pytestmark = pytest.mark.skipif(
    backend.backend() != "tensorflow",
    reason="these tests run tf.distribute (DataParallel on the other backends is tested in "
    "their own files)",
)

RNG = np.random.default_rng(3)
X = RNG.normal(size=(14, 3)).astype("float32")  # batches of 6, 6 and 2: uneven splits too
Y_A = RNG.normal(size=(14, 1)).astype("float32")
Y_B = RNG.normal(size=(14, 2)).astype("float32")
SAMPLE_WEIGHT = RNG.uniform(0.5, 1.5, size=(14,)).astype("float32")
FIT = dict(batch_size=6, epochs=2, shuffle=False, verbose=0)


# -- the worker (a child process with 2 logical CPU devices) ---------------------------------


def _two_output_model(keras, seen_replicas=None):
    """Dense -> LayerNormalization -> two heads (two losses, per-output loss trackers)."""
    keras.utils.set_random_seed(1)
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(4, activation="relu")(inputs)
    if seen_replicas is not None:
        hidden = _ReplicaRecorder(keras, seen_replicas)(hidden)
    hidden = keras.layers.LayerNormalization()(hidden)
    model = keras.Model(
        inputs, [keras.layers.Dense(1, name="a")(hidden), keras.layers.Dense(2, name="b")(hidden)]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.05),
        loss=["mse", "mae"],
        metrics=[["mae"], ["mse"]],
    )
    return model


def _ReplicaRecorder(keras, seen):
    """A pass-through layer noting, when traced, how many replicas run it."""
    import tensorflow as tf

    class ReplicaRecorder(keras.layers.Layer):
        def call(self, x):
            context = tf.distribute.get_replica_context()
            if context is not None and tf.distribute.has_strategy():
                seen.append(context.num_replicas_in_sync)
            return x

    return ReplicaRecorder()


def _train(keras, model, weights):
    model.set_weights(weights)
    history = model.fit(
        X, [Y_A, Y_B], sample_weight=SAMPLE_WEIGHT, validation_data=(X, [Y_A, Y_B]), **FIT
    )
    return {
        "history": history.history,
        "weights": [w.tolist() for w in model.get_weights()],
        "evaluate": model.evaluate(X, [Y_A, Y_B], batch_size=4, verbose=0, return_dict=True),
        "predict": [p.tolist() for p in model.predict(X, batch_size=5, verbose=0)],
    }


def _error(fn):
    try:
        fn()
    except ValueError as error:
        return str(error)
    return None


def _worker():
    import json

    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

    import cornu as keras
    from cornu import distribution

    out = {
        "devices": distribution.list_devices(),
        "count": distribution.get_device_count(),
        "cpu_count": distribution.get_device_count("cpu"),
        "gpus": distribution.list_devices("gpu"),
    }
    reference = _two_output_model(keras)
    initial = reference.get_weights()
    out["reference"] = _train(keras, reference, initial)

    # The user's own strategy (tf.keras's workflow): built and compiled in its scope, fit
    # outside it; then a second model trained inside it.
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        scoped = _two_output_model(keras)
    out["scope_storage"] = type(scoped.weights[0]._storage).__name__
    out["scope"] = _train(keras, scoped, initial)
    with strategy.scope():
        inside = _two_output_model(keras)
        out["inside_scope"] = _train(keras, inside, initial)

    # keras.distribution's DataParallel.
    seen = []
    distribution.set_distribution(distribution.DataParallel())
    model = _two_output_model(keras, seen)
    out["storage"] = sorted({type(v._storage).__name__ for v in model.weights})
    out["data_parallel"] = _train(keras, model, initial)
    out["optimizer_storage"] = sorted(
        {type(v._storage).__name__ for v in model.optimizer.variables}
    )
    out["replicas_seen"] = sorted(set(seen))
    out["tiny_batch_error"] = _error(lambda: model.fit(X[:1], [Y_A[:1], Y_B[:1]], verbose=0))
    out["batch_norm"] = _batch_norm(keras)
    out["override"] = _override(keras, initial)
    distribution.set_distribution(None)

    # A Distribution's scope() also works.
    with distribution.DataParallel(devices=["cpu:0", "cpu:1"]).scope():
        out["dp_scope"] = _train(keras, _two_output_model(keras), initial)
    print(json.dumps(out))


def _batch_norm(keras):
    """BatchNormalization's moving statistics are assigned inside strategy.run (mean of the
    replicas' updates)."""
    keras.utils.set_random_seed(2)
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4), keras.layers.BatchNormalization()]
    )
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, Y_B[:, :1].repeat(4, axis=1), batch_size=6, epochs=1, verbose=0)
    mean = model.layers[1].moving_mean
    return {"storage": type(mean._storage).__name__, "finite": bool(np.isfinite(mean).all())}


def _override(keras, initial):
    """A model overriding train_step: run on the whole batch, with a warning."""
    base = _two_output_model(keras)

    class Custom(keras.Model):
        def train_step(self, data):
            return super().train_step(data)

    model = Custom(base.inputs, base.outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=["mse", "mae"])
    model.set_weights(initial)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(X, [Y_A, Y_B], sample_weight=SAMPLE_WEIGHT, **FIT)
    return {
        "loss": history.history["loss"],
        "warned": any("overrides train_step" in str(w.message) for w in caught),
    }


@pytest.fixture(scope="module")
def two_devices():
    from tests.distribution.conftest import child_env, run_child

    return run_child(
        "test_tensorflow_data_parallel.py", "worker", env=child_env("tensorflow"), timeout=600
    )


def _assert_same_training(actual, expected):
    assert sorted(actual["history"]) == sorted(expected["history"])
    for key, values in expected["history"].items():
        np.testing.assert_allclose(actual["history"][key], values, rtol=1e-5, err_msg=key)
    for a, b in zip(actual["weights"], expected["weights"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for key, value in expected["evaluate"].items():
        np.testing.assert_allclose(actual["evaluate"][key], value, rtol=1e-5, err_msg=key)
    for a, b in zip(actual["predict"], expected["predict"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# -- the tests -------------------------------------------------------------------------------


def test_devices_are_the_logical_cpus(two_devices):
    assert two_devices["devices"] == ["cpu:0", "cpu:1"]
    assert two_devices["count"] == two_devices["cpu_count"] == 2
    assert two_devices["gpus"] == []


def test_data_parallel_trains_like_one_device(two_devices):
    assert two_devices["storage"] == ["MirroredVariable"]
    assert two_devices["optimizer_storage"] == ["MirroredVariable"]
    assert two_devices["replicas_seen"] == [2]  # the step ran inside strategy.run
    _assert_same_training(two_devices["data_parallel"], two_devices["reference"])


def test_user_strategy_scope_trains_like_one_device(two_devices):
    assert two_devices["scope_storage"] == "MirroredVariable"
    _assert_same_training(two_devices["scope"], two_devices["reference"])
    _assert_same_training(two_devices["inside_scope"], two_devices["reference"])


def test_distribution_scope_trains_like_one_device(two_devices):
    _assert_same_training(two_devices["dp_scope"], two_devices["reference"])


def test_batch_smaller_than_the_replica_count_is_an_error(two_devices):
    message = two_devices["tiny_batch_error"]
    assert message is not None
    assert "A batch of 1 samples cannot be split over the 2 replicas" in message


def test_batch_normalization_statistics_are_mirrored(two_devices):
    assert two_devices["batch_norm"] == {"storage": "MirroredVariable", "finite": True}


def test_overridden_train_step_runs_on_the_whole_batch(two_devices):
    override = two_devices["override"]
    assert override["warned"]
    np.testing.assert_allclose(
        override["loss"], two_devices["reference"]["history"]["loss"], rtol=1e-5
    )


def test_model_parallel_is_refused_naming_jax():
    from cornu import distribution

    mesh = distribution.DeviceMesh((1, 2), ["batch", "model"], devices=["cpu:0", "cpu:1"])
    layout_map = distribution.LayoutMap(mesh)
    with pytest.raises(ValueError, match="tensorflow backend does not support.*jax backend"):
        distribution.set_distribution(
            distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
        )
    assert distribution.distribution() is None


def test_sharded_tensor_layout_is_refused():
    from cornu import distribution

    mesh = distribution.DeviceMesh((1, 2), ["batch", "model"], devices=["cpu:0", "cpu:1"])
    layout = distribution.TensorLayout([None, "model"], mesh)
    with pytest.raises(ValueError, match="shards a tensor over the 2 devices of mesh axis"):
        distribution.distribute_tensor(np.ones((2, 2), "float32"), layout)
    replicated = distribution.TensorLayout([None, None], mesh)
    assert distribution.distribute_tensor(np.ones((2, 2), "float32"), replicated).shape == (2, 2)


def test_initialize_needs_every_worker_address():
    from cornu.backend.tensorflow import distribution

    with pytest.raises(ValueError, match="needs the address of every one of the 2 workers"):
        distribution.initialize("10.0.0.1:1234", num_processes=2, process_id=0)


def test_list_devices_rejects_unknown_kinds():
    from cornu import distribution

    assert distribution.get_device_count("cpu") >= 1
    with pytest.raises(ValueError, match="unknown device_type 'npu'"):
        distribution.list_devices("npu")


if __name__ == "__main__" and sys.argv[1:] == ["worker"]:
    _worker()
