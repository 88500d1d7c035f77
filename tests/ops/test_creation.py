"""Creation ops: values vs NumPy, default dtypes, symbolic specs, errors and gradients."""

import numpy as np
import pytest

from cornu import backend, ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.testing import assert_op_matches
from tests.conftest import requires_training
from tests.helpers import matches_reference_test, raises_test
from tests.ops.test_manipulation import gradient_matches

rng = np.random.default_rng(7)
X = rng.normal(size=(3, 4)).astype("float32")
X3 = rng.normal(size=(2, 3, 4)).astype("float32")
V = rng.normal(size=(4,)).astype("float32")
IV = rng.integers(-3, 4, (4,)).astype("int32")
I8 = rng.integers(-3, 4, (2, 3)).astype("int8")
START = np.array([1.0, 2.0], "float32")
STOP = np.array([3.0, -2.0], "float32")


def _c(fn, **fixed):
    return lambda *a, **k: fn(*a, **fixed, **k)


def _np_floatx(fn):
    return lambda *a, **k: np.asarray(fn(*a, **k)).astype("float32")


# Ops with tensor inputs: values, dtype and symbolic spec. (id, op, reference, args, kwargs)
CASES = [
    ("zeros_like", ops.zeros_like, np.zeros_like, (X,), {}),
    ("zeros_like_dtype", ops.zeros_like, np.zeros_like, (X,), {"dtype": "int8"}),
    ("ones_like", ops.ones_like, np.ones_like, (I8,), {}),
    ("empty_like", ops.empty_like, lambda x, dtype=None: np.zeros_like(x, dtype), (X,), {}),
    ("full_like", ops.full_like, np.full_like, (X,), {"fill_value": 2.5}),
    ("full_like_array", ops.full_like, np.full_like, (X, V), {}),
    ("full_like_dtype", ops.full_like, np.full_like, (X,), {"fill_value": 3, "dtype": "int32"}),
    ("array", ops.array, np.array, (X,), {}),
    ("array_dtype", ops.array, np.array, (X,), {"dtype": "float64"}),
    ("tril", ops.tril, np.tril, (X,), {}),
    ("tril_k", ops.tril, np.tril, (X3,), {"k": -1}),
    ("triu", ops.triu, np.triu, (X,), {"k": 1}),
    ("triu_int", ops.triu, np.triu, (I8,), {}),
    ("diag_vector", ops.diag, np.diag, (V,), {}),
    ("diag_vector_k", ops.diag, np.diag, (V,), {"k": 2}),
    ("diag_vector_negk", ops.diag, np.diag, (IV,), {"k": -1}),
    ("diag_matrix", ops.diag, np.diag, (X,), {}),
    ("diag_matrix_k", ops.diag, np.diag, (X,), {"k": 1}),
    ("diag_matrix_negk", ops.diag, np.diag, (X,), {"k": -2}),
    ("diag_matrix_outside", ops.diag, np.diag, (X,), {"k": 5}),
    ("diagflat", ops.diagflat, np.diagflat, (I8,), {}),
    ("diagflat_k", ops.diagflat, np.diagflat, (V,), {"k": -1}),
    ("vander", ops.vander, np.vander, (V,), {}),
    ("vander_n_increasing", ops.vander, np.vander, (IV,), {"N": 3, "increasing": True}),
    ("meshgrid_xy", ops.meshgrid, np.meshgrid, (V, IV[:3]), {}),
    ("meshgrid_ij", ops.meshgrid, np.meshgrid, (V, V[:2], IV), {"indexing": "ij"}),
    ("linspace_arrays", ops.linspace, np.linspace, (START, STOP), {"num": 5}),
    ("linspace_arrays_axis", ops.linspace, np.linspace, (START, STOP), {"num": 4, "axis": -1}),
    ("linspace_retstep", ops.linspace, np.linspace, (START, STOP), {"num": 4, "retstep": True}),
    ("logspace_arrays", ops.logspace, np.logspace, (START, STOP), {"num": 5, "base": 2.0}),
    ("geomspace_arrays", ops.geomspace, np.geomspace, (START, START * 8), {"num": 4, "axis": 1}),
]  # fmt: skip


test_matches_numpy = matches_reference_test(CASES)


