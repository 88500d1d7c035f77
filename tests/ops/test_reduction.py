"""Reductions and statistics: values vs NumPy, symbolic specs, dtypes, errors, gradients."""

import warnings

import numpy as np
import pytest

from cornu import backend, ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.testing import assert_op_matches
from tests.conftest import requires_training
from tests.helpers import backend_grad, matches_reference_test, raises_test

rng = np.random.default_rng(1234)
X = rng.standard_normal((3, 4, 5)).astype("float32")
V = rng.standard_normal((7,)).astype("float32")
M = rng.standard_normal((4, 6)).astype("float32")
POS = rng.uniform(0.5, 1.5, (3, 4)).astype("float32")
I = rng.integers(-5, 6, (4, 5)).astype("int32")
B = rng.random((4, 5)) > 0.4
XN = X.copy()
XN[0, 1, :2] = np.nan
XN[2, :, 3] = np.nan  # some all-NaN slices along axis 1
XN[1, 0, :] = np.nan
EMPTY = np.zeros((0, 3), "float32")


def quiet(fn):
    """A NumPy reference with its empty-slice / all-NaN warnings silenced."""

    def ref(*args, **kwargs):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)

    return ref


def np_nanarg(fn):
    def ref(x, axis=None, keepdims=False):
        filled = np.where(np.isnan(x), -np.inf if fn is np.argmax else np.inf, x)
        out = fn(filled, axis=axis, keepdims=keepdims)
        all_nan = np.all(np.isnan(x), axis=axis, keepdims=keepdims)
        return np.where(all_nan, -1, out)

    return ref


def allclose_loose(x1, x2):
    """allclose with wide tolerances (its rtol/atol names clash with the harness's)."""
    return ops.allclose(x1, x2, rtol=0.0, atol=10.0)


def np_allclose_loose(x1, x2):
    return np.allclose(x1, x2, rtol=0.0, atol=10.0)


