"""Indexing ops: values vs NumPy, symbolic specs (data-dependent shapes), dtypes, errors,
gradients."""

import numpy as np
import pytest

from cornu import backend, ops
from cornu.graph.keras_tensor import KerasTensor
from tests.conftest import requires_training
from tests.helpers import matches_reference_test, raises_test
from tests.ops.test_manipulation import gradient_matches

rng = np.random.default_rng(5)
X = rng.normal(size=(3, 4, 5)).astype("float32")
M = rng.normal(size=(4, 6)).astype("float32")
Y = rng.normal(size=(4, 6)).astype("float32")
V = rng.normal(size=(7,)).astype("float32")
I = rng.integers(-4, 5, (4, 6)).astype("int32")
I8 = rng.integers(-4, 5, (4, 4)).astype("int8")
B = rng.integers(0, 2, (4, 6)).astype(bool)
IDX = np.array([[0, -1, 2], [3, 1, -4]], "int32")
IDX64 = np.array([4, -2, 0], "int64")
ORDER = np.argsort(M, axis=1).astype("int32")


# (id, op, reference, args, kwargs)
CASES = [
    ("diagonal", ops.diagonal, np.diagonal, (M,), {}),
    ("diagonal_offset", ops.diagonal, np.diagonal, (M,), {"offset": 2}),
    ("diagonal_negative_offset", ops.diagonal, np.diagonal, (M,), {"offset": -1}),
    ("diagonal_axes", ops.diagonal, np.diagonal, (X,), {"offset": 1, "axis1": 2, "axis2": 0}),
    ("diagonal_last_axes", ops.diagonal, np.diagonal, (X,), {"axis1": -2, "axis2": -1}),
    ("diagonal_outside", ops.diagonal, np.diagonal, (M,), {"offset": 7}),
    ("trace", ops.trace, np.trace, (M,), {}),
    ("trace_offset_axes", ops.trace, np.trace, (X,), {"offset": -1, "axis1": 1, "axis2": 2}),
    ("trace_int", ops.trace, np.trace, (I,), {"offset": 1}),
    ("where", ops.where, np.where, (B, M, Y), {}),
    ("where_broadcast", ops.where, np.where, (B[0], M, 0.0), {}),
    ("where_ints", ops.where, np.where, (B, I, -I), {}),
    ("select", ops.select, np.select, ([M > 0.5, M < -0.5], [M, Y]), {}),
    ("select_default", ops.select, np.select, ([B, M > 0], [I, I * 2]), {"default": -1}),
    ("select_broadcast", ops.select, np.select, ([M[0] > 0], [Y]), {"default": 2.5}),
    ("take_flat", ops.take, np.take, (M, IDX), {}),
    ("take_axis0", ops.take, np.take, (M, IDX), {"axis": 0}),
    ("take_axis1", ops.take, np.take, (X, IDX), {"axis": 1}),
    ("take_last_axis", ops.take, np.take, (X, IDX64), {"axis": -1}),
    ("take_ints", ops.take, np.take, (I, IDX64), {"axis": 1}),
    ("take_along_axis", ops.take_along_axis, np.take_along_axis, (M, ORDER), {"axis": 1}),
    ("take_along_axis_0", ops.take_along_axis, np.take_along_axis, (M, ORDER[:3] % 4), {"axis": 0}),
    ("take_along_axis_broadcast", ops.take_along_axis, np.take_along_axis, (X, np.array([[[1, -1]]], "int32")), {"axis": 2}),
    ("take_along_axis_flat", ops.take_along_axis, np.take_along_axis, (M, IDX64), {"axis": None}),
    ("unravel_index", ops.unravel_index, np.unravel_index, (np.array([0, 5, 23], "int32"), (2, 3, 4)), {}),
    ("unravel_index_2d", ops.unravel_index, np.unravel_index, (np.array([[1, 7], [11, 3]], "int64"), (3, 4)), {}),
    ("get_item_slices", ops.get_item, lambda x, key: x[key], (X,), {"key": (slice(None), 1, slice(1, 4))}),
]  # fmt: skip


UNKNOWN_OK = {"diagonal_axes", "trace_offset_axes", "where", "take_axis1", "take_along_axis"}
test_matches_numpy = matches_reference_test(CASES, unknown_ok=UNKNOWN_OK)


NONZERO_CASES = [
    ("nonzero_bool", B),
    ("nonzero_float", np.where(M > 0, M, 0.0).astype("float32")),
    ("nonzero_int_3d", np.where(X > 0.5, 1, 0).astype("int8")),
    ("nonzero_vector", np.array([0, 3, 0, -1], "int32")),
    ("nonzero_none", np.zeros((2, 3), "float32")),
]


@pytest.mark.parametrize("name,x", NONZERO_CASES, ids=[c[0] for c in NONZERO_CASES])
def test_nonzero(name, x):
    for op in (ops.nonzero, ops.where):
        got = op(backend.convert_to_tensor(x))
        want = np.nonzero(x)
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            assert ops.dtype(g) == "int32"
            np.testing.assert_array_equal(ops.convert_to_numpy(g), w)


