"""`SeedGenerator`: a random state held in a Variable, so it works under jit and StatelessScope."""

import random as python_random

from cornu import backend
from cornu.backend.common import session


class SeedGenerator:
    """Gives a fresh seed each time it is drawn from; its state is a Variable.

    Args:
        seed: an int; a random one when None.
        name: the state variable's name.

    Example:
        >>> gen = cornu.random.SeedGenerator(42)
        >>> a = cornu.random.normal((2,), seed=gen)
        >>> b = cornu.random.normal((2,), seed=gen)   # different from a
    """

    def __init__(self, seed=None, name=None, **kwargs):
        kwargs.pop("backend", None)
        if kwargs:
            raise TypeError(f"SeedGenerator got unexpected arguments: {sorted(kwargs)}.")
        if seed is None:
            seed = python_random.randint(1, 2**31 - 1)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise TypeError(
                f"SeedGenerator seed must be an int or None; received {seed!r} "
                f"({type(seed).__name__})."
            )
        self._initial_seed = seed
        self.name = name or "seed_generator_state"
        initial = backend.convert_to_numpy(backend.random.make_seed(seed))
        with backend.name_scope(self.name, caller=self):
            self.state = backend.Variable(
                initial, dtype=backend.SEED_DTYPE, trainable=False, name="seed_generator_state"
            )

    def next(self, ordered=True):
        """Returns the current seed tensor and advances the state's counter."""
        step = backend.convert_to_tensor([0, 1], dtype=backend.SEED_DTYPE)
        advanced = self.state.value + step
        self.state.assign(advanced)
        # Not `state.value` itself: on torch that is the storage the assign just overwrote,
        # so the draw would use the advanced counter (and differ from the stateless path).
        return advanced - step

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_global = {}


def global_seed_generator():
    """The SeedGenerator used when `seed=None`."""
    if "generator" not in _global:
        _global["generator"] = SeedGenerator(name="global_seed_generator")
    return _global["generator"]


def reset_global_seed_generator(seed=None):
    _global.pop("generator", None)
    if seed is not None:
        _global["generator"] = SeedGenerator(seed, name="global_seed_generator")


# `cornu.backend.clear_session()` resets the global generator (the backend cannot import this).
session.register_reset_hook(reset_global_seed_generator)


def draw_seed(seed):
    """Turns a `seed` argument (None, int, SeedGenerator, or a seed tensor) into a seed tensor."""
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None:
        return global_seed_generator().next()
    if isinstance(seed, int) and not isinstance(seed, bool):
        return backend.random.make_seed(seed)
    if backend.is_tensor(seed) and tuple(seed.shape) == (2,):
        return backend.convert_to_tensor(seed, dtype=backend.SEED_DTYPE)
    raise TypeError(
        "seed must be None, an int, a cornu.random.SeedGenerator or a seed tensor of shape "
        f"(2,); received {seed!r} ({type(seed).__name__})."
    )