REDUCE = ["sum", "prod", "mean", "var", "std", "max", "min", "ptp", "median"]
AXES = [None, 0, -1, (0, 2), ()]
CASES = [
    (f"{name}-axis{axis}-keepdims{kd}", getattr(ops, name), getattr(np, name), (X,),
     {"axis": axis, "keepdims": kd})
    for name in REDUCE for axis, kd in [(a, False) for a in AXES] + [((0, 2), True)]
]  # fmt: skip
NAN_REDUCE = ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "nanmedian"]
CASES += [
    (f"{name}-axis{axis}", getattr(ops, name), quiet(getattr(np, name)), (XN,), {"axis": axis})
    for name in NAN_REDUCE
    for axis in (None, 1, (0, 2))
]
CASES += [
    (f"{name}-keepdims", getattr(ops, name), quiet(getattr(np, name)), (XN,),
     {"axis": 2, "keepdims": True})
    for name in NAN_REDUCE
]  # fmt: skip
CASES += [
    ("amax", ops.amax, np.amax, (X,), {"axis": (0, 1), "keepdims": True}),
    ("amin", ops.amin, np.amin, (X,), {"axis": 2}),
    ("all", ops.all, np.all, (B,), {"axis": 1}),
    ("all-none", ops.all, np.all, (B,), {}),
    ("any", ops.any, np.any, (B,), {"axis": 0, "keepdims": True}),
    ("any-float", ops.any, np.any, (I.astype("float32"),), {"axis": (0, 1)}),
    ("all-int", ops.all, np.all, (I,), {"axis": -1}),
    ("argmax", ops.argmax, np.argmax, (X,), {"axis": 1}),
    ("argmax-none", ops.argmax, np.argmax, (X,), {}),
    ("argmax-keepdims", ops.argmax, np.argmax, (X,), {"axis": -1, "keepdims": True}),
    ("argmax-none-keepdims", ops.argmax, np.argmax, (X,), {"keepdims": True}),
    ("argmin", ops.argmin, np.argmin, (X,), {"axis": 0}),
    ("argmin-int", ops.argmin, np.argmin, (I,), {"axis": 1}),
    ("argmax-bool", ops.argmax, np.argmax, (B,), {"axis": 1}),
    ("argmax-nan", ops.argmax, np.argmax, (XN,), {"axis": 2}),
    ("argmin-nan", ops.argmin, np.argmin, (XN,), {"axis": 2}),
    ("nanargmax", ops.nanargmax, np_nanarg(np.argmax), (XN,), {"axis": 2}),
    ("nanargmin", ops.nanargmin, np_nanarg(np.argmin), (XN,), {"axis": 1, "keepdims": True}),
    ("nanargmax-none", ops.nanargmax, np.nanargmax, (XN,), {}),
    ("cumsum", ops.cumsum, np.cumsum, (X,), {"axis": 1}),
    ("cumsum-none", ops.cumsum, np.cumsum, (X,), {}),
    ("cumsum-dtype", ops.cumsum, np.cumsum, (I,), {"axis": 0, "dtype": "float32"}),
    ("cumprod", ops.cumprod, np.cumprod, (POS,), {"axis": -1}),
    ("cumprod-none", ops.cumprod, np.cumprod, (POS,), {}),
    ("nancumsum", ops.nancumsum, np.nancumsum, (XN,), {"axis": 2}),
    ("nancumprod", ops.nancumprod, np.nancumprod, (XN,), {"axis": 0}),
    ("nancumsum-none", ops.nancumsum, np.nancumsum, (XN,), {}),
    ("sum-int", ops.sum, np.sum, (I,), {"axis": 0}),
    ("prod-int", ops.prod, np.prod, (I[:2],), {"axis": 1}),
    ("prod-dtype", ops.prod, np.prod, (I,), {"axis": 1, "dtype": "float32"}),
    ("mean-int", ops.mean, np.mean, (I,), {"axis": 1}),
    ("var-int", ops.var, np.var, (I,), {}),
    ("median-int", ops.median, np.median, (I,), {"axis": 0}),
    ("max-int", ops.max, np.max, (I,), {"axis": 1}),
    ("max-initial", ops.max, np.max, (X,), {"axis": 1, "initial": 0.5}),
    ("min-initial", ops.min, np.min, (I,), {"axis": 0, "initial": -2}),
    ("max-nan", ops.max, np.max, (XN,), {"axis": 2}),
    ("min-nan", ops.min, np.min, (XN,), {"axis": 1}),
    ("max-bool", ops.max, np.max, (B,), {"axis": 1}),
    ("min-bool", ops.min, np.min, (B,), {"axis": 0}),
    ("max-empty-initial", ops.max, np.max, (EMPTY,), {"axis": 0, "initial": -1.0}),
    ("sum-empty", ops.sum, np.sum, (EMPTY,), {"axis": 0}),
    ("prod-empty", ops.prod, np.prod, (EMPTY,), {}),
    ("mean-empty", ops.mean, quiet(np.mean), (EMPTY,), {"axis": 0}),
    ("var-empty", ops.var, quiet(np.var), (EMPTY,), {"axis": 0}),
    ("all-empty", ops.all, np.all, (EMPTY,), {"axis": 0}),
    ("median-empty", ops.median, quiet(np.median), (EMPTY,), {"axis": 0}),
    ("nanquantile-empty", ops.nanquantile, quiet(np.nanquantile), (EMPTY, 0.7), {"axis": 0}),
    ("median-empty-output", ops.median, np.median, (EMPTY,), {"axis": 1}),
    ("nansum-empty", ops.nansum, np.nansum, (EMPTY,), {"axis": 0}),
    ("nanmean-empty", ops.nanmean, quiet(np.nanmean), (EMPTY,), {}),
    ("any-empty", ops.any, np.any, (EMPTY,), {"axis": 0}),
    ("count_nonzero", ops.count_nonzero, np.count_nonzero, (I,), {}),
    ("count_nonzero-axis", ops.count_nonzero, np.count_nonzero, (I,), {"axis": 1}),
    ("count_nonzero-tuple", ops.count_nonzero, np.count_nonzero, (X,), {"axis": (0, 2)}),
    ("quantile", ops.quantile, np.quantile, (X, 0.3), {"axis": 1}),
    ("quantile-vector-q", ops.quantile, np.quantile, (X, np.array([0.0, 0.25, 0.5, 1.0], "float32")), {"axis": (0, 2)}),
    ("quantile-none-keepdims", ops.quantile, np.quantile, (X, [0.1, 0.9]), {"keepdims": True}),
    ("quantile-nan", ops.quantile, np.quantile, (XN, 0.5), {"axis": 2}),
    ("percentile", ops.percentile, np.percentile, (X, 40.0), {"axis": -1}),
    ("percentile-vector", ops.percentile, np.percentile, (I, [10.0, 50.0]), {"axis": 0, "keepdims": True}),
    ("nanquantile", ops.nanquantile, quiet(np.nanquantile), (XN, 0.25), {"axis": 1}),
    ("nanquantile-vector", ops.nanquantile, quiet(np.nanquantile), (XN, [0.25, 0.75]), {"axis": (1, 2)}),
    ("nanpercentile", ops.nanpercentile, quiet(np.nanpercentile), (XN, 60.0), {"axis": 2, "keepdims": True}),
    ("average", ops.average, np.average, (X,), {"axis": 1}),
    ("average-weights-1d", ops.average, np.average, (X,), {"axis": 1, "weights": POS[0]}),
    ("average-weights-full", ops.average, np.average, (M,), {"weights": np.abs(M) + 0.1}),
    ("average-weights-tuple", ops.average, np.average, (X,), {"axis": (0, 1), "weights": np.abs(X) + 0.1}),
    ("average-int", ops.average, np.average, (I,), {"axis": 0}),
    ("diff", ops.diff, np.diff, (X,), {}),
    ("diff-n2-axis0", ops.diff, np.diff, (X,), {"n": 2, "axis": 0}),
    ("diff-n0", ops.diff, np.diff, (M,), {"n": 0}),
    ("diff-int", ops.diff, np.diff, (I,), {"axis": 1}),
    ("diff-bool", ops.diff, np.diff, (B,), {"axis": 1}),
    ("diff-long", ops.diff, np.diff, (V,), {"n": 9}),
    ("trapezoid", ops.trapezoid, np.trapezoid, (M,), {}),
    ("trapezoid-dx-axis", ops.trapezoid, np.trapezoid, (X,), {"dx": 0.5, "axis": 1}),
    ("trapezoid-x1d", ops.trapezoid, np.trapezoid, (M, np.sort(POS.reshape(-1)[:6])), {}),
    ("trapezoid-xfull", ops.trapezoid, np.trapezoid, (M, np.cumsum(np.abs(M), axis=0)), {"axis": 0}),
    ("trapezoid-int", ops.trapezoid, np.trapezoid, (I,), {}),
    ("corrcoef", ops.corrcoef, np.corrcoef, (M,), {}),
    ("corrcoef-1d", ops.corrcoef, np.corrcoef, (V,), {}),
    ("corrcoef-int", ops.corrcoef, np.corrcoef, (I,), {}),
    ("allclose-true", ops.allclose, np.allclose, (M, M + 1e-7), {}),
    ("allclose-false", ops.allclose, np.allclose, (M, M + 1e-3), {}),
    ("allclose-broadcast", ops.allclose, np.allclose, (M, M[:1]), {}),
    ("allclose-tolerances", allclose_loose, np_allclose_loose, (M, M[:1]), {}),
    ("allclose-nan", ops.allclose, np.allclose, (XN, XN), {}),
    ("allclose-equal-nan", ops.allclose, np.allclose, (XN, XN), {"equal_nan": True}),
    ("allclose-inf", ops.allclose, np.allclose, (np.array([np.inf, 1.0]), np.array([np.inf, 1.0])), {}),
    ("allclose-int", allclose_loose, np_allclose_loose, (I, I + 1), {}),
]  # fmt: skip
for method in ("linear", "lower", "higher", "midpoint", "nearest"):
    CASES.append(
        (f"quantile-{method}", ops.quantile, np.quantile,
         (X, np.array([0.0, 0.125, 0.5, 0.7, 1.0])), {"axis": 2, "method": method})
    )  # fmt: skip
    CASES.append(
        (f"nanquantile-{method}", ops.nanquantile, quiet(np.nanquantile),
         (XN, [0.125, 0.5, 0.7]), {"axis": 1, "method": method})
    )  # fmt: skip