def test_symbolic_specs():
    rows, cols = ops.nonzero(KerasTensor((3, 4)))
    assert rows.shape == (None,) and cols.dtype == "int32"
    assert [t.shape for t in ops.where(KerasTensor((None, 2, 2), dtype="bool"))] == [(None,)] * 3
    out = ops.where(KerasTensor((None, 1), dtype="bool"), KerasTensor((4,)), 0)
    assert out.shape == (None, 4) and out.dtype == "float32"
    assert ops.take(KerasTensor((None, 5)), KerasTensor((2, 3), dtype="int32")).shape == (2, 3)
    assert ops.take(KerasTensor((None, 5)), KerasTensor((2,), dtype="int32"), axis=1).shape == (
        None,
        2,
    )
    assert ops.take_along_axis(
        KerasTensor((None, 5)), KerasTensor((1, 2), dtype="int32"), axis=1
    ).shape == (None, 2)
    assert ops.diagonal(KerasTensor((None, 3, 5)), axis1=1, axis2=2).shape == (None, 3)
    assert ops.trace(KerasTensor((4, 4), dtype="bool")).dtype == "int32"
    assert ops.select([KerasTensor((None, 3), dtype="bool")], [KerasTensor((3,))]).shape == (
        None,
        3,
    )


DTYPE_CASES = [
    ("unravel_keeps_int64", lambda: ops.unravel_index(np.array([3], "int64"), (2, 2))[0], "int64"),
    ("unravel_python_ints", lambda: ops.unravel_index([1, 2], (2, 2))[0], "int32"),
    ("where_promotes", lambda: ops.where(B, I8[0, 0], M), "float32"),
    ("where_python_ints", lambda: ops.where(B, 1, 0), "int32"),
    ("where_python_floats", lambda: ops.where(B, 1.0, 0.0), "float32"),
    ("where_weak_scalar", lambda: ops.where(B[:, :4], I8, 2), "int8"),
    ("select_promotes", lambda: ops.select([B], [I], default=0.5), "float32"),
    ("trace_int8", lambda: ops.trace(I8), "int32"),
    ("trace_bool", lambda: ops.trace(I8 > 0), "int32"),
    ("trace_float16", lambda: ops.trace(M.astype("float16")), "float16"),
    ("trace_int64", lambda: ops.trace(I.astype("int64")), "int64"),
    ("take_keeps_dtype", lambda: ops.take(I8, [0, 1]), "int8"),
    ("take_bool", lambda: ops.take(B, IDX, axis=1), "bool"),
    (
        "take_along_keeps_dtype",
        lambda: ops.take_along_axis(I8, np.zeros((4, 1), "int64"), 1),
        "int8",
    ),
]


@pytest.mark.parametrize("name,fn,dtype", DTYPE_CASES, ids=[c[0] for c in DTYPE_CASES])
def test_result_dtypes(name, fn, dtype):
    assert ops.dtype(fn()) == dtype


def test_trace_int8_values():
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.trace(I8)), np.trace(I8.astype("int32")))


ERROR_CASES = [
    ("diagonal_vector", lambda: ops.diagonal(V), ValueError, "diagonal: `x` must have rank >= 2"),
    ("diagonal_same_axes", lambda: ops.diagonal(X, axis1=1, axis2=-2), ValueError, "diagonal: `axis1` and `axis2` must differ"),
    ("diagonal_axis_range", lambda: ops.diagonal(X, axis2=3), ValueError, r"diagonal: `axis2`=3 is out of range"),
    ("trace_float_offset", lambda: ops.trace(M, offset=1.5), TypeError, "trace: `offset` must be an int"),
    ("nonzero_scalar", lambda: ops.nonzero(3.0), ValueError, "nonzero: `x` must have rank >= 1"),
    ("where_one_branch", lambda: ops.where(B, M), ValueError, "where: give both `x1` and `x2`"),
    ("where_shapes", lambda: ops.where(B, M, V), ValueError, "where: shapes"),
    ("select_lengths", lambda: ops.select([B], [M, Y]), ValueError, "select: `condlist` and `choicelist` must have the same length"),
    ("select_not_lists", lambda: ops.select(B, M), TypeError, "select: `condlist` and `choicelist` must be lists"),
    ("select_empty", lambda: ops.select([], []), ValueError, "select: `condlist` must not be empty"),
    ("take_float_indices", lambda: ops.take(M, np.array([0.5])), TypeError, "take: `indices` must be integers"),
    ("take_axis_range", lambda: ops.take(M, IDX, axis=2), ValueError, r"take: `axis`=2 is out of range"),
    ("take_along_rank", lambda: ops.take_along_axis(X, ORDER, axis=1), ValueError, "take_along_axis: `x` and `indices` must have the same rank"),
    ("unravel_floats", lambda: ops.unravel_index(V, (5,)), TypeError, "unravel_index: `indices` must be integers"),
    ("unravel_bad_shape", lambda: ops.unravel_index([1], (0, 2)), ValueError, "unravel_index: `shape` must hold positive"),
    ("take_along_float", lambda: ops.take_along_axis(M, M, axis=1), TypeError, "take_along_axis: `indices` must be integers"),
]  # fmt: skip


