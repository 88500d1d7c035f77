"""Functional configs: the call arguments each node records (Keras fills in `training` from a
non-None default of `call` and `mask=None` for mask-taking layers given one tensor alone)."""

import json

import numpy as np

from tests.parity.case import ALL, case


def _node_kwargs(model):
    config = json.loads(model.to_json())["config"]
    return {
        layer["name"]: [node["kwargs"] for node in layer["inbound_nodes"]]
        for layer in config["layers"]
    }


@case(backends=ALL)
def case_recorded_call_kwargs(keras, H):
    layers = keras.layers
    x = keras.Input((4,), name="x")
    y = keras.Input((4,), name="y")
    d = layers.Dense(4, name="d")(x)
    outs = [
        layers.BatchNormalization(name="bn_input")(x),
        layers.BatchNormalization(name="bn_dense")(d),
        layers.BatchNormalization(name="bn_explicit")(d, training=False),
        layers.Dropout(0.5, name="dropout")(d),
        layers.Dropout(0.5, name="dropout_on")(d, training=True),
        layers.Add(name="add")([d, y]),
        layers.Concatenate(name="concat")([d, x]),
        layers.LayerNormalization(name="ln")(d),
        layers.GlobalAveragePooling1D(name="gap")(layers.Reshape((2, 2), name="rs")(d)),
        layers.Bidirectional(layers.LSTM(2), name="bi")(layers.Reshape((2, 2), name="rs2")(d)),
        layers.MultiHeadAttention(2, 2, name="mha")(
            layers.Reshape((2, 2), name="q")(d), layers.Reshape((2, 2), name="v")(x)
        ),
    ]
    model = keras.Model([x, y], outs)
    data = [np.ones((2, 4), "float32"), np.ones((2, 4), "float32")]
    # The recorded fill-ins change nothing at run time: a replay in training mode still drops.
    dropped = keras.ops.convert_to_numpy(model(data, training=True)[3]) == 0
    return {"kwargs": _node_kwargs(model), "drops_in_training": bool(dropped.any())}