test_matches_numpy = matches_reference_test(CASES, rtol=1e-4, atol=1e-5)


DTYPE_CASES = [
    ("sum-bool", ops.sum, B, {}, "int32"),
    ("sum-int8", ops.sum, I.astype("int8"), {"axis": 0}, "int32"),
    ("sum-int16", ops.sum, I.astype("int16"), {}, "int32"),
    ("sum-uint8", ops.sum, np.abs(I).astype("uint8"), {}, "int32"),
    ("sum-uint16", ops.sum, np.abs(I).astype("uint16"), {}, "int32"),
    ("sum-uint32", ops.sum, np.abs(I).astype("uint32"), {"axis": 1}, "uint32"),
    ("sum-int32", ops.sum, I, {}, "int32"),
    ("sum-int64", ops.sum, I.astype("int64"), {}, "int64"),
    ("sum-float16", ops.sum, X.astype("float16"), {"axis": 1}, "float16"),
    ("sum-float64", ops.sum, X.astype("float64"), {}, "float64"),
    ("prod-bool", ops.prod, B, {"axis": 1}, "int32"),
    ("prod-uint8", ops.prod, np.abs(I[:, :2]).astype("uint8"), {"axis": 1}, "int32"),
    ("cumsum-bool", ops.cumsum, B, {"axis": 1}, "int32"),
    ("cumsum-int8", ops.cumsum, I.astype("int8"), {}, "int32"),
    ("cumsum-float16", ops.cumsum, X.astype("float16"), {"axis": 0}, "float16"),
    ("nansum-int", ops.nansum, I, {}, "int32"),
    ("mean-bool", ops.mean, B, {}, "float32"),
    ("mean-int64", ops.mean, I.astype("int64"), {}, "float32"),
    ("mean-float16", ops.mean, X.astype("float16"), {"axis": 1}, "float16"),
    ("var-float64", ops.var, X.astype("float64"), {}, "float64"),
    ("std-uint8", ops.std, np.abs(I).astype("uint8"), {}, "float32"),
    ("median-int", ops.median, I, {}, "float32"),
    ("quantile-float16", ops.nanquantile, X.astype("float16"), {"q": 0.5, "axis": 0}, "float16"),
    ("max-int8", ops.max, I.astype("int8"), {"axis": 0}, "int8"),
    ("max-uint16", ops.max, np.abs(I).astype("uint16"), {}, "uint16"),
    ("min-uint32", ops.min, np.abs(I).astype("uint32"), {"axis": 1}, "uint32"),
    ("ptp-uint8", ops.ptp, np.abs(I).astype("uint8"), {"axis": 1}, "uint8"),
    ("argmax-int8", ops.argmax, I.astype("int8"), {"axis": 1}, "int32"),
    ("argmin-uint16", ops.argmin, np.abs(I).astype("uint16"), {}, "int32"),
    ("nanargmax-float64", ops.nanargmax, X.astype("float64"), {"axis": 0}, "int32"),
    ("count_nonzero-float", ops.count_nonzero, X, {"axis": 0}, "int32"),
    ("all-float", ops.all, X, {}, "bool"),
    ("nanmax-int", ops.nanmax, I, {"axis": 0}, "int32"),
    ("nanmean-int", ops.nanmean, I, {}, "float32"),
    ("corrcoef-float64", ops.corrcoef, M.astype("float64"), {}, "float64"),
    ("trapezoid-int", ops.trapezoid, I, {}, "float32"),
    ("diff-uint8", ops.diff, np.abs(I).astype("uint8"), {}, "uint8"),
]


