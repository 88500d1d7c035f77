"""mnist, fashion_mnist, cifar10, cifar100 read from tiny files in Keras's cache formats."""

import gzip
import io
import os
import pickle
import socket
import subprocess
import sys

import numpy as np
import pytest

from cornu import config
from cornu.datasets import cifar10, cifar100, fashion_mnist, mnist
from tests.datasets import fixtures


def _npz(data):
    with np.load(io.BytesIO(data)) as archive:
        return {name: archive[name] for name in archive.files}


def test_mnist_returns_the_cached_arrays(cache):
    cache.place("datasets/mnist.npz", cache.files["mnist.npz"], mnist)
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    stored = _npz(cache.files["mnist.npz"])
    assert (x_train.shape, x_train.dtype, y_train.shape) == ((7, 28, 28), np.uint8, (7,))
    for name, got in zip(("x_train", "y_train", "x_test", "y_test"),
                         (x_train, y_train, x_test, y_test)):  # fmt: skip
        np.testing.assert_array_equal(got, stored[name])


def test_mnist_path_argument_names_the_cache_file(cache):
    cache.place("datasets/digits.npz", cache.files["mnist.npz"], mnist)
    (x_train, _), _ = mnist.load_data(path="digits.npz")
    assert x_train.shape == (7, 28, 28)


def test_mnist_file_with_other_arrays_is_explained(cache):
    buffer = io.BytesIO()
    np.savez(buffer, images=np.zeros(3))
    cache.place("datasets/mnist.npz", buffer.getvalue(), mnist)
    with pytest.raises(ValueError, match="has arrays \\['images'\\] but not"):
        mnist.load_data()


def test_fashion_mnist_reads_the_idx_files(cache):
    for name in fashion_mnist.FILES.values():
        cache.place(f"datasets/fashion-mnist/{name}", cache.files[name])
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert (x_train.shape, x_test.shape, y_train.shape, y_test.shape) == (
        (6, 28, 28),
        (3, 28, 28),
        (6,),
        (3,),
    )
    assert x_train.dtype == y_train.dtype == np.uint8
    images = np.frombuffer(
        gzip.decompress(cache.files["train-images-idx3-ubyte.gz"])[16:], np.uint8
    )
    np.testing.assert_array_equal(x_train.reshape(-1), images)


def _place_cifar10(cache):
    cache.place("datasets/cifar-10-batches-py-target_archive",
                cache.files["cifar-10-python.tar.gz"], cifar10)  # fmt: skip


def test_cifar10_unpacks_and_orders_the_batches(cache):
    _place_cifar10(cache)
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert (x_train.shape, y_train.shape) == ((20, 32, 32, 3), (20, 1))
    assert (x_test.shape, y_test.shape) == ((4, 32, 32, 3), (4, 1))
    assert x_train.dtype == y_train.dtype == np.uint8
    # Row 0 of batch 1: its 3072 values are the red, green and blue 32x32 planes.
    first = fixtures._cifar_rows(4, 17)[0].reshape(3, 32, 32).transpose(1, 2, 0)
    np.testing.assert_array_equal(x_train[0], first)
    np.testing.assert_array_equal(y_train[:, 0], [(b + i) % 10 for b in range(1, 6)
                                                   for i in range(4)])  # fmt: skip
    assert os.path.isdir(os.path.join(cache.home, "datasets", "cifar-10-batches-py-target",
                                      "cifar-10-batches-py"))  # fmt: skip


def test_cifar10_channels_first(cache):
    _place_cifar10(cache)
    previous = config.image_data_format()
    config.set_image_data_format("channels_first")
    try:
        (x_train, _), _ = cifar10.load_data()
    finally:
        config.set_image_data_format(previous)
    assert x_train.shape == (20, 3, 32, 32)
    np.testing.assert_array_equal(x_train[0].reshape(-1), fixtures._cifar_rows(4, 17)[0])


@pytest.mark.parametrize("label_mode,classes", [("fine", 100), ("coarse", 20)])
def test_cifar100_label_modes(cache, label_mode, classes):
    cache.place("datasets/cifar-100-python-target_archive",
                cache.files["cifar-100-python.tar.gz"], cifar100)  # fmt: skip
    (x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode=label_mode)
    assert (x_train.shape, y_train.shape, x_test.shape) == ((4, 32, 32, 3), (4, 1),
                                                             (4, 32, 32, 3))  # fmt: skip
    np.testing.assert_array_equal(y_test[:, 0], [(2 * i) % classes for i in range(4)])


def test_cifar100_rejects_unknown_label_mode():
    with pytest.raises(ValueError, match="label_mode must be 'fine'.*received label_mode='x'"):
        cifar100.load_data(label_mode="x")


class _Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_cifar_batches_refuse_pickled_code(cache):
    archive = fixtures._tar_gz(
        {
            "cifar-100-python/train": pickle.dumps({b"data": _Exploit()}),
            "cifar-100-python/test": pickle.dumps({b"data": _Exploit()}),
        }
    )
    cache.place("datasets/cifar-100-python-target_archive", archive, cifar100)
    with pytest.raises(pickle.UnpicklingError, match="may only hold NumPy arrays.*system"):
        cifar100.load_data()


def test_stale_cache_without_network_says_where_to_put_the_file(cache, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(mnist, "ORIGIN", f"http://127.0.0.1:{port}/mnist.npz")
    path = cache.place("datasets/mnist.npz", b"truncated")
    with pytest.warns(UserWarning, match="does not match the expected sha256"):
        with pytest.raises(OSError, match="Could not download .*place the file at"):
            mnist.load_data()
    assert open(path, "rb").read() == b"truncated"


def test_importing_datasets_loads_no_framework():
    code = (
        "import sys, cornu.datasets; "
        "print([m for m in ('jax', 'torch', 'tensorflow') if m in sys.modules])"
    )
    env = dict(os.environ, CORNU_BACKEND="numpy")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True)  # fmt: skip
    assert out.stdout.strip() == "[]"
