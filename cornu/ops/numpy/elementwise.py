"""Elementwise arithmetic, comparison and logical ops (the operators of tensors use these)."""

from cornu.backend.common import dtypes
from cornu.ops import rules
from cornu.ops.define import dtype_of, float_dtype_of, kernels, op, promote, to_tensor

_k = kernels("elementwise")

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
]


@op(spec=rules.binary)
def add(x1, x2):
    """`x1 + x2`, broadcast, in the promoted dtype."""
    return _k.add(*promote(x1, x2))


@op(spec=rules.binary)
def subtract(x1, x2):
    """`x1 - x2`, broadcast, in the promoted dtype."""
    return _k.subtract(*promote(x1, x2))


@op(spec=rules.binary)
def multiply(x1, x2):
    """`x1 * x2`, broadcast, in the promoted dtype."""
    return _k.multiply(*promote(x1, x2))


@op(spec=rules.float_binary)
def true_divide(x1, x2):
    """`x1 / x2`; integer inputs give a float result."""
    return _k.true_divide(*promote(x1, x2, dtype=float_dtype_of(x1, x2)))


divide = true_divide


@op(spec=rules.binary)
def floor_divide(x1, x2):
    """`x1 // x2` (rounding toward minus infinity)."""
    return _k.floor_divide(*promote(x1, x2))


@op(spec=rules.binary)
def mod(x1, x2):
    """`x1 % x2` with the sign of `x2` (Python's convention)."""
    return _k.mod(*promote(x1, x2))


@op(spec=rules.binary)
def power(x1, x2):
    """`x1 ** x2`, broadcast, in the promoted dtype."""
    return _k.power(*promote(x1, x2))


@op(spec=rules.unary)
def negative(x):
    """`-x`."""
    return _k.negative(to_tensor(x))


@op(spec=rules.unary)
def absolute(x):
    """`|x|`."""
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


@op(spec=rules.logical_binary)
def logical_and(x1, x2):
    """Elementwise AND of the inputs' truth values."""
    return _k.logical_and(*_as_bool(x1, x2))


@op(spec=rules.logical_binary)
def logical_or(x1, x2):
    """Elementwise OR of the inputs' truth values."""
    return _k.logical_or(*_as_bool(x1, x2))


@op(spec=rules.logical_binary)
def logical_xor(x1, x2):
    """Elementwise XOR of the inputs' truth values."""
    return _k.logical_xor(*_as_bool(x1, x2))


def _logical_not_spec(x):
    return rules.KerasTensor(rules.shape_of(x), dtype="bool")


@op(spec=_logical_not_spec)
def logical_not(x):
    """Elementwise NOT of the input's truth values."""
    return _k.logical_not(_as_bool(x)[0])


@op(spec=rules.comparison)
def equal(x1, x2):
    """`x1 == x2` elementwise."""
    return _k.equal(*promote(x1, x2))


@op(spec=rules.comparison)
def not_equal(x1, x2):
    """`x1 != x2` elementwise."""
    return _k.not_equal(*promote(x1, x2))


@op(spec=rules.comparison)
def less(x1, x2):
    """`x1 < x2` elementwise."""
    return _k.less(*promote(x1, x2))


@op(spec=rules.comparison)
def less_equal(x1, x2):
    """`x1 <= x2` elementwise."""
    return _k.less_equal(*promote(x1, x2))


@op(spec=rules.comparison)
def greater(x1, x2):
    """`x1 > x2` elementwise."""
    return _k.greater(*promote(x1, x2))


@op(spec=rules.comparison)
def greater_equal(x1, x2):
    """`x1 >= x2` elementwise."""
    return _k.greater_equal(*promote(x1, x2))


