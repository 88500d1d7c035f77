"""Utilities for working with nested structures ("trees").

A structure is either a container node or a leaf. Container nodes are
`list`, `tuple`, `namedtuple`, `dict`, `OrderedDict`, `defaultdict` and
`deque`, plus any type registered with `optree` under the `"cornu"`
namespace. Everything else (numbers, strings, numpy arrays, framework
tensors, `None`, ...) is a leaf.

Conventions:

* `None` is a leaf (optree's `none_is_leaf=True`), so `flatten(None)` is
  `[None]`.
* Plain `dict` and `defaultdict` instances are flattened in sorted key
  order; `OrderedDict` instances are flattened in insertion order. Packing
  a flat sequence back always restores the original key order.
* A path is a tuple of indices (sequences, including namedtuples) and keys
  (mappings) leading from the root to a leaf.
"""

import collections.abc
import numbers

import optree

# Namespace under which other parts of cornu may register custom nodes with
# `optree.register_pytree_node(..., namespace="cornu")`.
_NAMESPACE = "cornu"
_REPR_LIMIT = 200


class MAP_TO_NONE:
    """Special value for use with `traverse()`.

    When the function given to `traverse()` returns `MAP_TO_NONE` (the class
    itself or an instance of it), the visited substructure is replaced by
    `None` in the output.

    Example:

    >>> traverse(lambda x: MAP_TO_NONE if x == 2 else None, [1, 2])
    [1, None]
    """


# --------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------


def _is_map_to_none(value):
    return value is MAP_TO_NONE or isinstance(value, MAP_TO_NONE)


def _is_leaf(x, none_is_leaf=True):
    return optree.tree_is_leaf(x, none_is_leaf=none_is_leaf, namespace=_NAMESPACE)


def _one_level(x, none_is_leaf=True):
    """Splits a node into `(children, entries, spec)`; `None` for a leaf.

    `entries` are the path components (index or key) of the children, and
    `optree.tree_unflatten(spec, new_children)` rebuilds a node of the same
    type (same namedtuple class, same dict key order, same
    `default_factory`, ...).
    """
    if _is_leaf(x, none_is_leaf):
        return None
    paths, children, spec = optree.tree_flatten_with_path(
        x,
        is_leaf=lambda y: y is not x,
        none_is_leaf=none_is_leaf,
        namespace=_NAMESPACE,
    )
    return children, tuple(p[0] for p in paths), spec


def _short_repr(x):
    text = repr(x)
    if len(text) > _REPR_LIMIT:
        text = text[: _REPR_LIMIT - 3] + "..."
    return text


def _type_name(x):
    return type(x).__name__


def _describe(x, node):
    """Human-readable description of a (sub)structure for error messages."""
    if node is None:
        if x is None:
            return "a leaf (None)"
        return f"a leaf of type {_type_name(x)}"
    children, entries, _ = node
    if isinstance(x, collections.abc.Mapping):
        return f"a {_type_name(x)} with keys {list(entries)!r}"
    count = len(children)
    noun = "item" if count == 1 else "items"
    return f"a {_type_name(x)} of {count} {noun}"


def _format_path(path):
    return "the top level" if not path else f"path {path!r}"


def _find_mismatch(a, b, names, none_is_leaf=True, up_to=False, path=()):
    """Returns a description of the first difference between `a` and `b`.

    Returns `None` when they match. With `up_to=True`, a leaf in `a` matches
    any substructure of `b` (used for shallow structures). Mappings of
    different types (`dict`, `OrderedDict`, `defaultdict`) match when they
    have the same set of keys; all other nodes must be of the exact same
    type and have the same entries.
    """
    node_a = _one_level(a, none_is_leaf)
    if node_a is None and up_to:
        return None
    node_b = _one_level(b, none_is_leaf)
    if node_a is None and node_b is None:
        return None
    where = f"at {_format_path(path)}"
    if node_a is None or node_b is None:
        return (
            f"{where}, the {names[0]} has {_describe(a, node_a)} but the "
            f"{names[1]} has {_describe(b, node_b)}."
        )
    both_mappings = isinstance(a, collections.abc.Mapping) and isinstance(
        b, collections.abc.Mapping
    )
    if type(a) is not type(b) and not both_mappings:
        detail = ""
        if _type_name(a) == _type_name(b):
            detail = " (two distinct types with the same name)"
        return (
            f"{where}, the {names[0]} has {_describe(a, node_a)} but the "
            f"{names[1]} has {_describe(b, node_b)}{detail}."
        )
    children_a, entries_a, _ = node_a
    children_b, entries_b, _ = node_b
    if both_mappings:
        same_entries = set(entries_a) == set(entries_b)
    else:
        same_entries = entries_a == entries_b
    if not same_entries:
        return (
            f"{where}, the {names[0]} has {_describe(a, node_a)} but the "
            f"{names[1]} has {_describe(b, node_b)}."
        )
    lookup_b = dict(zip(entries_b, children_b))
    for entry, child_a in zip(entries_a, children_a):
        message = _find_mismatch(
            child_a,
            lookup_b[entry],
            names,
            none_is_leaf=none_is_leaf,
            up_to=up_to,
            path=path + (entry,),
        )
        if message is not None:
            return message
    return None


