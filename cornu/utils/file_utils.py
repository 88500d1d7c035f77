"""`get_file`: download a file once into the Keras cache folder, check its hash, extract it.

The cache layout and names are Keras 3's, so files that Keras downloaded are found here and the
other way round: `$KERAS_HOME` (default `~/.keras`, or `/tmp/.keras` when that cannot be
written) / `cache_subdir` / `fname`. With `extract=True` the archive is kept next to the folder
it unpacks into: `fname` without an extension names the folder and the archive is
`<fname>_archive`; `fname` with an extension names the archive and the folder is
`<stem>_extracted`.

A download goes to a temporary file in the target folder and is renamed only once complete
and (when a hash is given) verified, so an interrupted or corrupted download never sits under
the final name. Only the standard library is used (urllib).
"""

import hashlib
import os
import tempfile
import urllib.error
import urllib.parse
import uuid
import warnings

from cornu.utils import archive_extraction
from cornu.utils.progbar import Progbar

_CHUNK_SIZE = 1 << 16
_HASH_ALGORITHMS = ("auto", "md5", "sha256")


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):  # fmt: skip
    """Downloads a file from a URL unless it is already in the cache, and returns its path.

    Args:
        fname: the local file name (no folders; use `cache_dir`). None uses the last part of
            the URL's path. With `extract=True`, a name without an extension names the folder
            the archive is unpacked into.
        origin: the URL to download from.
        untar: deprecated; `extract=True` with `archive_format="tar"`.
        md5_hash: deprecated; `file_hash` with `hash_algorithm="md5"`.
        file_hash: the expected md5 or sha256 hex digest. A cached file that does not match is
            downloaded again; a download that does not match raises `ValueError`.
        cache_subdir: folder under the cache folder (an absolute path is used as is).
        hash_algorithm: "md5", "sha256", or "auto" (sha256 for a 64-digit hash, else md5).
        extract: unpack a tar/tar.gz/tar.bz2/zip archive and return its folder.
        archive_format: "auto" (tar or zip), "tar", "zip", a list of those, or None.
        cache_dir: the cache folder; default `$KERAS_HOME`, else `~/.keras`.
        force_download: download even if a cached copy exists.

    Returns:
        The path of the file, or of the folder it was extracted into.

    Example:
        >>> path = get_file(origin="https://example.com/data.csv")  # doctest: +SKIP
    """
    if origin is None:
        raise ValueError('get_file needs the "origin" argument: the URL of the file to download.')
    if untar:
        extract, archive_format = True, "tar"
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    _check_hash_algorithm(hash_algorithm)
    if extract:
        archive_extraction.canonicalize_archive_format(archive_format)  # fail before download
    folder = os.path.join(_cache_root(cache_dir), cache_subdir)
    os.makedirs(folder, exist_ok=True)
    file_path, extract_path = _target_paths(folder, fname, origin, extract)

    downloaded = _ensure_downloaded(file_path, origin, file_hash, hash_algorithm, force_download)
    if extract_path is None:
        return file_path
    return _ensure_extracted(file_path, extract_path, archive_format, downloaded)


def _check_hash_algorithm(hash_algorithm):
    if hash_algorithm not in _HASH_ALGORITHMS:
        raise ValueError(
            f"hash_algorithm must be one of {_HASH_ALGORITHMS}; received {hash_algorithm!r}."
        )


def _cache_root(cache_dir):
    """The cache folder, created; `/tmp/.keras` when the chosen one cannot be written."""
    if cache_dir is None:
        cache_dir = os.environ.get("KERAS_HOME") or os.path.join("~", ".keras")
    cache_dir = os.path.expanduser(cache_dir)
    try:
        os.makedirs(cache_dir, exist_ok=True)
    except OSError:
        pass
    if os.path.isdir(cache_dir) and os.access(cache_dir, os.W_OK):
        return cache_dir
    # A read-only home (containers, shared machines): Keras falls back to /tmp/.keras too.
    return os.path.join(tempfile.gettempdir(), ".keras")


def _target_paths(folder, fname, origin, extract):
    """(where the downloaded file goes, where it is extracted or None)."""
    given = fname
    if fname is None:
        fname = os.path.basename(urllib.parse.urlparse(origin).path)
        if not fname:
            raise ValueError(
                f"Cannot tell a file name from origin={origin!r} (its path ends in '/'); "
                f"pass fname='name.ext'."
            )
    if os.path.isabs(fname) or os.path.dirname(fname) or "/" in fname or os.sep in fname:
        raise ValueError(
            f"fname must be a file name, not a path; received fname={fname!r}. To choose the "
            f"folder, pass cache_dir= (and cache_subdir=)."
        )
    if not extract:
        return os.path.join(folder, fname), None
    if given is not None and os.path.splitext(given)[1]:
        return os.path.join(folder, fname), os.path.join(folder, f"{fname.split('.')[0]}_extracted")
    return os.path.join(folder, f"{fname}_archive"), os.path.join(folder, fname)


