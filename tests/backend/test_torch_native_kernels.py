"""torch's native kernels for portable op bodies agree with those bodies (values, gradients)."""

import numpy as np
import pytest

from cornu import backend, ops

pytestmark = pytest.mark.skipif(backend.backend() != "torch", reason="torch's native kernels")


@pytest.mark.parametrize(
    "labels,shape,dtype",
    [
        ([0, 3, 1, 2], (4, 4), "float32"),
        ([0, 3, 1, 7, -1], (5, 4), "float32"),  # out of range: zero loss, zero gradient
        ([[0, 1, 2], [2, 1, 0]], (2, 3, 3), "float64"),
    ],
    ids=["in-range", "out-of-range", "rank3-float64"],
)
def test_native_sparse_crossentropy_matches_the_portable_body(labels, shape, dtype):
    import torch

    portable = ops.sparse_categorical_crossentropy.eager.__wrapped__
    rng = np.random.default_rng(0)
    logits = rng.normal(size=shape).astype(dtype)
    target = torch.tensor(labels)
    results = []
    for fn in (ops.sparse_categorical_crossentropy, portable):
        x = torch.tensor(logits, requires_grad=True)
        loss = fn(target, x, from_logits=True)
        loss.sum().backward()
        results.append((loss.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6, atol=1e-6)
