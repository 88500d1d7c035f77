"""Sorting, searching, counting and set ops: values vs NumPy, symbolic specs, dtypes, errors."""

import numpy as np
import pytest

from cornu import ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.testing import assert_op_matches
from tests.conftest import requires_training
from tests.helpers import raises_test

rng = np.random.default_rng(4321)
X = rng.standard_normal((3, 4, 5)).astype("float32")
M = rng.standard_normal((4, 6)).astype("float32")
V = rng.standard_normal((9,)).astype("float32")
SEQ = np.sort(rng.standard_normal((8,)).astype("float32"))
I = rng.integers(-4, 5, (4, 6)).astype("int32")
COUNTS = rng.integers(0, 7, (12,)).astype("int32")
COUNTS2D = rng.integers(0, 5, (3, 6)).astype("int32")
B = rng.random((3, 5)) > 0.5
XN = X.copy()
XN[0, 1, [1, 3]] = np.nan
XN[2, 0, 0] = np.nan


def stable_argsort(x, axis=-1):
    return np.argsort(x, axis=axis, kind="stable")


def stable_sort(x, axis=-1):
    return np.sort(x, axis=axis, kind="stable")


def unique_all(x, **kwargs):
    """np.unique with every output, inverse in NumPy 2's shape."""
    return np.unique(x, return_index=True, return_inverse=True, return_counts=True, **kwargs)


CASES = [
    ("sort", ops.sort, stable_sort, (X,), {}),
    ("sort-axis0", ops.sort, stable_sort, (X,), {"axis": 0}),
    ("sort-none", ops.sort, stable_sort, (X,), {"axis": None}),
    ("sort-int", ops.sort, stable_sort, (I,), {"axis": 1}),
    ("sort-bool", ops.sort, stable_sort, (B,), {}),
    ("sort-nan", ops.sort, stable_sort, (XN,), {}),
    ("sort-uint16", ops.sort, stable_sort, (np.abs(I).astype("uint16"),), {"axis": 0}),
    ("argsort", ops.argsort, stable_argsort, (X,), {}),
    ("argsort-axis1", ops.argsort, stable_argsort, (X,), {"axis": 1}),
    ("argsort-none", ops.argsort, stable_argsort, (M,), {"axis": None}),
    ("argsort-ties", ops.argsort, stable_argsort, (I,), {"axis": 1}),
    ("argsort-bool", ops.argsort, stable_argsort, (B,), {"axis": 0}),
    ("argsort-nan", ops.argsort, stable_argsort, (XN,), {}),
    ("argsort-int8", ops.argsort, stable_argsort, (I.astype("int8"),), {}),
    ("searchsorted", ops.searchsorted, np.searchsorted, (SEQ, M), {}),
    ("searchsorted-right", ops.searchsorted, np.searchsorted, (SEQ, SEQ), {"side": "right"}),
    ("searchsorted-left-ties", ops.searchsorted, np.searchsorted, (SEQ, SEQ), {"side": "left"}),
    ("searchsorted-int", ops.searchsorted, np.searchsorted, (np.arange(0, 10, 2, dtype="int32"), I), {}),
    ("searchsorted-mixed", ops.searchsorted, np.searchsorted, (np.arange(-3, 3, dtype="int32"), M), {}),
    ("searchsorted-scalar", ops.searchsorted, np.searchsorted, (SEQ, np.float32(0.1)), {}),
    ("digitize", ops.digitize, np.digitize, (M, SEQ), {}),
    ("digitize-edges", ops.digitize, np.digitize, (SEQ, SEQ), {}),
    ("digitize-decreasing", ops.digitize, np.digitize, (M, SEQ[::-1].copy()), {}),
    ("digitize-decreasing-edges", ops.digitize, np.digitize, (SEQ, SEQ[::-1].copy()), {}),
    ("digitize-int", ops.digitize, np.digitize, (I, np.array([-2, 0, 3], "int32")), {}),
    ("digitize-one-bin", ops.digitize, np.digitize, (V, np.array([0.0], "float32")), {}),
    ("bincount", ops.bincount, np.bincount, (COUNTS,), {}),
    ("bincount-minlength", ops.bincount, np.bincount, (COUNTS,), {"minlength": 10}),
    ("bincount-weights", ops.bincount, np.bincount, (COUNTS,), {"weights": rng.random(12).astype("float32")}),
    ("bincount-2d", ops.bincount, lambda x, **kw: np.stack([np.bincount(r, minlength=5) for r in x]), (COUNTS2D,), {}),
    ("bincount-2d-weights", ops.bincount,
     lambda x, weights, minlength: np.stack([np.bincount(r, w, minlength) for r, w in zip(x, weights)]),
     (COUNTS2D,), {"weights": rng.random((3, 6)).astype("float32"), "minlength": 7}),
    ("bincount-int64", ops.bincount, np.bincount, (COUNTS.astype("int64"),), {}),
    ("histogram", ops.histogram, np.histogram, (V,), {}),
    ("histogram-bins", ops.histogram, np.histogram, (X,), {"bins": 7}),
    ("histogram-range", ops.histogram, np.histogram, (V,), {"bins": 4, "range": (-1.0, 1.0)}),
    ("histogram-int", ops.histogram, np.histogram, (I,), {"bins": 3}),
    ("histogram-constant", ops.histogram, np.histogram, (np.ones(5, "float32"),), {"bins": 2}),
    ("histogram-empty-range", ops.histogram, np.histogram, (V,), {"bins": 3, "range": (0.5, 0.5)}),
    ("isin", ops.isin, np.isin, (I, np.array([0, 2, 3], "int32")), {}),
    ("isin-invert", ops.isin, np.isin, (I, np.array([[0, 2], [3, 7]], "int32")), {"invert": True}),
    ("isin-float", ops.isin, np.isin, (M, M[1:3]), {}),
    ("isin-assume-unique", ops.isin, np.isin, (I, np.array([1, -1], "int32")), {"assume_unique": True}),
    ("isin-bool", ops.isin, np.isin, (B, np.array([True])), {}),
    ("isin-mixed", ops.isin, np.isin, (I, np.array([1.0, 2.5])), {}),
]  # fmt: skip


