"""PyTorch linear-algebra product kernels."""

import torch

from cornu.backend.torch.elementwise import _WIDE_UNSIGNED


def _widen(*xs):
    """torch lacks CPU arithmetic for wide unsigned ints: compute those in int64."""
    if xs[0].dtype in _WIDE_UNSIGNED:
        return tuple(x.to(torch.int64) for x in xs), xs[0].dtype
    return xs, None


def _narrow(out, dtype):
    return out if dtype is None else out.to(dtype)


def dot(x1, x2):
    (x1, x2), dtype = _widen(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        out = x1 * x2
    elif x2.ndim == 1:
        out = torch.tensordot(x1, x2, dims=([x1.ndim - 1], [0]))
    else:
        out = torch.tensordot(x1, x2, dims=([x1.ndim - 1], [x2.ndim - 2]))
    return _narrow(out, dtype)


def tensordot(x1, x2, axes):
    (x1, x2), dtype = _widen(x1, x2)
    return _narrow(torch.tensordot(x1, x2, dims=axes), dtype)


def inner(x1, x2):
    (x1, x2), dtype = _widen(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return _narrow(x1 * x2, dtype)
    return _narrow(torch.tensordot(x1, x2, dims=([x1.ndim - 1], [x2.ndim - 1])), dtype)


def outer(x1, x2):
    (x1, x2), dtype = _widen(x1, x2)
    return _narrow(x1.reshape(-1, 1) * x2.reshape(1, -1), dtype)


def kron(x1, x2):
    (x1, x2), dtype = _widen(x1, x2)
    return _narrow(torch.kron(x1, x2), dtype)


def vdot(x1, x2):
    (x1, x2), dtype = _widen(x1, x2)
    a = x1.reshape(-1)
    if a.is_complex():
        a = a.conj()
    out = torch.sum(a * x2.reshape(-1)).to(x1.dtype)
    return _narrow(out, dtype)


def einsum(subscripts, *operands):
    operands, dtype = _widen(*operands)
    out = torch.einsum(subscripts, *operands)
    return _narrow(out, dtype)


def cross(x1, x2, axisa, axisb, axisc):
    (x1, x2), dtype = _widen(x1, x2)
    a = torch.movedim(x1, axisa, -1)
    b = torch.movedim(x2, axisb, -1)
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return _narrow(a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0], dtype)
    if a.shape[-1] == 2:
        a = torch.nn.functional.pad(a, (0, 1))
    if b.shape[-1] == 2:
        b = torch.nn.functional.pad(b, (0, 1))
    a, b = torch.broadcast_tensors(a, b)
    out = torch.stack(
        [
            a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
            a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
            a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0],
        ],
        dim=-1,
    )
    return _narrow(torch.movedim(out, -1, axisc), dtype)


def slogdet(x):
    sign, logdet = torch.linalg.slogdet(x)
    return sign, logdet


def correlate_full(x1, x2):
    m = x2.shape[0]
    padded = torch.nn.functional.pad(x1[None, None], (m - 1, m - 1))
    return torch.nn.functional.conv1d(padded, x2[None, None])[0, 0]


def matmul(x1, x2):
    (x1, x2), dtype = _widen(x1, x2)
    return _narrow(torch.matmul(x1, x2), dtype)


def affine(x, kernel, bias):
    """`x @ kernel + bias` (float, 2-D kernel): one addmm, so forward and backward skip the
    separate bias add."""
    if x.dtype in (torch.float32, torch.float64) and kernel.dim() == 2 and bias.dim() == 1:
        if x.dim() == 2:  # (addmm on the (in, out) kernel: its gradient comes out contiguous)
            return torch.addmm(bias, x, kernel)
        if x.dim() > 2:
            flat = torch.addmm(bias, x.reshape(-1, x.shape[-1]), kernel)
            return flat.reshape(*x.shape[:-1], kernel.shape[-1])
    return matmul(x, kernel) + bias
