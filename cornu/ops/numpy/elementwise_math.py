"""Unary elementwise math: float functions, rounding, predicates, complex parts."""

import ml_dtypes

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, float_dtype_of, kernels, op, to_tensor

_k = kernels()

_HALF_TYPES = ("float16", "bfloat16")
_PART_DTYPE = {"complex64": "float32", "complex128": "float64"}

# name -> one-line summary; each becomes `name(x)` computing in the float dtype of `x`.
_FLOAT_FUNCTIONS = {
    "sin": "Sine, elementwise.",
    "cos": "Cosine, elementwise.",
    "tan": "Tangent, elementwise.",
    "arcsin": "Inverse sine, elementwise (NaN outside [-1, 1]).",
    "arccos": "Inverse cosine, elementwise (NaN outside [-1, 1]).",
    "arctan": "Inverse tangent, elementwise.",
    "sinh": "Hyperbolic sine, elementwise.",
    "cosh": "Hyperbolic cosine, elementwise.",
    "tanh": "Hyperbolic tangent, elementwise.",
    "arcsinh": "Inverse hyperbolic sine, elementwise.",
    "arccosh": "Inverse hyperbolic cosine, elementwise (NaN below 1).",
    "arctanh": "Inverse hyperbolic tangent, elementwise (NaN outside [-1, 1]).",
    "exp": "`e ** x`, elementwise.",
    "exp2": "`2 ** x`, elementwise.",
    "expm1": "`exp(x) - 1`, accurate for small `x`.",
    "log": "Natural logarithm, elementwise.",
    "log10": "Base-10 logarithm, elementwise.",
    "log1p": "`log(1 + x)`, accurate for small `x`.",
    "log2": "Base-2 logarithm, elementwise.",
    "sqrt": "Square root, elementwise.",
    "cbrt": "Cube root, elementwise (real-valued for negative `x`).",
    "deg2rad": "Converts angles from degrees to radians.",
    "rad2deg": "Converts angles from radians to degrees.",
    "reciprocal": "`1 / x`, elementwise.",
    "fabs": "Absolute value as a float (int inputs give floats).",
    "sinc": "Normalized sinc, `sin(pi * x) / (pi * x)`, with `sinc(0) = 1`.",
    "i0": "Modified Bessel function of the first kind, order 0.",
    "erf": "Gauss error function, elementwise.",
    "erfc": "Complementary error function, `1 - erf(x)`.",
    "erfinv": "Inverse error function, elementwise.",
    "rsqrt": "`1 / sqrt(x)`, elementwise.",
    "ceil": "Smallest integer-valued float not below `x` (int inputs give floats).",
    "floor": "Largest integer-valued float not above `x` (int inputs give floats).",
}


# Functions NumPy/JAX/torch/TF do not all define for complex inputs: these refuse them.
_REAL_ONLY = {"cbrt", "deg2rad", "rad2deg", "i0", "erf", "erfc", "erfinv", "ceil", "floor", "fabs"}


def _float_function(name, summary):
    kernel = getattr(_k, name)
    real_only = name in _REAL_ONLY

    def fn(x):
        dtype = float_dtype_of(x)
        if real_only and dtype in dtypes.COMPLEX_TYPES:
            raise TypeError(f"{name}: complex inputs are not supported; received {dtype}.")
        return kernel(to_tensor(x, dtype))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = summary
    return op(spec=rules.float_unary)(fn)


for _name, _summary in _FLOAT_FUNCTIONS.items():
    globals()[_name] = _float_function(_name, _summary)
del _name, _summary


def _is_float(dtype):
    return dtype in dtypes.FLOAT_TYPES


def _is_complex(dtype):
    return dtype in dtypes.COMPLEX_TYPES


def _bool_spec(x, *args, **kwargs):
    return KerasTensor(rules.shape_of(x), dtype="bool")


def _int_for_bool_spec(x, *args, **kwargs):
    dtype = dtypes.result_type(dtype_of(x))
    return KerasTensor(rules.shape_of(x), dtype="int32" if dtype == "bool" else dtype)


def _part_spec(x, *args, **kwargs):
    dtype = dtypes.result_type(dtype_of(x))
    return KerasTensor(rules.shape_of(x), dtype=_PART_DTYPE.get(dtype, dtype))


def _tensor_and_dtype(x):
    x = to_tensor(x)
    return x, dtypes.standardize_dtype(x.dtype)


def _all_false(x):
    return to_tensor(_k.zeros_like(x), "bool")


def _all_true(x):
    return to_tensor(_k.ones_like(x), "bool")


# --- rounding -------------------------------------------------------------------------------


@op(spec=rules.unary)
def trunc(x):
    """Rounds toward zero; integer and bool inputs are returned unchanged."""
    x, dtype = _tensor_and_dtype(x)
    if not _is_float(dtype):
        return x
    return _k.trunc(x)


