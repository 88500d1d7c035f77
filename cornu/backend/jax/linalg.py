"""JAX linear-algebra kernels (inputs already float and shape-checked by the front end)."""

import functools

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl


def _jit(*static):
    """jit with the named arguments static: one compilation per kernel instead of per primitive."""
    return functools.partial(jax.jit, static_argnames=static)


def _adjoint(x):
    return jnp.conj(jnp.swapaxes(x, -1, -2))


@_jit("upper")
def cholesky(x, upper):
    return jnp.linalg.cholesky(x, upper=upper, symmetrize_input=False)


@_jit("upper")
def cholesky_inverse(factor, upper):
    a = _adjoint(factor) @ factor if upper else factor @ _adjoint(factor)
    return jnp.linalg.inv(a)


det = jax.jit(jnp.linalg.det)
inv = jax.jit(jnp.linalg.inv)


@_jit("complex_dtype")
def eig(x, complex_dtype):
    w, v = jnp.linalg.eig(x)
    return w.astype(complex_dtype), v.astype(complex_dtype)


@_jit()
def eigh(x):
    w, v = jnp.linalg.eigh(x)
    return w, v


@_jit("rcond")
def lstsq(a, b, rcond):
    return jnp.linalg.lstsq(a, b, rcond=rcond)[0].astype(a.dtype)


@_jit()
def lu_factor(x):
    lu, piv = jsl.lu_factor(x)
    return lu, piv.astype(jnp.int32)


@_jit()
def matrix_rank(x, tol):
    s = jnp.linalg.svd(x, compute_uv=False)
    if tol is None:
        eps = jnp.finfo(x.dtype).eps
        tol = jnp.max(s, axis=-1, keepdims=True, initial=0.0) * (max(x.shape[-2:]) * eps)
    else:
        tol = jnp.asarray(tol, s.dtype)[..., None]
    return jnp.sum(s > tol, axis=-1).astype(jnp.int32)


@_jit("ord", "axis", "keepdims")
def norm(x, ord, axis, keepdims):
    out = jnp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    return out.astype(jnp.finfo(x.dtype).dtype)


@_jit("rcond")
def pinv(x, rcond):
    return jnp.linalg.pinv(x, rtol=rcond).astype(x.dtype)


@_jit("mode")
def qr(x, mode):
    q, r = jnp.linalg.qr(x, mode=mode)
    return q, r


@_jit()
def solve(a, b):
    return jnp.linalg.solve(a, b)


@_jit("lower")
def solve_triangular(a, b, lower):
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, batch + a.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    return jsl.solve_triangular(a, b, lower=lower)


@_jit("full_matrices", "compute_uv")
def svd(x, full_matrices, compute_uv):
    if not compute_uv:
        return jnp.linalg.svd(x, compute_uv=False)
    u, s, vh = jnp.linalg.svd(x, full_matrices=full_matrices)
    return u, s, vh


def expand_last(x):
    return x[..., None]


def squeeze_last(x):
    return x[..., 0]


def jvp(fun, primals, tangents, has_aux):
    if has_aux:
        out, tangent_out, aux = jax.jvp(fun, primals, tangents, has_aux=True)
        return out, tangent_out, aux
    return jax.jvp(fun, primals, tangents)
