"""Runs dataset loaders under one library with a fake network, and pickles what they returned.

    python -m tests.parity.datasets_child PACKAGE MANIFEST.json OUT.pkl

PACKAGE is `keras` or `cornu`. MANIFEST maps each origin URL to a local fixture file and the
hash the loader is expected to check. `urllib.request.urlopen` is replaced so those URLs serve
the fixture bytes (any other URL fails, so a wrong origin shows), and `hashlib.md5`/`sha256`
report the expected hash for exactly those fixture bytes, so both libraries accept tiny
stand-ins for the real files through their whole download, check and extract path. Nothing
in this process touches the network.
"""

import email.message
import hashlib
import importlib
import io
import json
import os
import pickle
import sys
import tempfile
import urllib.error
import urllib.request
import urllib.response

import numpy as np

CASES_FILE = "tests.parity.datasets_cases"


def _install_fake_network(manifest):
    def urlopen(url, *args, **kwargs):
        url = getattr(url, "full_url", url)
        if url not in manifest:
            raise urllib.error.URLError(f"no such URL in the test manifest: {url}")
        with open(manifest[url]["file"], "rb") as f:
            data = f.read()
        headers = email.message.Message()
        headers["Content-Length"] = str(len(data))
        return urllib.response.addinfourl(io.BytesIO(data), headers, url, 200)

    urllib.request.urlopen = urlopen


def _install_hash_aliases(manifest):
    aliases = {}
    for entry in manifest.values():
        if entry["hash"]:
            with open(entry["file"], "rb") as f:
                data = f.read()
            algorithm = "sha256" if len(entry["hash"]) == 64 else "md5"
            aliases[getattr(hashlib, algorithm)(data).hexdigest()] = entry["hash"]

    class Aliased:
        def __init__(self, inner):
            self._inner = inner

        def update(self, data):
            self._inner.update(data)

        def hexdigest(self):
            real = self._inner.hexdigest()
            return aliases.get(real, real)

    for algorithm in ("md5", "sha256"):
        real = getattr(hashlib, algorithm)
        setattr(hashlib, algorithm,
                lambda *a, _real=real, **k: Aliased(_real(*a, **k)))  # fmt: skip


def _plain(value):
    """Pickle-friendly, comparable form: object arrays become lists of lists."""
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, np.ndarray) and value.dtype == object:
        return ("object array", value.shape, [list(map(int, row)) for row in value])
    return value


def main(package, manifest_path, out_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    _install_fake_network(manifest)
    _install_hash_aliases(manifest)
    os.environ["KERAS_HOME"] = tempfile.mkdtemp(prefix=f"{package}_home_")
    library = importlib.import_module(package)
    cases = importlib.import_module(CASES_FILE).CASES
    results = {}
    for case_id, (module, function, kwargs) in cases.items():
        target = getattr(getattr(library.datasets, module), function)
        try:
            results[case_id] = {"ok": _plain(target(**kwargs))}
        except Exception as exc:  # an exception is a result too: its type is compared
            results[case_id] = {"error": type(exc).__name__, "message": str(exc)[:500]}
    with open(out_path, "wb") as f:
        pickle.dump(results, f)


if __name__ == "__main__":
    main(*sys.argv[1:4])
