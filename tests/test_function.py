"""keras.Function: a graph of ops between KerasTensors, called on arrays (behaviour observed
from Keras 3.15: strict input structure, shape checks, outputs in the built nesting)."""

import numpy as np
import pytest

import cornu
from cornu import layers, ops

A = np.ones((2, 3), "float32")


def _two_input_function():
    x = cornu.KerasTensor((None, 3), name="x")
    y = cornu.KerasTensor((None, 3), name="y")
    z = ops.add(x, y) * 2.0
    return cornu.Function([x, y], [z, ops.sum(z, axis=-1)], name="fn"), x, y


def test_builds_and_calls_on_arrays():
    fn, x, y = _two_input_function()
    assert fn.name == "fn" and fn.inputs == [x, y]
    assert [type(op).__name__ for op in fn.operations] == ["Add", "Multiply", "Sum"]
    out = fn([A, A * 2])
    assert isinstance(out, list)
    np.testing.assert_allclose(ops.convert_to_numpy(out[0]), np.full((2, 3), 6.0))
    np.testing.assert_allclose(ops.convert_to_numpy(out[1]), np.full((2,), 18.0))
    assert isinstance(fn, cornu.Operation) and not isinstance(fn, cornu.Layer)


def test_nested_inputs_and_outputs():
    a, b = cornu.Input((2,), name="a"), cornu.Input((2,), name="b")
    fn = cornu.Function({"a": a, "b": b}, {"s": a + b, "p": [a * b]})
    out = fn({"a": np.ones((1, 2), "float32"), "b": np.full((1, 2), 3.0, "float32")})
    assert sorted(out) == ["p", "s"] and isinstance(out["p"], list)
    np.testing.assert_allclose(ops.convert_to_numpy(out["p"][0]), [[3.0, 3.0]])
    symbolic = fn({"a": cornu.KerasTensor((4, 2)), "b": cornu.KerasTensor((4, 2))})
    assert tuple(symbolic["s"].shape) == (4, 2)


def test_output_specs_and_shapes():
    fn, _, _ = _two_input_function()
    specs = fn.compute_output_spec([cornu.KerasTensor((5, 3)), cornu.KerasTensor((5, 3))])
    assert [tuple(s.shape) for s in specs] == [(5, 3), (5,)]
    assert [tuple(s) for s in fn.compute_output_shape([(5, 3), (5, 3)])] == [(5, 3), (5,)]


def test_single_tensor_and_list_of_one():
    x = cornu.KerasTensor((None, 3))
    assert not isinstance(cornu.Function(x, x * 2.0)(A), list)
    assert isinstance(cornu.Function([x], [x * 2.0])([A]), list)
    assert cornu.Function(x, x)(A) is A  # an output that is an input is returned as given


def test_layers_inside_a_function():
    inp = cornu.Input((3,))
    dense = layers.Dense(2)
    fn = cornu.Function(inp, dense(inp))
    assert tuple(fn(np.ones((1, 3), "float32")).shape) == (1, 2)
    assert [type(op).__name__ for op in fn.operations] == ["InputLayer", "Dense"]


def test_inputs_are_not_cast():
    x = cornu.KerasTensor((None, 3))
    out = cornu.Function(x, x + 1)(np.ones((2, 3), "int32"))
    assert cornu.backend.standardize_dtype(out.dtype) == "int32"


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda fn: fn(A), "invalid input structure"),
        (lambda fn: fn([A, A, A]), "invalid input structure"),
        (lambda fn: fn(None), "invalid input structure"),
        (lambda fn: fn([np.ones((2, 4), "float32"), A]), r"input 'x', expected shape \(None, 3\)"),
        (lambda fn: fn([np.ones((2, 3, 1), "float32"), A]), r"received instead.*\(2, 3, 1\)"),
    ],
    ids=["leaf-for-list", "too-many", "none", "wrong-dim", "wrong-rank"],
)
def test_call_errors(call, match):
    fn, _, _ = _two_input_function()
    with pytest.raises(ValueError, match=match):
        call(fn)


def test_construction_errors():
    x, y = cornu.KerasTensor((None, 3)), cornu.KerasTensor((None, 3))
    with pytest.raises(ValueError, match="all outputs must be KerasTensors.*received float"):
        cornu.Function([x], [1.0])
    with pytest.raises(ValueError, match="all inputs must be KerasTensors.*received ndarray"):
        cornu.Function([A], [x])
    with pytest.raises(ValueError, match="graph disconnected.*not among the inputs"):
        cornu.Function([x], [x + y])
    with pytest.raises(ValueError, match="name must be a string"):
        cornu.Function(x, x, name=3)
    with pytest.raises(NotImplementedError, match="cannot be serialized"):
        cornu.Function(x, x).get_config()
