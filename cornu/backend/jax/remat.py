"""Rematerialization on JAX: `jax.checkpoint` (the residuals of `fn` are not saved for the
backward pass; its forward is replayed from its inputs instead)."""

import jax


def checkpoint(fn, *tensors):
    """Calls `fn(*tensors)`, recomputing its intermediates when gradients are taken.

    `fn` must take and return arrays (any pytree of them). Values it closes over (variables'
    values, tracers of an enclosing trace) are inputs of the checkpointed computation too.
    """
    return jax.checkpoint(fn)(*tensors)
