"""Differential test of `keras.datasets`: the same tiny files loaded by real Keras and by cornu.

Both libraries run in a child process (`datasets_child.py`) whose network is a table of the
origin URLs cornu declares, serving small stand-ins written by `tests/datasets/fixtures.py`;
their hash checks see the hashes cornu declares for exactly those stand-ins. So a wrong
origin, cache name, hash, archive layout, shuffle or sequence transformation in cornu shows up
as Keras failing or the two results differing. CIFAR-10 stand-ins are full size (Keras fills a
50,000-row array from five 10,000-row batches), which makes this file take ~15 s.
"""

import concurrent.futures
import importlib.util
import json
import os
import tempfile

import numpy as np
import pytest

from cornu import backend, datasets
from tests.datasets import fixtures
from tests.parity.children import run_child
from tests.parity.datasets_cases import CASES

# Backend-independent (both libraries run in child processes with fixed backends): run
# once, in the numpy pass of the suite.
pytestmark = pytest.mark.skipif(
    backend.backend() != "numpy", reason="backend-independent; runs once, in the numpy pass"
)
KERAS_MISSING = importlib.util.find_spec("keras") is None


def _manifest(folder):
    """{origin URL: {"file": fixture path, "hash": the hash cornu checks}} for every download."""
    files = fixtures.downloads()
    files["cifar-10-python.tar.gz"] = fixtures.cifar10_tar_gz(10000)
    store = datasets.downloads.KERAS_STORAGE
    hashes = {
        datasets.mnist.ORIGIN: datasets.mnist.FILE_HASH,
        datasets.cifar10.ORIGIN: datasets.cifar10.FILE_HASH,
        datasets.cifar100.ORIGIN: datasets.cifar100.FILE_HASH,
        datasets.imdb.ORIGIN: datasets.imdb.FILE_HASH,
        datasets.imdb.WORD_INDEX_ORIGIN: datasets.imdb.WORD_INDEX_HASH,
        datasets.reuters.ORIGIN: datasets.reuters.FILE_HASH,
        datasets.reuters.WORD_INDEX_ORIGIN: datasets.reuters.WORD_INDEX_HASH,
        datasets.boston_housing.ORIGIN: datasets.boston_housing.FILE_HASH,
        datasets.california_housing.ORIGIN: datasets.california_housing.FILE_HASH,
    }
    hashes.update({store + name: None for name in datasets.fashion_mnist.FILES.values()})
    manifest = {}
    for url, expected in hashes.items():
        path = os.path.join(folder, url.rsplit("/", 1)[-1])
        with open(path, "wb") as f:
            f.write(files[os.path.basename(path)])
        manifest[url] = {"file": path, "hash": expected}
    return manifest


def _run_child(package, manifest_path, out_dir):
    out = os.path.join(out_dir, f"{package}.pkl")
    args = [manifest_path, out]
    return run_child("tests.parity.datasets_child", package, args, out, "numpy", 600, "datasets")


@pytest.fixture(scope="module")
def results():
    if KERAS_MISSING:
        pytest.skip("real Keras (the oracle) is not installed: pip install -e '.[test]'")
    with tempfile.TemporaryDirectory() as folder:
        manifest_path = os.path.join(folder, "manifest.json")
        with open(manifest_path, "w") as f:
            json.dump(_manifest(folder), f)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            runs = {
                p: pool.submit(_run_child, p, manifest_path, folder) for p in ("keras", "cornu")
            }
            return runs["keras"].result(), runs["cornu"].result()


def _differences(expected, actual, path="result"):
    if type(expected) is not type(actual):
        return [f"{path}: Keras gave {type(expected).__name__}, cornu {type(actual).__name__}"]
    if isinstance(expected, np.ndarray):
        if (expected.shape, expected.dtype) != (actual.shape, actual.dtype):
            return [
                f"{path}: Keras {expected.dtype}{expected.shape}, "
                f"cornu {actual.dtype}{actual.shape}"
            ]
        return [] if np.array_equal(expected, actual) else [f"{path}: values differ"]
    if isinstance(expected, (tuple, list)):
        if len(expected) != len(actual):
            return [f"{path}: length {len(expected)} under Keras, {len(actual)} under cornu"]
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual))
            for d in _differences(e, a, f"{path}[{i}]")
        ]
    return [] if expected == actual else [f"{path}: Keras {expected!r:.200}, cornu {actual!r:.200}"]


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_dataset_matches_keras(case_id, results):
    expected, actual = (r[case_id] for r in results)
    if "error" in expected:
        assert actual.get("error") == expected["error"], (
            f"Keras raised {expected['error']}: {expected['message']}; cornu gave "
            f"{actual.get('error', 'a result')}: {actual.get('message', '')}"
        )
        return
    assert "ok" in actual, f"cornu raised {actual['error']}: {actual['message']}"
    found = _differences(expected["ok"], actual["ok"])
    assert not found, "cornu differs from Keras:\n" + "\n".join(found[:20])