@pytest.mark.parametrize("name,op,x,kwargs,dtype", DTYPE_CASES, ids=[c[0] for c in DTYPE_CASES])
def test_dtypes(name, op, x, kwargs, dtype):
    ref_name = name.split("-")[0]
    ref = quiet(getattr(np, ref_name))

    def reference(x, **kw):
        kw = {k: v for k, v in kw.items()}
        if ref_name in ("nanquantile",):
            return ref(x.astype("float64"), **kw)
        return ref(x.astype("float64") if x.dtype.kind == "u" and ref_name == "diff" else x, **kw)

    tol = 1e-2 if "float16" in name else 1e-4
    check_values = ref_name not in ("diff",)
    assert_op_matches(
        op,
        reference if check_values else None,
        x,
        rtol=tol,
        atol=tol,
        expected_dtype=dtype,
        **kwargs,
    )


def test_symbolic_unknown_batch():
    x = KerasTensor((None, 4, 5))
    assert ops.sum(x, axis=1).shape == (None, 5)
    assert ops.mean(x, axis=(0, 2), keepdims=True).shape == (1, 4, 1)
    assert ops.argmax(x, axis=-1).shape == (None, 4) and ops.argmax(x).dtype == "int32"
    assert ops.cumsum(x).shape == (None,)
    assert ops.cumsum(x, axis=2).shape == (None, 4, 5)
    assert ops.quantile(x, [0.1, 0.5], axis=1).shape == (2, None, 5)
    assert ops.median(x, axis=None, keepdims=True).shape == (1, 1, 1)
    assert ops.diff(x, n=2).shape == (None, 4, 3)
    assert ops.trapezoid(x, axis=1).shape == (None, 5)
    assert ops.corrcoef(KerasTensor((None, 7))).shape == (None, None)
    assert ops.allclose(x, x).shape == () and ops.allclose(x, x).dtype == "bool"
    assert ops.sum(KerasTensor((None, 3), dtype="bool")).dtype == "int32"
    assert ops.count_nonzero(x, axis=0).shape == (4, 5)
    assert ops.average(x, axis=2, weights=KerasTensor((5,))).shape == (None, 4)
    for op in (ops.max, ops.nanmin, ops.ptp, ops.median, ops.nanvar, ops.prod, ops.any):
        assert op(x, axis=(1, 2)).shape == (None,)


