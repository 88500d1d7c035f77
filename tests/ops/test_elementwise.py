"""Elementwise ops: values vs NumPy/SciPy, symbolic specs, dtypes, errors and gradients."""

import numpy as np
import pytest
import scipy.special

from cornu import backend, ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.testing import assert_op_matches
from tests.conftest import requires_training
from tests.helpers import backend_grad_of_sum

rng = np.random.default_rng(1234)
X = rng.uniform(-2.0, 2.0, (3, 4)).astype("float32")
Y = rng.uniform(-2.0, 2.0, (3, 4)).astype("float32")
ROW = rng.uniform(-2.0, 2.0, (4,)).astype("float32")
POS = rng.uniform(0.1, 3.0, (3, 4)).astype("float32")
UNIT = rng.uniform(-0.9, 0.9, (3, 4)).astype("float32")
GE1 = rng.uniform(1.1, 3.0, (3, 4)).astype("float32")
INTS = rng.integers(-10, 11, (3, 4)).astype("int32")
NONZERO = np.where(INTS == 0, 3, INTS).astype("int32")
SMALL = rng.integers(0, 5, (3, 4)).astype("int32")
BOOLS = rng.integers(0, 2, (3, 4)).astype(bool)
SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.5], "float32")
HALVES = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 3.4, -3.6], "float32")
CPLX = (X + 1j * Y).astype("complex64")
WITH_ZEROS = np.where(np.abs(Y) < 0.5, 0.0, Y).astype("float32")


def _divide_no_nan(a, b):
    return np.where(b == 0, 0, a / np.where(b == 0, 1, b))


