"""Variable semantics on the backend in use, including use in the framework's own functions."""

import numpy as np
import pytest

import cornu
from cornu import backend, ops
from tests.conftest import requires_training


def test_from_value_infers_shape_and_dtype():
    v = cornu.Variable(np.ones((2, 3), dtype="float32"), name="kernel")
    assert v.shape == (2, 3) and v.dtype == "float32" and v.ndim == 2
    assert v.name == "kernel" and v.path == "kernel" and v.trainable
    assert cornu.Variable(1.0).dtype == "float32"
    assert cornu.Variable(3).dtype == "int32"
    assert cornu.Variable([1, 2], dtype="int64").dtype == "int64"


def test_from_callable_initializer():
    v = cornu.Variable(lambda shape, dtype: np.full(shape, 2.0), shape=(2,), dtype="float16")
    assert v.dtype == "float16"
    np.testing.assert_allclose(v.numpy(), [2.0, 2.0])


def test_callable_initializer_needs_shape():
    with pytest.raises(ValueError, match="callable initializer needs `shape`"):
        cornu.Variable(lambda shape, dtype: np.zeros(shape))


def test_shape_argument_must_match_value():
    with pytest.raises(ValueError, match=r"shape=\(3,\) does not match.*\(2,\)"):
        cornu.Variable(np.zeros(2), shape=(3,))


def test_bad_name():
    with pytest.raises(ValueError, match="without '/'"):
        cornu.Variable(0.0, name="a/b")


def test_assign_family():
    v = cornu.Variable(np.zeros(3, dtype="float32"))
    v.assign(np.array([1.0, 2.0, 3.0]))
    v.assign_add(np.ones(3))
    v.assign_sub(0.5)
    np.testing.assert_allclose(v.numpy(), [1.5, 2.5, 3.5])
    assert v.dtype == "float32"


def test_assign_wrong_shape_names_both_shapes():
    v = cornu.Variable(np.zeros((2, 3)), name="w")
    with pytest.raises(
        ValueError, match=r"Variable 'w' has shape \(2, 3\); the value has shape \(3, 2\)"
    ):
        v.assign(np.zeros((3, 2)))


def test_operators_and_indexing():
    v = cornu.Variable(np.array([1.0, 2.0, 3.0], dtype="float32"))
    np.testing.assert_allclose(ops.convert_to_numpy(v + 1), [2, 3, 4])
    np.testing.assert_allclose(ops.convert_to_numpy(2 * v), [2, 4, 6])
    np.testing.assert_allclose(ops.convert_to_numpy(1 - v), [0, -1, -2])
    np.testing.assert_allclose(ops.convert_to_numpy(v / 2), [0.5, 1, 1.5])
    np.testing.assert_allclose(ops.convert_to_numpy(v**2), [1, 4, 9])
    np.testing.assert_allclose(ops.convert_to_numpy(-v), [-1, -2, -3])
    np.testing.assert_array_equal(ops.convert_to_numpy(v > 1.5), [False, True, True])
    np.testing.assert_allclose(ops.convert_to_numpy(v[1:]), [2, 3])
    np.testing.assert_allclose(ops.convert_to_numpy(v @ v), 14.0)
    np.testing.assert_allclose(np.asarray(v), [1, 2, 3])
    assert float(cornu.Variable(2.5)) == 2.5 and len(v) == 3


def test_truth_value_is_refused():
    with pytest.raises(TypeError, match="ambiguous"):
        bool(cornu.Variable(np.zeros(2)))


def test_used_by_the_frameworks_own_functions():
    v = cornu.Variable(np.array([1.0, 2.0, 3.0], dtype="float32"))
    name = backend.backend()
    if name == "jax":
        import jax
        import jax.numpy as jnp

        # As in Keras, a Variable is a pytree leaf: JAX loops map `lambda v: v.value` over
        # model.trainable_variables, and jitted jnp functions take `v.value` or jnp.asarray(v).
        assert jax.tree_util.tree_leaves([v]) == [v]
        assert jax.tree_util.tree_map(lambda x: x.value, [v])[0] is v.value
        total = jnp.sum(jnp.asarray(v)) + jnp.sum(v.value) - jnp.sum(v + 0.0)
    elif name == "torch":
        import torch

        total = torch.sum(v)
        assert isinstance(v.value, torch.nn.Parameter)
    elif name == "tensorflow":
        import tensorflow as tf

        total = tf.reduce_sum(v)
    else:
        total = np.sum(v)
    assert float(ops.convert_to_numpy(total)) == 6.0