# Ops without tensor inputs: (id, op, reference, args, kwargs, expected dtype)
CONSTANT_CASES = [
    ("zeros", ops.zeros, np.zeros, ((2, 3),), {}, "float32"),
    ("zeros_int_shape", ops.zeros, np.zeros, (4,), {"dtype": "int32"}, "int32"),
    ("ones", ops.ones, np.ones, ((2, 0, 3),), {}, "float32"),
    ("ones_bool", ops.ones, np.ones, ((2,),), {"dtype": "bool"}, "bool"),
    ("empty", ops.empty, lambda s, dtype=None: np.zeros(s), ((3,),), {}, "float32"),
    ("full", ops.full, np.full, ((2, 3), 1.5), {}, "float32"),
    ("full_int", ops.full, np.full, ((2, 3), 7), {"dtype": "int16"}, "int16"),
    ("full_int_default_floatx", ops.full, np.full, ((2,), 7), {}, "float32"),
    ("full_broadcast", ops.full, np.full, ((3, 4), V), {}, "float32"),
    ("eye", ops.eye, np.eye, (3,), {}, "float32"),
    ("eye_rect_k", ops.eye, np.eye, (3, 5), {"k": 2}, "float32"),
    ("eye_negk_int", ops.eye, np.eye, (4, 2), {"k": -1, "dtype": "int32"}, "int32"),
    ("identity", ops.identity, np.identity, (4,), {}, "float32"),
    ("tri", ops.tri, np.tri, (3,), {}, "float32"),
    ("tri_rect_k", ops.tri, np.tri, (3, 5), {"k": 1, "dtype": "int8"}, "int8"),
    ("tri_negk", ops.tri, np.tri, (4, 3), {"k": -2}, "float32"),
    ("arange_stop", ops.arange, np.arange, (5,), {}, "int32"),
    ("arange_start_stop_step", ops.arange, np.arange, (2, 11, 3), {}, "int32"),
    ("arange_negative_step", ops.arange, np.arange, (5, -3, -2), {}, "int32"),
    ("arange_float", ops.arange, np.arange, (0.0, 1.0, 0.125), {}, "float32"),
    ("arange_mixed", ops.arange, np.arange, (1, 3.5), {}, "float32"),
    ("arange_dtype", ops.arange, np.arange, (4,), {"dtype": "float64"}, "float64"),
    ("arange_empty", ops.arange, np.arange, (3, 1), {}, "int32"),
    ("linspace", ops.linspace, np.linspace, (0, 1), {}, "float32"),
    ("linspace_no_endpoint", ops.linspace, np.linspace, (-1.0, 2.0, 7), {"endpoint": False}, "float32"),
    ("linspace_one", ops.linspace, np.linspace, (3.0, 4.0, 1), {}, "float32"),
    ("linspace_zero", ops.linspace, np.linspace, (3.0, 4.0, 0), {}, "float32"),
    ("linspace_int_dtype", ops.linspace, np.linspace, (-3, 7, 6), {"dtype": "int32"}, "int32"),
    ("linspace_float64", ops.linspace, np.linspace, (0, 1, 11), {"dtype": "float64"}, "float64"),
    ("logspace", ops.logspace, np.logspace, (0, 3, 4), {}, "float32"),
    ("logspace_base", ops.logspace, np.logspace, (1.0, -1.0, 5), {"base": 2.0, "endpoint": False}, "float32"),
    ("geomspace", ops.geomspace, np.geomspace, (1, 1000, 4), {}, "float32"),
    ("geomspace_negative", ops.geomspace, np.geomspace, (-2.0, -32.0, 5), {}, "float32"),
    ("geomspace_no_endpoint", ops.geomspace, np.geomspace, (1.0, 16.0, 4), {"endpoint": False}, "float32"),
    ("bartlett", ops.bartlett, _np_floatx(np.bartlett), (7,), {}, "float32"),
    ("blackman", ops.blackman, _np_floatx(np.blackman), (6,), {}, "float32"),
    ("hamming", ops.hamming, _np_floatx(np.hamming), (5,), {}, "float32"),
    ("hanning", ops.hanning, _np_floatx(np.hanning), (8,), {}, "float32"),
    ("hanning_one", ops.hanning, _np_floatx(np.hanning), (1,), {}, "float32"),
    ("kaiser", ops.kaiser, _np_floatx(np.kaiser), (6, 2.5), {}, "float32"),
]  # fmt: skip


@pytest.mark.parametrize(
    "name,op,ref,args,kwargs,dtype", CONSTANT_CASES, ids=[c[0] for c in CONSTANT_CASES]
)
def test_constants_match_numpy(name, op, ref, args, kwargs, dtype):
    assert_op_matches(op, ref, *args, expected_dtype=dtype, check_symbolic=False, **kwargs)


DTYPE_CASES = [
    ("zeros_like_keeps_int8", lambda: ops.zeros_like(I8), "int8"),
    ("ones_like_bool", lambda: ops.ones_like(I8 > 0), "bool"),
    ("full_like_keeps_dtype", lambda: ops.full_like(I8, 2.7), "int8"),
    ("array_python_floats", lambda: ops.array([1.0, 2.0]), "float32"),
    ("array_python_ints", lambda: ops.array([1, 2]), "int32"),
    ("linspace_ints", lambda: ops.linspace(0, 10, 3), "float32"),
    ("linspace_float16", lambda: ops.linspace(np.float16(0), np.float16(1), 3), "float16"),
    ("arange_bool_dtype", lambda: ops.arange(3, dtype="int8"), "int8"),
    ("vander_bool", lambda: ops.vander(np.array([True, False])), "int32"),
    ("tril_bool", lambda: ops.tril(np.ones((2, 2), bool)), "bool"),
    ("meshgrid_keeps_dtypes", lambda: ops.meshgrid(IV, V)[0], "int32"),
    ("geomspace_float64", lambda: ops.geomspace(1.0, 2.0, 3, dtype="float64"), "float64"),
]


