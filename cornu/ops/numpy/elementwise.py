"""Elementwise ops: arithmetic, comparison and logic (tensor operators use these), binary math
and bitwise ops. Unary math (sin, round, isnan, real, ...) is in `elementwise_math`."""

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, float_dtype_of, kernels, op, promote, to_tensor

_k = kernels()

__all__ = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "floor_divide",
    "mod",
    "power",
    "negative",
    "absolute",
    "abs",
    "invert",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "arctan2",
    "hypot",
    "logaddexp",
    "logaddexp2",
    "heaviside",
    "nextafter",
    "divide_no_nan",
    "maximum",
    "minimum",
    "fmax",
    "fmin",
    "fmod",
    "gcd",
    "lcm",
    "ldexp",
    "isclose",
    "clip",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "left_shift",
    "right_shift",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "bitwise_invert",
    "bitwise_not",
]


def _binary_function(name, summary, spec=rules.binary, convert=promote):
    """An op `kernel(*convert(x1, x2))`: the inputs promoted (or made bool) to one dtype."""
    kernel = getattr(_k, name)

    def fn(x1, x2):
        return kernel(*convert(x1, x2))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = summary
    return op(spec=spec)(fn)


add = _binary_function("add", "`x1 + x2`, broadcast, in the promoted dtype.")
subtract = _binary_function("subtract", "`x1 - x2`, broadcast, in the promoted dtype.")
multiply = _binary_function("multiply", "`x1 * x2`, broadcast, in the promoted dtype.")


@op(spec=rules.float_binary)
def true_divide(x1, x2):
    """`x1 / x2`; integer inputs give a float result."""
    return _k.true_divide(*promote(x1, x2, dtype=float_dtype_of(x1, x2)))


divide = true_divide


floor_divide = _binary_function("floor_divide", "`x1 // x2` (rounding toward minus infinity).")
mod = _binary_function("mod", "`x1 % x2` with the sign of `x2` (Python's convention).")
power = _binary_function("power", "`x1 ** x2`, broadcast, in the promoted dtype.")


@op(spec=rules.unary)
def negative(x):
    """`-x`."""
    return _k.negative(to_tensor(x))


def _absolute_spec(x):
    dtype = dtypes.result_type(dtype_of(x))
    parts = {"complex64": "float32", "complex128": "float64"}
    return KerasTensor(rules.shape_of(x), dtype=parts.get(dtype, dtype))


@op(spec=_absolute_spec)
def absolute(x):
    """`|x|` (the magnitude, as a float, for complex inputs)."""
    return _k.absolute(to_tensor(x))


abs = absolute


@op(spec=rules.unary)
def invert(x):
    """Bitwise NOT of an integer or bool tensor (`~x`)."""
    x = to_tensor(x)
    dtype = dtypes.standardize_dtype(x.dtype)
    if dtype != "bool" and dtype not in dtypes.INT_TYPES:
        raise TypeError(f"invert: `x` must be an integer or bool tensor; received dtype {dtype}.")
    return _k.invert(x)


def _as_bool(*values):
    return promote(*values, dtype="bool")


logical_and = _binary_function(
    "logical_and", "Elementwise AND of the inputs' truth values.", rules.logical_binary, _as_bool
)
logical_or = _binary_function(
    "logical_or", "Elementwise OR of the inputs' truth values.", rules.logical_binary, _as_bool
)
logical_xor = _binary_function(
    "logical_xor", "Elementwise XOR of the inputs' truth values.", rules.logical_binary, _as_bool
)


def _logical_not_spec(x):
    return rules.KerasTensor(rules.shape_of(x), dtype="bool")


@op(spec=_logical_not_spec)
def logical_not(x):
    """Elementwise NOT of the input's truth values."""
    return _k.logical_not(_as_bool(x)[0])


equal = _binary_function("equal", "`x1 == x2` elementwise.", rules.comparison)
not_equal = _binary_function("not_equal", "`x1 != x2` elementwise.", rules.comparison)
less = _binary_function("less", "`x1 < x2` elementwise.", rules.comparison)
less_equal = _binary_function("less_equal", "`x1 <= x2` elementwise.", rules.comparison)
greater = _binary_function("greater", "`x1 > x2` elementwise.", rules.comparison)
greater_equal = _binary_function("greater_equal", "`x1 >= x2` elementwise.", rules.comparison)


# --- binary math ----------------------------------------------------------------------------


def _refuse_complex(op_name, dtype):
    if dtype in dtypes.COMPLEX_TYPES:
        raise TypeError(f"{op_name}: complex inputs are not supported; received {dtype}.")


