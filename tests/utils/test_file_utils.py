"""`get_file` against a local HTTP server on 127.0.0.1 (started and stopped by the tests)."""

import hashlib
import http.server
import io
import os
import socket
import subprocess
import sys
import tarfile
import threading
import zipfile

import pytest

from cornu import utils

PAYLOAD = b"cornu test payload\n" * 10


def _tar_gz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


MEMBERS = {"pkg/a.txt": b"hello", "pkg/sub/b.txt": b"world"}
FILES = {
    "/payload.txt": PAYLOAD,
    "/data.tar.gz": _tar_gz(MEMBERS),
    "/data.zip": _zip(MEMBERS),
    "/evil.tar.gz": _tar_gz({"../escaped.txt": b"x"}),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path == "/truncated.bin":
            # Promises 100000 bytes, sends 500, hangs up: an interrupted download.
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"x" * 500)
            self.wfile.flush()
            self.close_connection = True
            return
        if self.path not in FILES:
            self.send_error(404, "File not found")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(FILES[self.path])))
        self.end_headers()
        self.wfile.write(FILES[self.path])

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def url(server):
    server.requests.clear()
    return lambda name: f"http://127.0.0.1:{server.server_address[1]}/{name}"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return tmp_path / "keras_home"


def _leftovers(folder):
    return [name for name in os.listdir(folder) if name.endswith(".part")]


def test_downloads_into_keras_home_once(url, home, server):
    path = utils.get_file("saved.txt", url("payload.txt"))
    assert path == str(home / "datasets" / "saved.txt")
    with open(path, "rb") as f:
        assert f.read() == PAYLOAD
    assert utils.get_file("saved.txt", url("payload.txt")) == path
    assert server.requests == ["/payload.txt"]


def test_fname_defaults_to_the_url_file_name(url, home):
    assert utils.get_file(origin=url("payload.txt")) == str(home / "datasets" / "payload.txt")


def test_cache_dir_and_cache_subdir(url, tmp_path, home):
    path = utils.get_file(origin=url("payload.txt"), cache_dir=str(tmp_path / "c"),
                          cache_subdir="models")  # fmt: skip
    assert path == str(tmp_path / "c" / "models" / "payload.txt")
    absolute = tmp_path / "absolute"
    path = utils.get_file(origin=url("payload.txt"), cache_subdir=str(absolute))
    assert path == str(absolute / "payload.txt")


def test_unwritable_cache_dir_falls_back_to_tmp(url, tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_bytes(b"")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    path = utils.get_file(origin=url("payload.txt"), cache_dir=str(blocker / "below"))
    assert path == str(tmp_path / "tmp" / ".keras" / "datasets" / "payload.txt")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"file_hash": hashlib.sha256(PAYLOAD).hexdigest()},
        {"file_hash": hashlib.md5(PAYLOAD).hexdigest()},
        {"file_hash": hashlib.md5(PAYLOAD).hexdigest(), "hash_algorithm": "md5"},
        {"md5_hash": hashlib.md5(PAYLOAD).hexdigest()},
    ],
    ids=["sha256_auto", "md5_auto", "md5_explicit", "md5_hash_argument"],
)
def test_matching_hash_is_accepted(url, home, kwargs):
    path = utils.get_file(origin=url("payload.txt"), **kwargs)
    assert os.path.getsize(path) == len(PAYLOAD)


def test_mismatching_download_raises_and_leaves_nothing(url, home):
    with pytest.raises(ValueError, match="does not match the expected sha256 hash 0{64}"):
        utils.get_file("bad.txt", url("payload.txt"), file_hash="0" * 64)
    folder = home / "datasets"
    assert not (folder / "bad.txt").exists()
    assert _leftovers(folder) == []


def test_cached_file_with_wrong_hash_is_downloaded_again(url, home, server):
    folder = home / "datasets"
    folder.mkdir(parents=True)
    (folder / "payload.txt").write_bytes(b"stale")
    with pytest.warns(UserWarning, match="does not match the expected sha256 hash"):
        path = utils.get_file(origin=url("payload.txt"),
                              file_hash=hashlib.sha256(PAYLOAD).hexdigest())  # fmt: skip
    assert server.requests == ["/payload.txt"]
    with open(path, "rb") as f:
        assert f.read() == PAYLOAD


def test_force_download(url, home, server):
    folder = home / "datasets"
    folder.mkdir(parents=True)
    (folder / "payload.txt").write_bytes(b"old copy")
    path = utils.get_file(origin=url("payload.txt"), force_download=True)
    assert server.requests == ["/payload.txt"]
    with open(path, "rb") as f:
        assert f.read() == PAYLOAD


