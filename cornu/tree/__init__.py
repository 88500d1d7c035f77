"""Utilities for nested structures (the `cornu.tree` namespace)."""

from cornu.tree.tree_api import MAP_TO_NONE as MAP_TO_NONE
from cornu.tree.tree_api import assert_same_paths as assert_same_paths
from cornu.tree.tree_api import assert_same_structure as assert_same_structure
from cornu.tree.tree_api import flatten as flatten
from cornu.tree.tree_api import flatten_with_path as flatten_with_path
from cornu.tree.tree_api import is_nested as is_nested
from cornu.tree.tree_api import lists_to_tuples as lists_to_tuples
from cornu.tree.tree_api import map_shape_structure as map_shape_structure
from cornu.tree.tree_api import map_structure as map_structure
from cornu.tree.tree_api import map_structure_up_to as map_structure_up_to
from cornu.tree.tree_api import pack_sequence_as as pack_sequence_as
from cornu.tree.tree_api import traverse as traverse

__all__ = [
    "MAP_TO_NONE",
    "assert_same_paths",
    "assert_same_structure",
    "flatten",
    "flatten_with_path",
    "is_nested",
    "lists_to_tuples",
    "map_shape_structure",
    "map_structure",
    "map_structure_up_to",
    "pack_sequence_as",
    "traverse",
]
