"""Test setup: strict framework settings, and skips that name a capability and a reason."""

import os

import pytest

# Strict JAX: 64-bit dtypes exist (so float64/int64 can be checked) and no implicit promotion,
# so cornu cannot lean on JAX promoting for it.
os.environ.setdefault("JAX_ENABLE_X64", "1")
os.environ.setdefault("JAX_NUMPY_DTYPE_PROMOTION", "strict")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

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
