"""Random sampling (`keras.random`): seeded, reproducible, usable under jit via SeedGenerator."""

from cornu.random.random import (
    beta,
    binomial,
    categorical,
    dropout,
    gamma,
    normal,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)
from cornu.random.seed_generator import SeedGenerator
