"""`keras.legacy.saving` is the Keras 2 record format of `keras.utils.legacy`."""

import cornu


def test_legacy_saving_round_trips_a_layer():
    record = cornu.legacy.saving.serialize_keras_object(cornu.layers.Dense(3, name="d"))
    assert record["class_name"] == "Dense" and record["config"]["units"] == 3
    layer = cornu.legacy.saving.deserialize_keras_object(
        record, module_objects={"Dense": cornu.layers.Dense}
    )
    assert isinstance(layer, cornu.layers.Dense) and layer.units == 3
    assert cornu.legacy.saving is cornu.utils.legacy
