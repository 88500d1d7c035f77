"""The backend interface: conversion, control flow, gradients stops, devices."""

import importlib.util

import numpy as np
import pytest

from cornu import backend, ops
from cornu.backend import interface
from tests.conftest import requires_training


@pytest.mark.parametrize("name", ["numpy", "jax", "torch", "tensorflow"])
def test_every_installed_backend_fulfils_the_interface(name):
    if name != backend.backend():
        pytest.skip("importing a second framework here would load it into this process")
    module = importlib.import_module(f"cornu.backend.{name}")
    assert hasattr(module, "LayerMixin"), f"cornu.backend.{name} lacks LayerMixin"
    for attr in interface.CAPABILITIES + interface.CORE:
        if attr != "LayerMixin":
            assert hasattr(module.core, attr), f"cornu.backend.{name}.core lacks {attr}"
    for attr in interface.RANDOM:
        assert hasattr(module.random, attr), f"cornu.backend.{name}.random lacks {attr}"


@pytest.mark.parametrize(
    "value,expected",
    [(1.5, "float32"), (3, "int32"), (True, "bool"), ([1.0, 2.0], "float32"), ([1, 2], "int32"),
     (np.zeros(2, "float64"), "float64"), (np.zeros(2, "int16"), "int16"), (2**40, "int64")],
    ids=["py-float", "py-int", "py-bool", "float-list", "int-list", "np-float64", "np-int16", "big-int"],
)  # fmt: skip
def test_convert_to_tensor_dtypes(value, expected):
    tensor = ops.convert_to_tensor(value)
    assert backend.is_tensor(tensor)
    assert ops.dtype(tensor) == expected
    np.testing.assert_array_equal(ops.convert_to_numpy(tensor), np.asarray(value))


def test_convert_to_tensor_with_dtype_and_cast():
    tensor = ops.convert_to_tensor([1, 2], dtype="float16")
    assert ops.dtype(tensor) == "float16"
    assert ops.dtype(ops.cast(tensor, "int8")) == "int8"
    assert ops.shape(ops.convert_to_tensor(np.zeros((2, 3)))) == (2, 3)


def test_bfloat16_round_trip():
    tensor = ops.convert_to_tensor(np.array([1.5, 2.0]), dtype="bfloat16")
    assert ops.dtype(tensor) == "bfloat16"
    np.testing.assert_array_equal(ops.convert_to_numpy(tensor).astype("float32"), [1.5, 2.0])


def test_cond():
    x = ops.convert_to_tensor(2.0)
    out = ops.cond(x > 1.0, lambda: x * 10.0, lambda: x)
    assert float(ops.convert_to_numpy(out)) == 20.0


def test_while_loop_and_maximum_iterations():
    i, total = ops.while_loop(
        lambda i, t: i < 5,
        lambda i, t: (i + 1, t + i),
        (ops.convert_to_tensor(0), ops.convert_to_tensor(0)),
    )
    assert int(ops.convert_to_numpy(i)) == 5 and int(ops.convert_to_numpy(total)) == 10
    (count,) = ops.while_loop(
        lambda c: c < 100, lambda c: (c + 1,), (ops.convert_to_tensor(0),), maximum_iterations=7
    )
    assert int(ops.convert_to_numpy(count)) == 7


def test_fori_loop():
    out = ops.fori_loop(0, 4, lambda i, v: v + i, ops.convert_to_tensor(0))
    assert int(ops.convert_to_numpy(out)) == 6


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
def test_scan_cumulative_sum(reverse):
    xs = ops.convert_to_tensor(np.arange(1.0, 5.0, dtype="float32"))
    carry, ys = ops.scan(
        lambda c, x: (c + x, c + x), ops.convert_to_tensor(0.0), xs, reverse=reverse
    )
    expected = np.cumsum([1, 2, 3, 4.0])
    expected = expected if not reverse else np.cumsum([4, 3, 2, 1.0])[::-1]
    assert float(ops.convert_to_numpy(carry)) == 10.0
    np.testing.assert_allclose(ops.convert_to_numpy(ys), expected)


def test_scan_needs_xs_or_length():
    with pytest.raises(ValueError, match="needs `xs` or `length`"):
        ops.scan(lambda c, x: (c, c), ops.convert_to_tensor(0.0))


def test_vectorized_map():
    xs = ops.convert_to_tensor(np.arange(6.0, dtype="float32").reshape(3, 2))
    out = ops.vectorized_map(lambda row: row * 2.0, xs)
    np.testing.assert_allclose(ops.convert_to_numpy(out), np.arange(6.0).reshape(3, 2) * 2)


@requires_training
def test_stop_gradient_blocks_gradients():
    name = backend.backend()
    if name == "jax":
        import jax

        grad = jax.grad(lambda x: ops.stop_gradient(x) * x)(3.0)
    elif name == "torch":
        import torch

        x = torch.tensor(3.0, requires_grad=True)
        (ops.stop_gradient(x) * x).backward()
        grad = x.grad
    else:
        import tensorflow as tf

        x = tf.Variable(3.0)
        with tf.GradientTape() as tape:
            y = ops.stop_gradient(x) * x
        grad = tape.gradient(y, x)
    assert float(ops.convert_to_numpy(grad)) == 3.0


def test_device_scope():
    import cornu

    with cornu.device("cpu:0"):
        tensor = ops.convert_to_tensor([1.0])
    assert ops.convert_to_numpy(tensor).tolist() == [1.0]
    with pytest.raises(ValueError, match="device"):
        with cornu.device("tpu9:7"):
            pass
    with pytest.raises(TypeError, match="device expects a string"):
        cornu.device(0)


def test_get_uid_and_clear_session():
    backend.clear_session()
    assert backend.get_uid("probe") == 1
    assert backend.get_uid("probe") == 2
    backend.clear_session()
    assert backend.get_uid("probe") == 1
