"""Differential test of `keras.utils.get_file`: cache layout, names and errors against Keras.

A local HTTP server on 127.0.0.1 (started here) serves a small file and two archives; each
library runs the scenarios of `get_file_cases.py` in a child process. Known, deliberate
differences are not scenarios: a download that fails its hash is not left under the final
name by cornu (Keras leaves it), network failures raise OSError (Keras: bare Exception), and
extract=True on a non-archive returns the file (Keras: a folder path that does not exist).
"""

import concurrent.futures
import functools
import http.server
import importlib.util
import io
import os
import tarfile
import tempfile
import threading
import zipfile

import pytest

from cornu import backend
from tests.parity.children import run_child
from tests.parity.get_file_cases import PAYLOAD, SCENARIOS

# Backend-independent (both libraries run in child processes with fixed backends): run
# once, in the numpy pass of the suite.
pytestmark = pytest.mark.skipif(
    backend.backend() != "numpy", reason="backend-independent; runs once, in the numpy pass"
)
KERAS_MISSING = importlib.util.find_spec("keras") is None


def _write_served_files(folder):
    with open(os.path.join(folder, "payload.txt"), "wb") as f:
        f.write(PAYLOAD)
    members = {"pkg/a.txt": b"hello", "pkg/sub/b.txt": b"world"}
    with tarfile.open(os.path.join(folder, "data.tar.gz"), "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    with zipfile.ZipFile(os.path.join(folder, "data.zip"), "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _run_child(package, base_url, root):
    out = os.path.join(root, f"{package}.pkl")
    args = [base_url, root, out]
    return run_child("tests.parity.get_file_child", package, args, out, "numpy", 300, "get_file")


@pytest.fixture(scope="module")
def results():
    if KERAS_MISSING:
        pytest.skip("real Keras (the oracle) is not installed: pip install -e '.[test]'")
    with tempfile.TemporaryDirectory() as served, tempfile.TemporaryDirectory() as root:
        _write_served_files(served)
        handler = functools.partial(_QuietHandler, directory=served)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            base_url = f"http://127.0.0.1:{httpd.server_address[1]}/"
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                runs = {p: pool.submit(_run_child, p, base_url, root) for p in ("keras", "cornu")}
                return runs["keras"].result(), runs["cornu"].result()
        finally:
            httpd.shutdown()
            httpd.server_close()


# Scenarios where only the calls' results (paths, exception types) are compared, not the files.
_FILES_DIFFER = {
    # Keras leaves a download that failed its hash under the final name; cornu removes it.
    "bad_hash",
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_get_file_matches_keras(scenario, results):
    expected, actual = (r[scenario] for r in results)
    if scenario in _FILES_DIFFER:
        expected, actual = expected[::2], actual[::2]
    assert actual == expected
