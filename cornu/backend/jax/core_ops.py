"""jax kernels for the core ops (control flow, custom gradients, slices and scatters)."""

import jax
import jax.numpy as jnp

from cornu.backend.common.array_kernels import index_tuple as _index_tuple
from cornu.backend.jax import manipulation as _manipulation
from cornu.backend.jax.core import fori_loop as fori_loop

concat = _manipulation.concatenate


def switch(index, branches, *operands):
    return jax.lax.switch(index, branches, *operands)


def map(f, xs):
    return jax.lax.map(f, xs)


# Compiled as one program (cached per `f` and shapes): much faster than op-by-op dispatch.
_associative_scan = jax.jit(
    jax.lax.associative_scan, static_argnums=(0,), static_argnames=("reverse", "axis")
)


def associative_scan(f, elems, reverse, axis):
    return _associative_scan(f, elems, reverse=reverse, axis=axis)


def custom_gradient(f):
    """`f(*args) -> (output, grad_fn)` as a jax function with that gradient."""

    def wrapper(*args, **kwargs):
        @jax.custom_gradient
        def inner(*inputs):
            output, grad_fn = f(*inputs, **kwargs)
            multiple = isinstance(output, (tuple, list))

            def vjp(upstream):
                grads = grad_fn(*upstream) if multiple else grad_fn(upstream)
                if not isinstance(grads, (tuple, list)):
                    grads = (grads,)
                return tuple(grads)

            return output, vjp

        return inner(*args)

    return wrapper


def _starts(starts):
    return [jnp.asarray(s).astype(jnp.int32) for s in starts]


def dynamic_slice(x, starts, shape):
    return jax.lax.dynamic_slice(x, _starts(starts), shape)


def dynamic_update_slice(x, starts, updates):
    return jax.lax.dynamic_update_slice(x, updates, _starts(starts))


def scatter(indices, values, shape):
    return jnp.zeros(shape, values.dtype).at[_index_tuple(indices)].add(values)


def scatter_update(inputs, indices, updates, reduction):
    ref = inputs.at[_index_tuple(indices)]
    if reduction is None:
        return ref.set(updates)
    if reduction == "add":
        return ref.add(updates)
    if reduction == "max":
        return ref.max(updates)
    if reduction == "min":
        return ref.min(updates)
    return ref.multiply(updates)
