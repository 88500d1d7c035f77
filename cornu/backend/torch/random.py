"""PyTorch random kernels. `seed` is an int64 tensor `[key, counter]` from cornu.random.draw_seed."""

import math

import torch

from cornu.backend.torch.core import convert_to_tensor, current_device, to_framework_dtype


def make_seed(value):
    return torch.tensor([value, 0], dtype=torch.int64, device=current_device())


def _mixed_seed(seed):
    key, counter = (int(s) for s in seed.tolist())
    # Mix key and counter into one 63-bit seed (odd golden-ratio multiplier).
    return (key * 0x9E3779B97F4A7C15 + counter) % (2**63 - 1)


def _generator(seed):
    generator = torch.Generator(device=current_device())
    generator.manual_seed(_mixed_seed(seed))
    return generator


def _full(value, shape):
    return torch.broadcast_to(convert_to_tensor(value, "float32"), tuple(shape)).contiguous()


def normal(shape, mean, stddev, dtype, seed):
    values = torch.randn(
        tuple(shape), generator=_generator(seed), device=current_device(), dtype=torch.float32
    )
    return (values * stddev + mean).to(to_framework_dtype(dtype))


def uniform(shape, minval, maxval, dtype, seed):
    values = torch.rand(
        tuple(shape), generator=_generator(seed), device=current_device(), dtype=torch.float32
    )
    return (values * (maxval - minval) + minval).to(to_framework_dtype(dtype))


def truncated_normal(shape, mean, stddev, dtype, seed):
    """The normal distribution cut at two standard deviations, by its inverse CDF: one
    uniform draw in [Phi(-2), Phi(2)] per value (no redraw passes over large kernels)."""
    work = torch.float64 if to_framework_dtype(dtype) == torch.float64 else torch.float32
    low = 0.5 * math.erfc(2.0 / math.sqrt(2.0))  # Phi(-2)
    u = torch.rand(tuple(shape), generator=_generator(seed), device=current_device(), dtype=work)
    u = low + u * (1.0 - 2.0 * low)
    values = math.sqrt(2.0) * torch.erfinv(2.0 * u - 1.0)
    values = values.clamp(-2.0, 2.0)  # erfinv's rounding must not step past the cut
    return (values * stddev + mean).to(to_framework_dtype(dtype))


def randint(shape, minval, maxval, dtype, seed):
    values = torch.randint(
        int(minval), int(maxval), tuple(shape), generator=_generator(seed), device=current_device()
    )
    return values.to(to_framework_dtype(dtype))


def categorical(logits, num_samples, dtype, seed):
    probabilities = torch.softmax(convert_to_tensor(logits).float(), dim=-1)
    samples = torch.multinomial(
        probabilities, num_samples, replacement=True, generator=_generator(seed)
    )
    return samples.to(to_framework_dtype(dtype))


def shuffle(x, axis, seed):
    x = convert_to_tensor(x)
    order = torch.randperm(x.shape[axis], generator=_generator(seed), device=x.device)
    return torch.index_select(x, axis, order)


def gamma(shape, alpha, dtype, seed):
    # torch's gamma sampler takes no generator: seed a forked global RNG, restored on exit.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(_mixed_seed(seed))
        values = torch._standard_gamma(_full(alpha, shape))
    return values.to(to_framework_dtype(dtype))


def binomial(shape, counts, probabilities, dtype, seed):
    values = torch.binomial(
        _full(counts, shape), _full(probabilities, shape), generator=_generator(seed)
    )
    return values.to(to_framework_dtype(dtype))
