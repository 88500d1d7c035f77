"""Dtype names and the one type-promotion rule every backend obeys.

Promotion follows a lattice (the one JAX documents in "Type promotion semantics"): the result
of combining dtypes is their least upper bound. Python scalars are *weak*: `int8 + 1` stays
int8, `int32 + 1.0` becomes `floatx()`, `float16 + 1.0` stays float16. Because the rule is a pure
function of dtype names, `int8 + float16` gives float16 on every backend.
"""

import functools

import numpy as np

from cornu import config

# Every dtype name cornu understands, in a stable order.
DTYPES = (
    "bool",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "int8",
    "int16",
    "int32",
    "int64",
    "bfloat16",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "string",
)
FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
INT_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")
COMPLEX_TYPES = ("complex64", "complex128")

# Aliases accepted by standardize_dtype.
_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "int": "int64",
    "long": "int64",
    "uint": "uint32",
    "complex": "complex128",
    "str": "string",
    "bool_": "bool",
    "boolean": "bool",
}
# Weak (Python scalar) types live inside the lattice under these names.
_WEAK_INT, _WEAK_FLOAT, _WEAK_COMPLEX = "int*", "float*", "complex*"

# Each dtype's immediate successors in the promotion lattice.
_LATTICE = {
    "bool": ("int*",),
    "int*": ("uint8", "int8"),
    "uint8": ("uint16", "int16"),
    "uint16": ("uint32", "int32"),
    "uint32": ("uint64", "int64"),
    "uint64": ("float*",),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": ("float*",),
    "float*": ("bfloat16", "float16", "complex*"),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64", "complex64"),
    "complex*": ("complex64",),
    "float64": ("complex128",),
    "complex64": ("complex128",),
    "complex128": (),
}


def _upper_sets():
    """For each lattice node, the set of nodes at or above it."""
    memo = {}

    def upper(node):
        if node not in memo:
            result = {node}
            for succ in _LATTICE[node]:
                result |= upper(succ)
            memo[node] = frozenset(result)
        return memo[node]

    return {node: upper(node) for node in _LATTICE}


_UPPER = _upper_sets()


@functools.cache
def _join(a, b):
    """Least upper bound of two lattice nodes."""
    common = _UPPER[a] & _UPPER[b]
    for node in common:
        if common <= _UPPER[node]:
            return node
    raise ValueError(f"No common dtype for {a} and {b}.")  # unreachable in a lattice


def standardize_dtype(dtype):
    """Returns cornu's name for `dtype` (a name, NumPy dtype, framework dtype or Python type).

    Args:
        dtype: e.g. "float32", `np.float32`, `jnp.bfloat16`, `torch.int8`, `tf.float16`,
            `float`, `int`, `bool`. None gives `floatx()`.

    Returns:
        A name from `DTYPES`, e.g. "float32".

    Example:
        >>> standardize_dtype("float")
        'float32'
    """
    try:
        return _STANDARD[dtype]
    except (KeyError, TypeError):
        pass
    if dtype is None:
        return config.floatx()
    name = _dtype_name(dtype)
    name = _ALIASES.get(name, name)
    if name not in DTYPES:
        raise ValueError(
            f"Invalid dtype: {dtype!r}. Expected one of: {', '.join(DTYPES)} "
            "(or a NumPy/framework dtype that maps to one of them)."
        )
    if _hashable(dtype):
        _STANDARD[dtype] = name
    return name


def _hashable(obj):
    try:
        hash(obj)
    except TypeError:
        return False
    return True


_STANDARD = {
    bool: "bool",
    int: "int64",
    float: "float32",
    complex: "complex128",
    str: "string",
}


def _dtype_name(dtype):
    """Best-effort string name of a foreign dtype object."""
    if isinstance(dtype, str):
        return dtype.lower()
    if isinstance(dtype, type) and issubclass(dtype, np.generic):
        return np.dtype(dtype).name
    # torch.float32 -> "torch.float32"; tf.float32 has .name; numpy dtypes have .name.
    name = getattr(dtype, "name", None)
    if isinstance(name, str) and name:
        return name.lower()
    if hasattr(dtype, "dtype"):
        return _dtype_name(dtype.dtype)
    text = str(dtype)
    if text.startswith("torch."):
        return {
            "torch.float": "float32",
            "torch.double": "float64",
            "torch.half": "float16",
            "torch.long": "int64",
            "torch.int": "int32",
            "torch.short": "int16",
            "torch.bool": "bool",
        }.get(text, text[len("torch.") :])
    try:
        return np.dtype(dtype).name
    except TypeError:
        return text.lower()


def _lattice_node(item):
    """The lattice node of one argument of result_type (dtype, Python type or scalar)."""
    if item is bool or isinstance(item, bool):
        return "bool"
    if item is int or isinstance(item, int):
        return _WEAK_INT
    if item is float or isinstance(item, float):
        return _WEAK_FLOAT
    if item is complex or isinstance(item, complex):
        return _WEAK_COMPLEX
    name = standardize_dtype(item)
    if name == "string":
        raise ValueError("result_type does not take string dtypes.")
    return name


def _resolve_weak(node):
    """Turns a weak node into a concrete dtype name."""
    if node == _WEAK_INT:
        return "int32"
    if node == _WEAK_FLOAT:
        return config.floatx()
    if node == _WEAK_COMPLEX:
        return "complex128" if config.floatx() == "float64" else "complex64"
    return node


def result_type(*dtypes):
    """Returns the dtype that combining `dtypes` gives, under cornu's one promotion rule.

    Args:
        *dtypes: dtypes or dtype names; the Python types `bool`, `int`, `float`, `complex`
            (or Python scalars) stand for weakly typed values.

    Returns:
        A dtype name. With no arguments, `floatx()`.

    Example:
        >>> result_type("int8", "float16")
        'float16'
        >>> result_type("int32", float)
        'float32'
    """
    if not dtypes:
        return config.floatx()
    return _result_type_cached(tuple(_lattice_node(d) for d in dtypes))


@functools.lru_cache(maxsize=4096)
def _result_type_cached(nodes):  # cleared when floatx changes (weak floats resolve to it)
    node = nodes[0]
    for other in nodes[1:]:
        node = _join(node, other)
    return _resolve_weak(node)


def is_float_dtype(dtype):
    """True for bfloat16, float16, float32, float64."""
    return standardize_dtype(dtype) in FLOAT_TYPES


def is_int_dtype(dtype):
    """True for signed and unsigned integer dtypes (not bool)."""
    return standardize_dtype(dtype) in INT_TYPES


def is_complex_dtype(dtype):
    """True for complex64 and complex128."""
    return standardize_dtype(dtype) in COMPLEX_TYPES


def is_unsigned_dtype(dtype):
    """True for uint8..uint64."""
    return standardize_dtype(dtype).startswith("uint")


def dtype_size(dtype):
    """Bits per element of `dtype`."""
    name = standardize_dtype(dtype)
    if name == "bool":
        return 8
    if name == "bfloat16":
        return 16
    return np.dtype(name).itemsize * 8


for _name in DTYPES:
    _STANDARD[_name] = _name
config._floatx_listeners.append(_result_type_cached.cache_clear)
