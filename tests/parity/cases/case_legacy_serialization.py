"""keras.utils.legacy parity: tf.keras 2-style records of layers, optimizers, losses and
functions, and objects rebuilt from them."""

from tests.parity.case import ALL, case


@case(backends=ALL)
def case_legacy_serialize_records(keras, H):
    legacy = keras.utils.legacy
    return {
        "dense": legacy.serialize_keras_object(keras.layers.Dense(3, activation="relu", name="d")),
        "adam": legacy.serialize_keras_object(keras.optimizers.Adam(0.5)),
        "mse": legacy.serialize_keras_object(keras.losses.MeanSquaredError()),
        "function": legacy.serialize_keras_object(keras.activations.relu),
        "none": legacy.serialize_keras_object(None),
        "int": H.raises(legacy.serialize_keras_object, 3),
    }


@case(backends=ALL)
def case_legacy_deserialize(keras, H):
    legacy = keras.utils.legacy
    record = legacy.serialize_keras_object(keras.layers.Dense(3, name="d"))
    dense = legacy.deserialize_keras_object(record, module_objects={"Dense": keras.layers.Dense})
    return {
        "dense": (type(dense).__name__, dense.units, dense.name),
        "none": legacy.deserialize_keras_object(None),
        "not_a_record": H.raises(legacy.deserialize_keras_object, 42, None, None, "layer"),
        "unknown": H.raises(
            legacy.deserialize_keras_object, {"class_name": "Zork", "config": {}}, {}
        ),
    }
