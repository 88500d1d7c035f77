"""cornu.ops.linalg: decompositions checked by reconstruction, solvers and norms vs NumPy/SciPy."""

import numpy as np
import pytest
import scipy.linalg

from cornu import backend, ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.testing import assert_op_matches
from tests.conftest import requires_training
from tests.helpers import backend_grad, matches_reference_test, unknown_batch_test

rng = np.random.default_rng(1234)

A = rng.standard_normal((4, 4)).astype("float32")
B = rng.standard_normal((2, 3, 3)).astype("float32")
RECT = rng.standard_normal((5, 3)).astype("float32")
WIDE = rng.standard_normal((2, 3, 5)).astype("float32")
SPD = (A @ A.T + 4 * np.eye(4)).astype("float32")
SPD_BATCH = (B @ np.swapaxes(B, -1, -2) + 3 * np.eye(3)).astype("float32")
WELL = (A + 6 * np.eye(4)).astype("float32")
WELL_BATCH = (B + 5 * np.eye(3)).astype("float32")
RHS = rng.standard_normal((4, 2)).astype("float32")
RHS_VEC = rng.standard_normal((4,)).astype("float32")
RHS_BATCH = rng.standard_normal((2, 3, 2)).astype("float32")
UPPER = (np.triu(A) + 4 * np.eye(4)).astype("float32")
LOWER = np.ascontiguousarray(UPPER.T)
X3 = rng.standard_normal((2, 3, 4)).astype("float32")
V = rng.standard_normal((6,)).astype("float32")


def np_(t):
    return np.asarray(backend.convert_to_numpy(t))


def _cholesky_ref(x, upper=False):
    lower = np.linalg.cholesky(x)
    return np.swapaxes(lower, -1, -2) if upper else lower


def _solve_ref(a, b):
    return np.linalg.solve(a, b)


def _lu_ref(x):
    lu, piv = scipy.linalg.lu_factor(x)
    return lu, piv.astype("int32")


def _pinv_ref(x, rcond=None):
    return np.linalg.pinv(x)


CASES = [
    ("cholesky", ops.cholesky, _cholesky_ref, (SPD,), {}),
    ("cholesky-upper", ops.cholesky, _cholesky_ref, (SPD,), {"upper": True}),
    ("cholesky-batch", ops.cholesky, _cholesky_ref, (SPD_BATCH,), {}),
    ("cholesky_inverse", ops.cholesky_inverse, lambda x, upper=False: np.linalg.inv(SPD),
     (np.linalg.cholesky(SPD).astype("float32"),), {}),
    ("cholesky_inverse-upper", ops.cholesky_inverse, lambda x, upper=False: np.linalg.inv(SPD),
     (np.linalg.cholesky(SPD).T.astype("float32"),), {"upper": True}),
    ("det", ops.det, np.linalg.det, (WELL,), {}),
    ("det-batch", ops.det, np.linalg.det, (WELL_BATCH,), {}),
    ("inv", ops.inv, np.linalg.inv, (WELL,), {}),
    ("inv-batch", ops.inv, np.linalg.inv, (WELL_BATCH,), {}),
    ("lstsq", ops.lstsq, lambda a, b: np.linalg.lstsq(a, b)[0], (RECT, rng.standard_normal((5, 2)).astype("float32")), {}),
    ("lstsq-vector", ops.lstsq, lambda a, b: np.linalg.lstsq(a, b)[0],
     (RECT, rng.standard_normal((5,)).astype("float32")), {}),
    ("lu_factor", ops.lu_factor, _lu_ref, (WELL,), {}),
    ("lu_factor-batch", ops.lu_factor, _lu_ref, (B,), {}),
    ("matrix_rank", ops.matrix_rank, np.linalg.matrix_rank, (A,), {}),
    ("matrix_rank-deficient", ops.matrix_rank, np.linalg.matrix_rank,
     ((RECT @ RECT.T).astype("float32"),), {}),
    ("matrix_rank-batch", ops.matrix_rank, np.linalg.matrix_rank, (WIDE,), {}),
    ("pinv", ops.pinv, _pinv_ref, (RECT,), {}),
    ("pinv-batch", ops.pinv, _pinv_ref, (WIDE,), {}),
    ("solve", ops.solve, _solve_ref, (WELL, RHS), {}),
    ("solve-vector", ops.solve, _solve_ref, (WELL, RHS_VEC), {}),
    ("solve-batch", ops.solve, _solve_ref, (WELL_BATCH, RHS_BATCH), {}),
    ("solve-broadcast", ops.solve, _solve_ref, (WELL_BATCH, RHS_BATCH[0]), {}),
    ("solve-batch-vector", ops.solve, _solve_ref, (WELL_BATCH, RHS_VEC[:3]), {}),
    ("solve_triangular-batch-vector", ops.solve_triangular,
     lambda a, b: np.linalg.solve(np.triu(a), b), (WELL_BATCH, RHS_VEC[:3]), {}),
    ("solve_triangular", ops.solve_triangular,
     lambda a, b: scipy.linalg.solve_triangular(a, b), (UPPER, RHS), {}),
    ("solve_triangular-lower", ops.solve_triangular,
     lambda a, b, lower: scipy.linalg.solve_triangular(a, b, lower=lower),
     (LOWER, RHS_VEC), {"lower": True}),
    ("solve_triangular-batch", ops.solve_triangular,
     lambda a, b: np.linalg.solve(np.triu(a), b), (WELL_BATCH, RHS_BATCH), {}),
    ("svd-values", ops.svd, lambda x, compute_uv: np.linalg.svd(x, compute_uv=False),
     (X3,), {"compute_uv": False}),
]  # fmt: skip

