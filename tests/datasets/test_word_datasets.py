"""imdb and reuters: the word-rank transformations, on tiny files in Keras's cache format."""

import io
import json

import numpy as np
import pytest

from cornu.datasets import imdb, reuters


@pytest.fixture
def imdb_cache(cache):
    cache.place("datasets/imdb.npz", cache.files["imdb.npz"], imdb)
    with np.load(io.BytesIO(cache.files["imdb.npz"]), allow_pickle=True) as archive:
        return {name: archive[name] for name in archive.files}


@pytest.fixture
def reuters_cache(cache):
    cache.place("datasets/reuters.npz", cache.files["reuters.npz"], reuters)
    with np.load(io.BytesIO(cache.files["reuters.npz"]), allow_pickle=True) as archive:
        return {name: archive[name] for name in archive.files}


def _pairs(xs, ys):
    return sorted((tuple(x), int(y)) for x, y in zip(xs, ys))


def test_imdb_defaults_mark_shift_and_shuffle(imdb_cache):
    (x_train, y_train), (x_test, y_test) = imdb.load_data()
    assert (x_train.dtype, x_train.shape, y_train.shape, x_test.shape) == (object, (12,), (12,),
                                                                           (8,))  # fmt: skip
    assert all(isinstance(seq, list) and seq[0] == 1 for seq in x_train)
    top = max(max(s) for s in imdb_cache["x_train"].tolist() + imdb_cache["x_test"].tolist()) + 3
    # Each review keeps its label; the one most frequent rank overall equals num_words and is
    # out of vocabulary (ranks must be < num_words), so it reads as oov_char.
    shifted = [[w + 3 if w + 3 < top else 2 for w in s] for s in imdb_cache["x_train"]]
    assert _pairs([s[1:] for s in x_train], y_train) == _pairs(shifted, imdb_cache["y_train"])
    order = np.arange(12)
    np.random.RandomState(113).shuffle(order)
    np.testing.assert_array_equal(y_train, imdb_cache["y_train"][order])


def test_imdb_seed_changes_the_order_only(imdb_cache):
    (a, ya), _ = imdb.load_data(seed=1)
    (b, yb), _ = imdb.load_data(seed=2)
    assert _pairs(a, ya) == _pairs(b, yb) and a.tolist() != b.tolist()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_words": 15},
        {"num_words": 15, "skip_top": 5},
        {"num_words": 10, "oov_char": 7},
    ],
    ids=["num_words", "skip_top", "oov_char"],
)
def test_imdb_vocabulary_limits(imdb_cache, kwargs):
    (x_train, _), (x_test, _) = imdb.load_data(**kwargs)
    low, high, oov = kwargs.get("skip_top", 0), kwargs["num_words"], kwargs.get("oov_char", 2)
    words = [w for seq in list(x_train) + list(x_test) for w in seq]
    assert all(low <= w < high or w == oov for w in words) and oov in words


def test_imdb_without_oov_char_drops_words(imdb_cache):
    (full, _), _ = imdb.load_data(num_words=1000)
    (cut, _), _ = imdb.load_data(num_words=12, oov_char=None)
    assert all(w < 12 for seq in cut for w in seq)
    assert [[w for w in s if w < 12] for s in full] == cut.tolist()


def test_imdb_raw_ranks(imdb_cache):
    (x_train, y_train), _ = imdb.load_data(start_char=None, index_from=0, num_words=1000)
    assert _pairs(x_train, y_train) == _pairs(imdb_cache["x_train"], imdb_cache["y_train"])


def test_imdb_maxlen_keeps_shorter_reviews(imdb_cache):
    (x_train, y_train), (x_test, _) = imdb.load_data(maxlen=7)
    assert all(len(seq) < 7 for seq in list(x_train) + list(x_test))
    # Training lengths with the start mark: 2,2,2,3,3,4,6,7,7,7,9,9 (Keras drops length 7 too).
    assert len(x_train) == len(y_train) == 7


def test_imdb_maxlen_too_short(imdb_cache):
    with pytest.raises(ValueError, match="maxlen=1 is so short that no sequence is left"):
        imdb.load_data(maxlen=1)


def test_imdb_ignores_unknown_keywords_with_a_warning(imdb_cache):
    with pytest.warns(UserWarning, match="ignores the keyword arguments \\['nb_words'\\]"):
        (x_train, _), _ = imdb.load_data(nb_words=5)
    assert len(x_train) == 12


@pytest.mark.parametrize("test_split,sizes", [(0.2, (12, 3)), (0.5, (7, 8)), (0.0, (15, 0))])
def test_reuters_test_split(reuters_cache, test_split, sizes):
    (x_train, y_train), (x_test, y_test) = reuters.load_data(test_split=test_split, num_words=1000)
    assert (len(x_train), len(x_test)) == sizes == (len(y_train), len(y_test))
    assert _pairs(list(x_train) + list(x_test), np.concatenate([y_train, y_test])) == _pairs(
        [[1] + [w + 3 for w in s] for s in reuters_cache["x"]], reuters_cache["y"]
    )


def test_reuters_filters(reuters_cache):
    (x_train, _), (x_test, _) = reuters.load_data(maxlen=8, num_words=20, skip_top=3)
    sequences = list(x_train) + list(x_test)
    assert len(sequences) == 7 and all(len(s) < 8 for s in sequences)
    assert all(3 <= w < 20 or w == 2 for s in sequences for w in s)


def test_reuters_rejects_test_split_outside_range():
    with pytest.raises(ValueError, match="in \\[0, 1\\); received test_split=1.5"):
        reuters.load_data(test_split=1.5)


@pytest.mark.parametrize("module,name", [(imdb, "imdb"), (reuters, "reuters")])
def test_word_index(cache, module, name):
    data = cache.files[f"{name}_word_index.json"]
    cache.place(f"datasets/{name}_word_index.json", data, module, "WORD_INDEX_HASH")
    assert module.get_word_index() == json.loads(data)


def test_reuters_label_names():
    names = reuters.get_label_names()
    assert len(names) == 46 and names[:4] == ("cocoa", "grain", "veg-oil", "earn")