def test_symbolic_unknown_batch_matches_eager():
    assert_op_matches(ops.sum, np.sum, X, axis=0, unknown_batch=True)
    assert_op_matches(ops.nanmedian, quiet(np.nanmedian), XN, axis=2, unknown_batch=True)
    assert_op_matches(ops.quantile, np.quantile, X, [0.2, 0.8], axis=0, unknown_batch=True)


ERROR_CASES = [
    ("max-empty", lambda: ops.max(EMPTY, axis=0), ValueError, "max: cannot reduce a zero-size.*pass `initial`"),
    ("amin-empty", lambda: ops.amin(EMPTY), ValueError, "amin: cannot reduce a zero-size"),
    ("argmax-empty", lambda: ops.argmax(EMPTY), ValueError, "argmax: cannot reduce a zero-size"),
    ("nanmax-empty", lambda: ops.nanmax(EMPTY, axis=0), ValueError, "nanmax: cannot reduce a zero-size"),
    ("sum-axis-range", lambda: ops.sum(X, axis=3), ValueError, r"sum: `axis`=3 is out of range"),
    ("mean-axis-repeat", lambda: ops.mean(X, axis=(1, -2)), ValueError, "mean: `axis` has repeated"),
    ("sum-axis-type", lambda: ops.sum(X, axis=1.5), TypeError, "sum: `axis` must be an int"),
    ("argmax-tuple", lambda: ops.argmax(X, axis=(0, 1)), TypeError, "argmax: `axis` must be an int or None"),
    ("cumsum-tuple", lambda: ops.cumsum(X, axis=(0, 1)), TypeError, "cumsum: `axis` must be an int or None"),
    ("quantile-q-range", lambda: ops.quantile(X, 1.5), ValueError, r"quantile: `q` must be in \[0, 1\]"),
    ("percentile-q-range", lambda: ops.percentile(X, [-1.0, 50.0]), ValueError, r"percentile: `q` must be in \[0, 100\]"),
    ("quantile-method", lambda: ops.quantile(X, 0.5, method="cubic"), ValueError, "quantile: `method` must be one of"),
    ("quantile-q-2d", lambda: ops.quantile(X, np.full((2, 2), 0.5)), ValueError, "`q` must be a scalar or 1-D"),
    ("ptp-bool", lambda: ops.ptp(B), TypeError, "ptp: `x` must be numeric"),
    ("diff-n", lambda: ops.diff(X, n=-1), ValueError, "diff: `n` must be a non-negative int"),
    ("diff-scalar", lambda: ops.diff(1.0), ValueError, "diff: `a` must be at least 1-D"),
    ("average-weights", lambda: ops.average(X, axis=1, weights=V), ValueError, "average: `weights` must have"),
    ("trapezoid-x", lambda: ops.trapezoid(M, V), ValueError, "trapezoid: 1-D `x` must have 6 points"),
    ("corrcoef-3d", lambda: ops.corrcoef(X), ValueError, "corrcoef: `x` must be 1-D or 2-D"),
    ("allclose-shapes", lambda: ops.allclose(M, V), ValueError, "allclose: shapes"),
    ("max-empty-symbolic", lambda: ops.max(KerasTensor((0, 3)), axis=0), ValueError, "max: cannot reduce"),
]  # fmt: skip


test_errors = raises_test(ERROR_CASES)


