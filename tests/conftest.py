"""Test setup: strict framework settings, and skips that name a capability and a reason."""

import atexit
import os
import shutil
import tempfile

import pytest

# Strict JAX: 64-bit dtypes exist (so float64/int64 can be checked) and no implicit promotion,
# so cornu cannot lean on JAX promoting for it.
os.environ.setdefault("JAX_ENABLE_X64", "1")
os.environ.setdefault("JAX_NUMPY_DTYPE_PROMOTION", "strict")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# XLA compiles are most of the JAX pass's time, and many tests (and the processes that the
# distribution tests start) compile the same small programs: a compilation cache shared by this
# run's processes reuses them (in tests/trainers, 25 of 187 compiles). A fresh folder per run,
# so nothing carries over from an earlier tree.
if "JAX_COMPILATION_CACHE_DIR" not in os.environ:
    os.environ["JAX_COMPILATION_CACHE_DIR"] = tempfile.mkdtemp(prefix="cornu-test-xla-cache-")
    atexit.register(shutil.rmtree, os.environ["JAX_COMPILATION_CACHE_DIR"], ignore_errors=True)
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "-1")

from cornu import backend  # noqa: E402

if backend.backend() == "torch":
    import torch

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False

requires_training = pytest.mark.skipif(
    not backend.IS_DIFFERENTIABLE, reason="the numpy backend has no gradients"
)


def pytest_report_header(config):
    return f"cornu backend: {backend.backend()}"