def _structure_error(a, b, detail):
    return ValueError(
        "The two structures don't have the same nested structure: "
        f"{detail}\n\nFirst structure: {_short_repr(a)}\n\n"
        f"Second structure: {_short_repr(b)}"
    )


def _map_up_to(shallow, func, structures, none_is_leaf=True):
    """Applies `func` at each leaf of `shallow` to the aligned substructures.

    The structures must already be known to be compatible with `shallow`
    (see `_find_mismatch`). Nodes are rebuilt with the type of `shallow`.
    """
    node = _one_level(shallow, none_is_leaf)
    if node is None:
        return func(*structures)
    children, entries, spec = node
    lookups = []
    for structure in structures:
        sub_children, sub_entries, _ = _one_level(structure, none_is_leaf)
        lookups.append(dict(zip(sub_entries, sub_children)))
    new_children = [
        _map_up_to(
            child,
            func,
            [lookup[entry] for lookup in lookups],
            none_is_leaf=none_is_leaf,
        )
        for child, entry in zip(children, entries)
    ]
    return optree.tree_unflatten(spec, new_children)


def _is_dim(value):
    if value is None:
        return True
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_shape(x):
    """True for a list or tuple (not a namedtuple) of ints and `None`s."""
    if not isinstance(x, (list, tuple)) or hasattr(type(x), "_fields"):
        return False
    return all(_is_dim(e) for e in x)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def is_nested(structure):
    """Checks whether `structure` is a container node rather than a leaf.

    Args:
        structure: Any Python object.

    Returns:
        `True` for lists, tuples, namedtuples, dicts (including
        `OrderedDict` and `defaultdict`) and other registered containers,
        even when empty; `False` for leaves such as `None`, numbers,
        strings and arrays.

    Example:

    >>> is_nested({"a": 1}), is_nested("abc"), is_nested(None)
    (True, False, False)
    """
    return not _is_leaf(structure)


def traverse(func, structure, top_down=True):
    """Applies `func` to every substructure of `structure`, root included.

    Traversal is depth-first.

    Top-down (default): `func` is called on a node before its children. If it
    returns `None`, traversal continues into the node's children and the
    node is rebuilt from the results. Any other return value replaces the
    whole substructure, which is then not descended into.

    Bottom-up: children are processed first and the node is rebuilt from
    them; `func` is then called on the rebuilt node. Returning `None` keeps
    the rebuilt node, any other value replaces it.

    In both modes, returning `MAP_TO_NONE` replaces the substructure with
    `None`.

    Args:
        func: Callable taking one substructure.
        structure: Nested structure to traverse.
        top_down: If `True`, parents are visited before their children;
            otherwise children are visited first.

    Returns:
        The structure produced by the traversal.

    Example:

    >>> seen = []
    >>> traverse(seen.append, [(1, 2), {"a": 3}])
    [(1, 2), {'a': 3}]
    >>> seen
    [[(1, 2), {'a': 3}], (1, 2), 1, 2, {'a': 3}, 3]
    """

    def visit(node):
        if top_down:
            result = func(node)
            if _is_map_to_none(result):
                return None
            if result is not None:
                return result
        split = _one_level(node)
        if split is None:
            rebuilt = node
        else:
            children, _, spec = split
            rebuilt = optree.tree_unflatten(spec, [visit(child) for child in children])
        if top_down:
            return rebuilt
        result = func(rebuilt)
        if _is_map_to_none(result):
            return None
        return rebuilt if result is None else result

    return visit(structure)


def flatten(structure):
    """Flattens a nested structure into a list of its leaves.

    Dict values come in sorted key order (insertion order for
    `OrderedDict`); `None` is a leaf.

    Args:
        structure: Arbitrarily nested structure.

    Returns:
        A list of the leaves of `structure`.

    Example:

    >>> flatten([{"b": 2, "a": 1}, (3, None)])
    [1, 2, 3, None]
    """
    return optree.tree_leaves(structure, none_is_leaf=True, namespace=_NAMESPACE)