@pytest.mark.parametrize("name,fn,dtype", DTYPE_CASES, ids=[c[0] for c in DTYPE_CASES])
def test_result_dtypes(name, fn, dtype):
    assert ops.dtype(fn()) == dtype


def test_linspace_int_dtype_rounds_down():
    got = ops.convert_to_numpy(ops.linspace(-1.0, 1.0, 5, dtype="int32"))
    np.testing.assert_array_equal(got, [-1, -1, 0, 0, 1])


def test_symbolic_specs():
    x = KerasTensor((None, 3), dtype="int8")
    assert ops.zeros_like(x).shape == (None, 3) and ops.zeros_like(x).dtype == "int8"
    assert ops.full_like(x, 1.0, dtype="float16").dtype == "float16"
    assert ops.tril(KerasTensor((None, 4, 4))).shape == (None, 4, 4)
    assert ops.diag(KerasTensor((None,))).shape == (None, None)
    assert ops.diag(KerasTensor((5,)), k=-2).shape == (7, 7)
    assert ops.diag(KerasTensor((3, 5)), k=1).shape == (3,)
    assert ops.diagflat(KerasTensor((2, 3))).shape == (6, 6)
    assert ops.vander(KerasTensor((None,)), N=3).shape == (None, 3)
    grids = ops.meshgrid(KerasTensor((None,)), KerasTensor((4,)))
    assert [g.shape for g in grids] == [(4, None), (4, None)]
    samples, step = ops.linspace(KerasTensor((2,)), 1.0, num=6, retstep=True, axis=1)
    assert samples.shape == (2, 6) and step.shape == (2,) and samples.dtype == "float32"
    assert ops.full((2, 3), KerasTensor((3,), dtype="int32"), dtype="int32").shape == (2, 3)
    assert ops.array(KerasTensor((2,)), dtype="int64").dtype == "int64"


ERROR_CASES = [
    ("zeros_negative", lambda: ops.zeros((2, -1)), ValueError, "zeros: `shape` must be non-negative"),
    ("ones_bad_shape", lambda: ops.ones("ab"), TypeError, "ones: `shape` must be an int"),
    ("full_bad_fill", lambda: ops.full((2, 3), np.ones(4)), ValueError, r"full: .*cannot be broadcast"),
    ("arange_zero_step", lambda: ops.arange(0, 5, 0), ValueError, "arange: `step` must not be zero"),
    ("arange_symbolic", lambda: ops.arange(KerasTensor(())), TypeError, "arange: `start` must be a concrete"),
    ("linspace_negative_num", lambda: ops.linspace(0, 1, -2), ValueError, "linspace: `num` must be non-negative"),
    ("linspace_bad_axis", lambda: ops.linspace(0, 1, 3, axis=2), ValueError, "linspace: `axis`=2"),
    ("eye_float_n", lambda: ops.eye(2.5), TypeError, "eye: `N` must be an int"),
    ("tri_bad_k", lambda: ops.tri(3, k=1.5), TypeError, "tri: `k` must be an int"),
    ("tril_vector", lambda: ops.tril(V), ValueError, "tril: `x` must have rank >= 2"),
    ("diag_3d", lambda: ops.diag(X3), ValueError, "diag: `x` must be 1-D or 2-D"),
    ("vander_2d", lambda: ops.vander(X), ValueError, "vander: `x` must be 1-D"),
    ("meshgrid_indexing", lambda: ops.meshgrid(V, indexing="xyz"), ValueError, "meshgrid: `indexing`"),
    ("meshgrid_2d", lambda: ops.meshgrid(X), ValueError, "meshgrid: inputs must be 1-D"),
    ("hamming_negative", lambda: ops.hamming(-1), ValueError, "hamming: `x` must be non-negative"),
    ("kaiser_float", lambda: ops.kaiser(2.5, 1.0), TypeError, "kaiser: `x` must be an int"),
]  # fmt: skip


test_errors = raises_test(ERROR_CASES)


GRADIENT_CASES = [
    ("tril", lambda t: ops.tril(t, -1), lambda a: np.tril(a, -1), X),
    ("diag_vector", lambda t: ops.diag(t, 1), lambda a: np.diag(a, 1), V),
    ("linspace", lambda t: ops.linspace(t, 2.0, 4), lambda a: np.linspace(a, 2.0, 4), V),
]


@requires_training
@pytest.mark.parametrize("name,fn,ref,x", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_match_finite_differences(name, fn, ref, x):
    gradient_matches(fn, ref, x)


def test_backend_tensors_are_returned():
    assert backend.is_tensor(ops.zeros((2,))) and backend.is_tensor(ops.hanning(3))