def test_name_scope_builds_paths():
    with cornu.name_scope("block"):
        with cornu.name_scope("dense"):
            v = cornu.Variable(0.0, name="kernel")
    assert v.path == "block/dense/kernel" and v.name == "kernel"


def test_trainable_flag():
    v = cornu.Variable(np.zeros(2), trainable=False)
    assert not v.trainable
    v.trainable = True
    assert v.trainable
    if backend.backend() == "torch":
        assert v.value.requires_grad


def test_stateless_scope_reads_and_collects_assigns():
    v = cornu.Variable(np.array([1.0], dtype="float32"))
    with cornu.StatelessScope([(v, np.array([5.0]))]) as scope:
        np.testing.assert_allclose(ops.convert_to_numpy(v.value), [5.0])
        v.assign(v + 1.0)
        np.testing.assert_allclose(ops.convert_to_numpy(v.value), [6.0])
    np.testing.assert_allclose(v.numpy(), [1.0])
    np.testing.assert_allclose(ops.convert_to_numpy(scope.get_current_value(v)), [6.0])


def test_stateless_scope_rejects_wrong_shapes_and_keys():
    v = cornu.Variable(np.zeros(2), name="w")
    with pytest.raises(ValueError, match=r"Variable 'w' has shape \(2,\)"):
        cornu.StatelessScope([(v, np.zeros(3))])
    with pytest.raises(TypeError, match="pair cornu Variables"):
        cornu.StatelessScope([("w", np.zeros(2))])


def test_variables_made_in_a_stateless_scope_initialize_on_exit():
    with cornu.StatelessScope():
        v = cornu.Variable(lambda shape, dtype: np.ones(shape), shape=(2,))
        with pytest.raises(ValueError, match="not initialized yet"):
            v.numpy()
    np.testing.assert_allclose(v.numpy(), [1.0, 1.0])


@pytest.mark.skipif(backend.backend() != "jax", reason="jax.jit is the jax backend's")
def test_under_jax_jit_through_stateless_scope():
    import jax
    import jax.numpy as jnp

    v = cornu.Variable(np.array([1.0, 2.0], dtype="float32"))

    @jax.jit
    def step(value):
        with cornu.StatelessScope([(v, value)]) as scope:
            v.assign(v * 3.0)
        return scope.get_current_value(v)

    np.testing.assert_allclose(step(jnp.array([2.0, 2.0], dtype="float32")), [6.0, 6.0])
    np.testing.assert_allclose(v.numpy(), [1.0, 2.0])

    @jax.jit
    def leaky(value):
        v.assign(value)
        return value

    with pytest.raises(ValueError, match="traced value inside a jax transformation"):
        leaky(jnp.zeros(2, dtype="float32"))


@requires_training
def test_gradient_through_a_variable():
    v = cornu.Variable(np.array([1.0, 2.0], dtype="float32"))
    name = backend.backend()
    if name == "jax":
        import jax
        import jax.numpy as jnp

        grad = jax.grad(lambda w: jnp.sum(w * w))(v.value)
    elif name == "torch":
        loss = (v * v).sum()
        loss.backward()
        grad = v.value.grad
    else:
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(v.value * v.value)
        grad = tape.gradient(loss, v._storage)
    np.testing.assert_allclose(ops.convert_to_numpy(grad), [2.0, 4.0])


def test_initializer_given_by_name_and_default_names():
    cornu.backend.clear_session()
    v = cornu.Variable(initializer="ones", shape=(3,), dtype="float32")
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(v), 1.0)
    assert v.name == "variable" and cornu.Variable(1.0).name == "variable_1"
