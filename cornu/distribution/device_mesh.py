"""`DeviceMesh` (devices laid out on named axes) and `TensorLayout` (how a tensor's dimensions
map onto those axes), Keras's vocabulary for distributed arrays."""

import math

import numpy as np

from cornu.backend.common import distribution_state


class DeviceMesh:
    """A grid of devices with a name per axis (e.g. "batch" and "model").

    Args:
        shape: the grid's shape, e.g. `(2, 4)`; its product must equal the number of devices.
        axis_names: one name per axis of `shape`, e.g. `["batch", "model"]`.
        devices: device names (`"cpu:0"`, `"gpu:1"`, ...); defaults to all devices of the
            backend (`cornu.distribution.list_devices()`).

    Example:
        >>> mesh = DeviceMesh((2, 4), ["batch", "model"], devices=[f"cpu:{i}" for i in range(8)])
        >>> mesh.devices.shape
        (2, 4)
    """

    def __init__(self, shape, axis_names, devices=None):
        if not shape or not axis_names:
            raise ValueError(
                "DeviceMesh needs a non-empty `shape` and `axis_names`; received "
                f"shape={shape!r}, axis_names={axis_names!r}."
            )
        shape = tuple(int(d) for d in shape)
        axis_names = [str(name) for name in axis_names]
        if len(shape) != len(axis_names):
            raise ValueError(
                f"DeviceMesh: shape {shape} has {len(shape)} axes but axis_names "
                f"{axis_names} has {len(axis_names)} names; give one name per axis."
            )
        if len(set(axis_names)) != len(axis_names):
            raise ValueError(f"DeviceMesh: axis_names must be distinct; received {axis_names}.")
        if devices is None:
            devices = distribution_state.backend_module().list_devices()
        devices = np.array(devices, dtype=object)
        if math.prod(shape) != devices.size:
            raise ValueError(
                f"DeviceMesh: shape {shape} holds {math.prod(shape)} devices but "
                f"{devices.size} devices were given ({_short(devices)}). Choose a shape whose "
                "product is the device count, or pass `devices`."
            )
        self._shape = shape
        self._axis_names = axis_names
        self._devices = devices.reshape(shape)

    @property
    def shape(self):
        return self._shape

    @property
    def axis_names(self):
        return self._axis_names

    @property
    def devices(self):
        """The devices as a NumPy array of `shape`."""
        return self._devices

    def axis_size(self, name):
        """The number of devices along the axis called `name`."""
        return self._shape[self._axis_names.index(name)]

    def __repr__(self):
        return f"<DeviceMesh shape={self._shape}, axis_names={self._axis_names}>"

    def __str__(self):
        return self.__repr__()


def _short(devices):
    names = [str(d) for d in devices.reshape(-1)]
    return ", ".join(names) if len(names) <= 8 else ", ".join(names[:8]) + ", ..."


class TensorLayout:
    """How each dimension of a tensor maps onto a DeviceMesh's axes.

    Args:
        axes: one entry per tensor dimension: a mesh axis name (that dimension is split over
            that axis) or None (replicated along it).
        device_mesh: the DeviceMesh; may be set later (a LayoutMap sets its own).

    Example:
        >>> TensorLayout([None, "model"]).axes
        (None, 'model')
    """

    def __init__(self, axes, device_mesh=None):
        self._axes = tuple(axes)
        self._device_mesh = None
        if device_mesh is not None:
            self.device_mesh = device_mesh

    @property
    def axes(self):
        return self._axes

    @property
    def device_mesh(self):
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh):
        if self._device_mesh is not None:
            raise ValueError(
                f"TensorLayout {self._axes} already has a device mesh ({self._device_mesh}); "
                "a layout belongs to one mesh. Create a new TensorLayout instead."
            )
        self._validate_axes(device_mesh)
        self._device_mesh = device_mesh

    def _validate_axes(self, device_mesh):
        if device_mesh is None:
            return
        unknown = [a for a in self._axes if a is not None and a not in device_mesh.axis_names]
        if unknown:
            raise ValueError(
                f"TensorLayout axes {self._axes} name {unknown}, which are not axes of the "
                f"device mesh (axis_names={device_mesh.axis_names}). Use the mesh's axis names "
                "or None."
            )

    def __repr__(self):
        return f"<TensorLayout axes={self._axes}, device_mesh={self._device_mesh}>"

    def __str__(self):
        return self.__repr__()
