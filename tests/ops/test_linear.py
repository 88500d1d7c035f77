"""Products of the NumPy API (matmul, dot, einsum, tensordot, ...) against NumPy."""

import numpy as np
import pytest

from cornu import backend, ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.testing import assert_op_matches
from tests.conftest import requires_training
from tests.helpers import backend_grad, matches_reference_test, unknown_batch_test

rng = np.random.default_rng(7)


def f32(*shape):
    return rng.standard_normal(shape).astype("float32")


def i32(*shape):
    return rng.integers(-5, 5, shape).astype("int32")


M23, M34, M3, M4 = f32(2, 3), f32(3, 4), f32(3), f32(4)
B234, B243 = f32(2, 3, 4), f32(2, 4, 3)
SQ = (f32(3, 3) + 4 * np.eye(3)).astype("float32")
SQ_BATCH = (f32(2, 3, 3) + 4 * np.eye(3)).astype("float32")
V3A, V3B, V2A, V2B = f32(3), f32(3), f32(2), f32(2)
VEC_BATCH_A, VEC_BATCH_B = f32(4, 3), f32(4, 3)
SCALAR = 2.5  # a Python scalar (weak): stays float32 with float32 operands


def _np_cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if (
        x1.shape[axisa if axis is None else axis] == 2
        and x2.shape[axisb if axis is None else axis] == 2
    ):
        a = np.moveaxis(x1, axisa if axis is None else axis, -1)
        b = np.moveaxis(x2, axisb if axis is None else axis, -1)
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = np.moveaxis(x1, axisa, -1), np.moveaxis(x2, axisb, -1)
    pad = lambda v: np.concatenate([v, np.zeros_like(v[..., :1])], -1) if v.shape[-1] == 2 else v
    return np.cross(pad(a), pad(b), axisc=axisc)


CASES = [
    ("matmul", ops.matmul, np.matmul, (M23, M34), {}),
    ("matmul-batch", ops.matmul, np.matmul, (B234, B243), {}),
    ("dot-2d", ops.dot, np.dot, (M23, M34), {}),
    ("dot-1d", ops.dot, np.dot, (M3, V3B), {}),
    ("dot-nd-1d", ops.dot, np.dot, (B234, M4), {}),
    ("dot-nd-nd", ops.dot, np.dot, (B234, B243), {}),
    ("dot-scalar", ops.dot, np.dot, (SCALAR, M23), {}),
    ("einsum-matmul", ops.einsum, np.einsum, ("ij,jk->ik", M23, M34), {}),
    ("einsum-trace", ops.einsum, np.einsum, ("ii", SQ), {}),
    ("einsum-batch", ops.einsum, np.einsum, ("bij,bjk->bik", B234, B243), {}),
    ("einsum-three", ops.einsum, np.einsum, ("i,ij,j->", M3, M34, M4), {}),
    ("einsum-ellipsis", ops.einsum, np.einsum, ("...ij->...ji", B234), {}),
    ("tensordot-2", ops.tensordot, np.tensordot, (B234, f32(3, 4, 5)), {}),
    ("tensordot-1", ops.tensordot, np.tensordot, (B234, M4), {"axes": 1}),
    ("tensordot-0", ops.tensordot, np.tensordot, (M3, M4), {"axes": 0}),
    ("tensordot-lists", ops.tensordot, np.tensordot, (B234, B243), {"axes": ([0, 1], [0, 2])}),
    ("tensordot-neg", ops.tensordot, np.tensordot, (B234, M34), {"axes": ([-2], [0])}),
    ("inner-1d", ops.inner, np.inner, (M3, V3B), {}),
    ("inner-nd", ops.inner, np.inner, (B234, M34), {}),
    ("inner-scalar", ops.inner, np.inner, (SCALAR, M23), {}),
    ("outer", ops.outer, np.outer, (M3, M4), {}),
    ("outer-flattens", ops.outer, np.outer, (M23, M3), {}),
    ("kron", ops.kron, np.kron, (M23, M34), {}),
    ("kron-ranks", ops.kron, np.kron, (B234, M3), {}),
    ("cross-3", ops.cross, _np_cross, (V3A, V3B), {}),
    ("cross-batch", ops.cross, _np_cross, (VEC_BATCH_A, VEC_BATCH_B), {}),
    ("cross-broadcast", ops.cross, _np_cross, (VEC_BATCH_A, V3B), {}),
    ("cross-2", ops.cross, _np_cross, (V2A, V2B), {}),
    ("cross-2-3", ops.cross, _np_cross, (V2A, V3B), {}),
    ("cross-axes", ops.cross, _np_cross, (f32(3, 4), f32(4, 3)), {"axisa": 0, "axisb": 1, "axisc": 0}),
    ("cross-axis", ops.cross, _np_cross, (f32(3, 5), f32(3, 5)), {"axis": 0}),
    ("vdot", ops.vdot, np.vdot, (M23, f32(3, 2)), {}),
    ("slogdet", ops.slogdet, np.linalg.slogdet, (SQ,), {}),
    ("slogdet-batch", ops.slogdet, np.linalg.slogdet, (SQ_BATCH,), {}),
    ("slogdet-negative", ops.slogdet, np.linalg.slogdet, (-SQ,), {}),
    ("correlate-valid", ops.correlate, np.correlate, (f32(7), f32(3)), {}),
    ("correlate-valid-short", ops.correlate, np.correlate, (f32(3), f32(7)), {}),
    ("correlate-same", ops.correlate, np.correlate, (f32(7), f32(4)), {"mode": "same"}),
    ("correlate-same-short", ops.correlate, np.correlate, (f32(4), f32(5)), {"mode": "same"}),
    ("correlate-full", ops.correlate, np.correlate, (f32(6), f32(4)), {"mode": "full"}),
]  # fmt: skip