# (id, op, reference, args, kwargs)
CASES = [
    # unary float math
    ("sin", ops.sin, np.sin, (X,), {}),
    ("cos", ops.cos, np.cos, (X,), {}),
    ("tan", ops.tan, np.tan, (UNIT,), {}),
    ("arcsin", ops.arcsin, np.arcsin, (UNIT,), {}),
    ("arccos", ops.arccos, np.arccos, (UNIT,), {}),
    ("arctan", ops.arctan, np.arctan, (X,), {}),
    ("sinh", ops.sinh, np.sinh, (X,), {}),
    ("cosh", ops.cosh, np.cosh, (X,), {}),
    ("tanh", ops.tanh, np.tanh, (X,), {}),
    ("arcsinh", ops.arcsinh, np.arcsinh, (X,), {}),
    ("arccosh", ops.arccosh, np.arccosh, (GE1,), {}),
    ("arctanh", ops.arctanh, np.arctanh, (UNIT,), {}),
    ("exp", ops.exp, np.exp, (X,), {}),
    ("exp2", ops.exp2, np.exp2, (X,), {}),
    ("expm1", ops.expm1, np.expm1, (X,), {}),
    ("log", ops.log, np.log, (POS,), {}),
    ("log10", ops.log10, np.log10, (POS,), {}),
    ("log1p", ops.log1p, np.log1p, (POS,), {}),
    ("log2", ops.log2, np.log2, (POS,), {}),
    ("sqrt", ops.sqrt, np.sqrt, (POS,), {}),
    ("cbrt", ops.cbrt, np.cbrt, (X,), {}),
    ("deg2rad", ops.deg2rad, np.deg2rad, (X * 90,), {}),
    ("rad2deg", ops.rad2deg, np.rad2deg, (X,), {}),
    ("reciprocal", ops.reciprocal, np.reciprocal, (POS,), {}),
    ("fabs", ops.fabs, np.fabs, (X,), {}),
    ("sinc", ops.sinc, np.sinc, (np.concatenate([X.ravel(), [0.0]]).astype("float32"),), {}),
    ("i0", ops.i0, np.i0, (X,), {}),
    ("erf", ops.erf, scipy.special.erf, (X,), {}),
    ("erfc", ops.erfc, scipy.special.erfc, (X,), {}),
    ("erfinv", ops.erfinv, scipy.special.erfinv, (UNIT,), {}),
    ("rsqrt", ops.rsqrt, lambda x: 1 / np.sqrt(x), (POS,), {}),
    ("ceil", ops.ceil, np.ceil, (X,), {}),
    ("floor", ops.floor, np.floor, (X,), {}),
    ("trunc", ops.trunc, np.trunc, (X,), {}),
    ("trunc_int", ops.trunc, np.trunc, (INTS,), {}),
    ("round", ops.round, np.round, (HALVES,), {}),
    ("round_decimals", ops.round, np.round, (X,), {"decimals": 2}),
    ("round_negative_decimals", ops.round, np.round, (X * 100,), {"decimals": -1}),
    ("round_int_negative", ops.round, np.round, (INTS * 5,), {"decimals": -1}),
    ("sign", ops.sign, np.sign, (np.concatenate([X.ravel(), [0.0]]).astype("float32"),), {}),
    ("sign_special", ops.sign, np.sign, (SPECIAL,), {}),
    ("sign_int", ops.sign, np.sign, (INTS,), {}),
    ("square", ops.square, np.square, (X,), {}),
    ("square_int", ops.square, np.square, (INTS,), {}),
    ("copy", ops.copy, np.copy, (X,), {}),
    ("nan_to_num", ops.nan_to_num, np.nan_to_num, (SPECIAL,), {}),
    (
        "nan_to_num_values",
        ops.nan_to_num,
        np.nan_to_num,
        (SPECIAL,),
        {"nan": 1.0, "posinf": 9.0, "neginf": -9.0},
    ),
    # predicates
    ("isnan", ops.isnan, np.isnan, (SPECIAL,), {}),
    ("isinf", ops.isinf, np.isinf, (SPECIAL,), {}),
    ("isfinite", ops.isfinite, np.isfinite, (SPECIAL,), {}),
    ("isposinf", ops.isposinf, np.isposinf, (SPECIAL,), {}),
    ("isneginf", ops.isneginf, np.isneginf, (SPECIAL,), {}),
    ("signbit", ops.signbit, np.signbit, (SPECIAL,), {}),
    ("signbit_int", ops.signbit, np.signbit, (INTS,), {}),
    ("isnan_int", ops.isnan, np.isnan, (INTS,), {}),
    ("isfinite_int", ops.isfinite, np.isfinite, (INTS,), {}),
    ("isreal", ops.isreal, np.isreal, (X,), {}),
    ("isreal_complex", ops.isreal, np.isreal, (np.array([1 + 0j, 1j, 2 - 2j], "complex64"),), {}),
    ("isclose", ops.isclose, np.isclose, (X, X + 1e-6 * (Y > 0)), {}),
    ("isclose_special", ops.isclose, np.isclose, (SPECIAL, SPECIAL[::-1].copy()), {}),
    (
        "isclose_equal_nan",
        ops.isclose,
        np.isclose,
        (SPECIAL, SPECIAL),
        {"equal_nan": True, "rtol": 1e-3, "atol": 1e-2},
    ),
    # complex parts
    ("real", ops.real, np.real, (CPLX,), {}),
    ("imag", ops.imag, np.imag, (CPLX,), {}),
    ("real_of_real", ops.real, np.real, (X,), {}),
    ("imag_of_real", ops.imag, np.imag, (X,), {}),
    ("abs_complex", ops.abs, np.abs, (CPLX,), {}),
    ("conj", ops.conj, np.conj, (CPLX,), {}),
    ("conjugate", ops.conjugate, np.conjugate, (CPLX,), {}),
    ("angle", ops.angle, np.angle, (CPLX,), {}),
    ("angle_real", ops.angle, np.angle, (X,), {}),
    ("view_as_real", ops.view_as_real, lambda z: np.stack([z.real, z.imag], -1), (CPLX,), {}),
    (
        "view_as_complex",
        ops.view_as_complex,
        lambda x: x[..., 0] + 1j * x[..., 1],
        (np.stack([X, Y], -1),),
        {},
    ),
    # binary
    ("arctan2", ops.arctan2, np.arctan2, (X, Y), {}),
    ("arctan2_broadcast", ops.arctan2, np.arctan2, (X, ROW), {}),
    ("hypot", ops.hypot, np.hypot, (X, Y), {}),
    ("logaddexp", ops.logaddexp, np.logaddexp, (X, Y), {}),
    ("logaddexp_special", ops.logaddexp, np.logaddexp, (SPECIAL, SPECIAL), {}),
    ("logaddexp2", ops.logaddexp2, np.logaddexp2, (X, Y), {}),
    ("heaviside", ops.heaviside, np.heaviside, (SPECIAL, np.float32(0.5)), {}),
    ("nextafter", ops.nextafter, np.nextafter, (X, Y), {"rtol": 0, "atol": 0}),
    ("divide_no_nan", ops.divide_no_nan, _divide_no_nan, (X, WITH_ZEROS), {}),
    ("maximum", ops.maximum, np.maximum, (X, Y), {}),
    ("minimum", ops.minimum, np.minimum, (X, ROW), {}),
    ("maximum_int", ops.maximum, np.maximum, (INTS, SMALL), {}),
    ("minimum_nan", ops.minimum, np.minimum, (SPECIAL, np.float32(1.0)), {}),
    ("fmax", ops.fmax, np.fmax, (SPECIAL, SPECIAL[::-1].copy()), {}),
    ("fmin", ops.fmin, np.fmin, (SPECIAL, SPECIAL[::-1].copy()), {}),
    ("fmod", ops.fmod, np.fmod, (X, np.where(np.abs(Y) < 0.2, 1.0, Y).astype("float32")), {}),
    ("fmod_int", ops.fmod, np.fmod, (INTS, np.int32(3)), {}),
    ("fmod_int_negative_divisor", ops.fmod, np.fmod, (INTS, NONZERO), {}),
    ("gcd", ops.gcd, np.gcd, (INTS, NONZERO), {}),
    ("lcm", ops.lcm, np.lcm, (INTS, NONZERO), {}),
    ("ldexp", ops.ldexp, np.ldexp, (X, SMALL - 2), {}),
    ("clip", ops.clip, np.clip, (X, -0.5, 0.5), {}),
    ("clip_tensor_bounds", ops.clip, np.clip, (X, ROW, np.float32(1.0)), {}),
    ("clip_int", ops.clip, np.clip, (INTS, -3, 4), {}),
    ("clip_max_only", ops.clip, lambda x, lo, hi: np.minimum(x, hi), (X, None, 0.0), {}),
    # bitwise
    ("bitwise_and", ops.bitwise_and, np.bitwise_and, (INTS, SMALL), {}),
    ("bitwise_or", ops.bitwise_or, np.bitwise_or, (INTS, SMALL), {}),
    ("bitwise_xor", ops.bitwise_xor, np.bitwise_xor, (INTS, SMALL), {}),
    ("bitwise_and_bool", ops.bitwise_and, np.bitwise_and, (BOOLS, ~BOOLS[::-1]), {}),
    ("bitwise_xor_bool", ops.bitwise_xor, np.bitwise_xor, (BOOLS, BOOLS[::-1].copy()), {}),
    ("bitwise_invert", ops.bitwise_invert, np.invert, (INTS,), {}),
    ("bitwise_not", ops.bitwise_not, np.invert, (BOOLS,), {}),
    ("left_shift", ops.left_shift, np.left_shift, (INTS, SMALL), {}),
    ("right_shift", ops.right_shift, np.right_shift, (INTS, SMALL), {}),
    ("bitwise_left_shift", ops.bitwise_left_shift, np.left_shift, (INTS, 2), {}),
    ("bitwise_right_shift", ops.bitwise_right_shift, np.right_shift, (INTS * 8, SMALL), {}),
]


