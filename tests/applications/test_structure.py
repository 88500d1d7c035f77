"""Every recorded application fixture (`fixtures/*.json.gz`, from real Keras) against cornu's
build: model config, layer names and classes, connections, weight paths and shapes, and
parameter count. Record a new one with `python tests/applications/record_structure.py`."""

import pytest

from cornu import backend
from tests.applications import structure

KEYS = structure.fixture_keys()
# Large builds take seconds each (tens of millions of weights to initialize); the structure
# does not depend on the backend, so they are checked once, in the numpy pass. The small
# ones run on every backend (the numerics per backend are the parity cases').
_LARGE_PARAMS, _LARGE_LAYERS = 15_000_000, 450


def _is_large(key):
    fixture = structure.load_fixture(key)
    return fixture["count_params"] > _LARGE_PARAMS or len(fixture["layers"]) > _LARGE_LAYERS


LARGE = {key for key in KEYS if _is_large(key)}


def test_fixtures_cover_every_builder():
    import cornu.applications as applications

    builders = {n for n in dir(applications) if n[0].isupper()}
    recorded = {structure.load_fixture(key)["builder"] for key in KEYS}
    assert builders <= recorded, sorted(builders - recorded)


@pytest.mark.parametrize("key", KEYS)
def test_structure_matches_keras(key):
    if key in LARGE and backend.backend() != "numpy":
        pytest.skip("large build: the structure is backend-independent, checked on numpy")
    structure.assert_same_structure(key)
