"""FarmHash Fingerprint64 / SipHash-2-4 / FingerprintCat64 (cornu.utils.hashing) and the
Hashing and HashedCrossing layers: bins against values TensorFlow and Keras 3.15 give,
output modes, configs and errors."""

import random

import numpy as np
import pytest

from cornu import layers, ops
from cornu.utils import hashing

# Strings covering every length branch of Fingerprint64 (0-16, 17-32, 33-64, > 64).
_STRINGS = [b"", b"a", b"abc", b"abcd", b"hello wo", b"0123456789abcdef", b"0123456789abcdefg",
            b"x" * 32, b"y" * 33, b"z" * 64, b"w" * 65, bytes(range(128)), bytes(range(200)),
            "héllo ☃".encode()]  # fmt: skip
# tf.fingerprint(...) of _STRINGS (TensorFlow 2.x, as little-endian uint64).
_FINGERPRINTS = [
    11160318154034397263, 12917804110809363939, 2640714258260161385, 1897425971756105985,
    3616420679985843595, 6105018409752412263, 12024047538191061578, 12901576723999808517,
    8610735037765521150, 294799756062990872, 12495383604066267776, 2037963038260878803,
    525935771297148851, 12850163039935418585,
]  # fmt: skip
# tf.strings.to_hash_bucket_strong(_STRINGS, 2**62, key=[7, 9]).
_STRONG_7_9 = [
    1315545615887763260, 1004874263156222447, 2642977904829792083, 1852507812071269339,
    382205860859925122, 480341130784558211, 3217239827813803755, 1367258993854036011,
    2376491575392000707, 2246781279791778409, 3683251829322568465, 3276394564047862077,
    1066655936492948751, 2707440025866667814,
]  # fmt: skip


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_fingerprint64_matches_tensorflow_on_every_length_branch():
    assert [hashing.fingerprint64(s) for s in _STRINGS] == _FINGERPRINTS
    assert hashing.fingerprint64("héllo ☃") == _FINGERPRINTS[-1]  # str hashes as UTF-8


def test_siphash24_matches_tensorflow_strong_buckets():
    assert [hashing.siphash24(7, 9, s) % 2**62 for s in _STRINGS] == _STRONG_7_9


def test_hashes_match_tensorflow_on_random_strings():
    tf = pytest.importorskip("tensorflow")
    rng = random.Random(0)
    strings = [bytes(rng.randrange(256) for _ in range(n)) for n in range(0, 130) for _ in (0, 1)]
    fast = tf.strings.to_hash_bucket_fast(strings, 2**62 + 7).numpy().tolist()
    strong = tf.strings.to_hash_bucket_strong(strings, 2**62 + 7, [3, 2**40]).numpy().tolist()
    assert [hashing.fingerprint64(s) % (2**62 + 7) for s in strings] == fast
    assert [hashing.siphash24(3, 2**40, s) % (2**62 + 7) for s in strings] == strong


def test_hash_buckets_hash_integers_as_decimal_strings():
    ints = hashing.hash_buckets(np.array([1, 22, -5]), 1000)
    strs = hashing.hash_buckets(np.array(["1", "22", "-5"]), 1000)
    np.testing.assert_array_equal(ints, strs)
    with pytest.raises(TypeError, match="booleans"):
        hashing.hash_buckets(np.array([True]), 3)


_X = np.array([["a", "bb", "hello"], ["", "zz", "a"]])


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({}, [[9, 2, 6], [3, 2, 9]]),
        ({"mask_value": ""}, [[4, 3, 8], [0, 5, 4]]),
        ({"salt": 7}, [[6, 3, 3], [8, 0, 6]]),
        ({"salt": [7, 9]}, [[1, 4, 3], [4, 0, 1]]),
    ],
    ids=["farmhash", "mask", "int_salt", "pair_salt"],
)
def test_hashing_bins_equal_keras(kwargs, expected):
    out = layers.Hashing(10, **kwargs)(_X)
    np.testing.assert_array_equal(to_np(out), expected)


def test_hashing_integers_floats_lists_and_scalars():
    np.testing.assert_array_equal(to_np(layers.Hashing(10)(np.array([[1, 22, -5]]))), [[9, 0, 6]])
    np.testing.assert_array_equal(
        to_np(layers.Hashing(10, mask_value=22)(np.array([[1, 22, -5]], "int32"))), [[1, 0, 1]]
    )
    # As in Keras, floats are truncated to integers before hashing.
    np.testing.assert_array_equal(to_np(layers.Hashing(10)(np.array([1.5]))), [9])
    np.testing.assert_array_equal(to_np(layers.Hashing(10)(["a", "b"])), [9, 2])
    assert int(to_np(layers.Hashing(10)("a"))) == 9
    np.testing.assert_array_equal(to_np(layers.Hashing(10)(np.array([b"a"]))), [9])