def _round_int(x, decimals, dtype):
    """Rounds integers to a multiple of `10 ** -decimals`, ties to the even multiple."""
    factor = 10 ** (-decimals)
    if factor > ml_dtypes.iinfo(dtype).max:
        return _k.zeros_like(x)
    f = to_tensor(factor, dtype)
    quotient = _k.floor_divide(x, f)
    rest = _k.subtract(x, _k.multiply(quotient, f))  # in [0, factor)
    other = _k.subtract(f, rest)
    odd = _k.equal(_k.mod(quotient, to_tensor(2, dtype)), to_tensor(1, dtype))
    up = _k.logical_or(_k.greater(rest, other), _k.logical_and(_k.equal(rest, other), odd))
    return _k.multiply(_k.add(quotient, to_tensor(up, dtype)), f)


@op(spec=rules.unary)
def round(x, decimals=0):
    """Rounds to `decimals` decimal places, ties to even (NumPy's `round`).

    Args:
        x: input tensor.
        decimals: number of decimal places (negative: round to tens, hundreds, ...).

    Returns:
        A tensor of `x`'s dtype.
    """
    if not isinstance(decimals, int) or isinstance(decimals, bool):
        raise TypeError(f"round: `decimals` must be an int; received {decimals!r}.")
    x, dtype = _tensor_and_dtype(x)
    if dtype == "bool" or (dtype in dtypes.INT_TYPES and decimals >= 0):
        return x
    if dtype in dtypes.INT_TYPES:
        return _round_int(x, decimals, dtype)
    if _is_complex(dtype):
        raise TypeError("round: complex inputs are not supported.")
    if decimals == 0:
        return _k.rint(x)
    compute = "float32" if dtype in _HALF_TYPES else dtype
    y = to_tensor(x, compute)
    if decimals > 0:
        scale = to_tensor(10.0**decimals, compute)
        out = _k.true_divide(_k.rint(_k.multiply(y, scale)), scale)
    else:
        scale = to_tensor(10.0 ** (-decimals), compute)
        out = _k.multiply(_k.rint(_k.true_divide(y, scale)), scale)
    return to_tensor(out, dtype)


# --- sign, square, copy, nan_to_num ---------------------------------------------------------


def _int_for_bool(x):
    """`x` as a tensor, bool made int32."""
    x, dtype = _tensor_and_dtype(x)
    return to_tensor(x, "int32") if dtype == "bool" else x


@op(spec=_int_for_bool_spec)
def sign(x):
    """-1, 0 or 1 by the sign of `x` (NaN stays NaN); bool inputs give int32."""
    return _k.sign(_int_for_bool(x))


@op(spec=_int_for_bool_spec)
def square(x):
    """`x * x`, elementwise; bool inputs give int32."""
    return _k.square(_int_for_bool(x))


@op(spec=rules.unary)
def copy(x):
    """A new tensor with the values of `x`."""
    return _k.copy(to_tensor(x))


