"""Tests for `cornu.tree`."""

import collections

import numpy as np
import pytest

from cornu import tree

Point = collections.namedtuple("Point", ["x", "y"])
OtherPoint = collections.namedtuple("OtherPoint", ["x", "y"])
# Distinct class that shares both the name and the fields of `Point`.
PointTwin = collections.namedtuple("Point", ["x", "y"])


# ------------------------------------------------------------------- API --


def test_public_names():
    # keras.tree's public names (Keras 3.15).
    expected = set(
        "MAP_TO_NONE assert_same_paths assert_same_structure flatten flatten_with_path "
        "is_nested lists_to_tuples map_shape_structure map_structure map_structure_up_to "
        "pack_sequence_as traverse".split()
    )
    assert set(tree.__all__) == expected
    for name in expected:
        assert hasattr(tree, name)


# --------------------------------------------------------------- is_nested --


@pytest.mark.parametrize(
    "structure, expected",
    [
        ([1, 2], True),
        ((1,), True),
        ({"a": 1}, True),
        (Point(1, 2), True),
        (collections.OrderedDict(a=1), True),
        (collections.defaultdict(list), True),
        ([], True),
        ({}, True),
        (42, False),
        (None, False),
        ("abc", False),
        (b"abc", False),
        (np.zeros((2, 3)), False),
        ({1, 2}, False),
    ],
    ids=[
        "list",
        "tuple",
        "dict",
        "namedtuple",
        "ordereddict",
        "defaultdict",
        "empty_list",
        "empty_dict",
        "int",
        "none",
        "str",
        "bytes",
        "ndarray",
        "set",
    ],
)
def test_is_nested(structure, expected):
    assert tree.is_nested(structure) is expected


# ----------------------------------------------------------------- flatten --


@pytest.mark.parametrize(
    "structure, expected",
    [
        ([[1, 2, 3], [4, [5], [[6]]]], [1, 2, 3, 4, 5, 6]),
        (None, [None]),
        (1, [1]),
        ("hello", ["hello"]),
        ({100: "world!", 6: "Hello"}, ["Hello", "world!"]),
        ({"b": 2, "c": 3, "a": 1}, [1, 2, 3]),
        (collections.OrderedDict([("b", 2), ("a", 1)]), [2, 1]),
        (collections.defaultdict(int, {"b": 2, "a": 1}), [1, 2]),
        ([None, (None, {"k": None})], [None, None, None]),
        (Point(x=1, y=(2, 3)), [1, 2, 3]),
        ([], []),
        ({"a": [], "b": ()}, []),
        ({"z": [1, {"y": 2, "x": 3}], "a": (4,)}, [4, 1, 3, 2]),
    ],
    ids=[
        "nested_lists",
        "none",
        "scalar",
        "string_is_leaf",
        "int_keys_sorted",
        "str_keys_sorted",
        "ordereddict_insertion_order",
        "defaultdict_sorted",
        "none_leaves",
        "namedtuple",
        "empty_list",
        "empty_containers",
        "mixed",
    ],
)
def test_flatten(structure, expected):
    assert tree.flatten(structure) == expected


def test_flatten_keeps_arrays_whole():
    a, b = np.ones((2, 2)), np.zeros(3)
    flat = tree.flatten({"b": b, "a": [a]})
    assert len(flat) == 2
    assert flat[0] is a and flat[1] is b


# ------------------------------------------------------- flatten_with_path --


def test_flatten_with_path_basic():
    assert tree.flatten_with_path([{"foo": 42}]) == [((0, "foo"), 42)]


def test_flatten_with_path_mixed():
    structure = {"b": Point(1, [2, None]), "a": 3}
    assert tree.flatten_with_path(structure) == [
        (("a",), 3),
        (("b", 0), 1),
        (("b", 1, 0), 2),
        (("b", 1, 1), None),
    ]


def test_flatten_with_path_leaf_root():
    assert tree.flatten_with_path(5) == [((), 5)]
    assert tree.flatten_with_path(None) == [((), None)]


def test_flatten_with_path_matches_flatten_order():
    structure = {"z": [1, {"y": 2, "x": 3}], "a": (4,)}
    pairs = tree.flatten_with_path(structure)
    assert [leaf for _, leaf in pairs] == tree.flatten(structure)