@pytest.mark.parametrize("name,op,ref,args,kwargs", CASES, ids=[c[0] for c in CASES])
def test_matches_numpy(name, op, ref, args, kwargs):
    tolerances = {k: kwargs.pop(k) for k in ("rtol", "atol") if k in kwargs}
    assert_op_matches(op, ref, *args, **tolerances, **kwargs)


I8 = INTS.astype("int8")
U8 = (INTS + 10).astype("uint8")
U16 = (INTS * 300 + 3000).astype("uint16")
H = X.astype("float16")

# Values on narrow dtypes (where backends most often lack kernels), checked against NumPy.
NARROW_CASES = [
    ("maximum_int8", ops.maximum, np.maximum, (I8, I8[::-1].copy())),
    ("minimum_uint8", ops.minimum, np.minimum, (U8, np.uint8(7))),
    ("sign_uint8", ops.sign, np.sign, (U8,)),
    ("sign_int8", ops.sign, np.sign, (I8,)),
    ("square_uint8_wraps", ops.square, np.square, (U8,)),
    ("fmod_int8", ops.fmod, np.fmod, (I8, np.int8(-3))),
    ("gcd_uint8", ops.gcd, np.gcd, (U8, np.uint8(6))),
    ("lcm_int8", ops.lcm, np.lcm, (I8, np.int8(3))),
    ("bitwise_xor_uint16", ops.bitwise_xor, np.bitwise_xor, (U16, U16[::-1].copy())),
    ("right_shift_int8", ops.right_shift, np.right_shift, (I8, np.int8(1))),
    ("left_shift_uint16", ops.left_shift, np.left_shift, (U16, SMALL.astype("uint16"))),
    ("clip_uint16", ops.clip, np.clip, (U16, 2000, 4000)),
    ("hypot_float16", ops.hypot, np.hypot, (H, H[::-1].copy())),
    ("nextafter_float16", ops.nextafter, np.nextafter, (H, np.float16(0))),
    ("fmax_float16", ops.fmax, np.fmax, (H, np.float16(0.5))),
    ("trunc_float16", ops.trunc, np.trunc, (H,)),
    ("signbit_float16", ops.signbit, np.signbit, (H,)),
]