@pytest.mark.parametrize("name,op,ref,args,kwargs", CASES, ids=[c[0] for c in CASES])
def test_matches_numpy(name, op, ref, args, kwargs):
    assert_op_matches(op, ref, *args, **kwargs)


UNIQUE_CASES = [
    ("plain", I, {}, lambda x: np.unique(x)),
    ("float", np.round(M), {}, lambda x: np.unique(x)),
    ("bool", B, {}, lambda x: np.unique(x)),
    ("all-outputs", I, {"return_index": True, "return_inverse": True, "return_counts": True},
     unique_all),
    ("counts", I, {"return_counts": True}, lambda x: np.unique(x, return_counts=True)),
    ("inverse", I, {"return_inverse": True}, lambda x: np.unique(x, return_inverse=True)),
    ("axis0", np.abs(I[:, :2]) % 2, {"axis": 0, "return_index": True, "return_inverse": True,
                                     "return_counts": True},
     lambda x: tuple(a.reshape(-1) if i == 2 else a
                     for i, a in enumerate(unique_all(x, axis=0)))),
    ("axis1", np.abs(I[:2]) % 2, {"axis": 1, "return_counts": True},
     lambda x: np.unique(x, axis=1, return_counts=True)),
    ("unsorted-flag", I, {"sorted": False}, lambda x: np.unique(x)),
]  # fmt: skip


@pytest.mark.parametrize("name,x,kwargs,ref", UNIQUE_CASES, ids=[c[0] for c in UNIQUE_CASES])
def test_unique(name, x, kwargs, ref):
    got = assert_op_matches(ops.unique, None, x, **kwargs)
    want = ref(x)
    got = got if isinstance(got, (tuple, list)) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    outputs = ops.unique(ops.convert_to_tensor(x), **kwargs)
    for i, t in enumerate(outputs if isinstance(outputs, tuple) else (outputs,)):
        assert ops.dtype(t) == (str(ops.dtype(ops.convert_to_tensor(x))) if i == 0 else "int32")


def test_unique_size_pads_and_truncates():
    x = np.array([3, 1, 3, 2, 1], "int32")
    values, index, counts = ops.unique(x, return_index=True, return_counts=True, size=5)
    np.testing.assert_array_equal(ops.convert_to_numpy(values), [1, 2, 3, 0, 0])
    np.testing.assert_array_equal(ops.convert_to_numpy(index), [1, 3, 0, 0, 0])
    np.testing.assert_array_equal(ops.convert_to_numpy(counts), [2, 1, 2, 0, 0])
    values = ops.unique(x, size=4, fill_value=-7)
    np.testing.assert_array_equal(ops.convert_to_numpy(values), [1, 2, 3, -7])
    values, inverse = ops.unique(x, size=2, return_inverse=True)
    np.testing.assert_array_equal(ops.convert_to_numpy(values), [1, 2])
    np.testing.assert_array_equal(ops.convert_to_numpy(inverse), [2, 0, 2, 1, 0])
    rows = ops.unique(np.array([[1, 2], [1, 2]], "int32"), axis=0, size=3, fill_value=9)
    np.testing.assert_array_equal(ops.convert_to_numpy(rows), [[1, 2], [9, 9], [9, 9]])
    spec = ops.unique(KerasTensor((None, 3), dtype="int32"), size=4, return_counts=True)
    assert spec[0].shape == (4,) and spec[1].shape == (4,) and spec[1].dtype == "int32"