# --------------------------------------------------------- pack_sequence_as --


def test_pack_sequence_as_dict_keeps_key_order():
    structure = {"key3": "", "key1": "", "key2": ""}
    packed = tree.pack_sequence_as(structure, ["value1", "value2", "value3"])
    assert packed == {"key3": "value3", "key1": "value1", "key2": "value2"}
    assert list(packed) == ["key3", "key1", "key2"]


def test_pack_sequence_as_nested_tuples():
    structure = (("a", "b"), ("c", "d", "e"), "f")
    packed = tree.pack_sequence_as(structure, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert packed == ((1.0, 2.0), (3.0, 4.0, 5.0), 6.0)


def test_pack_sequence_as_nested_dicts():
    structure = {
        "key3": {"c": ("alpha", "beta"), "a": "gamma"},
        "key1": {"e": "val1", "d": "val2"},
    }
    packed = tree.pack_sequence_as(structure, ["val2", "val1", 3.0, 1.0, 2.0])
    assert packed == {
        "key3": {"c": (1.0, 2.0), "a": 3.0},
        "key1": {"e": "val1", "d": "val2"},
    }


def test_pack_sequence_as_leaf_structure():
    assert tree.pack_sequence_as("a", [7]) == 7
    assert tree.pack_sequence_as(None, (None,)) is None


def test_pack_sequence_as_preserves_container_types():
    structure = [
        Point(0, 0),
        collections.OrderedDict([("b", 0), ("a", 0)]),
        collections.defaultdict(list, {"k": 0}),
    ]
    packed = tree.pack_sequence_as(structure, [1, 2, 3, 4, 5])
    assert packed[0] == Point(1, 2) and type(packed[0]) is Point
    assert type(packed[1]) is collections.OrderedDict
    assert list(packed[1].items()) == [("b", 3), ("a", 4)]
    assert type(packed[2]) is collections.defaultdict
    assert packed[2].default_factory is list and packed[2]["k"] == 5


def test_pack_sequence_as_roundtrip():
    structure = {"z": [1, {"y": None, "x": 3}], "a": (4, Point(5, 6))}
    assert tree.pack_sequence_as(structure, tree.flatten(structure)) == (structure)


def test_pack_sequence_as_ndarray_leaf():
    arr = np.array([[1, 2], [3, 4]])
    packed = tree.pack_sequence_as(["a"], [arr])
    assert isinstance(packed, list) and packed[0] is arr


@pytest.mark.parametrize(
    "structure, flat, message",
    [
        ([1, [2, 3]], [1, 2], r"3 leaves but `flat_sequence` has 2 items"),
        ({"a": 1}, [1, 2], r"1 leaves but `flat_sequence` has 2 items"),
        ("leaf", [], r"1 leaves but `flat_sequence` has 0 items"),
    ],
    ids=["too_few", "too_many", "leaf_empty"],
)
def test_pack_sequence_as_count_mismatch(structure, flat, message):
    with pytest.raises(ValueError, match=message):
        tree.pack_sequence_as(structure, flat)


def test_pack_sequence_as_rejects_non_sequence():
    with pytest.raises(TypeError, match="must be a list or tuple"):
        tree.pack_sequence_as([1], 1)


# ----------------------------------------------------------- map_structure --


def test_map_structure_single():
    assert tree.map_structure(lambda v: v**2, [[1], [2], [3]]) == [
        [1],
        [4],
        [9],
    ]


def test_map_structure_multiple():
    structure = [[1], [2], [3]]
    result = tree.map_structure(lambda x, y: x * y, structure, structure)
    assert result == [[1], [4], [9]]


def test_map_structure_preserves_namedtuple():
    result = tree.map_structure(lambda v: v * 2, Point(x=1, y=2))
    assert result == Point(x=2, y=4)
    assert type(result) is Point


def test_map_structure_preserves_dict_types_and_order():
    structure = {
        "b": collections.OrderedDict([("z", 1), ("y", 2)]),
        "a": collections.defaultdict(int, {"k": 3}),
    }
    result = tree.map_structure(lambda v: v + 10, structure)
    assert list(result) == ["b", "a"]
    assert type(result["b"]) is collections.OrderedDict
    assert list(result["b"].items()) == [("z", 11), ("y", 12)]
    assert type(result["a"]) is collections.defaultdict
    assert result["a"].default_factory is int and result["a"]["k"] == 13


def test_map_structure_dicts_match_by_key():
    result = tree.map_structure(lambda x, y: (x, y), {"a": 1, "b": 2}, {"b": 20, "a": 10})
    assert result == {"a": (1, 10), "b": (2, 20)}


def test_map_structure_dict_and_ordereddict_match_by_key():
    ordered = collections.OrderedDict([("b", 20), ("a", 10)])
    result = tree.map_structure(lambda x, y: x + y, {"a": 1, "b": 2}, ordered)
    assert result == {"a": 11, "b": 22}
    assert type(result) is dict
    result = tree.map_structure(lambda x, y: x + y, ordered, {"a": 1, "b": 2})
    assert type(result) is collections.OrderedDict
    assert list(result.items()) == [("b", 22), ("a", 11)]


def test_map_structure_none_is_leaf_default():
    seen = []
    result = tree.map_structure(lambda v: seen.append(v) or "x", [None, 1])
    assert result == ["x", "x"]
    assert seen == [None, 1]


def test_map_structure_none_is_leaf_false():
    seen = []
    result = tree.map_structure(
        lambda v: seen.append(v) or v * 2,
        {"a": None, "b": [1, None]},
        none_is_leaf=False,
    )
    assert result == {"a": None, "b": [2, None]}
    assert seen == [1]


def test_map_structure_none_is_leaf_false_multiple():
    result = tree.map_structure(lambda x, y: x + y, [1, None], [10, None], none_is_leaf=False)
    assert result == [11, None]


def test_map_structure_with_arrays():
    arrays = {"w": np.ones((2, 2)), "b": np.zeros(2)}
    result = tree.map_structure(lambda a: a + 1, arrays)
    np.testing.assert_array_equal(result["w"], np.full((2, 2), 2.0))
    np.testing.assert_array_equal(result["b"], np.ones(2))


def test_map_structure_leaf_root():
    assert tree.map_structure(lambda x: x + 1, 1) == 2
    assert tree.map_structure(lambda x: x is None, None) is True


@pytest.mark.parametrize(
    "a, b, message",
    [
        ([1, 2], (1, 2), r"list of 2 items but .* tuple of 2 items"),
        ([1, 2], [1, 2, 3], r"list of 2 items but .* list of 3 items"),
        ([1, [2]], [1, 2], r"at path \(1,\).*list of 1 item but .* leaf"),
        ({"a": 1}, {"b": 1}, r"keys \['a'\] but .* keys \['b'\]"),
        (Point(1, 2), OtherPoint(1, 2), r"Point of 2 items .* OtherPoint"),
    ],
    ids=[
        "list_vs_tuple",
        "length",
        "leaf_vs_node",
        "dict_keys",
        "namedtuple_types",
    ],
)
def test_map_structure_mismatch(a, b, message):
    with pytest.raises(ValueError, match="don't have the same nested"):
        tree.map_structure(lambda x, y: x, a, b)
    with pytest.raises(ValueError, match=message):
        tree.map_structure(lambda x, y: x, a, b)


def test_map_structure_mismatch_none_is_leaf_false():
    with pytest.raises(ValueError, match="leaf of type int"):
        tree.map_structure(lambda x, y: x, [None], [1], none_is_leaf=False)
    # With None as a leaf the two structures are compatible.
    assert tree.map_structure(lambda x, y: y, [None], [1]) == [1]


def test_map_structure_type_errors():
    with pytest.raises(TypeError, match="at least one structure"):
        tree.map_structure(lambda x: x)
    with pytest.raises(TypeError, match="must be callable"):
        tree.map_structure(3, [1])


# ----------------------------------------------------- map_structure_up_to --


def test_map_structure_up_to_documented_examples():
    structure = [[1, 1], [2, 2]]
    assert tree.map_structure_up_to([None, None], len, structure) == [2, 2]
    assert tree.map_structure_up_to([None, [None, None]], str, structure) == ["[1, 1]", ["2", "2"]]


def test_map_structure_up_to_multiple_structures():
    shallow = {"a": None, "b": None}
    result = tree.map_structure_up_to(
        shallow,
        lambda x, y: (x, y),
        {"a": [1, 2], "b": 3},
        {"b": {"k": 4}, "a": 5},
    )
    assert result == {"a": ([1, 2], 5), "b": (3, {"k": 4})}


def test_map_structure_up_to_keeps_shallow_layout():
    shallow = Point(x=None, y=None)
    result = tree.map_structure_up_to(shallow, lambda v: len(v), Point(x=[1, 2], y=(3,)))
    assert result == Point(2, 1) and type(result) is Point


def test_map_structure_up_to_same_depth():
    result = tree.map_structure_up_to([0, (0, 0)], lambda x: x * 3, [1, (2, 3)])
    assert result == [3, (6, 9)]


@pytest.mark.parametrize(
    "shallow, structure, message",
    [
        ([None, [None, None]], [[1], [2]], r"list of 2 items .* list of 1"),
        ([None, [None]], [1, 2], r"at path \(1,\).* leaf of type int"),
        ([None, None], (1, 2), r"list of 2 items .* tuple of 2 items"),
        ({"a": None}, {"b": 1}, r"keys \['a'\] .* keys \['b'\]"),
    ],
    ids=["length", "too_shallow", "type", "keys"],
)
def test_map_structure_up_to_mismatch(shallow, structure, message):
    with pytest.raises(ValueError, match="doesn't match the shallow"):
        tree.map_structure_up_to(shallow, lambda x: x, structure)
    with pytest.raises(ValueError, match=message):
        tree.map_structure_up_to(shallow, lambda x: x, structure)


def test_map_structure_up_to_names_failing_input():
    with pytest.raises(ValueError, match="Input structure #1"):
        tree.map_structure_up_to([None], lambda x, y: x, [[1]], (2,))


def test_map_structure_up_to_type_errors():
    with pytest.raises(TypeError, match="at least one structure"):
        tree.map_structure_up_to([None], len)
    with pytest.raises(TypeError, match="must be callable"):
        tree.map_structure_up_to([None], None, [1])


# --------------------------------------------------- assert_same_structure --


@pytest.mark.parametrize(
    "a, b",
    [
        ([(0, 1)], [(2, 3)]),
        (Point(0, 1), Point(2, 3)),
        ({"a": 1, "b": 2}, {"b": "x", "a": "y"}),
        ({"a": 1}, collections.OrderedDict(a=2)),
        (collections.defaultdict(list, a=1), {"a": [1, 2, 3][0]}),
        (1, "leaf"),
        (None, 1),
        (np.zeros(3), [1, 2, 3][0]),
        ([], []),
        ({"a": [None, (1,)]}, {"a": [np.ones(2), ("s",)]}),
    ],
    ids=[
        "nested_tuples",
        "same_namedtuple",
        "dict_key_order",
        "dict_vs_ordereddict",
        "defaultdict_vs_dict",
        "leaves_any_type",
        "none_vs_leaf",
        "array_vs_scalar",
        "empty",
        "mixed",
    ],
)
def test_assert_same_structure_passes(a, b):
    tree.assert_same_structure(a, b)


@pytest.mark.parametrize(
    "a, b, message",
    [
        ([0, 1], (0, 1), r"top level.*list of 2 items but .* tuple"),
        (Point(0, 1), PointTwin(2, 3), r"distinct types with the same name"),
        ([1, [2, 3]], [1, [2]], r"at path \(1,\).*2 items .* 1 item\."),
        (
            {"a": [1, {"x": 2}]},
            {"a": [1, {"x": (2,)}]},
            r"at path \('a', 1, 'x'\).*leaf of type int .* tuple of 1 item",
        ),
        ({"a": 1, "b": 2}, {"a": 1}, r"keys \['a', 'b'\] .* keys \['a'\]"),
        (1, [1], r"leaf of type int but .* list of 1 item"),
        ([], {}, r"list of 0 items but .* dict with keys \[\]"),
    ],
    ids=[
        "list_vs_tuple",
        "namedtuple_twin",
        "inner_length",
        "deep_path",
        "missing_key",
        "leaf_vs_list",
        "empty_list_vs_dict",
    ],
)
def test_assert_same_structure_fails(a, b, message):
    with pytest.raises(ValueError, match="don't have the same nested"):
        tree.assert_same_structure(a, b)
    with pytest.raises(ValueError, match=message):
        tree.assert_same_structure(a, b)


@pytest.mark.parametrize("check_types", [None, True, False], ids=str)
def test_assert_same_structure_check_types_is_ignored(check_types):
    tree.assert_same_structure([1], [2], check_types=check_types)
    with pytest.raises(ValueError, match="list of 1 item but"):
        tree.assert_same_structure([1], (2,), check_types=check_types)


# ------------------------------------------------------- assert_same_paths --


@pytest.mark.parametrize(
    "a, b",
    [
        ([0, 1], (2, 3)),
        (Point(0, 1), OtherPoint(2, 3)),
        (Point(0, 1), [2, 3]),
        ({"a": 1, "b": [2]}, collections.OrderedDict(b=(3,), a=4)),
        (None, 1),
    ],
    ids=[
        "list_vs_tuple",
        "different_namedtuples",
        "namedtuple_vs_list",
        "dict_vs_ordereddict",
        "leaves",
    ],
)
def test_assert_same_paths_passes(a, b):
    tree.assert_same_paths(a, b)


def test_assert_same_paths_fails_with_paths_in_message():
    with pytest.raises(ValueError, match="don't have the same paths") as info:
        tree.assert_same_paths({"a": 1, "b": [2]}, {"a": 1, "c": [2]})
    message = str(info.value)
    assert "missing from `b`: [('b', 0)]" in message
    assert "missing from `a`: [('c', 0)]" in message


@pytest.mark.parametrize(
    "a, b, message",
    [
        ([1, 2], [1, 2, 3], r"missing from `a`: \[\(2,\)\]"),
        ({"x": 1}, {"y": 1}, r"missing from `b`: \[\('x',\)\]"),
        ([1, [2]], [1, 2], r"missing from `b`: \[\(1, 0\)\]"),
    ],
    ids=["extra_index", "different_key", "depth"],
)
def test_assert_same_paths_fails(a, b, message):
    with pytest.raises(ValueError, match=message):
        tree.assert_same_paths(a, b)


# --------------------------------------------------------- lists_to_tuples --


@pytest.mark.parametrize(
    "structure, expected",
    [
        ([1, 2], (1, 2)),
        ([[1], [2, [3]]], ((1,), (2, (3,)))),
        ({"a": [1, [2, 3]], "b": (4, [5])}, {"a": (1, (2, 3)), "b": (4, (5,))}),
        (Point(x=[1], y=2), Point(x=(1,), y=2)),
        ([], ()),
        (5, 5),
        (None, None),
    ],
    ids=["flat", "nested", "dict", "namedtuple", "empty", "leaf", "none"],
)
def test_lists_to_tuples(structure, expected):
    result = tree.lists_to_tuples(structure)
    assert result == expected
    assert not any(isinstance(node, list) for node in _all_nodes(result))


def test_lists_to_tuples_keeps_namedtuple_type():
    result = tree.lists_to_tuples([Point([1], 2)])
    assert type(result) is tuple and type(result[0]) is Point


def _all_nodes(structure):
    nodes = []
    tree.traverse(nodes.append, structure)
    return nodes


# ----------------------------------------------------- map_shape_structure --


def test_map_shape_structure_shapes_are_leaves():
    seen = []
    structure = {"x": (None, 3), "y": [(2, 4), [5]], "z": ()}
    result = tree.map_shape_structure(lambda s: seen.append(s) or len(s), structure)
    assert result == {"x": 2, "y": [2, 1], "z": 0}
    # The list [(2, 4), [5]] is not a shape (its items are not ints), so it
    # is traversed and each inner shape is passed to `func` whole.
    assert seen == [(None, 3), (2, 4), [5], ()]


def test_map_shape_structure_nested_shapes():
    structure = {"x": (3, 4), "y": [(2,), ()]}
    result = tree.map_shape_structure(lambda s: (None,) + tuple(s), structure)
    assert result == {"x": (None, 3, 4), "y": [(None, 2), (None,)]}


def test_map_shape_structure_list_shape_and_numpy_ints():
    result = tree.map_shape_structure(lambda s: type(s).__name__, [[np.int64(2), None], (1, 2)])
    assert result == ["list", "tuple"]


def test_map_shape_structure_other_leaves():
    result = tree.map_shape_structure(repr, {"a": None, "b": "s", "c": 3})
    assert result == {"a": "None", "b": "'s'", "c": "3"}


def test_map_shape_structure_namedtuple_is_container():
    result = tree.map_shape_structure(lambda v: v * 10, Point(1, 2))
    assert result == Point(10, 20) and type(result) is Point


def test_map_shape_structure_mixed_tuple_is_container():
    result = tree.map_shape_structure(str, (1, "a"))
    assert result == ("1", "a")


# ---------------------------------------------------------------- traverse --


def test_traverse_top_down_order():
    visited = []
    structure = [(1, 2), [3], {"a": 4}]
    result = tree.traverse(visited.append, structure, top_down=True)
    assert result == structure
    assert visited == [structure, (1, 2), 1, 2, [3], 3, {"a": 4}, 4]


def test_traverse_bottom_up_order():
    visited = []
    structure = [(1, 2), [3], {"a": 4}]
    result = tree.traverse(visited.append, structure, top_down=False)
    assert result == structure
    assert visited == [1, 2, (1, 2), 3, [3], 4, {"a": 4}, structure]


def test_traverse_visits_none_leaf():
    visited = []
    tree.traverse(visited.append, [None])
    assert visited == [[None], None]


def test_traverse_top_down_replacement_stops_descent():
    visited = []

    def func(node):
        visited.append(node)
        if isinstance(node, tuple):
            return "replaced"
        return None

    result = tree.traverse(func, [(1, 2), [3]])
    assert result == ["replaced", [3]]
    assert 1 not in visited and 2 not in visited
    assert 3 in visited


def test_traverse_top_down_replaces_root():
    assert tree.traverse(lambda node: "root", [1, 2]) == "root"


@pytest.mark.parametrize("top_down", [True, False], ids=["top_down", "bottom_up"])
def test_traverse_map_to_none(top_down):
    def func(node):
        if isinstance(node, tuple) or node == 3:
            return tree.MAP_TO_NONE
        return None

    assert tree.traverse(func, [(1, 2), 3, 4], top_down=top_down) == [
        None,
        None,
        4,
    ]


def test_traverse_map_to_none_instance():
    result = tree.traverse(lambda n: tree.MAP_TO_NONE() if n == 1 else None, [1, 2])
    assert result == [None, 2]


def test_traverse_map_to_none_root():
    assert tree.traverse(lambda n: tree.MAP_TO_NONE, {"a": 1}) is None


def test_traverse_bottom_up_sees_rebuilt_children():
    def func(node):
        if isinstance(node, int):
            return node * 10
        if isinstance(node, list):
            return tuple(node)
        return None

    result = tree.traverse(func, [1, [2, {"a": 3}]], top_down=False)
    assert result == (10, (20, {"a": 30}))


def test_traverse_bottom_up_none_keeps_rebuilt_node():
    def func(node):
        return node + 1 if isinstance(node, int) else None

    result = tree.traverse(func, Point(1, [2]), top_down=False)
    assert result == Point(2, [3]) and type(result) is Point


def test_traverse_preserves_dict_order_and_types():
    structure = collections.OrderedDict([("b", 1), ("a", 2)])
    structure = {"z": structure, "y": collections.defaultdict(list, k=3)}
    result = tree.traverse(lambda n: n * 2 if isinstance(n, int) else None, structure)
    assert list(result) == ["z", "y"]
    assert type(result["z"]) is collections.OrderedDict
    assert list(result["z"].items()) == [("b", 2), ("a", 4)]
    assert type(result["y"]) is collections.defaultdict
    assert result["y"].default_factory is list and result["y"]["k"] == 6