test_matches_numpy = matches_reference_test(CASES, rtol=1e-5, atol=1e-5)


# (rows whose every array argument may have an unknown leading dimension)
UNKNOWN_BATCH = [
    "matmul-batch",
    "dot-nd-nd",
    "einsum-batch",
    "einsum-ellipsis",
    "inner-nd",
    "outer-flattens",
    "kron-ranks",
    "cross-batch",
    "slogdet-batch",
]


test_unknown_batch_dimension = unknown_batch_test(CASES, UNKNOWN_BATCH, rtol=1e-5, atol=1e-5)


INT_CASES = [
    ("matmul", ops.matmul, (i32(2, 3), i32(3, 4))),
    ("dot", ops.dot, (i32(2, 3), i32(3, 4))),
    ("tensordot", ops.tensordot, (i32(2, 3), i32(2, 3))),
    ("inner", ops.inner, (i32(2, 3), i32(4, 3))),
    ("outer", ops.outer, (i32(2), i32(3))),
    ("kron", ops.kron, (i32(2, 2), i32(2, 3))),
    ("vdot", ops.vdot, (i32(5), i32(5))),
    ("cross", ops.cross, (i32(4, 3), i32(4, 3))),
]


@pytest.mark.parametrize("name,op,args", INT_CASES, ids=[c[0] for c in INT_CASES])
@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8", "uint32", "bool"])
def test_integer_products(name, op, args, dtype):
    if name == "cross" and dtype == "bool":
        pytest.skip("NumPy's cross rejects bool")
    args = tuple(
        np.abs(a).astype(dtype) if dtype.startswith("u") else a.astype(dtype) for a in args
    )
    want = "int32" if dtype in ("int8", "uint8", "bool") else dtype
    ref = getattr(np, name)
    assert_op_matches(
        op,
        lambda *xs: ref(*(x.astype("int64") for x in xs)).astype(want),
        *args,
        expected_dtype=want,
    )


def test_einsum_integer_and_mixed_dtypes():
    assert_op_matches(
        ops.einsum,
        np.einsum,
        "ij,jk->ik",
        i32(2, 3).astype("int8"),
        i32(3, 2).astype("int8"),
        expected_dtype="int32",
    )
    assert_op_matches(
        ops.einsum,
        lambda s, a, b: np.einsum(s, a, b.astype("float64")),
        "ij,j->i",
        M23,
        V3B.astype("float64"),
        expected_dtype="float64",
    )


def test_slogdet_and_correlate_dtypes():
    x = np.array([[2, 1], [1, 3]], "int32")
    assert_op_matches(ops.slogdet, np.linalg.slogdet, x, expected_dtype="float32")
    assert_op_matches(
        ops.correlate,
        np.correlate,
        np.arange(5, dtype="int32"),
        np.array([1, 2], "int32"),
        expected_dtype="float32",
    )
    assert_op_matches(
        ops.correlate, np.correlate, f32(6).astype("float64"), f32(3), expected_dtype="float64"
    )


