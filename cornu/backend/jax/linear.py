"""jax linear-algebra product kernels."""

import functools

import jax
import jax.numpy as jnp


def _jit(*static):
    """jit with the named arguments static: one compilation per kernel instead of per primitive."""
    return functools.partial(jax.jit, static_argnames=static)


matmul = jnp.matmul
dot = jnp.dot
inner = jnp.inner
outer = jnp.outer
kron = jax.jit(jnp.kron)
vdot = jnp.vdot


def tensordot(x1, x2, axes):
    return _tensordot(x1, x2, axes=(tuple(axes[0]), tuple(axes[1])))


@_jit("axes")
def _tensordot(x1, x2, axes):
    return jnp.tensordot(x1, x2, axes)


@_jit("subscripts")
def einsum(subscripts, *operands):
    return jnp.einsum(subscripts, *operands).astype(operands[0].dtype)


@_jit("axisa", "axisb", "axisc")
def cross(x1, x2, axisa, axisb, axisc):
    if axisc is None:
        return jnp.cross(x1, x2, axisa=axisa, axisb=axisb)
    return jnp.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc)


@_jit()
def correlate_full(x1, x2):
    return jnp.correlate(x1, x2, mode="full")


def affine(x, kernel, bias):
    """`x @ kernel + bias` (the framework fuses the two, or they run as written)."""
    return matmul(x, kernel) + bias