def flatten_with_path(structure):
    """Flattens a nested structure into `(path, leaf)` pairs.

    A path is a tuple of indices (for sequences, namedtuples included) and
    keys (for mappings) identifying the position of the leaf.

    Args:
        structure: Arbitrarily nested structure.

    Returns:
        A list of `(path, leaf)` tuples, in the same order as `flatten()`.

    Example:

    >>> flatten_with_path([{"foo": 42}, 7])
    [((0, 'foo'), 42), ((1,), 7)]
    """
    paths, leaves, _ = optree.tree_flatten_with_path(
        structure, none_is_leaf=True, namespace=_NAMESPACE
    )
    return list(zip(paths, leaves))


def map_structure(func, *structures, none_is_leaf=True):
    """Applies `func` to corresponding leaves of one or more structures.

    Args:
        func: Callable taking as many arguments as there are structures.
        *structures: Structures of the same layout (see
            `assert_same_structure`).
        none_is_leaf: If `True`, `None` is a leaf and is passed to `func`.
            If `False`, `None` is treated as an empty subtree: `func` is
            not called on it and it is kept as `None` in the output.

    Returns:
        A new structure with the layout of the first structure, holding the
        results of `func`.

    Raises:
        TypeError: If no structure is given or `func` is not callable.
        ValueError: If the structures don't have the same layout.

    Example:

    >>> map_structure(lambda x, y: x + y, [1, (2, 3)], [10, (20, 30)])
    [11, (22, 33)]
    """
    if not callable(func):
        raise TypeError(f"`func` must be callable, got: {func!r}")
    if not structures:
        raise TypeError("map_structure() requires at least one structure.")
    first = structures[0]
    specs = [
        optree.tree_structure(s, none_is_leaf=none_is_leaf, namespace=_NAMESPACE)
        for s in structures
    ]
    if all(spec == specs[0] for spec in specs[1:]):
        return optree.tree_map(
            func,
            *structures,
            none_is_leaf=none_is_leaf,
            namespace=_NAMESPACE,
        )
    # Slow path: the layouts differ in a way optree does not accept (e.g. a
    # dict and an OrderedDict with the same keys) or are truly different.
    for other in structures[1:]:
        detail = _find_mismatch(
            first,
            other,
            ("first structure", "second structure"),
            none_is_leaf=none_is_leaf,
        )
        if detail is not None:
            raise _structure_error(first, other, detail)
    return _map_up_to(first, func, structures, none_is_leaf=none_is_leaf)


def map_structure_up_to(shallow_structure, func, *structures):
    """Maps `func` over structures, only down to the leaves of a shallow one.

    Wherever `shallow_structure` has a leaf (including `None`), `func` is
    called with the corresponding (possibly nested) substructures of
    `structures`, which may therefore be deeper than `shallow_structure`
    but not shallower.

    Args:
        shallow_structure: Structure whose layout is a prefix of every
            structure in `structures`.
        func: Callable taking as many arguments as there are structures.
        *structures: Structures to map over.

    Returns:
        A new structure with the layout of `shallow_structure`.

    Raises:
        TypeError: If no structure is given or `func` is not callable.
        ValueError: If a structure doesn't match `shallow_structure`.

    Example:

    >>> map_structure_up_to([None, None], len, [[1, 1], [2, 2, 2]])
    [2, 3]
    """
    if not callable(func):
        raise TypeError(f"`func` must be callable, got: {func!r}")
    if not structures:
        raise TypeError("map_structure_up_to() requires at least one structure.")
    for index, structure in enumerate(structures):
        detail = _find_mismatch(
            shallow_structure,
            structure,
            ("shallow structure", f"input structure #{index}"),
            up_to=True,
        )
        if detail is not None:
            raise ValueError(
                f"Input structure #{index} doesn't match the shallow "
                f"structure: {detail}\n\nShallow structure: "
                f"{_short_repr(shallow_structure)}\n\nInput structure: "
                f"{_short_repr(structure)}"
            )
    return _map_up_to(shallow_structure, func, structures)


def assert_same_structure(a, b, check_types=None):
    """Asserts that two structures are nested in the same way.

    Leaves may be of any type. At every level the containers must have the
    same type and the same number of items. `dict`, `OrderedDict` and
    `defaultdict` are interchangeable as long as their key sets are equal,
    but `list`, `tuple`, `deque` and each namedtuple class are all distinct
    (two namedtuple classes with the same name and fields still differ).

    Args:
        a: Arbitrarily nested structure.
        b: Arbitrarily nested structure.
        check_types: Deprecated and ignored; accepted only for
            compatibility. Use `assert_same_paths` for a check that ignores
            container types.

    Raises:
        ValueError: If the structures differ; the message gives the path of
            the first difference and what differs there.

    Example:

    >>> assert_same_structure([(0, 1)], [(2, 3)])  # passes
    >>> try:
    ...     assert_same_structure([0, 1], (0, 1))
    ... except ValueError:
    ...     print("list vs tuple")
    list vs tuple
    """
    del check_types  # Deprecated, has no effect.
    detail = _find_mismatch(a, b, ("first structure", "second structure"))
    if detail is not None:
        raise _structure_error(a, b, detail)


