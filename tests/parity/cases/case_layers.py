"""Common layers: outputs with fixed weights, masks, configs, output shapes and errors."""

import numpy as np

from tests.parity.case import case

RNG = np.random.default_rng(11)
X2 = RNG.standard_normal((3, 5)).astype("float32")
X3 = RNG.standard_normal((2, 6, 4)).astype("float32")
X4 = RNG.standard_normal((2, 6, 6, 3)).astype("float32")


def _run(keras, H, shape, layers, x):
    model = keras.Sequential([keras.Input(shape), *layers])
    H.det_weights(model)
    return model.predict(x, verbose=0)


@case()
def case_dense_outputs_and_config(keras, H):
    L = keras.layers
    dense = L.Dense(4, activation="tanh", use_bias=False, kernel_initializer="ones")
    return {
        "2d": _run(keras, H, (5,), [L.Dense(3, activation="relu")], X2),
        "3d": _run(keras, H, (6, 4), [L.Dense(2)], X3),
        "config": dense.get_config(),
        "shape": L.Dense(7).compute_output_shape((None, 3, 5)),
        "weights": [tuple(w.shape) for w in _dense_built(L)],
    }


def _dense_built(L):
    layer = L.Dense(3)
    layer.build((None, 5))
    return layer.weights


@case()
def case_conv_variants(keras, H):
    L = keras.layers
    return {
        "conv2d_same": _run(keras, H, (6, 6, 3), [L.Conv2D(2, 3, padding="same")], X4),
        "conv2d_strided": _run(keras, H, (6, 6, 3), [L.Conv2D(2, 3, strides=2)], X4),
        "conv1d_causal": _run(keras, H, (6, 4), [L.Conv1D(3, 2, padding="causal",
                                                          dilation_rate=2)], X3),
        "transpose": _run(keras, H, (6, 6, 3), [L.Conv2DTranspose(2, 3, strides=2,
                                                                   padding="same")], X4),
        "separable": _run(keras, H, (6, 6, 3), [L.SeparableConv2D(4, 3, depth_multiplier=2)],
                          X4),
        "depthwise": _run(keras, H, (6, 6, 3), [L.DepthwiseConv2D(3, depth_multiplier=2)], X4),
        "grouped": _run(keras, H, (6, 4), [L.Conv1D(4, 3, groups=2)], X3),
    }  # fmt: skip


@case()
def case_conv_configs_and_shapes(keras, H):
    L = keras.layers
    return {
        "conv2d": L.Conv2D(8, (3, 3), strides=2, padding="same", activation="relu").get_config(),
        "conv1d": L.Conv1D(4, 5, dilation_rate=2).get_config(),
        "transpose": L.Conv2DTranspose(3, 2, strides=2).get_config(),
        "shapes": [
            L.Conv2D(8, 3).compute_output_shape((None, 10, 10, 3)),
            L.Conv2D(8, 3, strides=2, padding="same").compute_output_shape((None, 9, 9, 3)),
            L.Conv1D(4, 3, padding="causal").compute_output_shape((None, 7, 2)),
            L.Conv3D(2, 2).compute_output_shape((None, 4, 4, 4, 1)),
        ],
    }


@case()
def case_pooling(keras, H):
    L = keras.layers
    x = X4
    return {
        "max_valid": L.MaxPooling2D(2)(x),
        "max_same": L.MaxPooling2D(3, strides=2, padding="same")(x),
        # Odd sizes: with even ones Keras on torch averages the "same" border differently.
        "avg_same": L.AveragePooling2D(3, strides=2, padding="same")(x[:, :5, :5]),
        "avg1d": L.AveragePooling1D(2)(X3),
        "global_avg": L.GlobalAveragePooling2D()(x),
        "global_max_keep": L.GlobalMaxPooling1D(keepdims=True)(X3),
        "config": L.MaxPooling2D(2, padding="same").get_config(),
        "shape": L.AveragePooling2D(3, strides=2, padding="same").compute_output_shape(
            (None, 7, 7, 2)
        ),
    }


@case()
def case_batch_normalization(keras, H):
    layer = keras.layers.BatchNormalization(momentum=0.5, epsilon=1e-3)
    layer.build((None, 5))
    layer.set_weights([np.arange(5, dtype="float32") / 5 + 0.5, np.ones(5, "float32") * 0.1,
                       np.zeros(5, "float32"), np.ones(5, "float32")])  # fmt: skip
    inference = layer(X2, training=False)
    training = layer(X2, training=True)
    return {
        "inference": inference,
        "training": training,
        "moving": [np.asarray(w) for w in layer.get_weights()],
        "config": layer.get_config(),
        "counts": (len(layer.trainable_weights), len(layer.non_trainable_weights)),
    }


