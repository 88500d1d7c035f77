"""PyTorch kernels for cornu.ops.image: small tensor primitives the front end composes (with
the backend's shared ones: `take`, `pad`, `einsum`, `stack`, `clip`, ...)."""

import torch

from cornu.backend.torch.elementwise import absolute as abs  # noqa: F401 (a kernel too)
from cornu.backend.torch.reduction import max as reduce_max  # noqa: F401
from cornu.backend.torch.reduction import mean as reduce_mean  # noqa: F401
from cornu.backend.torch.reduction import min as reduce_min  # noqa: F401


def round_half_away(x):
    return torch.sign(x) * torch.floor(torch.abs(x) + 0.5)


def compiled(fn, *tensors, **static):
    """Runs `fn(*tensors, **static)` (eagerly on this backend)."""
    return fn(*tensors, **static)


def batch_offsets(x, step):
    """(batch, 1, 1) int32: i * step for each item i of `x`'s leading axis."""
    return (torch.arange(x.shape[0], dtype=torch.int32, device=x.device) * step).reshape(-1, 1, 1)
