"""Differential test of the image/text loaders and image I/O: the same files read by real Keras
(tensorflow backend: its loaders need TensorFlow) and by cornu, both through tf.data and
through cornu's TensorFlow-free dataset, each in a child process (`loaders_child.py`).

Compared: class_names, file_paths order, labels, shapes and pixel values for shuffle=False;
file_paths and the labels' multiset for shuffled splits (the order of a shuffled tf.data
pipeline comes from TensorFlow's RNG, which the TensorFlow-free dataset cannot reproduce).
JPEG pixels may differ by a few levels on the TensorFlow-free path (Pillow's decoder rounds
differently from TensorFlow's); every other format must match to float rounding.
"""

import importlib.util

import numpy as np
import pytest

from tests.parity import loader_runs, loaders_child

pytestmark = [
    *loader_runs.parity_marks("Keras's directory loaders need TensorFlow"),
    pytest.mark.skipif(importlib.util.find_spec("PIL") is None, reason="needs Pillow"),
]
JPEG_TOLERANCE = 8.0  # levels of 255, Pillow's JPEG decoding vs TensorFlow's


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return loader_runs.run_all(loaders_child, tmp_path_factory.mktemp("loaders"))


SCENARIOS = [
    *loaders_child.IMAGE_SCENARIOS,
    "gif",
    "rgba",
    "binary_batched",
    "text",
    "text_max_length",
]
IO_KEYS = [
    *(f"load_{m}" for m in ("rgb", "rgba", "grayscale")),
    *(f"resize_{m}" for m in ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")),
    "keep_aspect_ratio",
    "array_to_img_True",
    "array_to_img_False",
    "array_to_img_gray_I",
    "save_img",
    "smart_resize",
    "smart_resize_nearest",
]


def _check_group_ran(results, key):
    for name, found in results.items():
        for group in ("image_scenarios", "text_scenarios", "image_io_scenarios"):
            if group in found:
                pytest.fail(f"{name}: {group} raised {found[group]}")
        assert key in found, f"{name} has no result for {key}"


def _assert_elements_match(expected, actual, paths, path_kind):
    assert len(expected) == len(actual)
    for i, (e, a) in enumerate(zip(expected, actual)):
        e, a = (e, a) if isinstance(e, list) else ([e], [a])
        for part_e, part_a in zip(e, a):
            if isinstance(part_e, (list, str)):  # texts
                assert part_e == part_a, f"element {i}"
                continue
            assert part_e.shape == part_a.shape and part_e.dtype == part_a.dtype, f"element {i}"
            jpeg = path_kind == "host" and paths and paths[i].lower().endswith(".jpg")
            atol = JPEG_TOLERANCE if jpeg else 1e-3
            np.testing.assert_allclose(
                part_a,
                part_e,
                atol=atol,
                rtol=0,
                err_msg=f"element {i} ({paths[i] if paths else ''})",
            )


@pytest.mark.parametrize("path_kind", ["tf", "host"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_dataset_matches_keras(results, scenario, path_kind):
    _check_group_ran(results, scenario)
    expected = results["keras"][scenario]
    actual = results[f"cornu_{path_kind}"][scenario]
    assert actual["type"] == path_kind
    assert actual["class_names"] == expected["class_names"]
    assert actual["file_paths"] == expected["file_paths"]
    _assert_elements_match(
        expected["elements"], actual["elements"], expected["file_paths"], path_kind
    )


@pytest.mark.parametrize("path_kind", ["tf", "host"])
@pytest.mark.parametrize("seed", [1, 42])
def test_shuffled_split_matches_keras(results, seed, path_kind):
    key = f"split_{seed}"
    _check_group_ran(results, key)
    assert results[f"cornu_{path_kind}"][key] == results["keras"][key]


@pytest.mark.parametrize("key", IO_KEYS)
def test_image_io_matches_keras(results, key):
    _check_group_ran(results, key)
    expected, actual = results["keras"][key], results["cornu_host"][key]
    assert expected.shape == actual.shape and expected.dtype == actual.dtype
    np.testing.assert_allclose(actual, expected, atol=1e-4, rtol=0)