def test_unique_symbolic_has_unknown_length():
    x = KerasTensor((None, 3), dtype="int32")
    values, index, inverse, counts = ops.unique(
        x, return_index=True, return_inverse=True, return_counts=True
    )
    assert values.shape == (None,) and values.dtype == "int32"
    assert index.shape == (None,) and counts.shape == (None,)
    assert inverse.shape == (None, 3) and inverse.dtype == "int32"
    rows = ops.unique(KerasTensor((5, 3), dtype="float32"), axis=0, return_inverse=True)
    assert rows[0].shape == (None, 3) and rows[1].shape == (5,)


@pytest.mark.parametrize("kth", [0, 3, -1, [1, 4]], ids=["kth0", "kth3", "kth-neg", "kth-list"])
@pytest.mark.parametrize("axis", [-1, 0, None], ids=["axis-last", "axis0", "axis-none"])
def test_argpartition_partitions(kth, axis):
    x = X[0] if axis != 0 else X[0].T
    got = assert_op_matches(ops.argpartition, None, x, kth, axis=axis, expected_dtype="int32")
    flat = x.reshape(-1) if axis is None else x
    ax = 0 if axis is None else axis
    values = np.take_along_axis(flat, got.astype("int64"), axis=ax)
    ordered = np.sort(flat, axis=ax)
    n = flat.shape[ax]
    for k in kth if isinstance(kth, list) else [kth]:
        k = k % n
        pivot = np.take(values, [k], axis=ax)
        np.testing.assert_array_equal(pivot, np.take(ordered, [k], axis=ax))
        assert np.all(np.take(values, range(k), axis=ax) <= pivot)
        assert np.all(np.take(values, range(k + 1, n), axis=ax) >= pivot)
    # Each row is a permutation of the indices.
    np.testing.assert_array_equal(np.sort(got, axis=ax), np.sort(stable_argsort(flat, ax), axis=ax))


DTYPE_CASES = [
    ("sort-float16", ops.sort, (X.astype("float16"),), {}, "float16"),
    ("sort-uint8", ops.sort, (np.abs(I).astype("uint8"),), {}, "uint8"),
    ("argsort-float64", ops.argsort, (X.astype("float64"),), {}, "int32"),
    ("searchsorted", ops.searchsorted, (SEQ, M), {}, "int32"),
    ("searchsorted-int64", ops.searchsorted, (np.arange(5), I.astype("int64")), {}, "int32"),
    ("digitize", ops.digitize, (M, SEQ), {}, "int32"),
    ("bincount", ops.bincount, (COUNTS,), {}, "int32"),
    ("bincount-uint8", ops.bincount, (COUNTS.astype("uint8"),), {}, "int32"),
    ("bincount-float64-weights", ops.bincount, (COUNTS,), {"weights": np.ones(12)}, "float64"),
    ("bincount-int-weights", ops.bincount, (COUNTS,), {"weights": np.ones(12, "int32")}, "float32"),
    ("isin", ops.isin, (M, V), {}, "bool"),
]  # fmt: skip


@pytest.mark.parametrize("name,op,args,kwargs,dtype", DTYPE_CASES, ids=[c[0] for c in DTYPE_CASES])
def test_dtypes(name, op, args, kwargs, dtype):
    assert_op_matches(op, None, *args, expected_dtype=dtype, **kwargs)


def test_histogram_dtypes_and_spec():
    counts, edges = ops.histogram(ops.convert_to_tensor(I), bins=3)
    assert ops.dtype(counts) == "int32" and ops.dtype(edges) == "float32"
    counts, edges = ops.histogram(ops.convert_to_tensor(X.astype("float64")), bins=3)
    assert ops.dtype(edges) == "float64"
    spec_counts, spec_edges = ops.histogram(KerasTensor((None, 4)), bins=6)
    assert spec_counts.shape == (6,) and spec_edges.shape == (7,)
    assert spec_counts.dtype == "int32" and spec_edges.dtype == "float32"