def _float_binary_function(name, summary, real_only=True):
    kernel = getattr(_k, name)

    def fn(x1, x2):
        dtype = float_dtype_of(x1, x2)
        if real_only:
            _refuse_complex(name, dtype)
        return kernel(*promote(x1, x2, dtype=dtype))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = summary
    return op(spec=rules.float_binary)(fn)


arctan2 = _float_binary_function(
    "arctan2", "Angle (radians) of the point `(x2, x1)`, elementwise; quadrant-aware."
)
hypot = _float_binary_function("hypot", "`sqrt(x1**2 + x2**2)`, elementwise, without overflow.")
logaddexp = _float_binary_function("logaddexp", "`log(exp(x1) + exp(x2))`, computed stably.")
logaddexp2 = _float_binary_function("logaddexp2", "`log2(2**x1 + 2**x2)`, computed stably.")
heaviside = _float_binary_function(
    "heaviside", "Heaviside step: 0 where `x1 < 0`, 1 where `x1 > 0`, `x2` where `x1 == 0`."
)
nextafter = _float_binary_function(
    "nextafter", "The next representable float after `x1` in the direction of `x2`."
)
divide_no_nan = _float_binary_function(
    "divide_no_nan",
    "`x1 / x2`, but 0 where `x2` is 0 (no NaN or inf from zero division).",
    real_only=False,
)


def _same_binary_function(name, summary):
    kernel = getattr(_k, name)

    def fn(x1, x2):
        dtype = dtypes.result_type(dtype_of(x1), dtype_of(x2))
        _refuse_complex(name, dtype)
        return kernel(*promote(x1, x2, dtype=dtype))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = summary
    return op(spec=rules.binary)(fn)


maximum = _same_binary_function("maximum", "Elementwise maximum; NaN if either input is NaN.")
minimum = _same_binary_function("minimum", "Elementwise minimum; NaN if either input is NaN.")
fmax = _same_binary_function("fmax", "Elementwise maximum, ignoring NaN where the other is not.")
fmin = _same_binary_function("fmin", "Elementwise minimum, ignoring NaN where the other is not.")


def _kind(value):
    dtype = dtype_of(value)
    return dtype if isinstance(dtype, str) else dtypes.result_type(dtype)


def _check_integer(op_name, args, allow_bool=True):
    """Raises TypeError unless every `(name, value)` in `args` is an int (or bool) value."""
    for arg, value in args:
        dtype = _kind(value)
        if dtype in dtypes.INT_TYPES or (allow_bool and dtype == "bool"):
            continue
        wanted = "an integer or bool" if allow_bool else "an integer"
        raise TypeError(f"{op_name}: `{arg}` must be {wanted} tensor; received dtype {dtype}.")


def _int_binary_spec(x1, x2, *args, **kwargs):
    out = rules.binary(x1, x2)
    if out.dtype == "bool":
        return KerasTensor(out.shape, dtype="int32")
    return out


def _promote_int(x1, x2):
    """Promotes to the common dtype, with bool made int32 (for arithmetic on bits)."""
    dtype = dtypes.result_type(dtype_of(x1), dtype_of(x2))
    return promote(x1, x2, dtype="int32" if dtype == "bool" else dtype)


@op(spec=_int_binary_spec)
def fmod(x1, x2):
    """Remainder of `x1 / x2` with the sign of `x1` (C's `fmod`); bool inputs give int32."""
    _refuse_complex("fmod", dtypes.result_type(dtype_of(x1), dtype_of(x2)))
    return _k.fmod(*_promote_int(x1, x2))


def _int_function(name, summary):
    """An op on integer inputs, bool made int32 (gcd, lcm)."""
    kernel = getattr(_k, name)

    def fn(x1, x2):
        _check_integer(name, (("x1", x1), ("x2", x2)))
        return kernel(*_promote_int(x1, x2))

    def spec(x1, x2):
        _check_integer(name, (("x1", x1), ("x2", x2)))
        return _int_binary_spec(x1, x2)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = summary
    return op(spec=spec)(fn)


gcd = _int_function("gcd", "Greatest common divisor of integer inputs, elementwise (non-negative).")
lcm = _int_function("lcm", "Least common multiple of integer inputs, elementwise (non-negative).")


def _ldexp_spec(x1, x2):
    _check_integer("ldexp", (("x2", x2),), allow_bool=False)
    return KerasTensor(
        rules.broadcast_shapes(rules.shape_of(x1), rules.shape_of(x2), "ldexp"),
        dtype=float_dtype_of(x1),
    )


