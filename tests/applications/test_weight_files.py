"""ImageNet weights are fetched as Keras fetches them: the same file names and URLs, checked
against the same digests (the calls Keras 3.15 makes, recorded as a black box in
fixtures/weight_files.json: every builder, with and without the top, and the MobileNet family's
alpha/size/minimalistic variants)."""

import json
import os

import pytest

import cornu.applications as apps
from cornu.applications import imagenet_utils, weight_files
from cornu.backend import backend

RECORDED = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "weight_files.json")))
FETCHES = [call for call in RECORDED if "fname" in call]


class _Asked(Exception):
    pass


@pytest.fixture
def asked(monkeypatch):
    """Replaces the download by an exception that carries what `get_file` was asked for."""

    def get_file(fname, origin, cache_subdir="datasets", file_hash=None, **kwargs):
        raise _Asked(
            dict(fname=fname, origin=origin, file_hash=file_hash, cache_subdir=cache_subdir)
        )

    monkeypatch.setattr(weight_files, "get_file", get_file)
    monkeypatch.setattr(imagenet_utils, "_CLASS_INDEX", None)


def test_every_recorded_digest_is_checked():
    for call in FETCHES:
        assert weight_files.FILE_HASHES.get(call["fname"]) == call["file_hash"], call["fname"]
    assert len(weight_files.FILE_HASHES) == sum(
        bool(c["file_hash"]) for c in {c["fname"]: c for c in FETCHES}.values()
    )


def _ask(call):
    kwargs = dict(call["kwargs"])
    if "input_shape" in kwargs:
        kwargs["input_shape"] = tuple(kwargs["input_shape"])
    if call["call"] == "decode_predictions":
        import numpy as np

        return imagenet_utils.decode_predictions(np.zeros((1, 1000), "float32"))
    return getattr(apps, call["call"])(**kwargs)


# Building every recorded call takes minutes. On numpy, where builds are cheapest: every
# MobileNet variant and every other builder without its top, except the largest (their file
# names follow the same rule as their family's smaller members, checked here); elsewhere, the
# first few families.
_LARGE = ("Large", "B5", "B6", "B7", "V2M", "V2L", "ResNet152", "DenseNet201", "Base")


def _selected():
    if backend() != "numpy":
        first = {}
        for call in FETCHES:
            first.setdefault(call["call"].rstrip("0123456789").replace("V2", ""), call)
        return list(first.values())[:6]
    return [
        c
        for c in FETCHES
        if c["call"].startswith(("MobileNet", "decode_predictions"))
        or not (c["kwargs"].get("include_top", True) or any(n in c["call"] for n in _LARGE))
    ]


@pytest.mark.parametrize("call", _selected(), ids=lambda c: f"{c['call']}-{c.get('fname')}")
def test_builder_asks_for_the_file_keras_asks_for(asked, call):
    with pytest.raises(_Asked) as info:
        _ask(call)
    expected = {k: call[k] for k in ("fname", "origin", "file_hash", "cache_subdir")}
    assert info.value.args[0] == expected


def test_keras_refusals_without_a_fetch_are_cornus_too():
    for call in (c for c in RECORDED if "error" in c):
        with pytest.raises(ValueError, match="alpha can be one of"):
            _ask(call)