@pytest.mark.parametrize("name,op,ref,args", NARROW_CASES, ids=[c[0] for c in NARROW_CASES])
def test_narrow_dtypes_match_numpy(name, op, ref, args):
    expected = np.asarray(ref(*args))
    out = assert_op_matches(op, ref, *args, rtol=1e-3, atol=1e-3)
    assert out.dtype == expected.dtype


# Each (op, input dtype, extra args, expected result dtype).
FLOAT_OPS = ["sin", "exp", "log1p", "sqrt", "erf", "ceil", "floor", "fabs", "sinc", "i0", "rsqrt"]
DTYPE_CASES = (
    [(name, "int32", (), "float32") for name in FLOAT_OPS]
    + [(name, "bool", (), "float32") for name in ("sin", "sqrt", "exp2")]
    + [(name, "float64", (), "float64") for name in ("sin", "log2", "cbrt", "erfinv")]
    + [(name, "float16", (), "float16") for name in ("cos", "exp", "tanh", "sinc", "round")]
    + [(name, "bfloat16", (), "bfloat16") for name in ("sin", "sqrt", "cbrt", "round")]
    + [
        ("abs", "int8", (), "int8"),
        ("abs", "uint8", (), "uint8"),
        ("abs", "bool", (), "bool"),
        ("negative", "uint16", (), "uint16"),
        ("erfinv", "float16", (), "float16"),
        ("i0", "bfloat16", (), "bfloat16"),
        ("fmod", "float16", ("float16",), "float16"),
        ("bitwise_invert", "uint32", (), "uint32"),
        ("sign", "complex64", (), "complex64"),
        ("isclose", "complex64", ("complex64",), "bool"),
        ("sign", "int8", (), "int8"),
        ("sign", "uint8", (), "uint8"),
        ("sign", "bool", (), "int32"),
        ("square", "int16", (), "int16"),
        ("square", "bool", (), "int32"),
        ("square", "uint32", (), "uint32"),
        ("trunc", "int64", (), "int64"),
        ("round", "int16", (), "int16"),
        ("maximum", "int8", ("int8",), "int8"),
        ("minimum", "uint16", ("uint16",), "uint16"),
        ("maximum", "bool", ("bool",), "bool"),
        ("maximum", "int8", ("float16",), "float16"),
        ("clip", "bool", (), "int32"),
        ("clip", "uint8", (), "uint8"),
        ("arctan2", "int32", ("int32",), "float32"),
        ("hypot", "int64", ("int8",), "float32"),
        ("logaddexp", "float64", ("float32",), "float64"),
        ("divide_no_nan", "int32", ("int32",), "float32"),
        ("fmod", "int16", ("int16",), "int16"),
        ("gcd", "uint8", ("uint8",), "uint8"),
        ("lcm", "int64", ("int64",), "int64"),
        ("ldexp", "float16", ("int8",), "float16"),
        ("ldexp", "int32", ("int32",), "float32"),
        ("heaviside", "int32", ("int32",), "float32"),
        ("nextafter", "float16", ("float16",), "float16"),
        ("nextafter", "bfloat16", ("bfloat16",), "bfloat16"),
        ("bitwise_and", "uint8", ("uint8",), "uint8"),
        ("bitwise_or", "int64", ("int8",), "int64"),
        ("bitwise_xor", "uint32", ("uint32",), "uint32"),
        ("left_shift", "int8", ("int8",), "int8"),
        ("left_shift", "bool", ("bool",), "int32"),
        ("right_shift", "uint16", ("uint16",), "uint16"),
        ("bitwise_invert", "uint8", (), "uint8"),
        ("isnan", "float16", (), "bool"),
        ("isinf", "int32", (), "bool"),
        ("isclose", "int32", ("float32",), "bool"),
        ("signbit", "bfloat16", (), "bool"),
        ("isreal", "complex128", (), "bool"),
        ("real", "complex128", (), "float64"),
        ("imag", "int32", (), "int32"),
        ("angle", "int32", (), "float32"),
        ("angle", "complex64", (), "float32"),
        ("view_as_real", "complex128", (), "float64"),
        ("nan_to_num", "int8", (), "int8"),
        ("nan_to_num", "bfloat16", (), "bfloat16"),
        ("copy", "uint16", (), "uint16"),
    ]
)


