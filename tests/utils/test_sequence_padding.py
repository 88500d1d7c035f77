"""pad_sequences: sides, dtypes, element shapes and the errors."""

import numpy as np
import pytest

import cornu
from cornu import utils

SEQS = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10]]


def test_defaults_pad_and_truncate_at_the_start():
    out = utils.pad_sequences(SEQS)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out[:2], [[0, 0, 1, 2, 3], [0, 0, 0, 4, 5]])
    np.testing.assert_array_equal(utils.pad_sequences(SEQS, maxlen=3)[2], [8, 9, 10])


def test_post_sides_and_value():
    out = utils.pad_sequences(SEQS, maxlen=4, padding="post", truncating="post", value=-1)
    np.testing.assert_array_equal(out, [[1, 2, 3, -1], [4, 5, -1, -1], [6, 7, 8, 9]])


def test_dtypes_element_shapes_and_empties():
    np.testing.assert_allclose(
        utils.pad_sequences([[0.5, 1.5]], 3, dtype="float32"), [[0, 0.5, 1.5]]
    )
    assert utils.pad_sequences([[[1, 2], [3, 4]], [[5, 6]]]).shape == (2, 2, 2)
    assert utils.pad_sequences([[], []]).shape == (2, 0)
    assert utils.pad_sequences([], maxlen=3).shape == (0, 3)
    assert utils.pad_sequences(SEQS, maxlen=0).shape == (3, 0)
    words = utils.pad_sequences([["a", "bb"], ["c"]], dtype=object, value="x")
    assert words.tolist() == [["a", "bb"], ["x", "c"]]


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match='Padding type "mid" not understood'):
        utils.pad_sequences(SEQS, padding="mid")
    with pytest.raises(ValueError, match='Truncating type "mid"'):
        utils.pad_sequences(SEQS, truncating="mid")
    with pytest.raises(ValueError, match="Found non-iterable: 1"):
        utils.pad_sequences([1, 2])
    with pytest.raises(ValueError, match="must be iterable"):
        utils.pad_sequences(iter([[1]]))
    with pytest.raises(ValueError, match="set `dtype=object`"):
        utils.pad_sequences([[1]], maxlen=2, value="x")
    with pytest.raises(ValueError, match="received no sequences and no `maxlen`"):
        utils.pad_sequences([])
    with pytest.raises(ValueError, match="must have the same shape"):
        utils.pad_sequences([[[1, 2]], [[1, 2, 3]]])


def test_preprocessing_sequence_alias():
    assert cornu.preprocessing.sequence.pad_sequences is utils.pad_sequences
