"""TextVectorization, Hashing, HashedCrossing and FeatureSpace: outputs, vocabularies,
configs and hash bins, against Keras (string inputs: the backends Keras runs them on)."""

import random

import numpy as np

from tests.parity.case import ALL, case

_TEXT = np.array(["The Cat sat!", "the dog, ran.", "A cat?  cat", "ÉCOLE été", ""])


def _vocab(layer):
    return [str(t) for t in layer.get_vocabulary()]


def _config(layer):
    return {k: v for k, v in layer.get_config().items() if k != "name"}


def _random_strings(seed, count=120):
    rng = random.Random(seed)
    alphabet = "abcXYZ 0123456789-_.,éß日本☃"
    return np.array(["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 101)))
                     for _ in range(count)])  # fmt: skip


@case()
def case_hashing_bins(keras, H):
    L = keras.layers
    strings = _random_strings(0)
    ints = np.arange(-50, 70, dtype="int64").reshape(-1, 1)
    return {
        "fast": L.Hashing(1000)(strings),
        "strong": L.Hashing(1000, salt=[11, 2**40])(strings),
        "int_salt": L.Hashing(97, salt=5)(strings[:20]),
        "mask": L.Hashing(13, mask_value="")(np.array(["", "a", "b", ""])),
        "ints": L.Hashing(1000)(ints),
        "int_mask": L.Hashing(11, mask_value=3)(ints[:60]),
        "one_hot": L.Hashing(6, output_mode="one_hot")(np.array(["a", "b", "c"])),
        "multi_hot": L.Hashing(6, output_mode="multi_hot")(np.array([["a", "b"], ["c", "c"]])),
        "count": L.Hashing(6, output_mode="count")(np.array([["a", "b"], ["c", "c"]])),
        "config": _config(L.Hashing(8, salt=3, mask_value="x")),
        "errors": [H.raises(L.Hashing, 0), H.raises(L.Hashing, 5, salt="x")],
    }


@case()
def case_hashed_crossing_bins(keras, H):
    L = keras.layers
    strings = _random_strings(1, 60)
    ints = np.arange(60, dtype="int64") * 7919 - 100000
    return {
        "str_int": L.HashedCrossing(10007)((strings, ints)),
        "str_str": L.HashedCrossing(1000)((strings, strings[::-1])),
        "three": L.HashedCrossing(101)((strings, ints, strings)),
        "column": L.HashedCrossing(5)((np.array([["A"], ["B"]]), np.array([[101], [102]]))),
        "one_hot": L.HashedCrossing(5, output_mode="one_hot")(
            (np.array(["A", "B", "A"]), np.array([101, 101, 102]))
        ),
        "config": _config(L.HashedCrossing(9)),
    }


@case()
def case_text_vectorization_int(keras, H):
    L = keras.layers
    layer = L.TextVectorization()
    layer.adapt(_TEXT)
    fixed = L.TextVectorization(output_sequence_length=4, max_tokens=6)
    fixed.adapt(_TEXT)
    given = L.TextVectorization(vocabulary=["cat", "dog"], standardize="lower")
    chars = L.TextVectorization(split="character", standardize=None)
    chars.adapt(_TEXT)
    return {
        "out": layer(_TEXT),
        "column": layer(_TEXT.reshape(-1, 1)),
        "vocab": _vocab(layer),
        "fixed": fixed(_TEXT),
        "fixed_vocab": _vocab(fixed),
        "given": given(_TEXT),
        "chars": chars(_TEXT[:3]),
        "chars_vocab": _vocab(chars),
        "size": layer.vocabulary_size(),
        "config": _config(fixed),
        "given_config": _config(given),
    }


@case()
def case_text_vectorization_ngrams_and_modes(keras, H):
    L = keras.layers
    out = {}
    for key, kwargs in {
        "bigrams": {"ngrams": 2},
        "one_three": {"ngrams": (1, 3), "output_mode": "multi_hot", "max_tokens": 12},
        "count": {"output_mode": "count", "standardize": "strip_punctuation"},
        "tf_idf": {"output_mode": "tf_idf", "ngrams": 2},
        "padded": {"output_mode": "tf_idf", "max_tokens": 8, "pad_to_max_tokens": True},
        "whole": {"split": None, "standardize": None},
    }.items():
        layer = L.TextVectorization(**kwargs)
        layer.adapt(_TEXT)
        out[key] = {"out": layer(_TEXT), "vocab": _vocab(layer), "config": _config(layer)}
    given = L.TextVectorization(vocabulary=["a", "cat"], idf_weights=[0.5, 2.0],
                                output_mode="tf_idf")  # fmt: skip
    out["given_tf_idf"] = {"out": given(_TEXT), "config": _config(given)}
    return out


