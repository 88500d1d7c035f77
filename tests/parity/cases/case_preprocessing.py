"""Preprocessing layers: lookups, encodings, normalization, image layers and augmentation,
their outputs, dtypes, configs and errors, eagerly and inside tf.data pipelines."""

import numpy as np

from tests.parity.case import case

_STRINGS = np.array([["a", "c", "zzz"], ["b", "b", "a"]])


def _vocab(layer):
    return [str(t) if not isinstance(t, (int, np.integer)) else int(t)
            for t in layer.get_vocabulary()]  # fmt: skip


@case()
def case_string_lookup_int(keras, H):
    layer = keras.layers.StringLookup(vocabulary=["a", "b", "c"])
    return {
        "out": layer(_STRINGS),
        "list_in": layer(["c", "q"]),
        "scalar_in": layer("b"),
        "vocab": layer.get_vocabulary(),
        "no_special": layer.get_vocabulary(include_special_tokens=False),
        "size": layer.vocabulary_size(),
    }


@case()
def case_string_lookup_mask_and_oov(keras, H):
    layer = keras.layers.StringLookup(vocabulary=["a", "b"], mask_token="", num_oov_indices=1)
    strip = keras.layers.StringLookup(vocabulary=["[UNK]", "a", "b"])
    return {
        "out": layer(np.array(["", "a", "b", "q"])),
        "vocab": layer.get_vocabulary(),
        "stripped": strip.get_vocabulary(),
        "no_oov": keras.layers.StringLookup(vocabulary=["a", "b"], num_oov_indices=0)(
            np.array(["b", "a"])
        ),
    }


@case()
def case_string_lookup_adapt_order(keras, H):
    layer = keras.layers.StringLookup()
    layer.adapt(np.array(["b", "a", "c", "b", "a", "d", "e", "e", "e"]))
    capped = keras.layers.StringLookup(max_tokens=3)
    capped.adapt(np.array(["a", "b", "b", "c", "c", "c"]))
    masked = keras.layers.StringLookup(max_tokens=4, mask_token="")
    masked.adapt(np.array(["a", "b", "b", "c", "c", "c", "", "", "", ""]))
    return {
        "vocab": _vocab(layer),
        "capped": _vocab(capped),
        "capped_out": capped(np.array(["a", "b", "c"])),
        "masked": _vocab(masked),
        "masked_out": masked(np.array(["a", "b", "c", ""])),
        "config_vocab": layer.get_config()["vocabulary"],
        "config_size": layer.get_config()["vocabulary_size"],
    }


@case()
def case_string_lookup_adapt_inputs(keras, H):
    import tensorflow as tf

    from_list = keras.layers.StringLookup()
    from_list.adapt(["x", "y", "y"])
    from_2d = keras.layers.StringLookup()
    from_2d.adapt([["x", "y"], ["y", "z"]])
    from_ds = keras.layers.StringLookup()
    from_ds.adapt(tf.data.Dataset.from_tensor_slices(np.array(["x", "y", "y", "z"])).batch(2))
    again = keras.layers.StringLookup()
    again.adapt(["x", "y", "y"])
    again.adapt(["q"])
    return [_vocab(from_list), _vocab(from_2d), _vocab(from_ds), _vocab(again)]


@case()
def case_string_lookup_encodings(keras, H):
    L = keras.layers
    x = np.array([["a", "c", "c"], ["q", "b", "a"]])
    return {
        mode: L.StringLookup(vocabulary=["a", "b", "c"], output_mode=mode)(x)
        for mode in ("one_hot", "multi_hot", "count")
    } | {
        "one_hot_1d": L.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")(
            np.array(["b", "q"])
        ),
        "multi_hot_1d": L.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot")(
            np.array(["a", "b", "a"])
        ),
        "count_mask": L.StringLookup(vocabulary=["a", "b"], mask_token="",
                                     output_mode="count")(np.array([["", "a", "q"]])),
        "pad": L.StringLookup(vocabulary=["a", "b"], max_tokens=6, pad_to_max_tokens=True,
                              output_mode="multi_hot")(np.array([["a", "b"]])),
    }  # fmt: skip


@case()
def case_string_lookup_tf_idf(keras, H):
    given = keras.layers.StringLookup(
        vocabulary=["a", "b", "c"], idf_weights=[0.5, 1.0, 2.0], output_mode="tf_idf"
    )
    adapted = keras.layers.StringLookup(output_mode="tf_idf")
    adapted.adapt(np.array([["x", "y"], ["y", "z"], ["z", "z"]]))
    padded = keras.layers.StringLookup(vocabulary=["a", "b"], output_mode="tf_idf",
                                       idf_weights=[1.0, 2.0], max_tokens=5,
                                       pad_to_max_tokens=True)  # fmt: skip
    return {
        "given": given(np.array([["a", "c", "c"], ["q", "b", "a"]])),
        "adapted": adapted(np.array([["x", "z", "z"]])),
        "vocab": _vocab(adapted),
        "padded": padded(np.array([["a", "q"]])),
        "config_idf": given.get_config()["idf_weights"],
    }