test_errors = raises_test(ERROR_CASES)


def test_symbolic_errors():
    with pytest.raises(ValueError, match="where: give both"):
        ops.where(KerasTensor((2,), dtype="bool"), KerasTensor((2,)))
    with pytest.raises(
        ValueError, match="take_along_axis: `x` and `indices` must have the same rank"
    ):
        ops.take_along_axis(KerasTensor((None, 3)), KerasTensor((2,), dtype="int32"), axis=1)


GRADIENT_CASES = [
    ("diagonal", lambda t: ops.diagonal(t, 1, 2, 0), lambda a: np.diagonal(a, 1, 2, 0), X),
    ("trace", lambda t: ops.trace(t, -1), lambda a: np.trace(a, -1), M),
    ("where", lambda t: ops.where(B, t, t * 3.0), lambda a: np.where(B, a, a * 3.0), M),
    ("take", lambda t: ops.take(t, IDX, axis=1), lambda a: np.take(a, IDX, axis=1), M),
    ("take_along_axis", lambda t: ops.take_along_axis(t, ORDER, axis=1), lambda a: np.take_along_axis(a, ORDER, axis=1), M),
]  # fmt: skip


@requires_training
@pytest.mark.parametrize("name,fn,ref,x", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_match_finite_differences(name, fn, ref, x):
    gradient_matches(fn, ref, x)


# Data movement must work for every dtype on every backend (torch lacks many kernels for
# uint16/32/64, TensorFlow for some int types).
MOVEMENT_DTYPES = ["bool", "uint32", "int8", "bfloat16"]
MOVEMENT_CASES = [
    ("concatenate", lambda x: ops.concatenate([x, x], axis=1), lambda a: np.concatenate([a, a], axis=1)),
    ("pad", lambda x: ops.pad(x, 1), lambda a: np.pad(a, 1)),
    ("pad_reflect", lambda x: ops.pad(x, ((1, 0), (2, 1)), mode="reflect"), lambda a: np.pad(a, ((1, 0), (2, 1)), mode="reflect")),
    ("flip_roll", lambda x: ops.roll(ops.flip(x, 0), 1, axis=1), lambda a: np.roll(np.flip(a, 0), 1, axis=1)),
    ("repeat_tile", lambda x: ops.tile(ops.repeat(x, [1, 0, 2, 1], axis=1), (2, 1)), lambda a: np.tile(np.repeat(a, [1, 0, 2, 1], axis=1), (2, 1))),
    ("take", lambda x: ops.take(x, IDX[:, :2], axis=1), lambda a: np.take(a, IDX[:, :2], axis=1)),
    ("take_along_axis", lambda x: ops.take_along_axis(x, ORDER[:3, :2] % 4, axis=1), lambda a: np.take_along_axis(a, ORDER[:3, :2] % 4, axis=1)),
    ("where", lambda x: ops.where(B[:3, :4], x, ops.flip(x, 1)), lambda a: np.where(B[:3, :4], a, np.flip(a, 1))),
    ("tril_diagonal", lambda x: ops.diagonal(ops.tril(x), 1), lambda a: np.diagonal(np.tril(a), 1)),
    ("diag", lambda x: ops.diag(x[0]), lambda a: np.diag(a[0])),
    ("nonzero", lambda x: ops.nonzero(x)[1], lambda a: np.nonzero(a)[1].astype("int32")),
    ("split_stack", lambda x: ops.stack(ops.split(x, 2, axis=1), axis=0), lambda a: np.stack(np.split(a, 2, axis=1), axis=0)),
]  # fmt: skip


@pytest.mark.parametrize("dtype", MOVEMENT_DTYPES)
def test_data_movement_for_every_dtype(dtype):
    import ml_dtypes

    np_dtype = ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype
    a = np.asarray(rng.integers(0, 3, (3, 4))).astype(np_dtype)
    x = backend.convert_to_tensor(a)
    for name, fn, ref in MOVEMENT_CASES:
        got = fn(x)
        want = ref(a)
        assert ops.dtype(got) == (dtype if name != "nonzero" else "int32"), name
        np.testing.assert_array_equal(
            np.asarray(ops.convert_to_numpy(got)).astype("float64"),
            np.asarray(want).astype("float64"),
            err_msg=f"{name} on {dtype}",
        )
    assert ops.dtype(ops.trace(x)) in ("int32", dtype)
    np.testing.assert_allclose(
        float(ops.convert_to_numpy(ops.trace(x))), np.trace(a.astype("float64")), rtol=1e-2
    )
