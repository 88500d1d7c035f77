"""Distributed training (Keras's `keras.distribution`): device meshes, layouts, DataParallel
and ModelParallel.

Importing this package imports no framework; the backend's `distribution` module is loaded when
devices are listed or a distribution is used.

Example:
    >>> from cornu import distribution
    >>> distribution.set_distribution(distribution.DataParallel())
    >>> model.fit(x, y, batch_size=64)  # the batch is split over all devices
"""

from cornu.distribution.api import (
    distribute_tensor,
    distribution,
    get_device_count,
    initialize,
    list_devices,
    set_distribution,
)
from cornu.distribution.device_mesh import DeviceMesh, TensorLayout
from cornu.distribution.distributions import DataParallel, Distribution, ModelParallel
from cornu.distribution.layout_map import LayoutMap

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "LayoutMap",
    "ModelParallel",
    "TensorLayout",
    "distribute_tensor",
    "distribution",
    "get_device_count",
    "initialize",
    "list_devices",
    "set_distribution",
]
