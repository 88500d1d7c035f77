"""Tiny stand-ins for the files Keras's dataset loaders download, in the same formats.

`downloads()` returns {file name at the origin: bytes}. The tests put these bytes where the
loaders look (their cache folder, or a local HTTP server, or a fake `urlopen` for the Keras
oracle). Values are deterministic so two libraries reading the same bytes can be compared.
"""

import gzip
import io
import json
import pickle
import tarfile

import numpy as np

# CIFAR-10's training set is five batches; Keras fills a 50000-row array from them, so the
# oracle comparison needs full-size batches (`cifar_rows=10000`); the unit tests use fewer.
CIFAR_BATCHES = 5


def _npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _gz(data):
    return gzip.compress(data, compresslevel=1, mtime=0)


def _tar_gz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _images(rng, count, shape):
    return rng.integers(0, 256, size=(count,) + shape, dtype=np.uint8)


def _sequences(rng, count, vocabulary, longest):
    rows = [
        list(map(int, rng.integers(1, vocabulary, size=rng.integers(1, longest + 1))))
        for _ in range(count)
    ]
    out = np.empty(count, dtype=object)
    out[:] = rows
    return out


def mnist_npz(rng):
    return _npz(
        x_train=_images(rng, 7, (28, 28)),
        y_train=rng.integers(0, 10, 7).astype(np.uint8),
        x_test=_images(rng, 4, (28, 28)),
        y_test=rng.integers(0, 10, 4).astype(np.uint8),
    )


def idx_labels(labels):
    """IDX1 file (magic 2049): 8-byte big-endian header, then one uint8 per label."""
    header = np.array([2049, len(labels)], dtype=">i4").tobytes()
    return header + np.asarray(labels, dtype=np.uint8).tobytes()


def idx_images(images):
    """IDX3 file (magic 2051): 16-byte big-endian header, then rows of uint8 pixels."""
    header = np.array([2051, *images.shape], dtype=">i4").tobytes()
    return header + np.ascontiguousarray(images, dtype=np.uint8).tobytes()


def fashion_files(rng):
    files = {}
    for prefix, count in (("train", 6), ("t10k", 3)):
        files[f"{prefix}-labels-idx1-ubyte.gz"] = _gz(idx_labels(rng.integers(0, 10, count)))
        files[f"{prefix}-images-idx3-ubyte.gz"] = _gz(idx_images(_images(rng, count, (28, 28))))
    return files


def _cifar_rows(rows, offset):
    # A cheap, compressible pattern that still differs in every row, channel and pixel.
    index = np.arange(rows, dtype=np.int64)[:, None] * 7 + np.arange(3072)[None, :] * 3
    return ((index + offset) % 251).astype(np.uint8)


def cifar10_tar_gz(rows):
    folder = "cifar-10-batches-py"
    members = {}
    for batch in range(1, CIFAR_BATCHES + 1):
        payload = {
            b"data": _cifar_rows(rows, batch * 17),
            b"labels": [(batch + i) % 10 for i in range(rows)],
        }
        members[f"{folder}/data_batch_{batch}"] = pickle.dumps(payload, protocol=4)
    test = {b"data": _cifar_rows(rows, 5), b"labels": [(3 * i) % 10 for i in range(rows)]}
    members[f"{folder}/test_batch"] = pickle.dumps(test, protocol=4)
    return _tar_gz(members)


def cifar100_tar_gz(rows):
    folder = "cifar-100-python"
    members = {}
    for name, offset in (("train", 1), ("test", 2)):
        payload = {
            b"data": _cifar_rows(rows, offset),
            b"fine_labels": [(offset * i) % 100 for i in range(rows)],
            b"coarse_labels": [(offset * i) % 20 for i in range(rows)],
        }
        members[f"{folder}/{name}"] = pickle.dumps(payload, protocol=4)
    return _tar_gz(members)


def imdb_npz(rng):
    return _npz(
        x_train=_sequences(rng, 12, 30, 9),
        y_train=rng.integers(0, 2, 12),
        x_test=_sequences(rng, 8, 30, 9),
        y_test=rng.integers(0, 2, 8),
    )


def reuters_npz(rng):
    return _npz(x=_sequences(rng, 15, 40, 10), y=rng.integers(0, 46, 15))


def word_index(count):
    return json.dumps({f"word{i}": i for i in range(1, count + 1)}).encode()


def table_npz(rng, rows, features):
    return _npz(x=rng.normal(size=(rows, features)), y=rng.normal(size=rows) * 10)


def downloads(cifar_rows=4):
    """Every dataset's downloaded files: {file name at the origin URL: bytes}."""
    rng = np.random.default_rng(0)
    files = {
        "mnist.npz": mnist_npz(rng),
        "imdb.npz": imdb_npz(rng),
        "imdb_word_index.json": word_index(25),
        "reuters.npz": reuters_npz(rng),
        "reuters_word_index.json": word_index(35),
        "boston_housing.npz": table_npz(rng, 11, 13),
        "california_housing.npz": table_npz(rng, 700, 8),
        "cifar-10-python.tar.gz": cifar10_tar_gz(cifar_rows),
        "cifar-100-python.tar.gz": cifar100_tar_gz(cifar_rows),
    }
    files.update(fashion_files(rng))
    return files
