"""cornu.random: shapes, dtypes, determinism, statistics and argument checks."""

import numpy as np
import pytest

import cornu
from cornu import backend, ops
from cornu import random as cr


def as_np(x):
    return ops.convert_to_numpy(x).astype("float64")


SAMPLERS = {
    "normal": lambda seed: cr.normal((400,), seed=seed),
    "uniform": lambda seed: cr.uniform((400,), seed=seed),
    "truncated_normal": lambda seed: cr.truncated_normal((400,), seed=seed),
    "randint": lambda seed: cr.randint((400,), 0, 10, seed=seed),
    "categorical": lambda seed: cr.categorical(np.zeros((2, 5), "float32"), 50, seed=seed),
    "shuffle": lambda seed: cr.shuffle(np.arange(50), seed=seed),
    "gamma": lambda seed: cr.gamma((400,), 2.0, seed=seed),
    "binomial": lambda seed: cr.binomial((400,), 10, 0.3, seed=seed),
    "beta": lambda seed: cr.beta((400,), 2.0, 3.0, seed=seed),
    "dropout": lambda seed: cr.dropout(np.ones((400,), "float32"), 0.5, seed=seed),
}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_an_int_seed_repeats_and_a_generator_advances(name):
    sample = SAMPLERS[name]
    np.testing.assert_array_equal(as_np(sample(7)), as_np(sample(7)))
    generator = cr.SeedGenerator(7)
    assert not np.array_equal(as_np(sample(generator)), as_np(sample(generator)))
    assert not np.array_equal(as_np(sample(7)), as_np(sample(8)))


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_set_random_seed_makes_unseeded_calls_reproducible(name):
    cornu.utils.set_random_seed(123)
    first = as_np(SAMPLERS[name](None))
    cornu.utils.set_random_seed(123)
    np.testing.assert_array_equal(first, as_np(SAMPLERS[name](None)))


def test_shapes_and_dtypes():
    assert ops.shape(cr.normal((2, 3), seed=1)) == (2, 3)
    assert ops.dtype(cr.normal((2,), dtype="float16", seed=1)) == "float16"
    assert ops.dtype(cr.randint((2,), 0, 5, seed=1)) == "int32"
    assert ops.dtype(cr.randint((2,), 0, 5, dtype="int64", seed=1)) == "int64"
    assert ops.shape(cr.categorical(np.zeros((3, 4), "float32"), 6, seed=1)) == (3, 6)
    assert ops.dtype(cr.uniform((2,), seed=1)) == "float32"


def test_statistics():
    x = as_np(cr.normal((20000,), mean=2.0, stddev=3.0, seed=1))
    assert abs(x.mean() - 2.0) < 0.1 and abs(x.std() - 3.0) < 0.1
    u = as_np(cr.uniform((20000,), minval=-1.0, maxval=3.0, seed=2))
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.05
    t = as_np(cr.truncated_normal((20000,), stddev=2.0, seed=3))
    assert np.abs(t).max() <= 4.0 + 1e-5 and abs(t.std() - 2.0 * 0.8796) < 0.05
    r = as_np(cr.randint((20000,), 3, 7, seed=4))
    assert set(np.unique(r)) == {3, 4, 5, 6}
    g = as_np(cr.gamma((20000,), 3.0, seed=5))
    assert abs(g.mean() - 3.0) < 0.1
    b = as_np(cr.binomial((20000,), 10, 0.3, seed=6))
    assert abs(b.mean() - 3.0) < 0.1 and b.min() >= 0 and b.max() <= 10
    beta = as_np(cr.beta((20000,), 2.0, 3.0, seed=7))
    assert 0 < beta.min() and beta.max() < 1 and abs(beta.mean() - 0.4) < 0.02


def test_categorical_follows_the_logits():
    logits = np.log(np.array([[0.1, 0.9]], dtype="float32"))
    samples = as_np(cr.categorical(logits, 5000, seed=3))
    assert abs(samples.mean() - 0.9) < 0.03


def test_dropout_and_shuffle():
    out = as_np(cr.dropout(np.ones((10000,), "float32"), 0.25, seed=1))
    assert np.all(np.isclose(out, 0.0) | np.isclose(out, 1.0 / 0.75))
    assert abs((out == 0).mean() - 0.25) < 0.03
    masked = as_np(cr.dropout(np.ones((50, 4), "float32"), 0.5, noise_shape=(50, 1), seed=2))
    assert all(len(set(row)) == 1 for row in masked)
    shuffled = as_np(cr.shuffle(np.arange(100), seed=1))
    assert sorted(shuffled) == list(range(100)) and list(shuffled) != list(range(100))
    columns = as_np(cr.shuffle(np.arange(12).reshape(3, 4), axis=1, seed=1))
    np.testing.assert_array_equal(np.sort(columns, axis=1), np.arange(12).reshape(3, 4))


@pytest.mark.parametrize("seed", ["abc", 1.5, [1, 2]], ids=["str", "float", "list"])
def test_bad_seeds_raise(seed):
    with pytest.raises(TypeError, match="seed must be None, an int"):
        cr.normal((2,), seed=seed)


def test_bad_arguments_raise():
    with pytest.raises(TypeError, match="SeedGenerator seed must be an int"):
        cr.SeedGenerator("x")
    with pytest.raises(ValueError, match="needs a float dtype"):
        cr.normal((2,), dtype="int32")
    with pytest.raises(ValueError, match="needs an integer dtype"):
        cr.randint((2,), 0, 3, dtype="float32")
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\)"):
        cr.dropout(np.ones(2), 1.0)
    with pytest.raises(ValueError, match="shape must be a tuple of ints"):
        cr.uniform("ab")
    with pytest.raises(TypeError, match="non-negative int"):
        cornu.utils.set_random_seed(-1)


@pytest.mark.skipif(backend.backend() != "jax", reason="jax.jit is the jax backend's")
def test_seed_generator_under_jax_jit_through_stateless_scope():
    import jax

    generator = cr.SeedGenerator(1)
    state = generator.state.value

    @jax.jit
    def sample(state):
        with cornu.StatelessScope([(generator.state, state)]) as scope:
            values = cr.normal((3,), seed=generator)
        return values, scope.get_current_value(generator.state)

    first, state = sample(state)
    second, _ = sample(state)
    assert not np.array_equal(np.asarray(first), np.asarray(second))


def test_seed_generator_next_returns_the_state_before_it_advances():
    # On torch the state's value is its storage, which the assign overwrites in place.
    generator = cr.SeedGenerator(7)
    before = np.asarray(backend.convert_to_numpy(generator.state.value)).copy()
    seed = np.asarray(backend.convert_to_numpy(generator.next()))
    np.testing.assert_array_equal(seed, before)
    after = np.asarray(backend.convert_to_numpy(generator.state.value))
    np.testing.assert_array_equal(after, before + [0, 1])
