"""Rematerialization on TensorFlow: `tf.recompute_grad` (the forward pass of `fn` runs again
inside its gradient function)."""

import tensorflow as tf


def checkpoint(fn, *tensors):
    """Calls `fn(*tensors)`, recomputing its intermediates when gradients are taken.

    `tf.recompute_grad` takes tensors positionally only (keyword arguments fail inside
    `tf.function`), so everything else reaches `fn` through its closure.
    """
    return tf.recompute_grad(fn)(*tensors)
