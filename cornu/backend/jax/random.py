"""JAX random kernels. `seed` is a uint32 array `[key, counter]` from cornu.random.draw_seed;
it works under jit, so seeded sampling is a pure function of the seed."""

import math

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend.jax.core import convert_to_tensor, to_framework_dtype


def make_seed(value):
    return jnp.array([value % 2**32, 0], dtype=jnp.uint32)


def _key(seed):
    return jax.random.fold_in(jax.random.key(seed[0]), seed[1])


def normal(shape, mean, stddev, dtype, seed):
    dtype = to_framework_dtype(dtype)
    return jax.random.normal(_key(seed), tuple(shape), dtype) * stddev + mean


def uniform(shape, minval, maxval, dtype, seed):
    dtype = to_framework_dtype(dtype)
    return jax.random.uniform(_key(seed), tuple(shape), dtype, minval=minval, maxval=maxval)


def truncated_normal(shape, mean, stddev, dtype, seed):
    dtype = to_framework_dtype(dtype)
    values = jax.random.truncated_normal(_key(seed), -2.0, 2.0, tuple(shape), dtype)
    return values * stddev + mean


def randint(shape, minval, maxval, dtype, seed):
    dtype = to_framework_dtype(dtype)
    return jax.random.randint(_key(seed), tuple(shape), minval, maxval, dtype)


def categorical(logits, num_samples, dtype, seed):
    logits = convert_to_tensor(logits)
    samples = jax.random.categorical(
        _key(seed), logits[..., None, :], axis=-1, shape=logits.shape[:-1] + (num_samples,)
    )
    return samples.astype(to_framework_dtype(dtype))


def shuffle(x, axis, seed):
    return jax.random.permutation(_key(seed), convert_to_tensor(x), axis=axis, independent=False)


def gamma(shape, alpha, dtype, seed):
    dtype = to_framework_dtype(dtype)
    return jax.random.gamma(_key(seed), jnp.asarray(alpha, dtype), tuple(shape), dtype)


def binomial(shape, counts, probabilities, dtype, seed):
    values = jax.random.binomial(
        _key(seed),
        jnp.asarray(counts, "float32"),
        jnp.asarray(probabilities, "float32"),
        tuple(shape),
    )
    return values.astype(to_framework_dtype(dtype))


def bucketed_sample(kind, shape, a, b, dtype, seed):
    """`kind`'s draw ("normal", "uniform", "truncated_normal" with parameters a, b) for an
    initializer: eagerly, a flat sample of the next power-of-two size is drawn and its first
    prod(shape) values kept, so XLA compiles one sampler per size bucket instead of one per
    weight shape (a model with many kernel shapes builds in a fraction of the time). A traced
    seed samples the exact shape."""
    sample = {"normal": normal, "uniform": uniform, "truncated_normal": truncated_normal}[kind]
    if isinstance(seed, jax.core.Tracer):
        return sample(shape, a, b, dtype, seed)
    n = math.prod(shape)
    bucket = max(256, 1 << max(n - 1, 0).bit_length())
    flat = np.asarray(sample((bucket,), a, b, dtype, seed))
    return jnp.asarray(flat[:n].reshape(shape))