@case()
def case_string_lookup_config_roundtrip(keras, H):
    layer = keras.layers.StringLookup(vocabulary=["a", "b"], mask_token="", num_oov_indices=2,
                                      name="lookup")  # fmt: skip
    config = layer.get_config()
    clone = keras.layers.StringLookup.from_config(
        dict(config, vocabulary=list(config["vocabulary"]))
    )
    return {"config": config, "clone_vocab": clone.get_vocabulary()}


@case()
def case_string_lookup_errors(keras, H):
    L = keras.layers
    return [
        H.raises(L.StringLookup, vocabulary=["a", "a"]),
        H.raises(L.StringLookup, vocabulary=["a", "", "b"], mask_token=""),
        H.raises(L.StringLookup, vocabulary=["a"], output_mode="bad"),
        H.raises(L.StringLookup, num_oov_indices=-1),
        H.raises(L.StringLookup, vocabulary=["a"], output_mode="tf_idf"),
        H.raises(L.StringLookup, vocabulary=["a"], idf_weights=[1.0]),
        H.raises(L.StringLookup, vocabulary=["a"], invert=True, output_mode="one_hot"),
        H.raises(L.StringLookup, vocabulary=["a", "b", "c"], max_tokens=2),
        H.raises(
            L.StringLookup, vocabulary=["a", "b"], output_mode="tf_idf", idf_weights=[1.0]
        ),  # fmt: skip
        H.raises(lambda: L.StringLookup(vocabulary=["a"]).adapt(["b"])),
    ]


@case()
def case_integer_lookup_basic(keras, H):
    L = keras.layers
    layer = L.IntegerLookup(vocabulary=[10, 20, 30])
    inverse = L.IntegerLookup(vocabulary=[10, 20, 30], invert=True)
    return {
        "out": layer(np.array([10, 30, 99])),
        "floats": layer(np.array([10.0, 20.0])),
        "vocab": layer.get_vocabulary(),
        "size": layer.vocabulary_size(),
        "inverse": inverse(np.array([1, 2, 3, 0, 7])),
        "config": layer.get_config(),
    }


@case()
def case_integer_lookup_mask_and_oov(keras, H):
    L = keras.layers
    masked = L.IntegerLookup(vocabulary=[5, 6], mask_token=0)
    hashed = L.IntegerLookup(vocabulary=[5, 6], num_oov_indices=2)
    inverse = L.IntegerLookup(vocabulary=[5, 6], mask_token=0, invert=True)
    return {
        "masked": masked(np.array([0, 5, 6, 7])),
        "masked_vocab": masked.get_vocabulary(),
        "hashed": hashed(np.array([5, 6, 7, 8, 9, 10])),
        "hashed_vocab": hashed.get_vocabulary(),
        "inverse": inverse(np.array([0, 1, 2, 3])),
        "one_hot": L.IntegerLookup(vocabulary=[5, 6], output_mode="one_hot")(
            np.array([[5], [7]])
        ),
        "multi_hot_no_oov": L.IntegerLookup(vocabulary=[10, 20], num_oov_indices=0,
                                            output_mode="multi_hot")(np.array([[20, 20]])),
    }  # fmt: skip


@case()
def case_integer_lookup_adapt(keras, H):
    L = keras.layers
    plain = L.IntegerLookup()
    plain.adapt(np.array([5, 3, 9, 3, 5, 1, 7, 7, 7]))
    masked = L.IntegerLookup(mask_token=0)
    masked.adapt(np.array([0, 0, 0, 4, 4, 2]))
    tfidf = L.IntegerLookup(output_mode="tf_idf")
    tfidf.adapt(np.array([[1, 2], [2, 3], [3, 3]]))
    return {
        "plain": _vocab(plain),
        "plain_out": plain(np.array([7, 3, 100])),
        "masked": _vocab(masked),
        "tfidf_vocab": _vocab(tfidf),
        "tfidf": tfidf(np.array([[1, 3, 3, 9]])),
        "config": plain.get_config(),
    }