def _symbolic(x):
    return KerasTensor(tuple(x.shape), dtype=backend.standardize_dtype(x.dtype))


def _sample(dtype, shape=(2, 3), offset=0):
    values = np.array([[1, 2, 3], [4, 5, 6]])[: shape[0], : shape[1]] + offset
    if dtype == "bool":
        return values % 2 == 0
    if dtype == "bfloat16":
        return backend.convert_to_tensor(values.astype("float32") / 7, "bfloat16")
    if dtype.startswith("complex"):
        return (values / 7 + 0.5j).astype(dtype)
    if dtype.startswith("float"):
        return (values / 7).astype(dtype)
    return values.astype(dtype)


@pytest.mark.parametrize(
    "name,dtype,others,expected",
    DTYPE_CASES,
    ids=[f"{c[0]}-{c[1]}-{'-'.join(c[2])}" for c in DTYPE_CASES],
)
def test_result_dtype(name, dtype, others, expected):
    fn = getattr(ops, "round" if name == "round" else name)
    x = backend.convert_to_tensor(_sample(dtype))
    if name == "clip":
        args = (x, 2, 5)
    elif name == "view_as_real":
        args = (x,)
    else:
        args = (x,) + tuple(backend.convert_to_tensor(_sample(d, offset=1)) for d in others)
    out = fn(*args)
    assert backend.standardize_dtype(out.dtype) == expected
    symbolic = fn(*(a if isinstance(a, int) else _symbolic(a) for a in args))
    assert symbolic.dtype == expected
    assert tuple(symbolic.shape) == tuple(backend.convert_to_numpy(out).shape)


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


def test_round_is_half_to_even():
    np.testing.assert_array_equal(_np(ops.round(HALVES)), np.round(HALVES))
    ints = np.array([15, 25, -15, -25, 14, 16, 50, -50, 149, 150], "int32")
    np.testing.assert_array_equal(_np(ops.round(ints, decimals=-2)), np.round(ints, -2))
    np.testing.assert_array_equal(_np(ops.round(ints.astype("int8"), decimals=-3)), 0)


def test_python_scalars_are_weak():
    x = backend.convert_to_tensor(np.array([1, 2, 3], "int8"))
    assert backend.standardize_dtype(ops.maximum(x, 2).dtype) == "int8"
    assert backend.standardize_dtype(ops.left_shift(x, 1).dtype) == "int8"
    h = backend.convert_to_tensor(np.array([1.0, 2.0], "float16"))
    assert backend.standardize_dtype(ops.arctan2(h, 1.0).dtype) == "float16"
    assert backend.standardize_dtype(ops.clip(h, 0, 1.5).dtype) == "float16"


def test_scalar_and_list_inputs():
    np.testing.assert_allclose(_np(ops.sqrt(4)), 2.0)
    np.testing.assert_allclose(_np(ops.maximum([1.0, 5.0], [3.0, 2.0])), [3.0, 5.0])
    assert _np(ops.isnan(float("nan"))).item() is True