@case()
def case_layer_and_group_normalization(keras, H):
    L = keras.layers
    return {
        "layer_norm": _run(keras, H, (6, 4), [L.LayerNormalization()], X3),
        "layer_norm_axes": _run(keras, H, (6, 4), [L.LayerNormalization(axis=[1, 2])], X3),
        "rms": _run(keras, H, (6, 4), [L.LayerNormalization(rms_scaling=True)], X3),
        "group": _run(keras, H, (6, 6, 3), [L.Conv2D(4, 1), L.GroupNormalization(2)], X4),
        "unit": L.UnitNormalization()(X2),
        "config": L.LayerNormalization(epsilon=1e-5).get_config(),
    }


@case()
def case_dropout_and_noise(keras, H):
    L = keras.layers
    layers = [L.Dropout(0.5, seed=1), L.GaussianNoise(0.3, seed=2),
              L.GaussianDropout(0.2, seed=3), L.SpatialDropout1D(0.3, seed=4)]  # fmt: skip
    zeros = L.Dropout(0.5, seed=1)(np.ones((200, 10), "float32"), training=True)
    kept = np.asarray(keras.ops.convert_to_numpy(zeros))
    return {
        "inference": [layer(X3, training=False) for layer in layers],
        "kept_values": sorted(set(np.round(kept.ravel(), 4).tolist())),
        "configs": [layer.get_config() for layer in layers],
        "errors": [H.raises(L.Dropout, 1.5), H.raises(L.Dropout, -0.1)],
    }


@case()
def case_embedding_mask_zero(keras, H):
    layer = keras.layers.Embedding(10, 3, mask_zero=True)
    layer.build((None, 4))
    layer.set_weights([np.arange(30, dtype="float32").reshape(10, 3) / 10])
    ids = np.array([[1, 2, 0, 0], [3, 0, 0, 0]])
    return {
        "out": layer(ids),
        "mask": layer.compute_mask(ids),
        "config": layer.get_config(),
        "shape": layer.compute_output_shape((None, 4)),
    }


@case()
def case_masking_through_lstm(keras, H):
    L = keras.layers
    x = X3.copy()
    x[0, 4:] = 0.0
    x[1, 2:] = 0.0
    model = keras.Sequential([keras.Input((6, 4)), L.Masking(0.0),
                              L.LSTM(3, return_sequences=True)])  # fmt: skip
    H.det_weights(model)
    masked_ids = keras.Sequential([keras.Input((5,), dtype="int32"),
                                   L.Embedding(6, 2, mask_zero=True), L.GRU(2)])  # fmt: skip
    H.det_weights(masked_ids)
    return {
        "lstm": model.predict(x, verbose=0),
        "gru_ids": masked_ids.predict(np.array([[1, 2, 0, 0, 0], [3, 4, 5, 1, 0]]), verbose=0),
        "mask": L.Masking(0.0).compute_mask(x),
    }


@case(rtol=1e-4, atol=1e-5)
def case_recurrent_outputs(keras, H):
    L = keras.layers

    def run(layer):
        inputs = keras.Input((6, 4))
        outputs = layer(inputs)
        model = keras.Model(inputs, outputs)
        H.det_weights(model)
        return model.predict(X3, verbose=0)

    return {
        "lstm_state": run(L.LSTM(3, return_state=True)),
        "lstm_seq": run(L.LSTM(3, return_sequences=True, go_backwards=True)),
        "gru": run(L.GRU(3, return_sequences=True, return_state=True)),
        "gru_v1": run(L.GRU(3, reset_after=False)),
        "simple": run(L.SimpleRNN(3, activation="relu")),
    }


@case(rtol=1e-4, atol=1e-5)
def case_bidirectional(keras, H):
    L = keras.layers

    def run(layer):
        inputs = keras.Input((6, 4))
        model = keras.Model(inputs, layer(inputs))
        H.det_weights(model)
        return model.predict(X3, verbose=0)

    bi = L.Bidirectional(L.LSTM(2, return_sequences=True), merge_mode="sum")
    return {
        "concat": run(L.Bidirectional(L.GRU(2))),
        "sum_seq": run(bi),
        "states": run(L.Bidirectional(L.LSTM(2, return_state=True))),
        "none": run(L.Bidirectional(L.SimpleRNN(2), merge_mode=None)),
        "config_keys": sorted(bi.get_config()),
        "weights": len(bi.weights),
    }


