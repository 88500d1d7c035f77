"""Data parallelism on the tensorflow backend: the tf.keras workflow (model built and compiled
inside `with tf.distribute.MirroredStrategy().scope():`, then fit, evaluate, predict) gives
Keras's losses, metrics, weights and predictions from the same initial weights.

The strategy runs over two logical CPU devices when TensorFlow has not started yet in the
child process, else over the devices it has (in the cornu child `set_random_seed` has started
TensorFlow, so there it is one device): the results do not depend on the replica count.
tests/distribution/test_tensorflow_keras_differential.py compares both on two devices.
"""

import numpy as np

from tests.parity.case import case


def _mirrored_strategy():
    import tensorflow as tf

    try:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2
        )
    except RuntimeError:  # TensorFlow already started: use the devices it has
        pass
    devices = [d.name for d in tf.config.list_logical_devices("CPU")]
    return tf.distribute.MirroredStrategy(devices)


def _data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(12, 3)).astype("float32")
    y = rng.integers(0, 3, size=(12,)).astype("int32")
    return x, y


def _model(keras):
    init = np.linspace(-0.5, 0.5, 3 * 5).reshape(3, 5).astype("float32")
    out = np.linspace(0.4, -0.3, 5 * 3).reshape(5, 3).astype("float32")
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(5, activation="tanh", kernel_initializer=lambda *a, **k: init),
            keras.layers.Dense(3, kernel_initializer=lambda *a, **k: out),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.05),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["sparse_categorical_accuracy"],
    )
    return model


@case(backends=("tensorflow",), rtol=1e-5, atol=1e-6)
def case_mirrored_strategy_scope_fit(keras, H):
    strategy = _mirrored_strategy()
    x, y = _data()
    with strategy.scope():
        model = _model(keras)
    history = model.fit(x, y, batch_size=6, epochs=3, shuffle=False, verbose=0)
    return {
        "history": history.history,
        "weights": model.get_weights(),
        "evaluate": model.evaluate(x, y, batch_size=4, verbose=0),
        "predict": model.predict(x, batch_size=4, verbose=0),
    }


@case(backends=("tensorflow",), rtol=1e-5, atol=1e-6)
def case_mirrored_strategy_fit_inside_scope(keras, H):
    strategy = _mirrored_strategy()
    x, y = _data()
    with strategy.scope():
        model = _model(keras)
        history = model.fit(
            x, y, batch_size=4, epochs=2, shuffle=False, verbose=0, validation_data=(x, y)
        )
    return {"history": history.history, "weights": model.get_weights()}
