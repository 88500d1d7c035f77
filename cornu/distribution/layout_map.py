"""`LayoutMap`: variable paths (regular expressions) -> TensorLayouts, for ModelParallel."""

import collections.abc
import re

from cornu.distribution.device_mesh import TensorLayout


class LayoutMap(collections.abc.MutableMapping):
    """A dict from variable-path patterns to layouts, all on one DeviceMesh.

    Looking up a path returns the layout of the key equal to it, else of the one key that
    matches the whole path as a regular expression (`re.fullmatch`, as Keras 3.15 does:
    "dense.*kernel" matches "dense_1/kernel" but not "model/dense_1/kernel"), else None. A value may be a TensorLayout or a tuple/list of
    axes (turned into a TensorLayout on this map's mesh).

    Args:
        device_mesh: the DeviceMesh every layout in the map lives on.

    Example:
        >>> layout_map = LayoutMap(mesh)
        >>> layout_map["dense.*kernel"] = (None, "model")
        >>> layout_map["dense_1/kernel"].axes
        (None, 'model')
    """

    def __init__(self, device_mesh):
        self._device_mesh = device_mesh
        self._layouts = {}

    @property
    def device_mesh(self):
        return self._device_mesh

    def __getitem__(self, key):
        if key in self._layouts:
            return self._layouts[key]
        matches = [k for k in self._layouts if re.fullmatch(k, key)]
        if len(matches) > 1:
            raise ValueError(
                f"LayoutMap: path {key!r} matches several keys {matches}; make the patterns "
                "specific enough that each variable path matches at most one."
            )
        return self._layouts[matches[0]] if matches else None

    def __setitem__(self, key, layout):
        if key in self._layouts:
            raise ValueError(
                f"LayoutMap: key {key!r} already has layout {self._layouts[key]}; delete it "
                "first to replace it."
            )
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(layout)
        if not isinstance(layout, TensorLayout):
            raise ValueError(
                f"LayoutMap values must be TensorLayouts or tuples/lists of axis names; "
                f"received {layout!r} (type {type(layout).__name__}) for key {key!r}."
            )
        if layout.device_mesh is None:
            layout.device_mesh = self._device_mesh
        elif layout.device_mesh is not self._device_mesh:
            layout._validate_axes(self._device_mesh)
        self._layouts[key] = layout

    def __delitem__(self, key):
        del self._layouts[key]

    def __len__(self):
        return len(self._layouts)

    def __iter__(self):
        return iter(self._layouts)

    def __repr__(self):
        return f"<LayoutMap {dict((k, v.axes) for k, v in self._layouts.items())}>"