def test_symbolic_specs():
    x = KerasTensor((None, 4, 5))
    assert ops.sort(x).shape == (None, 4, 5) and ops.sort(x, axis=None).shape == (None,)
    assert ops.argsort(x, axis=1).dtype == "int32"
    assert ops.argpartition(x, 2).shape == (None, 4, 5)
    assert ops.searchsorted(KerasTensor((7,)), x).shape == (None, 4, 5)
    assert ops.digitize(x, KerasTensor((3,))).dtype == "int32"
    assert ops.isin(x, KerasTensor((3,))).dtype == "bool"
    assert ops.bincount(KerasTensor((None,), dtype="int32")).shape == (None,)
    counts = ops.bincount(KerasTensor((2, None), dtype="int32"), weights=KerasTensor((2, None)))
    assert counts.shape == (2, None) and counts.dtype == "float32"
    assert_op_matches(ops.sort, stable_sort, X, unknown_batch=True)
    assert_op_matches(ops.searchsorted, np.searchsorted, SEQ, M, unknown_batch=False)


ERROR_CASES = [
    ("sort-axis", lambda: ops.sort(X, axis=3), ValueError, r"sort: `axis`=3 is out of range"),
    ("sort-scalar", lambda: ops.sort(1.0, axis=0), ValueError, "sort: `x` must be at least 1-D"),
    ("argpartition-kth", lambda: ops.argpartition(M, 6), ValueError, r"argpartition: `kth`=6 is out of range"),
    ("argpartition-kth-type", lambda: ops.argpartition(M, 1.5), TypeError, "argpartition: `kth` must be an int"),
    ("searchsorted-2d", lambda: ops.searchsorted(M, V), ValueError, "searchsorted: `sorted_sequence` must be 1-D"),
    ("searchsorted-side", lambda: ops.searchsorted(SEQ, V, side="middle"), ValueError, "searchsorted: `side` must be"),
    ("digitize-2d", lambda: ops.digitize(V, M), ValueError, "digitize: `bins` must be 1-D"),
    ("bincount-float", lambda: ops.bincount(V), TypeError, "bincount: `x` must be an integer tensor"),
    ("bincount-negative", lambda: ops.bincount(I[0]), (ValueError, Exception), "bincount: `x` must be non-negative"),
    ("bincount-sparse", lambda: ops.bincount(COUNTS, sparse=True), ValueError, "bincount: sparse=True is not supported"),
    ("bincount-3d", lambda: ops.bincount(I.reshape(2, 2, 6)), ValueError, "bincount: `x` must be 1-D or 2-D"),
    ("bincount-weights", lambda: ops.bincount(COUNTS, weights=V), ValueError, "bincount: `weights` must have"),
    ("bincount-minlength", lambda: ops.bincount(COUNTS, minlength=-1), ValueError, "bincount: `minlength`"),
    ("histogram-bins", lambda: ops.histogram(V, bins=0), ValueError, "histogram: `bins` must be a positive int"),
    ("histogram-range", lambda: ops.histogram(V, range=(1.0, 0.0)), ValueError, "histogram: `range` must be"),
    ("unique-size", lambda: ops.unique(I, size=0), ValueError, "unique: `size` must be None or a positive int"),
    ("unique-axis", lambda: ops.unique(I, axis=2), ValueError, r"unique: `axis`=2 is out of range"),
]  # fmt: skip


test_errors = raises_test(ERROR_CASES)


@requires_training
def test_sort_gradient_routes_to_sorted_positions():
    from cornu import backend

    x0 = np.array([[0.3, -1.0, 2.0], [1.5, 0.2, -0.4]])
    weights = np.array([1.0, 2.0, 3.0])

    def f(x):
        return ops.sum(ops.sort(x, axis=1) * ops.convert_to_tensor(weights))

    name = backend.backend()
    if name == "jax":
        import jax

        grad = np.asarray(jax.grad(f)(ops.convert_to_tensor(x0)))
    elif name == "torch":
        import torch

        x = torch.tensor(x0, requires_grad=True)
        f(x).backward()
        grad = x.grad.numpy()
    else:
        import tensorflow as tf

        x = tf.constant(x0)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        grad = tape.gradient(y, x).numpy()
    expected = np.take_along_axis(
        np.broadcast_to(weights, x0.shape), np.argsort(np.argsort(x0, axis=1), axis=1), axis=1
    )
    np.testing.assert_allclose(grad, expected)


def test_unique_with_size_compiles():
    from cornu import backend

    x = np.array([4, 1, 4, 2], "int32")

    def fn(t):
        return ops.unique(t, size=5, return_counts=True, fill_value=-1)

    name = backend.backend()
    if name == "jax":
        import jax

        compiled = jax.jit(fn)
    elif name == "tensorflow":
        import tensorflow as tf

        compiled = tf.function(fn, input_signature=[tf.TensorSpec((None,), tf.int32)])
    else:
        compiled = fn
    values, counts = compiled(ops.convert_to_tensor(x))
    np.testing.assert_array_equal(ops.convert_to_numpy(values), [1, 2, 4, -1, -1])
    np.testing.assert_array_equal(ops.convert_to_numpy(counts), [1, 1, 2, 0, 0])
