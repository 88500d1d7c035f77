"""Differential test of `audio_dataset_from_directory`: the same .wav files read by real Keras
(tensorflow backend: its loader needs TensorFlow) and by cornu, both through tf.data and
through cornu's TensorFlow-free dataset, each in a child process (`audio_loader_child.py`).

Compared: class_names, labels, order, shapes and sample values for shuffle=False (clips are
exact: int16 / 32768 either way), ragged clips, symbolic links, the shuffled splits' multisets,
and which errors are raised. Keras cannot honour `sampling_rate` without tensorflow-io, so
that argument is tested in tests/utils/test_audio_dataset.py instead.
"""

import numpy as np
import pytest

from tests.parity import audio_loader_child, loader_runs

pytestmark = loader_runs.parity_marks("Keras's audio loader needs TensorFlow")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return loader_runs.run_all(audio_loader_child, tmp_path_factory.mktemp("audio_loaders"))


def _assert_same(expected, actual, where):
    if isinstance(expected, dict):
        assert set(expected) == set(actual), where
        for key in expected:
            if key != "type":
                _assert_same(expected[key], actual[key], f"{where}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert isinstance(actual, (list, tuple)) and len(expected) == len(actual), where
        for i, (e, a) in enumerate(zip(expected, actual)):
            _assert_same(e, a, f"{where}[{i}]")
    elif isinstance(expected, np.ndarray):
        actual = np.asarray(actual)
        assert (expected.shape, expected.dtype) == (actual.shape, actual.dtype), where
        np.testing.assert_array_equal(actual, expected, err_msg=where)
    else:
        assert expected == actual, where


SCENARIOS = [
    *audio_loader_child.SCENARIOS,
    "stereo",
    "stereo_cut",
    "no_follow_links",
    "follow_links",
    "split_1",
    "split_42",
    "ragged_and_length",
    "negative_rate",
    "float_rate",
    "bad_label_mode",
    "binary_one_class",
    "split_without_seed",
    "bad_subset",
    "empty",
]


@pytest.mark.parametrize("path_kind", ["tf", "host"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_audio_dataset_matches_keras(results, scenario, path_kind):
    expected = results["keras"][scenario]
    actual = results[f"cornu_{path_kind}"][scenario]
    if isinstance(actual, dict):
        assert actual["type"] == path_kind
    _assert_same(expected, actual, scenario)
