"""keras.utils.legacy: tf.keras 2's {"class_name", "config"} records, both ways."""

import pytest

import cornu
from cornu.utils import legacy


@cornu.saving.register_keras_serializable(package="legacy_test")
class Scaled(cornu.layers.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_records_hold_the_registered_name_and_config_only():
    record = legacy.serialize_keras_object(cornu.layers.Dense(3, name="d"))
    assert sorted(record) == ["class_name", "config"]
    assert record["class_name"] == "Dense"
    assert record["config"]["units"] == 3
    assert legacy.serialize_keras_object(Scaled(2.0))["class_name"] == "legacy_test>Scaled"
    assert legacy.serialize_keras_object(cornu.activations.relu) == "relu"
    assert legacy.serialize_keras_object(None) is None


def test_round_trip_through_module_objects_registration_and_custom_objects():
    dense = legacy.deserialize_keras_object(
        legacy.serialize_keras_object(cornu.layers.Dense(3, name="d")),
        module_objects={"Dense": cornu.layers.Dense},
    )
    assert (type(dense), dense.units, dense.name) == (cornu.layers.Dense, 3, "d")
    scaled = legacy.deserialize_keras_object(legacy.serialize_keras_object(Scaled(4.0)))
    assert scaled.factor == 4.0
    custom = legacy.deserialize_keras_object(
        {"class_name": "Mine", "config": {"factor": 2.0}}, custom_objects={"Mine": Scaled}
    )
    assert custom.factor == 2.0


def test_a_name_gives_the_object_found():
    # Keras 3.15.1 fails here with an AttributeError from its own registry (a bug); a name
    # found in module_objects is what the function is documented to return.
    found = legacy.deserialize_keras_object("relu", module_objects={"relu": cornu.activations.relu})
    assert found is cornu.activations.relu
    assert legacy.deserialize_keras_object(None) is None


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: legacy.serialize_keras_object(3), "Cannot serialize 3 because"),
        (lambda: legacy.deserialize_keras_object(42, printable_module_name="layer"),
         "Could not interpret serialized layer: 42"),
        (lambda: legacy.deserialize_keras_object({"class_name": "Zork", "config": {}}, {}, None,
                                                 "layer"), "Unknown layer: 'Zork'"),
        (lambda: legacy.deserialize_keras_object({"config": {}}), "needs 'class_name' and 'config'"),
    ],
    ids=["no-get-config", "not-a-record", "unknown-class", "missing-key"],
)  # fmt: skip
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
