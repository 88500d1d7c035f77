"""The kernels written once for NumPy and JAX (`backend/common/array_kernels.py`).

Each backend binds them once, the namespace's own functions without a wrapper, and a kernel that
two front-end families call in different forms accepts both.
"""

import importlib
import warnings

import numpy as np
import pytest

from cornu import backend, ops
from cornu.backend.common import array_kernels
from cornu.ops.define import kernels

requires_array_namespace = pytest.mark.skipif(
    backend.backend() not in ("numpy", "jax"),
    reason="only the numpy and jax backends are written over an array namespace",
)
requires_numpy = pytest.mark.skipif(
    backend.backend() != "numpy", reason="checks a numpy backend kernel"
)


def _xp():
    return importlib.import_module("numpy" if backend.backend() == "numpy" else "jax.numpy")


def _to_numpy(x):
    return backend.convert_to_numpy(x)


def test_eager_jit_leaves_the_kernel_unchanged():
    def kernel(x, upper):
        return x

    assert array_kernels.eager("upper")(kernel) is kernel


def test_topic_functions_return_only_kernels():
    shared = array_kernels.linalg(np)
    assert "svd" in shared and "slogdet" in shared
    assert not {"xp", "jit", "_adjoint"} & set(shared)


@requires_array_namespace
@pytest.mark.parametrize("topic", ["elementwise", "manipulation"])
def test_namespace_functions_are_bound_without_a_wrapper(topic):
    xp = _xp()
    shared = getattr(array_kernels, topic)(xp)
    own = {name: fn for name, fn in shared.items() if fn is getattr(xp, name, None)}
    assert len(own) >= 6
    for name, fn in own.items():
        assert getattr(kernels(), name) is fn, name


# The arguments each topic function takes after the array namespace.
TOPIC_ARGUMENTS = {
    "elementwise": (),
    "creation": (str,),  # to_dtype
    "manipulation": (),
    "indexing": (),
    "sorting": (),
    "reduction": (),
    "linalg": (),
    "image": (),
    "math": (),
}


@requires_array_namespace
@pytest.mark.parametrize("topic", sorted(TOPIC_ARGUMENTS))
def test_the_backend_binds_each_shared_kernel(topic):
    shared = getattr(array_kernels, topic)(_xp(), *TOPIC_ARGUMENTS[topic])
    for name, fn in shared.items():
        bound = getattr(kernels(), name)
        code = getattr(fn, "__code__", None)
        if code is None:  # the namespace's own function
            assert bound is fn, name
        else:  # the same body (under jax.jit where the backend compiles it)
            assert getattr(bound, "__wrapped__", bound).__code__ is code, name


@requires_array_namespace
def test_arange_takes_the_creation_and_the_nn_call_forms():
    np.testing.assert_array_equal(_to_numpy(kernels().arange(2, 8, 2, 3, "int32")), [2, 4, 6])
    nn_form = kernels().arange(3, "float32")
    assert ops.dtype(nn_form) == "float32"
    np.testing.assert_array_equal(_to_numpy(nn_form), [0.0, 1.0, 2.0])


@requires_array_namespace
def test_zeros_like_keeps_the_dtype_unless_given_one():
    x = ops.convert_to_tensor(np.ones((2, 3), "float32"))
    assert ops.dtype(kernels().zeros_like(x)) == "float32"
    assert ops.dtype(kernels().ones_like(x, "int8")) == "int8"


@requires_array_namespace
def test_reductions_take_the_reduction_and_the_nn_call_forms():
    x = ops.convert_to_tensor(np.arange(6, dtype="float32").reshape(2, 3))
    np.testing.assert_allclose(_to_numpy(kernels().sum(x, (1,), False)), [3.0, 12.0])
    np.testing.assert_allclose(_to_numpy(kernels().sum(x, axis=1, keepdims=True)), [[3], [12]])
    np.testing.assert_allclose(_to_numpy(kernels().mean(x)), 2.5)
    np.testing.assert_array_equal(_to_numpy(kernels().argmax(x, 1)), [2, 2])
    np.testing.assert_array_equal(_to_numpy(kernels().argmax(x, 1, True)), [[2], [2]])


@requires_numpy
def test_numpy_broadcast_to_gives_a_writable_array():
    out = kernels().broadcast_to(np.zeros(3, "float32"), (2, 3))
    out[0, 0] = 1.0
    assert out.sum() == 1.0


@requires_numpy
def test_numpy_divide_by_zero_is_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = kernels().divide(np.zeros(2, "float32"), np.zeros(2, "float32"))
    assert np.isnan(out).all()
