"""The `cornu.random` functions: argument checks and dtypes here, sampling in the backend.

`seed` is None (the global generator), an int (the same values every call), a SeedGenerator
(new values each call; works under jit through StatelessScope) or a seed tensor.
"""

from cornu import backend, config, ops
from cornu.backend.common import dtypes
from cornu.random.seed_generator import draw_seed


def _shape(shape, fn):
    """The shape as a tuple: ints, or scalar tensors for dimensions only known at run time
    (inside tf.function); None dimensions are refused."""
    dims = (shape,) if isinstance(shape, int) else shape
    try:
        dims = tuple(dims)
    except TypeError:
        raise ValueError(
            f"random.{fn}: shape must be a tuple of ints; received {shape!r}."
        ) from None
    result = []
    for d in dims:
        if backend.is_tensor(d):
            result.append(d)
            continue
        if isinstance(d, bool) or not hasattr(d, "__index__"):
            raise ValueError(f"random.{fn}: shape must be a tuple of ints; received {shape!r}.")
        if int(d) < 0:
            raise ValueError(f"random.{fn}: shape must be non-negative; received {shape!r}.")
        result.append(int(d))
    return tuple(result)


def _float_dtype(dtype, fn):
    name = dtypes.standardize_dtype(dtype or config.floatx())
    if name not in dtypes.FLOAT_TYPES:
        raise ValueError(f"random.{fn} needs a float dtype; received dtype={dtype!r}.")
    return name


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution.

    Args:
        shape: output shape.
        mean, stddev: the distribution's parameters.
        dtype: a float dtype; `floatx()` when None.
        seed: None, an int, a SeedGenerator or a seed tensor.

    Returns:
        A tensor of `shape`.

    Example:
        >>> cornu.random.normal((2, 3), seed=1).shape
        (2, 3)
    """
    return backend.random.normal(
        _shape(shape, "normal"), mean, stddev, _float_dtype(dtype, "normal"), draw_seed(seed)
    )


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples uniformly from `[minval, maxval)` (float dtypes; use `randint` for ints)."""
    return backend.random.uniform(
        _shape(shape, "uniform"), minval, maxval, _float_dtype(dtype, "uniform"), draw_seed(seed)
    )


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples a normal distribution, redrawing values beyond two standard deviations."""
    return backend.random.truncated_normal(
        _shape(shape, "truncated_normal"),
        mean,
        stddev,
        _float_dtype(dtype, "truncated_normal"),
        draw_seed(seed),
    )


def _initializer_sample(kind, shape, a, b, dtype, seed):
    """`normal`/`uniform`/`truncated_normal` (by `kind`, parameters a, b) for initializers.

    Backends whose eager sampling compiles per shape (jax) provide `bucketed_sample`; the
    values are as reproducible per seed, but not the same as `cornu.random.<kind>`'s.
    """
    bucketed = getattr(backend.random, "bucketed_sample", None)
    shape = _shape(shape, kind)
    dtype = _float_dtype(dtype, kind)
    if bucketed is None:
        return getattr(backend.random, kind)(shape, a, b, dtype, draw_seed(seed))
    return bucketed(kind, shape, a, b, dtype, draw_seed(seed))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Samples integers uniformly from `[minval, maxval)`."""
    name = dtypes.standardize_dtype(dtype)
    if name not in dtypes.INT_TYPES:
        raise ValueError(f"random.randint needs an integer dtype; received dtype={dtype!r}.")
    return backend.random.randint(_shape(shape, "randint"), minval, maxval, name, draw_seed(seed))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draws `num_samples` class indices per row of `logits` (shape `(batch, classes)`).

    Returns:
        An int tensor of shape `(batch, num_samples)`.
    """
    logits = backend.convert_to_tensor(logits)
    if len(logits.shape) != 2:
        raise ValueError(
            "random.categorical: logits must have shape (batch_size, num_classes); "
            f"received shape {tuple(logits.shape)}."
        )
    return backend.random.categorical(
        logits, int(num_samples), dtypes.standardize_dtype(dtype), draw_seed(seed)
    )


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zeroes each entry with probability `rate` and scales the rest by `1 / (1 - rate)`.

    Args:
        inputs: a tensor.
        rate: the drop probability, in [0, 1).
        noise_shape: shape of the keep mask, broadcast against `inputs` (e.g. `(batch, 1, c)`).
        seed: None, an int, a SeedGenerator or a seed tensor.
    """
    if not 0 <= rate < 1:
        raise ValueError(f"random.dropout: rate must be in [0, 1); received rate={rate!r}.")
    inputs = backend.convert_to_tensor(inputs)
    if rate == 0:
        return inputs
    dtype = dtypes.standardize_dtype(inputs.dtype)
    full = backend.shape(inputs)  # run-time sizes where static ones are unknown
    shape = (
        full
        if noise_shape is None
        else tuple(full[i] if d is None else d for i, d in enumerate(noise_shape))
    )
    keep = ops.greater_equal(uniform(shape, dtype=dtype, seed=seed), rate)
    return ops.multiply(ops.cast(keep, dtype), ops.true_divide(inputs, 1.0 - rate))


def shuffle(x, axis=0, seed=None):
    """Shuffles `x` along `axis`."""
    x = backend.convert_to_tensor(x)
    ndim = len(x.shape)
    if not -ndim <= axis < ndim:
        raise ValueError(f"random.shuffle: axis {axis} is out of range for rank {ndim}.")
    return backend.random.shuffle(x, axis % ndim, draw_seed(seed))


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples a Gamma(alpha, 1) distribution."""
    return backend.random.gamma(
        _shape(shape, "gamma"), alpha, _float_dtype(dtype, "gamma"), draw_seed(seed)
    )


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Samples a binomial distribution (float-valued by default, like `floatx()`)."""
    name = dtypes.standardize_dtype(dtype or config.floatx())
    return backend.random.binomial(
        _shape(shape, "binomial"), counts, probabilities, name, draw_seed(seed)
    )


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples a Beta(alpha, beta) distribution as X / (X + Y), X ~ Gamma(alpha), Y ~ Gamma(beta)."""
    name = _float_dtype(dtype, "beta")
    seed = draw_seed(seed)
    # A second, independent stream for Y: the same key, counter offset by 2**30.
    seed_y = seed + backend.convert_to_tensor([0, 2**30], dtype=backend.SEED_DTYPE)
    x = backend.random.gamma(_shape(shape, "beta"), alpha, name, seed)
    y = backend.random.gamma(_shape(shape, "beta"), beta, name, seed_y)
    return ops.true_divide(x, ops.add(x, y))
