"""NumPy random kernels. `seed` is a uint32 array `[key, counter]` from cornu.random.draw_seed."""

import numpy as np

from cornu.backend.numpy.core import convert_to_tensor, to_framework_dtype


def make_seed(value):
    return np.array([value % 2**32, 0], dtype=np.uint32)


def _rng(seed):
    return np.random.default_rng([int(s) for s in np.asarray(seed).reshape(-1)])


def normal(shape, mean, stddev, dtype, seed):
    values = _rng(seed).normal(size=shape) * stddev + mean
    return values.astype(to_framework_dtype(dtype))


def uniform(shape, minval, maxval, dtype, seed):
    return _rng(seed).uniform(minval, maxval, size=shape).astype(to_framework_dtype(dtype))


def truncated_normal(shape, mean, stddev, dtype, seed):
    rng = _rng(seed)
    values = rng.normal(size=shape)
    bad = np.abs(values) > 2.0
    while bad.any():  # redraw what fell beyond two standard deviations
        values[bad] = rng.normal(size=int(bad.sum()))
        bad = np.abs(values) > 2.0
    return (values * stddev + mean).astype(to_framework_dtype(dtype))


def randint(shape, minval, maxval, dtype, seed):
    values = _rng(seed).integers(minval, maxval, size=shape)
    return values.astype(to_framework_dtype(dtype))


def categorical(logits, num_samples, dtype, seed):
    logits = np.asarray(logits, dtype=np.float64)
    gumbel = -np.log(-np.log(_rng(seed).uniform(size=(num_samples,) + logits.shape)))
    samples = np.argmax(logits[None] + gumbel, axis=-1)  # (num_samples, batch)
    return np.moveaxis(samples, 0, -1).astype(to_framework_dtype(dtype))


def shuffle(x, axis, seed):
    x = convert_to_tensor(x)
    return _rng(seed).permutation(x, axis=axis)


def gamma(shape, alpha, dtype, seed):
    return _rng(seed).gamma(alpha, size=shape).astype(to_framework_dtype(dtype))


def binomial(shape, counts, probabilities, dtype, seed):
    values = _rng(seed).binomial(counts, probabilities, size=shape)
    return values.astype(to_framework_dtype(dtype))