@op(spec=rules.unary)
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN, +inf and -inf with finite numbers.

    Args:
        x: input tensor (integer and bool inputs are returned unchanged).
        nan: value for NaN.
        posinf: value for +inf; None gives the dtype's largest finite value.
        neginf: value for -inf; None gives the dtype's most negative finite value.
    """
    x, dtype = _tensor_and_dtype(x)
    if not _is_float(dtype):
        if _is_complex(dtype):
            raise TypeError(f"nan_to_num: complex inputs are not supported; received {dtype}.")
        return x
    info = ml_dtypes.finfo(dtype if dtype != "bfloat16" else ml_dtypes.bfloat16)
    posinf = float(info.max) if posinf is None else float(posinf)
    neginf = float(info.min) if neginf is None else float(neginf)
    return _k.nan_to_num(x, float(nan), posinf, neginf)


# --- predicates -----------------------------------------------------------------------------


def _predicate_function(name, summary, combine, otherwise):
    """isnan & co.: per part, joined by the `combine` kernel, for complex inputs; `otherwise(x)`
    for integer and bool inputs."""
    kernel = getattr(_k, name)

    def fn(x):
        x, dtype = _tensor_and_dtype(x)
        if _is_complex(dtype):
            return combine(kernel(_k.real(x)), kernel(_k.imag(x)))
        return kernel(x) if _is_float(dtype) else otherwise(x)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = summary
    return op(spec=_bool_spec)(fn)


isnan = _predicate_function(
    "isnan", "True where `x` is NaN (never for integer or bool inputs).", _k.logical_or, _all_false
)
isinf = _predicate_function("isinf", "True where `x` is +inf or -inf.", _k.logical_or, _all_false)
isfinite = _predicate_function(
    "isfinite", "True where `x` is neither infinite nor NaN.", _k.logical_and, _all_true
)


def _real_predicate(name, x):
    x, dtype = _tensor_and_dtype(x)
    if _is_complex(dtype):
        raise TypeError(f"{name}: complex inputs are not supported; received {dtype}.")
    return x, dtype


@op(spec=_bool_spec)
def isposinf(x):
    """True where `x` is +inf."""
    x, dtype = _real_predicate("isposinf", x)
    return _k.isposinf(x) if _is_float(dtype) else _all_false(x)


@op(spec=_bool_spec)
def isneginf(x):
    """True where `x` is -inf."""
    x, dtype = _real_predicate("isneginf", x)
    return _k.isneginf(x) if _is_float(dtype) else _all_false(x)


@op(spec=_bool_spec)
def signbit(x):
    """True where the sign bit of `x` is set (including -0.0)."""
    x, dtype = _real_predicate("signbit", x)
    if _is_float(dtype):
        return _k.signbit(x)
    if dtype == "bool" or dtype.startswith("uint"):
        return _all_false(x)
    return _k.less(x, _k.zeros_like(x))


@op(spec=_bool_spec)
def isreal(x):
    """True where the imaginary part of `x` is zero (everywhere for real inputs)."""
    x, dtype = _tensor_and_dtype(x)
    if not _is_complex(dtype):
        return _all_true(x)
    imaginary = _k.imag(x)
    return _k.equal(imaginary, _k.zeros_like(imaginary))


# --- complex parts --------------------------------------------------------------------------


@op(spec=_part_spec)
def real(x):
    """Real part of `x` (real inputs are returned unchanged)."""
    x, dtype = _tensor_and_dtype(x)
    return _k.real(x) if _is_complex(dtype) else x


@op(spec=_part_spec)
def imag(x):
    """Imaginary part of `x` (zeros of `x`'s dtype for real inputs)."""
    x, dtype = _tensor_and_dtype(x)
    return _k.imag(x) if _is_complex(dtype) else _k.zeros_like(x)


@op(spec=rules.unary)
def conj(x):
    """Complex conjugate of `x` (real inputs are returned unchanged)."""
    x, dtype = _tensor_and_dtype(x)
    return _k.conj(x) if _is_complex(dtype) else x


@op(spec=rules.unary)
def conjugate(x):
    """Complex conjugate of `x`; the same as `conj`."""
    return conj(x)


def _angle_spec(x):
    dtype = dtypes.result_type(dtype_of(x))
    if _is_complex(dtype):
        return KerasTensor(rules.shape_of(x), dtype=_PART_DTYPE[dtype])
    return rules.float_unary(x)


@op(spec=_angle_spec)
def angle(x):
    """Argument (phase angle, radians) of `x`; 0 or pi for real inputs."""
    x, dtype = _tensor_and_dtype(x)
    if not _is_complex(dtype):
        x = to_tensor(x, float_dtype_of(x))
    return _k.angle(x)


def _view_as_complex_check(x):
    shape = rules.shape_of(x)
    dtype = dtypes.result_type(dtype_of(x))
    if _is_complex(dtype) or dtype == "string":
        raise TypeError(f"view_as_complex: `x` must be a real tensor; received dtype {dtype}.")
    if not shape or shape[-1] not in (2, None):
        raise ValueError(
            "view_as_complex: the last dimension of `x` must have size 2 (real, imaginary); "
            f"received shape {shape}."
        )
    real_dtype = "float64" if dtype == "float64" else "float32"
    return shape, real_dtype, "complex128" if real_dtype == "float64" else "complex64"


def _view_as_complex_spec(x):
    shape, _, dtype = _view_as_complex_check(x)
    return KerasTensor(shape[:-1], dtype=dtype)


@op(spec=_view_as_complex_spec)
def view_as_complex(x):
    """Pairs `(real, imag)` along the last axis (size 2) into complex numbers.

    float64 inputs give complex128; other real inputs give complex64.
    """
    x = to_tensor(x)
    _, real_dtype, _ = _view_as_complex_check(x)
    return _k.view_as_complex(to_tensor(x, real_dtype))


def _view_as_real_check(x):
    dtype = dtypes.result_type(dtype_of(x))
    if not _is_complex(dtype):
        raise TypeError(f"view_as_real: `x` must be a complex tensor; received dtype {dtype}.")
    return _PART_DTYPE[dtype]


def _view_as_real_spec(x):
    return KerasTensor(rules.shape_of(x) + (2,), dtype=_view_as_real_check(x))


@op(spec=_view_as_real_spec)
def view_as_real(x):
    """Splits complex `x` into a new last axis of size 2: `(real, imag)`."""
    x = to_tensor(x)
    _view_as_real_check(x)
    return _k.view_as_real(x)


__all__ = list(_FLOAT_FUNCTIONS) + [
    "trunc",
    "round",
    "sign",
    "square",
    "copy",
    "nan_to_num",
    "isnan",
    "isinf",
    "isfinite",
    "isposinf",
    "isneginf",
    "signbit",
    "isreal",
    "real",
    "imag",
    "conj",
    "conjugate",
    "angle",
    "view_as_complex",
    "view_as_real",
]