@case(backends=("torch", "tensorflow"))
def case_integer_lookup_in_model(keras, H):
    # On jax, Keras's lookup layers cannot run inside a jitted predict (cornu's can).
    model = keras.Sequential([
        keras.Input((3,), dtype="int64"),
        keras.layers.IntegerLookup(vocabulary=[5, 6, 7], output_mode="multi_hot"),
        keras.layers.Dense(2),
    ])  # fmt: skip
    H.det_weights(model)
    return model.predict(np.array([[5, 6, 9], [7, 7, 7]]), verbose=0)


@case()
def case_lookup_in_tf_data(keras, H):
    import tensorflow as tf

    L = keras.layers
    lookup = L.StringLookup(vocabulary=["red", "green", "blue"])
    hot = L.StringLookup(vocabulary=["red", "green", "blue"], output_mode="one_hot")
    inverse = L.StringLookup(vocabulary=["a", "b", "c"], invert=True)
    ints = L.IntegerLookup(vocabulary=[3, 4])
    colors = np.array(["red", "blue", "pink", "green"])
    first = lambda ds: next(iter(ds))  # noqa: E731
    return {
        "int": first(tf.data.Dataset.from_tensor_slices(colors).batch(4).map(lookup)),
        "one_hot": first(tf.data.Dataset.from_tensor_slices(colors).batch(4).map(hot)),
        "inverse": first(
            tf.data.Dataset.from_tensor_slices(np.array([1, 3, 0])).batch(3).map(inverse)
        ),  # fmt: skip
        "ints": first(
            tf.data.Dataset.from_tensor_slices(np.array([4, 3, 9])).batch(3).map(ints)
        ),  # fmt: skip
    }


@case()
def case_numeric_layers_in_tf_data(keras, H):
    import tensorflow as tf

    L = keras.layers
    x = np.arange(12, dtype="float32").reshape(6, 2)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(3)
    ids = tf.data.Dataset.from_tensor_slices(np.arange(6) % 4).batch(3)
    return {
        "rescaling": next(iter(ds.map(L.Rescaling(2.0, offset=1.0)))),
        "encoding": next(iter(ids.map(L.CategoryEncoding(4, output_mode="one_hot")))),
        "with_labels": next(
            iter(
                tf.data.Dataset.from_tensor_slices((x, x[:, 0]))
                .batch(2)
                .map(lambda a, b: (L.Rescaling(0.5)(a), b))
            )
        ),  # fmt: skip
    }


@case()
def case_normalization_adapt(keras, H):
    import tensorflow as tf

    rng = np.random.default_rng(3)
    x = rng.standard_normal((50, 3)).astype("float32") * 3 + 1
    norm = keras.layers.Normalization()
    norm.adapt(x)
    from_ds = keras.layers.Normalization(axis=None)
    from_ds.adapt(tf.data.Dataset.from_tensor_slices(x).batch(7))
    fixed = keras.layers.Normalization(mean=2.0, variance=4.0)
    inverse = keras.layers.Normalization(mean=2.0, variance=4.0, invert=True)
    return {
        "out": norm(x[:4]),
        "mean": norm.mean,
        "variance": norm.variance,
        "from_ds": from_ds(x[:2]),
        "fixed": fixed(np.array([[0.0, 2.0, 6.0]])),
        "inverse": inverse(np.array([[0.0, 1.0, -1.0]])),
        "config": fixed.get_config(),
    }


@case()
def case_discretization(keras, H):
    L = keras.layers
    layer = L.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    x = np.array([[-1.5, 1.0, 3.4, 0.5]], dtype="float32")
    return {
        "int": layer(x),
        "one_hot": L.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")(
            np.array([-1.0, 0.5, 2.0], dtype="float32")
        ),
        "count": L.Discretization(bin_boundaries=[0.0, 1.0], output_mode="count")(
            np.array([[-1.0, 0.5, 2.0, 3.0]], dtype="float32")
        ),
        "config": layer.get_config(),
    }


@case()
def case_category_encoding(keras, H):
    L = keras.layers
    ids = np.array([[0, 1], [3, 3]])
    return {
        "multi_hot": L.CategoryEncoding(4, output_mode="multi_hot")(ids),
        "count": L.CategoryEncoding(4, output_mode="count")(ids),
        "one_hot": L.CategoryEncoding(4, output_mode="one_hot")(np.array([0, 2, 3])),
        "weights": L.CategoryEncoding(4, output_mode="count")(
            ids, count_weights=np.array([[0.5, 1.0], [2.0, 3.0]], dtype="float32")
        ),
        "config": L.CategoryEncoding(4, output_mode="count").get_config(),
        "shape": L.CategoryEncoding(4).compute_output_shape((None, 2)),
    }