def assert_same_paths(a, b):
    """Asserts that two structures have the same set of leaf paths.

    Unlike `assert_same_structure`, container types are ignored: only the
    paths (indices for sequences and namedtuples, keys for mappings) matter.

    Args:
        a: Arbitrarily nested structure.
        b: Arbitrarily nested structure.

    Raises:
        ValueError: If the sets of paths differ; the message lists the paths
            found in only one of the two structures.

    Example:

    >>> assert_same_paths([0, {"x": 1}], (2, {"x": 3}))  # passes
    """
    paths_a = [path for path, _ in flatten_with_path(a)]
    paths_b = [path for path, _ in flatten_with_path(b)]
    set_a, set_b = set(paths_a), set(paths_b)
    if set_a == set_b:
        return
    only_a = [path for path in paths_a if path not in set_b]
    only_b = [path for path in paths_b if path not in set_a]
    raise ValueError(
        "`a` and `b` don't have the same paths.\n"
        f"Paths in `a` missing from `b`: {only_a}\n"
        f"Paths in `b` missing from `a`: {only_b}"
    )


def pack_sequence_as(structure, flat_sequence):
    """Packs a flat sequence of leaves into the layout of `structure`.

    This is the inverse of `flatten`: leaves are assigned in the same order
    (sorted keys for dicts, insertion order for `OrderedDict`), and the
    original container types and dict key order are preserved. If
    `structure` is a leaf, `flat_sequence` must have exactly one item, which
    is returned.

    Args:
        structure: Structure providing the layout.
        flat_sequence: List or tuple of leaves.

    Returns:
        `flat_sequence` packed into the layout of `structure`.

    Raises:
        TypeError: If `flat_sequence` is not a sequence.
        ValueError: If the number of items doesn't match the number of
            leaves of `structure`.

    Example:

    >>> pack_sequence_as({"b": 0, "a": (0, 0)}, [1, 2, 3])
    {'b': 3, 'a': (1, 2)}
    """
    if not isinstance(flat_sequence, collections.abc.Sequence) or isinstance(
        flat_sequence, (str, bytes)
    ):
        raise TypeError(
            "`flat_sequence` must be a list or tuple, got "
            f"{_type_name(flat_sequence)}: {_short_repr(flat_sequence)}"
        )
    spec = optree.tree_structure(structure, none_is_leaf=True, namespace=_NAMESPACE)
    if len(flat_sequence) != spec.num_leaves:
        raise ValueError(
            "Could not pack sequence: `structure` has "
            f"{spec.num_leaves} leaves but `flat_sequence` has "
            f"{len(flat_sequence)} items.\n\nStructure: "
            f"{_short_repr(structure)}\n\nflat_sequence: "
            f"{_short_repr(flat_sequence)}"
        )
    return optree.tree_unflatten(spec, list(flat_sequence))


def lists_to_tuples(structure):
    """Returns a copy of `structure` with every list turned into a tuple.

    Args:
        structure: Arbitrarily nested structure.

    Returns:
        The same structure with tuples in place of lists, at every depth.

    Example:

    >>> lists_to_tuples({"a": [1, [2, 3]], "b": (4, [5])})
    {'a': (1, (2, 3)), 'b': (4, (5,))}
    """

    def convert(node):
        if isinstance(node, list):
            return tuple(node)
        return None

    return traverse(convert, structure, top_down=False)


def map_shape_structure(func, structure):
    """Variant of `map_structure` that treats shapes as leaves.

    A shape is a list or tuple (but not a namedtuple) whose items are all
    ints (Python or numpy, but not bools) or `None`, including the empty
    tuple `()`. Such shapes are passed
    to `func` whole instead of being traversed; other leaves (including a
    bare `None`) are passed to `func` as usual.

    Args:
        func: Callable taking one shape (or other leaf).
        structure: Arbitrarily nested structure of shapes.

    Returns:
        The same structure with `func` applied to each shape.

    Example:

    >>> map_shape_structure(lambda s: (None,) + tuple(s),
    ...                     {"x": (3, 4), "y": [(2,), ()]})
    {'x': (None, 3, 4), 'y': [(None, 2), (None,)]}
    """
    return optree.tree_map(
        func,
        structure,
        is_leaf=_is_shape,
        none_is_leaf=True,
        namespace=_NAMESPACE,
    )