def hash_file(path, algorithm="sha256", chunk_size=_CHUNK_SIZE):
    """The hex digest of the file at `path` ("md5" or "sha256")."""
    hasher = hashlib.md5() if algorithm == "md5" else hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def _resolve_algorithm(file_hash, hash_algorithm):
    if hash_algorithm != "auto":
        return hash_algorithm
    return "sha256" if len(file_hash) == 64 else "md5"


def _hash_matches(path, file_hash, hash_algorithm):
    algorithm = _resolve_algorithm(file_hash, hash_algorithm)
    return hash_file(path, algorithm) == str(file_hash).lower()


def _ensure_downloaded(file_path, origin, file_hash, hash_algorithm, force_download):
    """Downloads unless a good copy is cached; returns whether it downloaded."""
    if os.path.exists(file_path) and not force_download:
        if file_hash is None or _hash_matches(file_path, file_hash, hash_algorithm):
            return False
        warnings.warn(
            f"The cached file {file_path!r} does not match the expected "
            f"{_resolve_algorithm(file_hash, hash_algorithm)} hash {file_hash}; it is probably "
            f"incomplete or outdated, so it is downloaded again from {origin}.",
            stacklevel=3,
        )
    _download(origin, file_path, file_hash, hash_algorithm)
    return True


def _download(origin, file_path, file_hash, hash_algorithm):
    """Streams `origin` into a temporary file next to `file_path`, checks it, renames it."""
    Progbar.print_line(f"Downloading data from {origin}")
    folder, name = os.path.split(file_path)
    # A unique name per download (so concurrent downloads do not mix), opened with the usual
    # permissions (mkstemp's 0600 would make the cached file private to this user).
    partial = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.part")
    try:
        with open(partial, "xb") as sink:
            _copy_url(origin, sink, file_path)
        if file_hash is not None and not _hash_matches(partial, file_hash, hash_algorithm):
            algorithm = _resolve_algorithm(file_hash, hash_algorithm)
            raise ValueError(
                f"The file downloaded from {origin} does not match the expected {algorithm} hash "
                f"{file_hash} (it has {hash_file(partial, algorithm)}): the download is "
                f"incomplete or corrupted, or the file changed at its origin. Try again, or "
                f"place a good copy at {file_path!r}."
            )
        os.replace(partial, file_path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _copy_url(origin, sink, file_path):
    # lazy: urllib.request (http.client, ssl, email) is ~15 ms that `import cornu` need not pay
    from http.client import HTTPException
    from urllib.request import urlopen

    try:
        with urlopen(origin) as response:
            expected = int(response.headers.get("Content-Length") or 0) or None
            received = _copy_stream(response, sink, expected)
    except (urllib.error.URLError, HTTPException, OSError) as error:
        raise _fetch_error(origin, file_path, error) from error
    if expected is not None and received < expected:
        raise _fetch_error(
            origin, file_path, f"the connection closed after {received} of {expected} bytes"
        )


def _copy_stream(response, sink, expected):
    bar = Progbar(expected, unit_name="byte")
    received = 0
    for chunk in iter(lambda: response.read(_CHUNK_SIZE), b""):
        sink.write(chunk)
        received += len(chunk)
        bar.update(received, finalize=False)
    bar.update(received, finalize=True)
    return received


def _fetch_error(origin, file_path, reason):
    if isinstance(reason, urllib.error.HTTPError):
        reason = f"HTTP error {reason.code}: {reason.reason}"
    elif isinstance(reason, urllib.error.URLError):
        reason = reason.reason
    return OSError(
        f"Could not download {origin} ({reason}). If this machine has no network, download "
        f"that URL elsewhere and place the file at {file_path!r}; it is then used from there."
    )


def _ensure_extracted(file_path, extract_path, archive_format, downloaded):
    """Extracts after a download or when the folder is missing; returns the path to use."""
    if os.path.isdir(extract_path) and not downloaded:
        return extract_path
    if archive_extraction.extract_archive(file_path, extract_path, archive_format):
        return extract_path
    warnings.warn(
        f"extract=True, but {file_path!r} is not a {archive_format!r} archive (tar, tar.gz, "
        f"tar.bz2 or zip); returning the downloaded file itself.",
        stacklevel=3,
    )
    return file_path