NORM_CASES = [
    ("flat", X3, {}),
    ("flat-keepdims", X3, {"keepdims": True}),
    ("vector-axis", X3, {"axis": -1}),
    ("vector-inf", X3, {"axis": 1, "ord": np.inf}),
    ("vector-ninf", X3, {"axis": 1, "ord": -np.inf}),
    ("vector-0", np.array([0.0, 1.0, -2.0, 0.0], "float32"), {"ord": 0}),
    ("vector-1", V, {"ord": 1}),
    ("vector-3", V, {"ord": 3}),
    ("vector-keepdims", X3, {"axis": 0, "keepdims": True}),
    ("matrix-fro", A, {"ord": "fro"}),
    ("matrix-nuc", A, {"ord": "nuc"}),
    ("matrix-1", A, {"ord": 1}),
    ("matrix-m1", A, {"ord": -1}),
    ("matrix-2", A, {"ord": 2}),
    ("matrix-m2", A, {"ord": -2}),
    ("matrix-inf", A, {"ord": np.inf}),
    ("matrix-ninf", A, {"ord": -np.inf}),
    ("matrix-axes", X3, {"axis": (2, 0), "ord": 1}),
    ("matrix-axes-nuc-keepdims", X3, {"axis": (0, 2), "ord": "nuc", "keepdims": True}),
    ("matrix-axes-inf", X3, {"axis": (-1, -2), "ord": np.inf}),
]


test_matches_reference = matches_reference_test(CASES, rtol=1e-4, atol=1e-4)


UNKNOWN_BATCH = [
    "cholesky-batch",
    "det-batch",
    "inv-batch",
    "lu_factor-batch",
    "matrix_rank-batch",
    "pinv-batch",
    "solve-batch",
    "solve_triangular-batch",
    "svd-values",
]