@case()
def case_recurrent_configs(keras, H):
    L = keras.layers
    return {
        "lstm": L.LSTM(4, return_sequences=True, dropout=0.1).get_config(),
        "gru": L.GRU(3, reset_after=False).get_config(),
        "shape_seq": L.LSTM(4, return_sequences=True).compute_output_shape((None, 5, 2)),
        "shape_state": L.GRU(4, return_state=True).compute_output_shape((None, 5, 2)),
    }


@case()
def case_reshaping(keras, H):
    L = keras.layers
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    return {
        "reshape": L.Reshape((4, 3))(x),
        "reshape_infer": L.Reshape((-1, 2))(x),
        "flatten": L.Flatten()(x),
        "permute": L.Permute((2, 1))(x),
        "repeat": L.RepeatVector(3)(x[:, 0]),
        "shapes": [L.Reshape((-1, 2)).compute_output_shape((None, 3, 4)),
                   L.Flatten().compute_output_shape((None, 3, 4)),
                   L.Permute((2, 1)).compute_output_shape((None, 3, 4)),
                   L.RepeatVector(5).compute_output_shape((None, 4))],
        "configs": [L.Reshape((4, 3)).get_config(), L.Permute((2, 1)).get_config(),
                    L.Flatten().get_config(), L.RepeatVector(3).get_config()],
        "bad_reshape": H.raises(L.Reshape((5, 5)), x),
    }  # fmt: skip


@case()
def case_padding_cropping_upsampling(keras, H):
    L = keras.layers
    x = np.arange(2 * 3 * 3 * 2, dtype="float32").reshape(2, 3, 3, 2)
    return {
        "zero_pad": L.ZeroPadding2D(((1, 0), (0, 2)))(x),
        "crop": L.Cropping2D(((1, 0), (0, 1)))(x),
        "up_nearest": L.UpSampling2D(2)(x),
        "up_bilinear": L.UpSampling2D(2, interpolation="bilinear")(x),
        "up1d": L.UpSampling1D(2)(x[:, 0]),
        "pad1d": L.ZeroPadding1D(2)(x[:, 0]),
        "crop1d": L.Cropping1D((1, 1))(x[:, 0]),
    }


@case()
def case_merging(keras, H):
    L = keras.layers
    a = np.arange(6, dtype="float32").reshape(2, 3)
    b = np.ones((2, 3), "float32") * 2
    c = np.ones((2, 2), "float32")
    return {
        "concat": L.Concatenate()([a, c]),
        "concat_axis0": L.Concatenate(axis=0)([a, b]),
        "add": L.Add()([a, b, a]),
        "subtract": L.Subtract()([a, b]),
        "multiply": L.Multiply()([a, b]),
        "average": L.Average()([a, b]),
        "maximum": L.Maximum()([a, b]),
        "dot": L.Dot(axes=1)([a, b]),
        "dot_norm": L.Dot(axes=1, normalize=True)([a, b]),
        "add_mismatch": H.raises(L.Add(), [a, c]),
        "concat_mismatch": H.raises(L.Concatenate(axis=0), [a, c]),
        "config": L.Concatenate(axis=1).get_config(),
        "shape": L.Concatenate().compute_output_shape([(None, 3), (None, 2)]),
    }


@case(rtol=1e-4, atol=1e-5)
def case_attention_layers(keras, H):
    L = keras.layers
    q = RNG.standard_normal((2, 3, 4)).astype("float32")
    v = RNG.standard_normal((2, 5, 4)).astype("float32")
    att = L.Attention()
    out, scores = att([q, v], return_attention_scores=True)
    causal = L.Attention(use_scale=True)
    causal.build([(None, 3, 4), (None, 3, 4)])
    causal.set_weights([np.array(0.7, "float32")])
    mha_in = keras.Input((3, 4))
    mha_kv = keras.Input((5, 4))
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3)
    model = keras.Model([mha_in, mha_kv], mha(mha_in, mha_kv))
    H.det_weights(model)
    return {
        "dot": out,
        "scores": scores,
        "causal": causal([q, q], use_causal_mask=True),
        "additive": L.AdditiveAttention(use_scale=False)([q, v]),
        "mha": model.predict([q, v], verbose=0),
        "mha_config": mha.get_config(),
        "mha_weights": [tuple(w.shape) for w in mha.weights],
    }