@op(spec=_ldexp_spec)
def ldexp(x1, x2):
    """`x1 * 2**x2`, elementwise; `x2` must be an integer tensor."""
    _check_integer("ldexp", (("x2", x2),), allow_bool=False)
    dtype = float_dtype_of(x1)
    _refuse_complex("ldexp", dtype)
    return _k.ldexp(to_tensor(x1, dtype), to_tensor(x2, "int32"))


@op(spec=rules.comparison)
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True where `|x1 - x2| <= atol + rtol * |x2|` (equal infinities are close).

    Args:
        x1, x2: inputs (compared in their promoted float dtype).
        rtol: relative tolerance.
        atol: absolute tolerance.
        equal_nan: whether two NaNs count as close.
    """
    x1, x2 = promote(x1, x2, dtype=float_dtype_of(x1, x2))
    return _k.isclose(x1, x2, float(rtol), float(atol), bool(equal_nan))


def _clip_spec(x, x_min, x_max):
    shape = rules.shape_of(x)
    for bound in (x_min, x_max):
        if bound is not None:
            shape = rules.broadcast_shapes(shape, rules.shape_of(bound), "clip")
    dtype = _kind(x)
    return KerasTensor(shape, dtype="int32" if dtype == "bool" else dtype)


@op(spec=_clip_spec)
def clip(x, x_min, x_max):
    """Limits `x` to `[x_min, x_max]`; the result has `x`'s dtype (bool gives int32).

    Args:
        x: input tensor.
        x_min: lower bound (scalar or tensor broadcastable to `x`), or None for none.
        x_max: upper bound (scalar or tensor broadcastable to `x`), or None for none.
    """
    if x_min is None and x_max is None:
        raise ValueError("clip: at least one of `x_min` and `x_max` must be given; both are None.")
    x = to_tensor(x)
    dtype = _kind(x)
    dtype = "int32" if dtype == "bool" else dtype
    bounds = [b for b in (x_min, x_max) if b is not None]
    compute = dtypes.result_type(dtype, *(dtype_of(b) for b in bounds))
    _refuse_complex("clip", compute)
    y = to_tensor(x, compute)
    if x_min is not None:
        y = _k.maximum(y, to_tensor(x_min, compute))
    if x_max is not None:
        y = _k.minimum(y, to_tensor(x_max, compute))
    return to_tensor(y, dtype)


# --- bitwise --------------------------------------------------------------------------------


def _bitwise_function(name, kernel_name, summary, shift=False):
    kernel = getattr(_k, kernel_name)

    def fn(x, y):
        _check_integer(name, (("x", x), ("y", y)))
        if shift:
            return kernel(*_promote_int(x, y))
        return kernel(*promote(x, y))

    def spec(x, y):
        _check_integer(name, (("x", x), ("y", y)))
        return _int_binary_spec(x, y) if shift else rules.binary(x, y)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = summary
    return op(spec=spec)(fn)


bitwise_and = _bitwise_function("bitwise_and", "bitwise_and", "Bitwise AND of int/bool inputs.")
bitwise_or = _bitwise_function("bitwise_or", "bitwise_or", "Bitwise OR of int/bool inputs.")
bitwise_xor = _bitwise_function("bitwise_xor", "bitwise_xor", "Bitwise XOR of int/bool inputs.")
left_shift = _bitwise_function(
    "left_shift", "left_shift", "Shifts the bits of `x` left by `y` (bool gives int32).", True
)
right_shift = _bitwise_function(
    "right_shift", "right_shift", "Shifts the bits of `x` right by `y` (arithmetic).", True
)
bitwise_left_shift = _bitwise_function(
    "bitwise_left_shift",
    "left_shift",
    "Shifts the bits of `x` left by `y`; as `left_shift`.",
    True,
)
bitwise_right_shift = _bitwise_function(
    "bitwise_right_shift",
    "right_shift",
    "Shifts the bits of `x` right by `y`; as `right_shift`.",
    True,
)


def _bitwise_not_function(name):
    def fn(x):
        _check_integer(name, (("x", x),))
        return _k.invert(to_tensor(x))

    def spec(x):
        _check_integer(name, (("x", x),))
        return rules.unary(x)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = "Bitwise NOT of an integer or bool tensor; the same as `invert`."
    return op(spec=spec)(fn)


bitwise_invert = _bitwise_not_function("bitwise_invert")
bitwise_not = _bitwise_not_function("bitwise_not")
