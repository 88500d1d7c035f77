"""KerasTensor, Operation, Node and Input: shape/dtype inference without computation."""

import numpy as np
import pytest

import cornu
from cornu import backend, ops
from cornu.graph.keras_tensor import KerasTensor


def test_input_shapes():
    x = cornu.Input((3,), name="features")
    assert x.shape == (None, 3) and x.dtype == "float32"
    assert cornu.Input(batch_shape=(4, 2), dtype="int8").shape == (4, 2)
    assert cornu.Input((5,), batch_size=8).shape == (8, 5)
    assert backend.is_keras_tensor(x) and not backend.is_keras_tensor(np.zeros(1))


def test_input_argument_errors():
    with pytest.raises(ValueError, match="either `shape` or `batch_shape`"):
        cornu.Input(shape=(3,), batch_shape=(None, 3))
    with pytest.raises(ValueError, match="needs `shape`"):
        cornu.Input()
    with pytest.raises(ValueError, match="non-negative"):
        cornu.Input((-1,))
    with pytest.raises(ValueError, match="tuple of ints or None"):
        cornu.Input(("a",))


SYMBOLIC_CASES = [
    ("add-broadcast", lambda a, b: a + b, (None, 3), (3,), (None, 3), "float32"),
    ("scalar-weak", lambda a, b: a * 2, (None, 3), (3,), (None, 3), "float32"),
    ("compare", lambda a, b: a > b, (None, 1), (4,), (None, 4), "bool"),
    ("matmul", lambda a, b: a @ ops.reshape(b, (3, 1)), (None, 3), (3,), (None, 1), "float32"),
    ("reshape-minus-one", lambda a, b: ops.reshape(a, (-1,)), (2, 3), (3,), (6,), "float32"),
    ("reshape-unknown", lambda a, b: ops.reshape(a, (-1, 3, 1)), (None, 3), (3,), (None, 3, 1), "float32"),
    ("getitem", lambda a, b: a[:, 1:], (None, 3), (3,), (None, 2), "float32"),
    ("getitem-newaxis", lambda a, b: a[..., None], (None, 3), (3,), (None, 3, 1), "float32"),
    ("squeeze", lambda a, b: ops.squeeze(ops.reshape(a, (-1, 1, 3))), (None, 3), (3,), (None, 3), "float32"),
    ("cast", lambda a, b: ops.cast(a, "int8"), (None, 3), (3,), (None, 3), "int8"),
    ("divide-int", lambda a, b: ops.true_divide(ops.cast(a, "int32"), 2), (None, 3), (3,), (None, 3), "float32"),
]  # fmt: skip


@pytest.mark.parametrize(
    "fn,shape_a,shape_b,expected_shape,expected_dtype",
    [case[1:] for case in SYMBOLIC_CASES],
    ids=[case[0] for case in SYMBOLIC_CASES],
)
def test_symbolic_matches_eager(fn, shape_a, shape_b, expected_shape, expected_dtype):
    a, b = KerasTensor(shape_a), KerasTensor(shape_b)
    out = fn(a, b)
    assert isinstance(out, KerasTensor)
    assert out.shape == expected_shape and out.dtype == expected_dtype
    # The eager result on concrete inputs agrees with the inferred spec. (The lambdas use
    # cornu.ops or operators of KerasTensors: eager tensors' own operators follow their
    # framework's rules, e.g. NumPy's int32 / 2 is float64.)
    concrete = lambda s: ops.convert_to_tensor(
        np.ones([2 if d is None else d for d in s], "float32")
    )
    eager = fn(concrete(shape_a), concrete(shape_b))
    assert ops.dtype(eager) == expected_dtype
    assert all(e is None or e == g for e, g in zip(expected_shape, ops.shape(eager)))


def test_generic_path_for_an_operation_without_a_rule():
    class Pairwise(cornu.Operation):
        def call(self, x):
            return ops.matmul(x, ops.reshape(x[0], (-1, 1)))[..., 0] > 0

    op = Pairwise()
    out = op(KerasTensor((None, 4)))
    assert out.shape == (None,) and out.dtype == "bool"
    assert op.name.startswith("pairwise")


def test_operations_record_nodes():
    x = cornu.Input((3,))
    y = x + 1.0
    z = y * y
    op, node_index, tensor_index = z._keras_history
    node = op._inbound_nodes[node_index]
    assert node.input_tensors == [y, y] and node.outputs == [z]
    assert node.parent_nodes[0].outputs == [y]
    assert x._keras_history.operation._inbound_nodes[0].is_input


def test_incompatible_shapes_raise_naming_the_shapes():
    with pytest.raises(ValueError, match=r"shapes \(None, 3\) and \(4,\) cannot be broadcast"):
        KerasTensor((None, 3)) + KerasTensor((4,))
    with pytest.raises(ValueError, match=r"matmul: the last dimension of x1 \(3\)"):
        ops.matmul(KerasTensor((None, 3)), KerasTensor((4, 2)))
    with pytest.raises(ValueError, match="cannot reshape"):
        ops.reshape(KerasTensor((2, 3)), (4, 2))


def test_keras_tensor_refuses_framework_functions():
    x = cornu.Input((3,))
    name = backend.backend()
    with pytest.raises(TypeError, match="symbolic placeholder"):
        if name == "jax":
            import jax.numpy as jnp

            jnp.sum(x)
        elif name == "torch":
            import torch

            torch.sum(x)
        elif name == "tensorflow":
            import tensorflow as tf

            tf.reduce_sum(x)
        else:
            np.asarray(x)
    with pytest.raises(TypeError, match="no truth value"):
        bool(x)
    with pytest.raises(TypeError, match="holds no data"):
        ops.convert_to_numpy(x)


def test_keras_tensor_repr_and_len():
    x = KerasTensor((2, 3), dtype="int8", name="probe")
    assert "shape=(2, 3)" in repr(x) and "int8" in repr(x)
    assert len(x) == 2 and [t.shape for t in x] == [(3,), (3,)]
    with pytest.raises(TypeError, match="first dimension is unknown"):
        list(KerasTensor((None, 2)))


def test_keras_tensor_names_and_op_classes_follow_keras():
    import cornu

    cornu.backend.clear_session()
    first, second = cornu.KerasTensor((None, 2)), cornu.KerasTensor((None, 2))
    assert (first.name, second.name) == ("keras_tensor", "keras_tensor_1")
    assert "ragged=False" in repr(first)
    x = cornu.Input((3,))
    y = cornu.ops.not_equal(x, 0.0)
    assert type(y._keras_history.operation).__name__ == "NotEqual"
