"""Data parallelism on tensorflow, cornu against real Keras, both over 2 logical CPU devices.

tf.keras's workflow (`with tf.distribute.MirroredStrategy().scope():` build and compile, then
fit, evaluate, predict) must give Keras's results from the same initial weights. Keras 3's
`keras.distribution` runs only on JAX, so cornu's DataParallel on tensorflow is compared with
Keras on one device, on the same global batches.

Each library runs in its own child process (this file as a script: `python
test_tensorflow_keras_differential.py <keras|cornu>`), as a user would run it.
"""

import importlib.util
import sys

import numpy as np
import pytest

from cornu import backend

pytestmark = [
    pytest.mark.skipif(
        backend.backend() != "tensorflow",
        reason="tf.distribute runs only on the tensorflow backend",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("keras") is None,
        reason="real Keras (the oracle) is not installed: pip install -e '.[test]'",
    ),
]

RNG = np.random.default_rng(11)
# Batches that split evenly over 2 replicas: Keras 3.15 fails in fit on tensorflow when a
# batch does not (an AddN of the replicas' unequal parts); cornu splits any batch of at least
# one sample per replica (tests/distribution/test_tensorflow_data_parallel.py).
X = RNG.normal(size=(12, 3)).astype("float32")
Y = RNG.integers(0, 3, size=(12,)).astype("int32")
KERNEL = np.linspace(-0.5, 0.5, 15).reshape(3, 5).astype("float32")
HEAD = np.linspace(0.4, -0.3, 15).reshape(5, 3).astype("float32")


def _model(keras):
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(3)]
    )
    model.set_weights([KERNEL, np.zeros(5, "float32"), HEAD, np.zeros(3, "float32")])
    model.compile(
        optimizer=keras.optimizers.Adam(0.05),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["sparse_categorical_accuracy"],
    )
    return model


def _train(model):
    history = model.fit(X, Y, batch_size=6, epochs=2, shuffle=False, verbose=0)
    return {
        "history": history.history,
        "weights": [w.tolist() for w in model.get_weights()],
        "evaluate": model.evaluate(X, Y, batch_size=4, verbose=0),
        "predict": model.predict(X, batch_size=4, verbose=0).tolist(),
    }


def _worker(package):
    import importlib
    import json

    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    keras = importlib.import_module(package)
    out = {}
    with tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]).scope():
        scoped = _model(keras)
    out["strategy_scope"] = _train(scoped)
    if package == "keras":
        out["data_parallel"] = _train(_model(keras))  # one device: Keras's DataParallel is JAX's
    else:
        keras.distribution.set_distribution(keras.distribution.DataParallel())
        out["data_parallel"] = _train(_model(keras))
    print(json.dumps(out))


@pytest.fixture(scope="module")
def results():
    import concurrent.futures

    from tests.distribution.conftest import child_env, run_child

    def run(package):
        return run_child(
            "test_tensorflow_keras_differential.py",
            package,
            env=child_env("tensorflow"),
            timeout=600,
        )

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        keras_future, cornu_future = pool.submit(run, "keras"), pool.submit(run, "cornu")
        return keras_future.result(), cornu_future.result()


def _assert_same(actual, expected):
    for key, values in expected["history"].items():
        np.testing.assert_allclose(actual["history"][key], values, rtol=1e-5, err_msg=key)
    for a, b in zip(actual["weights"], expected["weights"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(actual["evaluate"], expected["evaluate"], rtol=1e-5)
    np.testing.assert_allclose(actual["predict"], expected["predict"], rtol=1e-5, atol=1e-6)


def test_strategy_scope_fit_matches_keras(results):
    expected, actual = results
    _assert_same(actual["strategy_scope"], expected["strategy_scope"])


def test_data_parallel_matches_keras_on_one_device(results):
    expected, actual = results
    _assert_same(actual["data_parallel"], expected["data_parallel"])


if __name__ == "__main__" and len(sys.argv) == 2:
    _worker(sys.argv[1])
