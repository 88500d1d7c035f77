"""The torch and tensorflow kernels: one flat namespace, and the call forms its shared primitives
take (the front-end families once had their own copies, with their own signatures)."""

import numpy as np
import pytest

from cornu import backend, ops
from cornu.backend.common.kernel_namespace import KernelNamespace, gather
from cornu.ops.define import kernels

pytestmark = pytest.mark.skipif(
    backend.backend() not in ("torch", "tensorflow"),
    reason="pins the call forms of the torch and tensorflow kernels",
)

X = np.arange(24, dtype="float32").reshape(2, 3, 4) - 7.0


def _k():
    return kernels()


def _np(x):
    return ops.convert_to_numpy(x)


def _t(x):
    return ops.convert_to_tensor(x)


def test_the_kernels_are_one_namespace_with_no_name_declared_twice():
    import importlib

    package = importlib.import_module(f"cornu.backend.{backend.backend()}")
    assert "rnn" in package.KERNEL_MODULES
    merged = gather(package.__name__, package.KERNEL_MODULES)  # raises KernelDeclaredTwice
    assert isinstance(_k(), KernelNamespace)
    assert _k().concat is _k().concatenate
    assert _k().reduce_max is _k().max and _k().abs is _k().absolute
    assert merged["fori_loop"] is backend.fori_loop
    assert merged["stop_gradient"] is backend.stop_gradient


@pytest.mark.parametrize(
    "call,expected",
    [
        (lambda k: k.sum(_t(X), (0, 2), False), X.sum((0, 2))),
        (lambda k: k.sum(_t(X), axis=-1, keepdims=True), X.sum(-1, keepdims=True)),
        (lambda k: k.sum(_t(X)), X.sum()),
        (lambda k: k.max(_t(X), axis=(-2, -1), keepdims=True), X.max((1, 2), keepdims=True)),
        (lambda k: k.max(_t(X), None, True), X.max(keepdims=True)),
        (lambda k: k.min(_t(X), axis=1), X.min(1)),
        (lambda k: k.mean(_t(X), axis=-1), X.mean(-1)),
        (lambda k: k.mean(_t(X)), X.mean()),
    ],
    ids=[
        "sum-reduction-form",
        "sum-nn-form",
        "sum-all",
        "max-negative-axes",
        "max-all-keepdims",
        "min-int-axis",
        "mean-nn-form",
        "mean-all",
    ],
)
def test_reductions_take_the_reduction_and_the_nn_call_forms(call, expected):
    np.testing.assert_allclose(_np(call(_k())), expected, rtol=1e-6)


def test_reductions_of_wide_unsigned_ints_take_the_nn_call_form():
    x = np.arange(12, dtype="uint32").reshape(3, 4)
    np.testing.assert_array_equal(_np(_k().sum(_t(x), axis=-1)), x.sum(-1))
    np.testing.assert_array_equal(
        _np(_k().max(_t(x), axis=0, keepdims=True)), x.max(0, keepdims=True)
    )


def test_max_propagates_nan_and_takes_bools():
    x = np.array([[1.0, np.nan], [2.0, 3.0]], "float32")
    np.testing.assert_array_equal(_np(_k().max(_t(x), axis=1)), [np.nan, 3.0])
    b = np.array([[True, False], [False, False]])
    np.testing.assert_array_equal(_np(_k().max(_t(b), (1,), False)), [True, False])


def test_argmax_and_cumsum_take_both_call_forms():
    x = _t(X)
    np.testing.assert_array_equal(_np(_k().argmax(x, 2)), X.argmax(2))
    np.testing.assert_array_equal(_np(_k().argmax(x, 2, True)), X.argmax(2)[..., None])
    np.testing.assert_allclose(_np(_k().cumsum(x, 1)), X.cumsum(1))


@pytest.mark.parametrize(
    "axes,expected",
    [((), X[::-1]), (1, X[:, ::-1]), ((0, 2), X[::-1, :, ::-1])],
    ids=["default-first-axis", "one-int", "tuple"],
)
def test_flip_takes_no_axis_an_int_or_a_tuple(axes, expected):
    out = _k().flip(_t(X), *((axes,) if axes != () else ()))
    np.testing.assert_array_equal(_np(out), expected)


def test_expand_dims_takes_an_int_or_a_tuple():
    assert tuple(_k().expand_dims(_t(X), 1).shape) == (2, 1, 3, 4)
    assert tuple(_k().expand_dims(_t(X), -1).shape) == (2, 3, 4, 1)
    assert tuple(_k().expand_dims(_t(X), (0, 2)).shape) == (1, 2, 1, 3, 4)


def test_arange_takes_the_creation_and_the_short_form():
    np.testing.assert_array_equal(_np(_k().arange(4, "int32")), np.arange(4))
    np.testing.assert_array_equal(_np(_k().arange(1, 7, 2, 3, "int32")), [1, 3, 5])
    assert ops.dtype(_k().arange(3, "float32")) == "float32"


def test_zeros_like_and_ones_like_keep_the_dtype_unless_given_one():
    x = _t(np.ones((2, 3), "int16"))
    assert ops.dtype(_k().zeros_like(x)) == "int16"
    assert ops.dtype(_k().ones_like(x, "float32")) == "float32"
    np.testing.assert_array_equal(_np(_k().ones_like(x)), np.ones((2, 3)))


def test_take_accepts_numpy_indices_and_wraps_negative_ones():
    out = _k().take(_t(X), np.array([0, -1], "int64"), 2)
    np.testing.assert_array_equal(_np(out), X[:, :, [0, 3]])


def test_pad_concatenate_and_transpose_are_shared():
    x = _t(X[0])
    np.testing.assert_array_equal(
        _np(_k().pad(x, ((1, 0), (0, 2)), -1.0)),
        np.pad(X[0], ((1, 0), (0, 2)), constant_values=-1.0),
    )
    np.testing.assert_array_equal(_np(_k().concatenate([x, x], 0)), np.concatenate([X[0], X[0]]))
    np.testing.assert_array_equal(_np(_k().transpose(_t(X), (2, 0, 1))), X.transpose(2, 0, 1))


@pytest.mark.parametrize("name", ["less", "less_equal", "greater", "greater_equal"])
def test_order_comparisons_take_bools(name):
    a, b = np.array([True, False, True]), np.array([False, False, True])
    np.testing.assert_array_equal(_np(getattr(_k(), name)(_t(a), _t(b))), getattr(np, name)(a, b))