def test_nextafter_half_steps_one_ulp():
    for dtype in ("float16", "bfloat16"):
        x = backend.convert_to_tensor(np.array([1.0, 1.0, 0.0, -2.0, 3.0], "float32"), dtype)
        y = backend.convert_to_tensor(np.array([2.0, 0.0, -1.0, -3.0, 3.0], "float32"), dtype)
        got = _np(ops.cast(ops.nextafter(x, y), "float32"))
        eps = 2.0**-10 if dtype == "float16" else 2.0**-7
        tiny = 2.0**-24 if dtype == "float16" else 2.0**-133
        want = [1 + eps, 1 - eps / 2, -tiny, -2 - 2 * eps, 3.0]
        np.testing.assert_allclose(got, want, rtol=0, atol=0)


def test_shifts_past_the_bit_width_follow_numpy():
    x = np.array([1, -8, 100, -1], "int8")
    y = np.array([8, 9, 7, 8], "int8")
    np.testing.assert_array_equal(_np(ops.left_shift(x, y)), np.left_shift(x, y))
    np.testing.assert_array_equal(_np(ops.right_shift(x, y)), np.right_shift(x, y))


def test_unsigned_wraps_like_numpy():
    u = np.array([0, 1, 200], "uint8")
    np.testing.assert_array_equal(_np(ops.negative(u)), np.negative(u))
    np.testing.assert_array_equal(_np(ops.abs(u)), u)
    w = np.array([0, 1, 7], "uint32")
    np.testing.assert_array_equal(_np(ops.bitwise_invert(w)), np.invert(w))


def test_view_as_complex_round_trip():
    z = ops.view_as_complex(np.stack([X, Y], -1))
    assert backend.standardize_dtype(z.dtype) == "complex64"
    np.testing.assert_allclose(_np(ops.view_as_real(z)), np.stack([X, Y], -1))


def test_symbolic_unknown_batch():
    x = KerasTensor((None, 4), dtype="int32")
    assert ops.sin(x).shape == (None, 4) and ops.sin(x).dtype == "float32"
    assert ops.maximum(x, KerasTensor((4,), dtype="int8")).dtype == "int32"
    assert ops.isclose(x, 1.0).dtype == "bool"
    assert ops.clip(x, 0, 3).shape == (None, 4)
    assert ops.view_as_complex(KerasTensor((None, 3, 2), dtype="float64")).shape == (None, 3)
    assert ops.view_as_real(KerasTensor((None, 3), dtype="complex64")).shape == (None, 3, 2)


_NOT_INT = "must be an integer or bool tensor"
_NO_COMPLEX = "complex inputs are not supported"
SYM_FLOAT = KerasTensor((2,), dtype="float32")