test_unknown_batch_dimension = unknown_batch_test(CASES, UNKNOWN_BATCH, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name,x,kwargs", NORM_CASES, ids=[c[0] for c in NORM_CASES])
def test_norm(name, x, kwargs):
    assert_op_matches(
        ops.norm, np.linalg.norm, x, rtol=1e-4, atol=1e-5, expected_dtype="float32", **kwargs
    )


# --- decompositions with sign/phase freedom: check reconstruction -----------------------------


@pytest.mark.parametrize("x", [SPD, SPD_BATCH], ids=["matrix", "batch"])
def test_eigh_reconstructs(x):
    w, v = assert_op_matches(ops.eigh, None, x)
    np.testing.assert_allclose(w, np.linalg.eigvalsh(x), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(v @ (w[..., None] * np.swapaxes(v, -1, -2)), x, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("x", [A, B], ids=["matrix", "batch"])
def test_eig_reconstructs(x):
    w, v = assert_op_matches(ops.eig, None, x)
    assert w.dtype == np.complex64 and v.dtype == np.complex64
    np.testing.assert_allclose(x @ v, v * w[..., None, :], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(
        np.sort_complex(w), np.sort_complex(np.linalg.eigvals(x)), rtol=1e-4, atol=1e-4
    )


@pytest.mark.parametrize(
    "x,mode",
    [(RECT, "reduced"), (RECT, "complete"), (WIDE, "reduced"), (WIDE, "complete")],
    ids=["tall-reduced", "tall-complete", "wide-reduced", "wide-complete"],
)
def test_qr_reconstructs(x, mode):
    q, r = assert_op_matches(ops.qr, None, x, mode=mode)
    ref_q, ref_r = np.linalg.qr(x, mode=mode)
    assert q.shape == ref_q.shape and r.shape == ref_r.shape
    np.testing.assert_allclose(q @ r, x, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.triu(r), r, atol=1e-6)
    eye = np.eye(q.shape[-1])
    np.testing.assert_allclose(
        np.swapaxes(q, -1, -2) @ q, np.broadcast_to(eye, q.shape[:-2] + eye.shape), atol=1e-4
    )


@pytest.mark.parametrize(
    "x,full",
    [(RECT, True), (RECT, False), (WIDE, True), (WIDE, False)],
    ids=["tall-full", "tall-reduced", "wide-full", "wide-reduced"],
)
def test_svd_reconstructs(x, full):
    u, s, vh = assert_op_matches(ops.svd, None, x, full_matrices=full)
    ref_u, ref_s, ref_vh = np.linalg.svd(x, full_matrices=full)
    assert u.shape == ref_u.shape and vh.shape == ref_vh.shape
    np.testing.assert_allclose(s, ref_s, rtol=1e-4, atol=1e-4)
    k = s.shape[-1]
    np.testing.assert_allclose(
        (u[..., :k] * s[..., None, :]) @ vh[..., :k, :], x, rtol=1e-4, atol=1e-4
    )


def test_lu_factor_reconstructs():
    lu, piv = ops.lu_factor(backend.convert_to_tensor(A))
    lu, piv = np_(lu), np_(piv)
    assert piv.dtype == np.int32
    lower = np.tril(lu, -1) + np.eye(4)
    upper = np.triu(lu)
    perm = np.arange(4)
    for i, p in enumerate(piv):
        perm[[i, p]] = perm[[p, i]]
    np.testing.assert_allclose(A[perm], lower @ upper, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("x", [RECT, WIDE], ids=["tall", "wide-batch"])
def test_lu_factor_rectangular(x):
    assert_op_matches(ops.lu_factor, _lu_ref, x, rtol=1e-4, atol=1e-4)


# --- dtypes ----------------------------------------------------------------------------------


def test_integer_input_gives_float32():
    x = np.array([[2, 1], [1, 3]], "int32")
    assert_op_matches(ops.det, np.linalg.det, x, expected_dtype="float32", rtol=1e-5)
    assert_op_matches(ops.inv, np.linalg.inv, x, expected_dtype="float32", rtol=1e-5)
    assert_op_matches(ops.cholesky, np.linalg.cholesky, x, expected_dtype="float32", rtol=1e-5)
    assert_op_matches(ops.norm, np.linalg.norm, x, expected_dtype="float32")
    assert_op_matches(ops.matrix_rank, np.linalg.matrix_rank, x, expected_dtype="int32")


def test_float64_stays_float64():
    x = WELL.astype("float64")
    assert_op_matches(ops.inv, np.linalg.inv, x, expected_dtype="float64")
    w, _ = assert_op_matches(ops.eig, None, x)
    assert w.dtype == np.complex128


def test_half_precision_computes_in_float32():
    x = WELL.astype("float16")
    out = ops.inv(backend.convert_to_tensor(x))
    assert backend.standardize_dtype(out.dtype) == "float16"
    np.testing.assert_allclose(
        np_(out).astype("float32"), np.linalg.inv(WELL), rtol=1e-2, atol=1e-2
    )


def test_solve_promotes_mixed_dtypes():
    out = assert_op_matches(
        ops.solve, _solve_ref, WELL.astype("float64"), RHS, expected_dtype="float64"
    )
    assert out.shape == (4, 2)


def test_matrix_rank_tol():
    x = np.diag([3.0, 1.0, 1e-3]).astype("float32")
    assert np_(ops.matrix_rank(backend.convert_to_tensor(x), tol=1e-2)) == 2
    assert np_(ops.matrix_rank(backend.convert_to_tensor(x))) == 3


def test_symbolic_unknown_batch():
    x = KerasTensor((None, 3, 3))
    assert ops.det(x).shape == (None,)
    w, v = ops.eigh(x)
    assert w.shape == (None, 3) and v.shape == (None, 3, 3)
    u, s, vh = ops.svd(KerasTensor((None, 5, 3)), full_matrices=False)
    assert u.shape == (None, 5, 3) and s.shape == (None, 3) and vh.shape == (None, 3, 3)
    q, r = ops.qr(KerasTensor((None, 5, 3)), mode="complete")
    assert q.shape == (None, 5, 5) and r.shape == (None, 5, 3)
    assert ops.solve(x, KerasTensor((None, 3, 2))).shape == (None, 3, 2)
    assert ops.norm(KerasTensor((None, 4, 5)), axis=(1, 2)).shape == (None,)
    assert ops.matrix_rank(KerasTensor((None, 4, 5, 6))).dtype == "int32"


# --- errors ----------------------------------------------------------------------------------


def test_errors():
    t = backend.convert_to_tensor
    with pytest.raises(ValueError, match="inv: `x` must be square"):
        ops.inv(t(RECT))
    with pytest.raises(ValueError, match="det: `x` must have rank >= 2"):
        ops.det(t(V))
    with pytest.raises(ValueError, match="qr: `mode` must be 'reduced' or 'complete'"):
        ops.qr(t(A), mode="r")
    with pytest.raises(ValueError, match="norm: `ord`='nuc' is not valid for a vector norm"):
        ops.norm(t(V), ord="nuc")
    with pytest.raises(ValueError, match="norm: `ord`=3 is not valid for a matrix norm"):
        ops.norm(t(A), ord=3)
    with pytest.raises(ValueError, match="norm: with `axis=None`"):
        ops.norm(t(X3), ord=2)
    with pytest.raises(ValueError, match="norm: `axis`=3 is out of range"):
        ops.norm(t(X3), axis=3)
    with pytest.raises(ValueError, match="solve: `b` must have 4 rows"):
        ops.solve(t(WELL), t(RHS_BATCH))
    with pytest.raises(ValueError, match="lstsq: `a` must be a 2-D matrix"):
        ops.lstsq(t(B), t(RHS))
    with pytest.raises(ValueError, match="cholesky: `x` must be square"):
        ops.cholesky(KerasTensor((None, 3, 4)))
    with pytest.raises(TypeError, match="jvp: `primals` and `tangents` must be lists"):
        ops.jvp(lambda x: x, t(V), t(V))


# --- gradients and jvp -----------------------------------------------------------------------


_grad = backend_grad


def _fd_grad(fn, x, eps=1e-6):
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[idx] = eps
        g[idx] = (fn(x + d) - fn(x - d)) / (2 * eps)
    return g


@requires_training
@pytest.mark.parametrize(
    "name,op_fn,ref_fn",
    [
        ("det", lambda x: ops.det(x), np.linalg.det),
        ("det-inv", lambda x: ops.det(ops.inv(x)), lambda x: np.linalg.det(np.linalg.inv(x))),
        ("norm-nuc", lambda x: ops.norm(x, ord="nuc"), lambda x: np.linalg.norm(x, "nuc")),
    ],
    ids=["det", "det-inv", "norm-nuc"],
)
def test_gradients_match_finite_differences(name, op_fn, ref_fn):
    x = WELL.astype("float64")
    np.testing.assert_allclose(_grad(op_fn, x), _fd_grad(ref_fn, x), rtol=1e-4, atol=1e-5)


@requires_training
def test_jvp():
    x = backend.convert_to_tensor(WELL.astype("float64"))
    t = backend.convert_to_tensor(np.eye(4))
    out, tangent = ops.jvp(ops.det, (x,), (t,))
    np.testing.assert_allclose(np_(out), np.linalg.det(WELL.astype("float64")), rtol=1e-10)
    expected = np.linalg.det(WELL) * np.trace(np.linalg.inv(WELL))
    np.testing.assert_allclose(np_(tangent), expected, rtol=1e-4)
    out, tangent, aux = ops.jvp(lambda a: (ops.det(a), "aux"), (x,), (t,), has_aux=True)
    assert aux == "aux"
    np.testing.assert_allclose(np_(tangent), expected, rtol=1e-4)
    out, tangent, aux = ops.jvp(
        lambda a: (ops.det(a), {"x": a, "tag": 1}), (x,), (t,), has_aux=True
    )
    assert aux["tag"] == 1
    np.testing.assert_allclose(np_(aux["x"]), WELL.astype("float64"))


def test_jvp_numpy_raises():
    if backend.backend() != "numpy":
        pytest.skip("only the numpy backend lacks jvp")
    with pytest.raises(NotImplementedError, match="jvp: the numpy backend"):
        ops.jvp(ops.det, (A,), (A,))


HALF_CASES = [
    ("cholesky", lambda a: ops.cholesky(a)),
    ("det", lambda a: ops.det(a)),
    ("eigh", lambda a: ops.eigh(a)[1]),
    ("lstsq", lambda a: ops.lstsq(a, a)),
    ("lu_factor", lambda a: ops.lu_factor(a)[0]),
    ("norm", lambda a: ops.norm(a, ord=2)),
    ("pinv", lambda a: ops.pinv(a)),
    ("qr", lambda a: ops.qr(a)[0]),
    ("solve_triangular", lambda a: ops.solve_triangular(a, a, lower=True)),
    ("svd", lambda a: ops.svd(a)[1]),
]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name,fn", HALF_CASES, ids=[c[0] for c in HALF_CASES])
def test_half_precision_keeps_dtype(name, fn, dtype):
    import ml_dtypes  # noqa: F401 (registers bfloat16 with NumPy)

    out = fn(backend.convert_to_tensor(SPD.astype(dtype)))
    assert backend.standardize_dtype(out.dtype) == dtype