@case()
def case_rescaling_resizing_crop(keras, H):
    L = keras.layers
    rng = np.random.default_rng(7)
    img = rng.uniform(0, 1, (2, 4, 4, 3)).astype("float32")
    big = rng.uniform(0, 1, (2, 6, 8, 3)).astype("float32")
    return {
        "rescaling": L.Rescaling(1 / 255.0, offset=-1.0)(np.array([[0, 255]], dtype="uint8")),
        "nearest": L.Resizing(8, 8, interpolation="nearest")(img),
        "bilinear": L.Resizing(2, 2)(img),
        "crop_ratio": L.Resizing(3, 3, crop_to_aspect_ratio=True)(big),
        "center": L.CenterCrop(4, 4)(big),
        "center_small": L.CenterCrop(8, 8)(img).shape,
        "configs": [
            L.Rescaling(0.5).get_config(),
            L.Resizing(3, 4).get_config(),
            L.CenterCrop(2, 2).get_config(),
        ],  # fmt: skip
    }


@case()
def case_augmentation_inference_identity(keras, H):
    L = keras.layers
    img = np.random.default_rng(5).uniform(0, 1, (2, 4, 4, 3)).astype("float32")
    layers = [L.RandomFlip(seed=1), L.RandomRotation(0.2, seed=2), L.RandomZoom(0.3, seed=3),
              L.RandomTranslation(0.2, 0.1, seed=4), L.RandomContrast(0.5, seed=5),
              L.RandomBrightness(0.3, seed=6)]  # fmt: skip
    model = keras.Sequential([keras.Input((4, 4, 3))] + layers)
    return {
        "eager": [layer(img, training=False) for layer in layers],
        "predict": model.predict(img, verbose=0),
        "shapes": [layer.compute_output_shape((None, 4, 4, 3)) for layer in layers],
    }


@case()
def case_augmentation_exact_transforms(keras, H):
    L = keras.layers
    img = np.arange(2 * 4 * 4 * 3, dtype="float32").reshape(2, 4, 4, 3)
    pixels = np.random.default_rng(0).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    return {
        "rot180": L.RandomRotation((0.5, 0.5), fill_mode="constant")(img, training=True),
        "rot90": L.RandomRotation((0.25, 0.25), fill_mode="constant")(img, training=True),
        "translate": L.RandomTranslation((0.25, 0.25), (0.0, 0.0), fill_mode="constant")(img),
        "zoom_in": L.RandomZoom((-0.5, -0.5), fill_mode="constant")(img),
        "zoom_out": L.RandomZoom((1.0, 1.0), fill_mode="constant")(img),
        "brightness": L.RandomBrightness((0.5, 0.5))(pixels),
        "unbatched": L.RandomFlip("vertical")(img[0], training=True).shape,
    }


@case()
def case_augmentation_configs_and_errors(keras, H):
    L = keras.layers
    configs = [
        L.RandomFlip("horizontal", seed=1).get_config(),
        L.RandomRotation(0.1, seed=2).get_config(),
        L.RandomZoom((0.1, 0.3), seed=3).get_config(),
        L.RandomTranslation(0.1, 0.2, seed=4, fill_mode="constant").get_config(),
        L.RandomBrightness((0.1, 0.3), seed=5).get_config(),
        L.RandomCrop(2, 3, seed=6).get_config(),
    ]
    errors = [
        H.raises(L.RandomRotation, 2.0),
        H.raises(L.RandomContrast, 1.5),
        H.raises(L.RandomBrightness, 1.5),
        H.raises(L.RandomZoom, -1.5),
        H.raises(L.RandomTranslation, 1.5, 0.1),
    ]
    symbolic = L.RandomCrop(2, 3)(keras.Input((4, 4, 3)))
    return {"configs": configs, "errors": errors, "crop_symbolic": symbolic}


@case()
def case_lookup_feeds_a_trained_model(keras, H):
    import tensorflow as tf

    colors = np.array(["red", "green", "blue", "red", "blue", "green"] * 4)
    labels = (colors == "red").astype("float32")
    lookup = keras.layers.StringLookup(vocabulary=["red", "green", "blue"], output_mode="one_hot")
    ds = (
        tf.data.Dataset.from_tensor_slices((colors, labels))
        .batch(8)
        .map(lambda c, y: (lookup(c), y))
    )
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    H.det_weights(model)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
    history = model.fit(ds, epochs=3, verbose=0, shuffle=False)
    return {
        "loss": H.rounded(history)["loss"],
        "weights": H.weights(model),
        "spec": str(ds.element_spec[0].dtype),
        "shape": ds.element_spec[0].shape.as_list(),
    }
