"""`cornu.layers.serialize` / `deserialize`: round trips for plain, nested and custom layers."""

import numpy as np
import pytest

import cornu
from cornu import layers


@cornu.saving.register_keras_serializable(package="test_layers_serialization")
class Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class Unregistered(Scale):
    pass


def test_serialize_is_keras_format():
    config = layers.serialize(layers.Dense(3, activation="relu", name="d"))
    assert config["class_name"] == "Dense"
    assert config["module"] == "keras.layers"
    assert config["config"]["units"] == 3
    assert config["config"]["name"] == "d"


@pytest.mark.parametrize(
    "make",
    [
        lambda: layers.Dense(3, use_bias=False),
        lambda: layers.LSTM(4, return_sequences=True, go_backwards=True),
        lambda: layers.Bidirectional(layers.GRU(2), merge_mode="sum"),
        lambda: layers.TimeDistributed(layers.Dense(2)),
        lambda: layers.Wrapper(layers.Dense(5)),
        lambda: layers.ReversibleEmbedding(9, 3, tie_weights=False, logit_soft_cap=1.5),
    ],
    ids=["dense", "lstm", "bidirectional", "time_distributed", "wrapper", "reversible_embedding"],
)
def test_round_trip(make):
    layer = make()
    config = layers.serialize(layer)
    revived = layers.deserialize(config)
    assert type(revived) is type(layer)
    assert revived is not layer
    assert layers.serialize(revived) == config


def test_custom_objects_and_registered_layers():
    registered = layers.deserialize(layers.serialize(Scale(3.0)))
    assert isinstance(registered, Scale) and registered.factor == 3.0
    config = layers.serialize(Unregistered(4.0))
    revived = layers.deserialize(config, custom_objects={"Unregistered": Unregistered})
    assert isinstance(revived, Unregistered) and revived.factor == 4.0
    y = revived(np.ones((1, 2), "float32"))
    np.testing.assert_allclose(np.asarray(cornu.ops.convert_to_numpy(y)), [[4.0, 4.0]])


def test_deserialize_errors():
    with pytest.raises(TypeError, match="cornu.layers.deserialize: config must be a dict"):
        layers.deserialize("Dense")