def test_hashing_encodings():
    one_hot = layers.Hashing(5, output_mode="one_hot")(np.array(["a", "b", "c"]))
    np.testing.assert_array_equal(to_np(one_hot), np.eye(5)[[4, 2, 2]])
    multi = to_np(layers.Hashing(5, output_mode="multi_hot")(_X))
    np.testing.assert_array_equal(multi, [[0, 1, 1, 0, 1], [0, 0, 1, 1, 1]])
    assert multi.dtype == np.float32
    count = to_np(layers.Hashing(5, output_mode="count")(np.array([["a", "a", "b"]])))
    np.testing.assert_array_equal(count, [[0, 0, 1, 0, 2]])


def test_hashing_symbolic_and_config():
    from cornu import Input

    assert layers.Hashing(10)(Input((3,), dtype="string")).shape == (None, 3)
    assert layers.Hashing(10, output_mode="multi_hot")(Input((3,), dtype="string")).shape == (
        None,
        10,
    )
    layer = layers.Hashing(10, salt=7, name="h")
    config = layer.get_config()
    assert config["salt"] == [7, 7] and config["num_bins"] == 10
    assert config["dtype"]["config"]["name"] == "int64"
    again = layers.Hashing.from_config(config)
    np.testing.assert_array_equal(to_np(again(_X)), to_np(layer(_X)))


def test_hashing_errors():
    with pytest.raises(ValueError, match="num_bins must be a positive int"):
        layers.Hashing(0)
    with pytest.raises(ValueError, match="salt must be an int or a pair"):
        layers.Hashing(10, salt="x")
    with pytest.raises(ValueError, match="output_mode must be one of"):
        layers.Hashing(10, output_mode="tf_idf")
    with pytest.raises(ValueError, match="sparse outputs"):
        layers.Hashing(10, sparse=True)
    with pytest.raises(ValueError, match="num_bins must be at least 2"):
        layers.Hashing(1, mask_value="")(np.array(["a"]))


def test_hashed_crossing_matches_the_keras_documentation_example():
    layer = layers.HashedCrossing(num_bins=5)
    feat1 = np.array(["A", "B", "A", "B", "A"])
    feat2 = np.array([101, 101, 101, 102, 102])
    np.testing.assert_array_equal(to_np(layer((feat1, feat2))), [1, 4, 1, 1, 3])
    one_hot = layers.HashedCrossing(num_bins=5, output_mode="one_hot")((feat1, feat2))
    np.testing.assert_array_equal(to_np(one_hot), np.eye(5)[[1, 4, 1, 1, 3]])


def test_hashed_crossing_shapes_three_features_and_keras_bins():
    layer = layers.HashedCrossing(num_bins=100)
    np.testing.assert_array_equal(
        to_np(layer((np.array(["a", "b", "c"]), np.array([1, 2, 3])))), [85, 57, 94]
    )
    np.testing.assert_array_equal(
        to_np(layer((np.array([["a"], ["b"]]), np.array([[1], [2]])))), [[85], [57]]
    )
    assert int(to_np(layer((np.array("a"), np.array(1))))) == 85
    three = layer((np.array(["a", "b"]), np.array(["x", "y"]), np.array([1, 2])))
    np.testing.assert_array_equal(to_np(three), [50, 12])


def test_hashed_crossing_matches_tensorflow_cross_hashed():
    tf = pytest.importorskip("tensorflow")
    a = np.array([["a"], ["bb"], ["hello world"], [""], ["z" * 70]])
    b = np.array([[1], [22], [-5], [123456789012], [0]], dtype="int64")
    expected = tf.sparse.to_dense(tf.sparse.cross_hashed([tf.constant(a), tf.constant(b)],
                                                         2**40 + 7)).numpy()  # fmt: skip
    out = layers.HashedCrossing(num_bins=2**40 + 7)((a, b))
    np.testing.assert_array_equal(to_np(out), expected)


def test_hashed_crossing_config_and_errors():
    layer = layers.HashedCrossing(num_bins=7, name="cross")
    assert layer.get_config() == {
        "num_bins": 7,
        "output_mode": "int",
        "sparse": False,
        "name": "cross",
        "dtype": "int64",
    }
    with pytest.raises(ValueError, match="at least two features"):
        layer((np.array(["a"]),))
    with pytest.raises(ValueError, match="integer or string dtype"):
        layer((np.array([1.5]), np.array([1])))
    with pytest.raises(ValueError, match="same shape"):
        layer((np.array(["a", "b"]), np.array([1])))
    with pytest.raises(ValueError, match="'int' or 'one_hot'"):
        layers.HashedCrossing(num_bins=7, output_mode="multi_hot")


def test_hashing_layers_inside_tf_data():
    tf = pytest.importorskip("tensorflow")
    hashing_layer = layers.Hashing(10)
    ds = tf.data.Dataset.from_tensor_slices(np.array(["a", "bb", "hello"])).batch(3)
    np.testing.assert_array_equal(next(iter(ds.map(hashing_layer))).numpy(), [9, 2, 6])
    cross = layers.HashedCrossing(5, output_mode="one_hot")
    pairs = tf.data.Dataset.from_tensor_slices((np.array(["A", "B"]), np.array([101, 101])))
    crossed = pairs.batch(2).map(lambda a, b: cross((a, b)))
    assert crossed.element_spec.shape.as_list() == [None, 5]
    np.testing.assert_array_equal(next(iter(crossed)).numpy(), np.eye(5)[[1, 4]])