def test_symbolic_with_unknown_batch():
    out = ops.dot(KerasTensor((None, 3)), KerasTensor((3, 5)))
    assert out.shape == (None, 5)
    out = ops.einsum("bij,jk->bik", KerasTensor((None, 2, 3)), KerasTensor((3, 4)))
    assert out.shape == (None, 2, 4) and out.dtype == "float32"
    assert ops.tensordot(KerasTensor((None, 3, 4)), KerasTensor((3, 4)), axes=2).shape == (None,)
    sign, logdet = ops.slogdet(KerasTensor((None, 3, 3)))
    assert sign.shape == (None,) and logdet.dtype == "float32"
    assert ops.correlate(KerasTensor((None,)), KerasTensor((3,))).shape == (None,)
    assert ops.inner(KerasTensor((None, 3)), KerasTensor((4, 3))).shape == (None, 4)
    assert ops.outer(KerasTensor((None, 3)), KerasTensor((4,))).shape == (None, 4)
    assert ops.kron(KerasTensor((None, 3)), KerasTensor((2, 2))).shape == (None, 6)
    assert ops.cross(KerasTensor((None, 3)), KerasTensor((3,))).shape == (None, 3)
    assert ops.vdot(KerasTensor((None, 3)), KerasTensor((None, 3))).shape == ()
    assert ops.matmul(KerasTensor((None, 3)), KerasTensor((3, 2))).shape == (None, 2)


def test_errors():
    t = backend.convert_to_tensor
    with pytest.raises(ValueError, match="dot: the contracted dimensions must match"):
        ops.dot(t(M23), t(M23))
    with pytest.raises(ValueError, match="tensordot: the contracted dimensions must match"):
        ops.tensordot(t(M23), t(M34), axes=([0], [0]))
    with pytest.raises(ValueError, match="tensordot: the two axis lists"):
        ops.tensordot(t(M23), t(M34), axes=([0, 1], [0]))
    with pytest.raises(ValueError, match="tensordot: `axes`=3 must be between"):
        ops.tensordot(t(M23), t(M34), axes=3)
    with pytest.raises(ValueError, match="inner: the last dimensions must match"):
        ops.inner(t(M23), t(M34))
    with pytest.raises(ValueError, match="cross: the vector axes must have 2 or 3 elements"):
        ops.cross(t(M4), t(M4))
    with pytest.raises(ValueError, match="vdot: inputs must have the same number"):
        ops.vdot(t(M3), t(M4))
    with pytest.raises(ValueError, match="slogdet: `x` must be square"):
        ops.slogdet(t(M23))
    with pytest.raises(ValueError, match="correlate: `mode` must be"):
        ops.correlate(t(M3), t(M4), mode="circular")
    with pytest.raises(ValueError, match="correlate: inputs must be 1-D"):
        ops.correlate(t(M23), t(M3))
    with pytest.raises(TypeError, match="einsum: `subscripts` must be a string"):
        ops.einsum(t(M3), t(M3))


_grad = backend_grad


@requires_training
@pytest.mark.parametrize("name", ["einsum", "tensordot", "slogdet", "correlate"])
def test_gradients(name):
    x = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    w = rng.standard_normal((3, 3))
    fns = {
        "einsum": (lambda a: ops.einsum("ij,ji->", a, w), lambda a: np.einsum("ij,ji->", a, w)),
        "tensordot": (lambda a: ops.tensordot(a, w), lambda a: np.tensordot(a, w)),
        "slogdet": (lambda a: ops.slogdet(a)[1], lambda a: np.linalg.slogdet(a)[1]),
        "correlate": (
            lambda a: ops.vdot(
                ops.correlate(ops.reshape(a, (9,)), w[0], mode="full"), np.arange(11.0)
            ),
            lambda a: np.vdot(np.correlate(a.reshape(9), w[0], mode="full"), np.arange(11.0)),
        ),
    }
    op_fn, ref_fn = fns[name]
    eps = 1e-6
    fd = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[idx] = eps
        fd[idx] = (ref_fn(x + d) - ref_fn(x - d)) / (2 * eps)
    np.testing.assert_allclose(_grad(op_fn, x), fd, rtol=1e-5, atol=1e-6)


HALF_CASES = [
    ("matmul", lambda a, v: ops.matmul(a, a)),
    ("dot", lambda a, v: ops.dot(a, a)),
    ("einsum", lambda a, v: ops.einsum("ij,jk->ik", a, a)),
    ("tensordot", lambda a, v: ops.tensordot(a, a)),
    ("kron", lambda a, v: ops.kron(a, a)),
    ("cross", lambda a, v: ops.cross(a[:, :3], a[:, :3])),
    ("vdot", lambda a, v: ops.vdot(a, a)),
    ("correlate", lambda a, v: ops.correlate(v, v[:3])),
    ("slogdet", lambda a, v: ops.slogdet(a)[1]),
]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name,fn", HALF_CASES, ids=[c[0] for c in HALF_CASES])
def test_half_precision_keeps_dtype(name, fn, dtype):
    import ml_dtypes  # noqa: F401 (registers bfloat16 with NumPy)

    a = (f32(4, 4) + 3 * np.eye(4, dtype="float32")).astype(dtype)
    v = f32(6).astype(dtype)
    out = fn(backend.convert_to_tensor(a), backend.convert_to_tensor(v))
    assert backend.standardize_dtype(out.dtype) == dtype
