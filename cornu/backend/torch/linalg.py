"""PyTorch linear-algebra kernels (inputs already float and shape-checked by the front end)."""

import torch

from cornu import tree

_COMPLEX = {"complex64": torch.complex64, "complex128": torch.complex128}


def _adjoint(x):
    return torch.conj(torch.transpose(x, -1, -2))


def cholesky(x, upper):
    return torch.linalg.cholesky(x, upper=upper)


def cholesky_inverse(factor, upper):
    a = _adjoint(factor) @ factor if upper else factor @ _adjoint(factor)
    return torch.linalg.inv(a)


det = torch.linalg.det
inv = torch.linalg.inv


def eig(x, complex_dtype):
    w, v = torch.linalg.eig(x)
    return w.to(_COMPLEX[complex_dtype]), v.to(_COMPLEX[complex_dtype])


def eigh(x):
    w, v = torch.linalg.eigh(x)
    return w, v


def lstsq(a, b, rcond):
    vector = b.ndim == 1
    if vector:
        b = b[:, None]
    out = torch.linalg.lstsq(a, b, rcond=rcond, driver="gelsd").solution
    return out[:, 0] if vector else out


def lu_factor(x):
    lu, piv = torch.linalg.lu_factor(x)
    return lu, (piv - 1).to(torch.int32)


def matrix_rank(x, tol):
    s = torch.linalg.svdvals(x)
    if tol is None:
        eps = torch.finfo(x.dtype).eps
        largest = s.amax(dim=-1, keepdim=True) if s.shape[-1] else torch.zeros_like(s[..., :1])
        tol = largest * (max(x.shape[-2:]) * eps)
    else:
        tol = torch.as_tensor(tol, dtype=s.dtype)[..., None]
    return torch.sum(s > tol, dim=-1).to(torch.int32)


def norm(x, ord, axis, keepdims):
    if axis is None and ord is None:
        return torch.linalg.vector_norm(x, keepdim=keepdims)
    if isinstance(axis, int):
        out = torch.linalg.vector_norm(x, ord=2 if ord is None else ord, dim=axis, keepdim=keepdims)
    else:
        out = torch.linalg.matrix_norm(
            x, ord="fro" if ord is None else ord, dim=axis, keepdim=keepdims
        )
    return out


def pinv(x, rcond):
    return torch.linalg.pinv(x, rtol=rcond)


def qr(x, mode):
    q, r = torch.linalg.qr(x, mode=mode)
    return q, r


def solve(a, b):
    # Broadcast the batch explicitly: torch reads a (..., N) `b` as a batch of vectors.
    batch = torch.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = a.expand(batch + a.shape[-2:])
    b = b.expand(batch + b.shape[-2:])
    return torch.linalg.solve(a, b)


def solve_triangular(a, b, lower):
    return torch.linalg.solve_triangular(a, b, upper=not lower)


def svd(x, full_matrices, compute_uv):
    if not compute_uv:
        return torch.linalg.svdvals(x)
    u, s, vh = torch.linalg.svd(x, full_matrices=full_matrices)
    return u, s, vh


def expand_last(x):
    return x[..., None]


def squeeze_last(x):
    return x[..., 0]


def jvp(fun, primals, tangents, has_aux):
    import warnings

    import torch.func

    with warnings.catch_warnings():
        # torch's first forward-mode call loads decompositions through deprecated jit.script
        warnings.filterwarnings(
            "ignore", message=".*torch.jit.script.* is deprecated", category=DeprecationWarning
        )
        if not has_aux:
            return torch.func.jvp(fun, primals, tangents)
        # torch's aux must hold only tensors: pass tensor leaves through it, keep the rest aside.
        kept = {}

        def split_aux(*args):
            out, aux = fun(*args)
            leaves = tree.flatten(aux)
            kept["aux"], kept["leaves"] = aux, leaves
            return out, tuple(v for v in leaves if isinstance(v, torch.Tensor))

        out, tangent_out, tensor_leaves = torch.func.jvp(split_aux, primals, tangents, has_aux=True)
    tensor_leaves = iter(tensor_leaves)
    leaves = [next(tensor_leaves) if isinstance(v, torch.Tensor) else v for v in kept["leaves"]]
    return out, tangent_out, tree.pack_sequence_as(kept["aux"], leaves)