@case()
def case_text_vectorization_adapt_sources(keras, H):
    import tensorflow as tf

    L = keras.layers
    from_ds = L.TextVectorization()
    from_ds.adapt(tf.data.Dataset.from_tensor_slices(_TEXT).batch(2))
    from_list = L.TextVectorization()
    from_list.adapt(list(_TEXT))
    mapped = L.TextVectorization(output_sequence_length=3)
    mapped.adapt(_TEXT)
    # ASCII only: cornu's tf.data bridge (data_layer.py) decodes batches as ASCII for now.
    ascii_text = np.array(["The Cat sat!", "the dog, ran.", "A cat?  cat", ""])
    ds = tf.data.Dataset.from_tensor_slices(ascii_text).batch(5).map(mapped)
    return {
        "from_ds": _vocab(from_ds),
        "from_list": _vocab(from_list),
        "in_tf_data": [b.numpy() for b in ds],
    }


@case()
def case_text_vectorization_errors(keras, H):
    L = keras.layers
    return [
        H.raises(L.TextVectorization, output_sequence_length=3, output_mode="count"),
        H.raises(L.TextVectorization, standardize="upper"),
        H.raises(L.TextVectorization, split="comma"),
    ]


@case()
def case_feature_space(keras, H):
    import tensorflow as tf

    FS = keras.utils.FeatureSpace
    data = {
        "f": np.array([1.0, 2.0, 3.0, 4.0], "float32"),
        "r": np.array([10.0, 20.0, 30.0, 40.0], "float32"),
        "n": np.array([1.0, 3.0, 5.0, 7.0], "float32"),
        "ic": np.array([1, 2, 2, 3], "int64"),
        "sc": np.array(["a", "b", "b", "c"]),
        "sh": np.array(["x", "y", "z", "x"]),
        "ih": np.array([5, 6, 7, 5], "int64"),
    }
    space = FS(
        features={"f": "float", "r": FS.float_rescaled(scale=0.1, offset=1.0),
                  "n": "float_normalized", "ic": "integer_categorical",
                  "sc": FS.string_categorical(max_tokens=5), "sh": FS.string_hashed(num_bins=8),
                  "ih": FS.integer_hashed(num_bins=4)},
        crosses=[FS.cross(("sc", "ic"), crossing_dim=16), ("sh", "ih")],
        crossing_dim=8,
    )  # fmt: skip
    space.adapt(tf.data.Dataset.from_tensor_slices(data).batch(2))
    as_dict = FS(features={"sc": "string_categorical", "n": "float_normalized"},
                 output_mode="dict")  # fmt: skip
    as_dict.adapt(tf.data.Dataset.from_tensor_slices({"sc": data["sc"], "n": data["n"]}).batch(4))
    encoded = space.get_encoded_features()
    return {
        "concat": space(data),
        "one": space({k: v[0] for k, v in data.items()}),
        "dict": as_dict({"sc": data["sc"], "n": data["n"]}),
        "encoded_shape": tuple(encoded.shape),
        "inputs": {k: (tuple(v.shape), v.dtype) for k, v in space.get_inputs().items()},
        "config": space.get_config(),
        "vocab": [int(t) for t in space.preprocessors["ic"].get_vocabulary()],
    }


@case(backends=ALL)
def case_hashing_integers(keras, H):
    L = keras.layers
    ints = np.arange(-50, 70, dtype="int64").reshape(-1, 1)
    # Values only: on the numpy backend Keras returns int32 bins here (int64 elsewhere).
    return {
        "bins": np.asarray(L.Hashing(1000)(ints)).astype("int64"),
        "salted": np.asarray(L.Hashing(1000, salt=[1, 2])(ints)).astype("int64"),
        "crossed": L.HashedCrossing(97)((ints, ints * 3)),
    }