@case()
def case_activation_layers(keras, H):
    L = keras.layers
    x = np.linspace(-3, 3, 12, dtype="float32").reshape(2, 6)
    prelu = L.PReLU()
    prelu.build((None, 6))
    prelu.set_weights([np.full((6,), 0.25, "float32")])
    return {
        "relu_capped": L.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5)(x),
        "leaky": L.LeakyReLU(negative_slope=0.2)(x),
        "elu": L.ELU(alpha=0.5)(x),
        "softmax": L.Softmax(axis=0)(x),
        "softmax_mask": L.Softmax()(x, mask=np.array([[1, 1, 0, 1, 0, 1]] * 2, dtype=bool)),
        "prelu": prelu(x),
        "activation": [L.Activation(name)(x) for name in
                       ("gelu", "silu", "softplus", "hard_sigmoid", "selu", "mish")],
        "configs": [L.ReLU(max_value=2.0).get_config(), L.LeakyReLU().get_config(),
                    L.Activation("tanh").get_config()],
    }  # fmt: skip


@case()
def case_time_distributed_and_wrappers(keras, H):
    L = keras.layers
    return {
        "td_dense": _run(keras, H, (6, 4), [L.TimeDistributed(L.Dense(2))], X3),
        "td_conv": _run(
            keras, H, (2, 6, 6, 3), [L.TimeDistributed(L.Conv2D(1, 3))], np.stack([X4, X4], axis=1)
        ),
        "shape": L.TimeDistributed(L.Dense(5)).compute_output_shape((None, 7, 3)),
    }


@case()
def case_layer_input_errors(keras, H):
    L = keras.layers
    dense = L.Dense(3)
    dense(np.ones((2, 4), "float32"))
    conv = L.Conv2D(2, 3)
    return {
        "dense_wrong_dim": H.raises(dense, np.ones((2, 5), "float32")),
        "conv_wrong_rank": H.raises(conv, np.ones((2, 5, 5), "float32")),
        "bad_units": H.raises(L.Dense, 0),
        "bad_activation": H.raises(L.Dense, 2, activation="nope"),
        "bad_padding": H.raises(L.Conv2D, 2, 3, padding="full"),
        "lstm_rank": H.raises(L.LSTM(2), np.ones((2, 3), "float32")),
        "embedding_float_ok": H.raises(lambda: L.Embedding(5, 2)(np.array([[1.0, 2.0]])).shape),
    }


@case()
def case_weight_names_and_paths(keras, H):
    L = keras.layers
    model = keras.Sequential([keras.Input((6, 4)), L.Conv1D(2, 3, name="conv"),
                              L.BatchNormalization(name="bn"), L.LSTM(3, name="lstm"),
                              L.Dense(2, name="head")])  # fmt: skip
    return {
        "names": [w.name for w in model.weights],
        "paths": [w.path for w in model.weights],
        "trainable": [w.trainable for w in model.weights],
        "shapes": [tuple(w.shape) for w in model.weights],
    }


@case()
def case_einsum_dense_and_lambda(keras, H):
    L = keras.layers
    einsum = L.EinsumDense("abc,cd->abd", output_shape=(None, 2), bias_axes="d")
    lam = L.Lambda(lambda t: keras.ops.square(t) + 1.0)
    return {
        "einsum": _run(keras, H, (6, 4), [einsum], X3),
        "einsum_config": einsum.get_config(),
        "lambda": lam(X2),
        "lambda_model": _run(keras, H, (5,), [L.Dense(2), L.Lambda(lambda t: t * 2.0)], X2),
        "identity": L.Identity()(X2),
    }


@case()
def case_three_d_layers(keras, H):
    L = keras.layers
    x = RNG.standard_normal((1, 4, 4, 4, 2)).astype("float32")
    return {
        "conv3d": _run(keras, H, (4, 4, 4, 2), [L.Conv3D(2, 2, padding="same")], x),
        "max3d": L.MaxPooling3D(2)(x),
        "avg3d": L.AveragePooling3D(2, strides=1)(x),
        "gap3d": L.GlobalAveragePooling3D()(x),
        "up3d": L.UpSampling3D(2)(x).shape,
        "pad3d": L.ZeroPadding3D(1)(x).shape,
        "crop3d": L.Cropping3D(1)(x),
    }