# (id, op, args, error, message pattern)
ERROR_CASES = [
    (
        "bitwise_and_float",
        ops.bitwise_and,
        (X, INTS),
        TypeError,
        rf"bitwise_and: `x` {_NOT_INT}; received dtype float32",
    ),
    ("bitwise_or_float", ops.bitwise_or, (INTS, 1.5), TypeError, rf"bitwise_or: `y` {_NOT_INT}"),
    ("left_shift_float", ops.left_shift, (X, 1), TypeError, rf"left_shift: `x` {_NOT_INT}"),
    ("bitwise_invert_float", ops.bitwise_invert, (X,), TypeError, r"bitwise_invert: `x` must"),
    ("bitwise_not_float", ops.bitwise_not, (X,), TypeError, r"bitwise_not: `x` must be"),
    ("gcd_float", ops.gcd, (X, INTS), TypeError, rf"gcd: `x1` {_NOT_INT}"),
    ("lcm_float", ops.lcm, (INTS, Y), TypeError, r"lcm: `x2` must be"),
    (
        "ldexp_float_exponent",
        ops.ldexp,
        (X, Y),
        TypeError,
        r"ldexp: `x2` must be an integer tensor; received dtype float32",
    ),
    (
        "clip_no_bounds",
        ops.clip,
        (X, None, None),
        ValueError,
        r"clip: at least one of `x_min` and `x_max`",
    ),
    (
        "round_float_decimals",
        ops.round,
        (X, 1.5),
        TypeError,
        r"round: `decimals` must be an int; received 1.5",
    ),
    (
        "view_as_complex_last_dim",
        ops.view_as_complex,
        (X,),
        ValueError,
        r"view_as_complex: the last dimension of `x` must have size 2",
    ),
    (
        "view_as_complex_complex",
        ops.view_as_complex,
        (CPLX[..., :2],),
        TypeError,
        r"view_as_complex: `x` must be a real tensor",
    ),
    (
        "view_as_real_real",
        ops.view_as_real,
        (X,),
        TypeError,
        r"view_as_real: `x` must be a complex tensor; received dtype float32",
    ),
    ("erf_complex", ops.erf, (CPLX,), TypeError, rf"erf: {_NO_COMPLEX}; received complex64"),
    ("maximum_complex", ops.maximum, (CPLX, 1.0), TypeError, rf"maximum: {_NO_COMPLEX}"),
    ("hypot_complex", ops.hypot, (CPLX, X), TypeError, rf"hypot: {_NO_COMPLEX}"),
    ("clip_complex", ops.clip, (CPLX, 0, 1), TypeError, rf"clip: {_NO_COMPLEX}"),
    ("signbit_complex", ops.signbit, (CPLX,), TypeError, rf"signbit: {_NO_COMPLEX}"),
    (
        "symbolic_bitwise_float",
        ops.bitwise_xor,
        (SYM_FLOAT, 1),
        TypeError,
        r"bitwise_xor: `x` must be",
    ),
    (
        "symbolic_clip_shapes",
        ops.clip,
        (KerasTensor((2, 3)), KerasTensor((4,)), 1.0),
        ValueError,
        r"clip: shapes",
    ),
]


@pytest.mark.parametrize("name,op,args,error,match", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_errors(name, op, args, error, match):
    with pytest.raises(error, match=match):
        op(*args)


_gradient = backend_grad_of_sum


def _numeric_gradient(fn, x, eps=1e-6):
    x = x.astype("float64")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (fn(up).sum() - fn(down).sum()) / (2 * eps)
    return grad


GRADIENT_CASES = [
    ("sin", ops.sin, np.sin, X),
    ("exp", ops.exp, np.exp, X),
    ("log", ops.log, np.log, POS),
    ("sqrt", ops.sqrt, np.sqrt, POS),
    ("tanh", ops.tanh, np.tanh, X),
    ("arctan", ops.arctan, np.arctan, X),
    ("erf", ops.erf, scipy.special.erf, X),
    ("square", ops.square, np.square, X),
    ("sinc", ops.sinc, np.sinc, X),
    ("logaddexp", lambda t: ops.logaddexp(t, t * 0.5), lambda a: np.logaddexp(a, a * 0.5), X),
    ("hypot", lambda t: ops.hypot(t, t * 0.5 + 1.0), lambda a: np.hypot(a, a * 0.5 + 1.0), X),
    ("clip", lambda t: ops.clip(t, -0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5), X),
    (
        "divide_no_nan",
        lambda t: ops.divide_no_nan(t, WITH_ZEROS.astype("float64")),
        lambda a: _divide_no_nan(a, WITH_ZEROS),
        X,
    ),
]


@requires_training
@pytest.mark.parametrize("name,fn,ref,x", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_match_finite_differences(name, fn, ref, x):
    x = x.astype("float64")
    np.testing.assert_allclose(_gradient(fn, x), _numeric_gradient(ref, x), rtol=1e-4, atol=1e-6)


def test_numpy_erf_fallbacks_without_scipy():
    from cornu.backend.numpy import elementwise as numpy_kernels

    x = np.linspace(-4, 4, 17)
    y = np.array([-0.999, -0.5, 0.0, 0.3, 0.9, 0.99999])
    np.testing.assert_allclose(numpy_kernels._erf64(x), scipy.special.erf(x), atol=1e-15)
    np.testing.assert_allclose(numpy_kernels._erfc64(x), scipy.special.erfc(x), rtol=1e-14)
    np.testing.assert_allclose(numpy_kernels._erfinv64(y), scipy.special.erfinv(y), rtol=1e-10)
    edges = numpy_kernels._erfinv64(np.array([-1.0, 1.0, 2.0]))
    np.testing.assert_array_equal(edges, [-np.inf, np.inf, np.nan])
