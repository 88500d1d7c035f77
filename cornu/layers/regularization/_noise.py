"""Shared helpers of the noise layers: argument checks and sampling with run-time shapes."""

from cornu import backend, ops
from cornu.backend.common import dtypes
from cornu.random.seed_generator import SeedGenerator, draw_seed


def check_rate(layer, rate, allow_one=True):
    upper_ok = (lambda r: r <= 1) if allow_one else (lambda r: r < 1)
    if (
        not isinstance(rate, (int, float))
        or isinstance(rate, bool)
        or not (0 <= rate and upper_ok(rate))
    ):
        interval = "[0, 1]" if allow_one else "[0, 1)"
        raise ValueError(f"{layer}: rate must be a number in {interval}; received rate={rate!r}.")
    return rate


def check_seed(layer, seed):
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise ValueError(f"{layer}: seed must be an int or None; received seed={seed!r}.")
    return seed


def check_noise_shape(layer, noise_shape):
    """None, or `noise_shape` as a tuple (of ints and None)."""
    if noise_shape is None:
        return None
    if not isinstance(noise_shape, (list, tuple)):
        raise ValueError(
            f"{layer}: noise_shape must be a tuple of ints/None; received "
            f"noise_shape={noise_shape!r}."
        )
    return tuple(noise_shape)


def make_seed_generator(layer, seed):
    """A SeedGenerator whose state variable the layer tracks (a non-trainable variable that
    is not one of its `weights`)."""
    generator = SeedGenerator(seed)
    layer._track(generator.state)
    return generator


def init_noise_layer(layer, seed, active):
    """The end of a noise layer's constructor: stores `seed`, a seed generator when the noise
    is `active` (its rate or stddev is above 0), and the layer is built (it has no weights)
    and passes masks through."""
    layer.seed = seed
    layer.seed_generator = make_seed_generator(layer, seed) if active else None
    layer.supports_masking = True
    layer.built = True


def noise_shape_for(inputs, noise_shape=None):
    """The sample shape: `noise_shape` with None entries (or the whole shape when None) taken
    from the input, using run-time sizes where the static size is unknown."""
    static = tuple(inputs.shape)
    if noise_shape is None:
        noise_shape = (None,) * len(static)
    if len(noise_shape) != len(static):
        raise ValueError(
            f"noise_shape {tuple(noise_shape)} has rank {len(noise_shape)}, but the input has "
            f"shape {static}."
        )
    shape = [static[i] if d is None else d for i, d in enumerate(noise_shape)]
    if any(d is None for d in shape):
        dynamic = ops.shape(inputs)
        shape = [dynamic[i] if d is None else d for i, d in enumerate(shape)]
    return shape


def normal(shape, mean, stddev, dtype, generator):
    dtype = dtypes.standardize_dtype(dtype)
    return backend.random.normal(shape, mean, stddev, dtype, draw_seed(generator))


def uniform(shape, dtype, generator):
    dtype = dtypes.standardize_dtype(dtype)
    return backend.random.uniform(shape, 0.0, 1.0, dtype, draw_seed(generator))


def keep_mask(shape, rate, dtype, generator):
    """1.0 where a uniform draw is >= rate (kept), else 0.0, in `dtype`."""
    return ops.cast(ops.greater_equal(uniform(shape, dtype, generator), rate), dtype)
