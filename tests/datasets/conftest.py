"""A temporary KERAS_HOME holding tiny dataset files in the cache layout Keras uses."""

import hashlib
import os

import pytest

from tests.datasets import fixtures


class Cache:
    """Writes fixture files where the loaders look, and points their hash checks at them."""

    def __init__(self, home, monkeypatch):
        self.home = home
        self.files = fixtures.downloads()
        self._monkeypatch = monkeypatch

    def place(self, relative, data, module=None, hash_name="FILE_HASH"):
        """Writes `data` at `$KERAS_HOME/relative`; `module.hash_name` becomes its hash."""
        path = os.path.join(self.home, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        if module is not None:
            digest = hashlib.sha256 if len(getattr(module, hash_name)) == 64 else hashlib.md5
            self._monkeypatch.setattr(module, hash_name, digest(data).hexdigest())
        return path


@pytest.fixture(autouse=True)
def keras_home(tmp_path, monkeypatch):
    """Every test here gets an empty KERAS_HOME: none reads or writes the user's cache."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return str(tmp_path)


@pytest.fixture
def cache(keras_home, monkeypatch):
    return Cache(keras_home, monkeypatch)
