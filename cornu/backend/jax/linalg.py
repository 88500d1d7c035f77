"""JAX linear-algebra kernels (inputs already float and shape-checked by the front end).

`eig`, `qr`, `solve`, `svd`, ... are shared with numpy (`common/array_kernels.py`), compiled
here with `jax.jit`; the ones below are JAX's own.
"""

import functools

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl

from cornu.backend.common import array_kernels


def _jit(*static):
    """jit with the named arguments static: one compilation per kernel instead of per primitive."""
    return functools.partial(jax.jit, static_argnames=static)


globals().update(array_kernels.linalg(jnp, jit=_jit))


@_jit("upper")
def cholesky(x, upper):
    return jnp.linalg.cholesky(x, upper=upper, symmetrize_input=False)


det = jax.jit(jnp.linalg.det)
inv = jax.jit(jnp.linalg.inv)


@_jit()
def lu_factor(x):
    lu, piv = jsl.lu_factor(x)
    return lu, piv.astype(jnp.int32)


@_jit("ord", "axis", "keepdims")
def norm(x, ord, axis, keepdims):
    out = jnp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    return out.astype(jnp.finfo(x.dtype).dtype)


@_jit("rcond")
def pinv(x, rcond):
    return jnp.linalg.pinv(x, rtol=rcond).astype(x.dtype)


@_jit("lower")
def solve_triangular(a, b, lower):
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, batch + a.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    return jsl.solve_triangular(a, b, lower=lower)


def jvp(fun, primals, tangents, has_aux):
    if has_aux:
        out, tangent_out, aux = jax.jvp(fun, primals, tangents, has_aux=True)
        return out, tangent_out, aux
    return jax.jvp(fun, primals, tangents)