@requires_training
@pytest.mark.parametrize(
    "name,fn",
    [
        ("sum", lambda x: ops.sum(x * x, axis=1)),
        ("mean", lambda x: ops.mean(x, axis=(0, 1))),
        ("std", lambda x: ops.std(x, axis=0)),
        ("max", lambda x: ops.max(x, axis=1)),
        ("cumprod", lambda x: ops.cumsum(ops.cumprod(x, axis=1), axis=0)),
        ("quantile", lambda x: ops.quantile(x, [0.3, 0.6], axis=1)),
        ("nanmean", lambda x: ops.nanmean(x, axis=0)),
        ("trapezoid", lambda x: ops.trapezoid(x, dx=0.3)),
        ("var", lambda x: ops.var(x)),
    ],
)
def test_gradients_match_finite_differences(name, fn):
    x0 = rng.uniform(0.5, 1.5, (3, 4)).astype("float64")
    grad = _gradient(lambda x: ops.sum(fn(x)), x0)
    eps = 1e-6
    numeric = np.zeros_like(x0)
    for i in np.ndindex(x0.shape):
        plus, minus = x0.copy(), x0.copy()
        plus[i] += eps
        minus[i] -= eps
        f = lambda a: float(ops.convert_to_numpy(ops.sum(fn(ops.convert_to_tensor(a)))))  # noqa: E731
        numeric[i] = (f(plus) - f(minus)) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-6)


_gradient = backend_grad


def _compiled(fn):
    """`fn` compiled by the backend (jax.jit, tf.function with an unknown batch); else as is."""
    name = backend.backend()
    if name == "jax":
        import jax

        return jax.jit(fn)
    if name == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, input_signature=[tf.TensorSpec((None, 5), tf.float32)])
    return fn


COMPILED = [
    ("mean", lambda t: ops.mean(t, axis=0)),
    ("nanstd", lambda t: ops.nanstd(t, axis=0, keepdims=True)),
    ("quantile", lambda t: ops.quantile(t, [0.2, 0.5], axis=1)),
    ("median-empty-axes", lambda t: ops.median(t, axis=())),
    ("argmax", lambda t: ops.argmax(t, axis=0)),
    ("max-initial", lambda t: ops.max(t, axis=0, initial=0.0)),
    ("diff", lambda t: ops.diff(t, axis=0)),
    ("trapezoid", lambda t: ops.trapezoid(t, axis=0)),
    ("average", lambda t: ops.average(t, axis=0, weights=t * t)),
    ("cumsum", lambda t: ops.cumsum(t)),
    ("allclose", lambda t: ops.allclose(t, t)),
    ("corrcoef", lambda t: ops.corrcoef(t)),
]


@pytest.mark.parametrize("name,fn", COMPILED, ids=[c[0] for c in COMPILED])
def test_compiled_matches_eager(name, fn):
    x = ops.convert_to_tensor(rng.standard_normal((4, 5)).astype("float32"))
    np.testing.assert_allclose(
        ops.convert_to_numpy(_compiled(fn)(x)), ops.convert_to_numpy(fn(x)), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize(
    "name,fn,ref",
    [
        ("sum", lambda t: ops.sum(t, axis=1), lambda a: np.sum(a, axis=1)),
        ("mean", lambda t: ops.mean(t), np.mean),
        ("var", lambda t: ops.var(t, axis=0), lambda a: np.var(a, axis=0)),
        ("max", lambda t: ops.max(t, axis=1), lambda a: np.max(a, axis=1)),
        ("median", lambda t: ops.median(t, axis=1), lambda a: np.median(a, axis=1)),
        ("cumsum", lambda t: ops.cumsum(t, axis=1), lambda a: np.cumsum(a, axis=1)),
        ("nanmean", lambda t: ops.nanmean(t, axis=0), lambda a: np.nanmean(a, axis=0)),
    ],
)
def test_bfloat16_keeps_dtype(name, fn, ref):
    x = rng.standard_normal((3, 4)).astype("float32")
    out = fn(ops.cast(ops.convert_to_tensor(x), "bfloat16"))
    assert ops.dtype(out) == "bfloat16"
    rounded = x.astype(ops.convert_to_numpy(out).dtype).astype("float32")
    np.testing.assert_allclose(
        ops.convert_to_numpy(ops.cast(out, "float32")), ref(rounded), rtol=3e-2, atol=3e-2
    )
