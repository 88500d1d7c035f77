"""The benchmark models as user-level Keras-API code, written once for `cornu` and for `keras`.

`build(keras, row)` takes the imported package (`import cornu as keras` or `import keras`) and
returns the compiled model; `data(row)` gives the inputs and labels every loop trains on. The
first four rows start from `cases.init_weights` (so cornu, Keras and the native loops start
from the same point); the newer rows use each library's own initialisers, which changes the
values but not the work done per step.
"""

import numpy as np
from cases import CASES, init_weights

VOCAB, SEQ_TEXT, SEQ_TRANSFORMER, WIDTH = 1000, 64, 128, 64

ROWS = {
    # name: (batch size, description)
    **{name: (spec[2], spec[4]) for name, spec in CASES.items()},
    "resnet": (64, "ResNet-20 (BatchNorm, residual adds) on 32x32x3, batch 64"),
    "transformer": (32, "2-layer Transformer encoder, d=64, 4 heads, seq 128, batch 32"),
    "gru_text": (64, "Embedding(mask_zero) + GRU(64) on 64 tokens, batch 64"),
    "bilstm_text": (64, "Embedding(mask_zero) + Bidirectional(LSTM(64)), 64 tokens, batch 64"),
}
CLASSES = {"resnet": 10, "transformer": 2, "gru_text": 2, "bilstm_text": 2}
TEXT_ROWS = ("transformer", "gru_text", "bilstm_text")


def data(row, steps, seed=0):
    """(x, y) for `steps` batches of `row`: float images/features, or int32 token ids."""
    batch = ROWS[row][0]
    rng = np.random.default_rng(seed)
    n = batch * steps
    if row in CASES:
        shape, classes = CASES[row][0], CASES[row][1]
        x = rng.normal(size=(n,) + shape).astype("float32")
    elif row == "resnet":
        classes = CLASSES[row]
        x = rng.normal(size=(n, 32, 32, 3)).astype("float32")
    else:
        classes = CLASSES[row]
        length = SEQ_TRANSFORMER if row == "transformer" else SEQ_TEXT
        x = rng.integers(1, VOCAB, size=(n, length)).astype("int32")
        if row != "transformer":  # right padding with id 0, so masking has work to do
            kept = rng.integers(length // 4, length + 1, size=(n, 1))
            x = np.where(np.arange(length) < kept, x, 0).astype("int32")
    y = rng.integers(0, classes, size=(n,)).astype("int32")
    return x, y


def _resnet(keras, x):
    layers = keras.layers

    def conv_bn(h, filters, strides=1, relu=True):
        h = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(h)
        h = layers.BatchNormalization()(h)
        return layers.Activation("relu")(h) if relu else h

    h = conv_bn(x, 16)
    for stage, filters in enumerate((16, 32, 64)):
        for block in range(3):
            strides = 2 if stage > 0 and block == 0 else 1
            shortcut = h
            if strides != 1:
                shortcut = layers.Conv2D(filters, 1, strides=strides, use_bias=False)(h)
                shortcut = layers.BatchNormalization()(shortcut)
            r = conv_bn(conv_bn(h, filters, strides), filters, relu=False)
            h = layers.Activation("relu")(layers.Add()([shortcut, r]))
    return layers.GlobalAveragePooling2D()(h)


def _transformer(keras, x):
    layers = keras.layers
    h = layers.Embedding(VOCAB, WIDTH)(x)
    for _ in range(2):
        attended = layers.MultiHeadAttention(num_heads=4, key_dim=WIDTH // 4)(h, h)
        h = layers.LayerNormalization()(layers.Add()([h, attended]))
        f = layers.Dense(2 * WIDTH, activation="relu")(h)
        h = layers.LayerNormalization()(layers.Add()([h, layers.Dense(WIDTH)(f)]))
    return layers.GlobalAveragePooling1D()(h)


def _body(keras, row, x):
    """The model's layers from input `x` to the features before the last Dense."""
    layers = keras.layers
    if row in ("tiny_mlp", "mlp"):
        for units in {"tiny_mlp": [32], "mlp": [512, 512]}[row]:
            x = layers.Dense(units, activation="relu")(x)
        return x
    if row == "cnn":
        for filters in (32, 64):
            x = layers.MaxPooling2D(2)(layers.Conv2D(filters, 3, activation="relu")(x))
        return layers.Flatten()(x)
    if row == "lstm":
        return layers.LSTM(64)(x)
    if row == "resnet":
        return _resnet(keras, x)
    if row == "transformer":
        return _transformer(keras, x)
    h = layers.Embedding(VOCAB, WIDTH, mask_zero=True)(x)
    if row == "gru_text":
        return layers.GRU(WIDTH)(h)
    return layers.Bidirectional(layers.LSTM(WIDTH))(h)


def build(keras, row, steps_per_execution=1):
    """The compiled model for `row` (Adam(1e-3), sparse cross-entropy on logits)."""
    x, _ = data(row, 1)
    classes = CASES[row][1] if row in CASES else CLASSES[row]
    keras.utils.set_random_seed(0)
    inputs = keras.Input(x.shape[1:], dtype=str(x.dtype))
    model = keras.Model(inputs, keras.layers.Dense(classes)(_body(keras, row, inputs)))
    if row in CASES:
        model.set_weights(init_weights(row))
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        steps_per_execution=steps_per_execution,
    )
    return model
