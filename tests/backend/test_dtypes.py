"""The one promotion table: pinned by hand, and obeyed by every backend's real arithmetic."""

import itertools

import numpy as np
import pytest

from cornu import backend, ops
from cornu.backend.common import dtypes

TABLE_DTYPES = [
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
    "bfloat16", "float16", "float32", "float64",
]  # fmt: skip

# Hand-checked against the lattice in dtypes.py (JAX's documented type-promotion lattice).
PINNED = [
    ("int8", "float16", "float16"),
    ("uint8", "int8", "int16"),
    ("uint16", "int8", "int32"),
    ("uint32", "int8", "int64"),
    ("uint32", "int32", "int64"),
    ("int32", float, "float32"),
    ("int32", int, "int32"),
    ("int8", int, "int8"),
    ("uint8", int, "uint8"),
    ("float16", float, "float16"),
    ("bfloat16", float, "bfloat16"),
    ("bfloat16", "float16", "float32"),
    ("bfloat16", "int64", "bfloat16"),
    ("bool", int, "int32"),
    ("bool", float, "float32"),
    ("bool", "bool", "bool"),
    ("bool", "uint8", "uint8"),
    ("int64", "float32", "float32"),
    ("float32", "float64", "float64"),
    ("int16", "uint16", "int32"),
    (int, float, "float32"),
    ("float32", complex, "complex64"),
    ("float64", "complex64", "complex128"),
]


@pytest.mark.parametrize(
    "a,b,expected",
    PINNED,
    ids=[f"{getattr(a, '__name__', a)}+{getattr(b, '__name__', b)}" for a, b, _ in PINNED],
)
def test_pinned_promotions(a, b, expected):
    assert dtypes.result_type(a, b) == expected
    assert dtypes.result_type(b, a) == expected


def test_result_type_is_commutative_and_associative():
    nodes = TABLE_DTYPES + [int, float]
    for a, b in itertools.product(nodes, repeat=2):
        assert dtypes.result_type(a, b) == dtypes.result_type(b, a)
    for a, b, c in itertools.product(TABLE_DTYPES, repeat=3):
        left = dtypes.result_type(dtypes.result_type(a, b), c)
        assert dtypes.result_type(a, b, c) == left


def test_result_type_without_arguments_is_floatx():
    assert dtypes.result_type() == "float32"


def _zeros(dtype):
    if dtype is int:
        return 0
    if dtype is float:
        return 0.0
    return ops.convert_to_tensor(np.zeros((2,), dtype="float32"), dtype=dtype)


PAIRS = list(itertools.product(TABLE_DTYPES + [int, float], TABLE_DTYPES))


@pytest.mark.parametrize("a,b", PAIRS, ids=[f"{getattr(a, '__name__', a)}+{b}" for a, b in PAIRS])
def test_backend_arithmetic_obeys_the_table(a, b):
    """`ops.add` gives `result_type`'s dtype on this backend, for every pair."""
    result = ops.add(_zeros(a), _zeros(b))
    assert backend.standardize_dtype(result.dtype) == dtypes.result_type(a, b)


@pytest.mark.parametrize("name", dtypes.DTYPES[:-1])
def test_framework_dtypes_round_trip(name):
    tensor = ops.convert_to_tensor(np.zeros((1,), dtype="float32"), dtype=name)
    assert backend.standardize_dtype(tensor.dtype) == name
    assert dtypes.standardize_dtype(backend.to_framework_dtype(name)) == name


@pytest.mark.parametrize(
    "given,expected",
    [("float", "float32"), ("double", "float64"), (np.float16, "float16"), (bool, "bool"),
     (np.dtype("int8"), "int8"), ("bfloat16", "bfloat16"), (None, "float32")],
    ids=["float", "double", "np.float16", "bool", "np.int8", "bfloat16", "None"],
)  # fmt: skip
def test_standardize_dtype(given, expected):
    assert dtypes.standardize_dtype(given) == expected


def test_unknown_dtype_names_the_valid_ones():
    with pytest.raises(ValueError, match=r"Invalid dtype: 'float33'.*float32"):
        dtypes.standardize_dtype("float33")
    with pytest.raises(ValueError, match="Invalid dtype"):
        ops.convert_to_tensor([1.0], dtype="flaot32")


def test_predicates():
    assert backend.is_float_dtype("bfloat16") and not backend.is_float_dtype("int8")
    assert backend.is_int_dtype("uint8") and not backend.is_int_dtype("bool")