@pytest.mark.parametrize(
    "name,kwargs,archive,folder",
    [
        ("data.tar.gz", {"fname": "flowers", "extract": True}, "flowers_archive", "flowers"),
        ("data.tar.gz", {"fname": "x.tar.gz", "extract": True}, "x.tar.gz", "x_extracted"),
        ("data.zip", {"fname": "z", "extract": True}, "z_archive", "z"),
        ("data.zip", {"fname": "my.data.zip", "extract": True}, "my.data.zip", "my_extracted"),
        ("data.tar.gz", {"extract": True}, "data.tar.gz_archive", "data.tar.gz"),
        ("data.tar.gz", {"fname": "untarred", "untar": True}, "untarred_archive", "untarred"),
    ],
    ids=[
        "tar_gz_plain_name",
        "tar_gz_named_archive",
        "zip_plain_name",
        "zip_named_archive",
        "no_fname",
        "untar",
    ],
)
def test_extract_returns_the_folder(url, home, name, kwargs, archive, folder):
    path = utils.get_file(origin=url(name), **kwargs)
    datasets = home / "datasets"
    assert path == str(datasets / folder)
    assert (datasets / archive).is_file()
    assert (datasets / folder / "pkg" / "sub" / "b.txt").read_bytes() == b"world"


def test_missing_folder_is_extracted_again_without_download(url, home, server):
    path = utils.get_file("flowers", url("data.tar.gz"), extract=True)
    os.rename(path, path + "_moved")
    assert utils.get_file("flowers", url("data.tar.gz"), extract=True) == path
    assert (home / "datasets" / "flowers" / "pkg" / "a.txt").read_bytes() == b"hello"
    assert server.requests == ["/data.tar.gz"]


def test_untar_does_not_open_zip_files(url, home):
    with pytest.warns(UserWarning, match="is not a 'tar' archive"):
        path = utils.get_file("z", url("data.zip"), untar=True)
    assert path == str(home / "datasets" / "z_archive")


def test_archive_members_outside_the_folder_are_refused(url, home, tmp_path):
    with pytest.raises(ValueError, match="Refusing to extract"):
        utils.get_file("evil", url("evil.tar.gz"), extract=True)
    assert not (home / "datasets" / "escaped.txt").exists()
    assert not (home / "datasets" / "evil").exists()


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_network_names_the_url_and_where_to_put_the_file(home):
    origin = f"http://127.0.0.1:{_closed_port()}/files/offline.bin"
    target = str(home / "datasets" / "offline.bin")
    with pytest.raises(OSError, match="Could not download") as info:
        utils.get_file(origin=origin)
    assert origin in str(info.value) and repr(target) in str(info.value)
    assert not os.path.exists(target)


def test_http_error_is_reported(url, home):
    with pytest.raises(OSError, match="HTTP error 404"):
        utils.get_file(origin=url("missing.txt"))


def test_interrupted_download_leaves_no_file(url, home):
    with pytest.raises(OSError, match="closed after 500 of 100000 bytes"):
        utils.get_file(origin=url("truncated.bin"))
    folder = home / "datasets"
    assert not (folder / "truncated.bin").exists()
    assert _leftovers(folder) == []


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"fname": "x.txt"}, 'needs the "origin" argument'),
        ({"fname": "sub/x.txt", "origin": "http://127.0.0.1/x.txt"}, "must be a file name"),
        (
            {"fname": "x.txt", "origin": "http://127.0.0.1/x.txt", "hash_algorithm": "sha1"},
            "hash_algorithm must be one of",
        ),
        ({"origin": "http://127.0.0.1/folder/"}, "Cannot tell a file name"),
        (
            {
                "fname": "x",
                "origin": "http://127.0.0.1/x",
                "extract": True,
                "archive_format": "rar",
            },
            "Unknown archive_format",
        ),
    ],
    ids=[
        "no_origin",
        "path_as_fname",
        "bad_hash_algorithm",
        "url_without_name",
        "bad_archive_format",
    ],
)
def test_bad_arguments(home, kwargs, message):
    with pytest.raises(ValueError, match=message):
        utils.get_file(**kwargs)


def test_import_cornu_leaves_the_http_stack_unloaded():
    # get_file and RemoteMonitor import urllib.request when they run: `import cornu` on the
    # numpy backend (whose framework loads no HTTP code) does not pay for http.client and ssl.
    env = dict(os.environ, CORNU_BACKEND="numpy")
    probe = "import sys, cornu; print(sorted({'http.client', 'ssl', 'urllib.request'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                         check=True, timeout=300).stdout  # fmt: skip
    assert out.strip().splitlines()[-1] == "[]"
