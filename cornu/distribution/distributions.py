"""The distributions: `DataParallel` (replicated weights, split batches) and `ModelParallel`
(weights split as a LayoutMap says, batches split over one mesh axis)."""

import contextlib
import warnings

from cornu.backend.common import distribution_state
from cornu.distribution.device_mesh import DeviceMesh, TensorLayout


class Distribution:
    """The base of the distributions: a DeviceMesh and the layouts of data and variables.

    Args:
        device_mesh: the DeviceMesh to run on.
        batch_dim_name: the mesh axis the batch dimension of the data is split over.
        auto_shard_dataset: whether a `tf.data.Dataset` is split between processes.
    """

    def __init__(self, device_mesh, batch_dim_name=None, auto_shard_dataset=True):
        if not isinstance(device_mesh, DeviceMesh):
            raise ValueError(
                f"{type(self).__name__} expects a cornu.distribution.DeviceMesh; received "
                f"{device_mesh!r}."
            )
        if batch_dim_name is not None and batch_dim_name not in device_mesh.axis_names:
            raise ValueError(
                f"{type(self).__name__}: batch_dim_name={batch_dim_name!r} is not an axis of "
                f"the device mesh (axis_names={device_mesh.axis_names})."
            )
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self.auto_shard_dataset = auto_shard_dataset

    @property
    def device_mesh(self):
        return self._device_mesh

    @property
    def batch_dim_name(self):
        return self._batch_dim_name

    @property
    def num_processes(self):
        """The number of processes taking part (1 unless `initialize` set up several)."""
        return distribution_state.backend_module().num_processes()

    @property
    def process_id(self):
        """This process's index among them (0 for the chief)."""
        return distribution_state.backend_module().process_id()

    def get_data_layout(self, data_shape):
        """The layout of a batch of shape `data_shape`: split over `batch_dim_name` along the
        first dimension, replicated along the others."""
        axes = [None] * len(data_shape)
        if axes:
            axes[0] = self._batch_dim_name
        return TensorLayout(axes, self._device_mesh)

    def get_variable_layout(self, variable):
        """The layout of `variable`: the one it was placed with, if any; else decided by its
        `path` and shape (replicated by default)."""
        placed = getattr(variable, "_layout", None)
        if placed is not None:
            return placed
        return TensorLayout([None] * len(variable.shape), self._device_mesh)

    def get_tensor_layout(self, path):
        """The layout of the intermediate tensor at `path`, or None (no constraint)."""
        return None

    @contextlib.contextmanager
    def scope(self):
        """Makes this the current distribution inside a `with` block."""
        previous = distribution_state.get()
        set_distribution(self)
        try:
            yield self
        finally:
            distribution_state.set(previous)

    def distribute_dataset(self, dataset):
        """`dataset` as this process should read it.

        With one process, or `auto_shard_dataset=False`, it is returned unchanged. With several,
        a `tf.data.Dataset` of batches is split between processes batch by batch
        (`dataset.shard(num_processes, process_id)`); each process's batch is then its part of a
        global batch `num_processes` times as large. Other inputs (NumPy arrays, generators)
        must already be this process's part.
        """
        count = distribution_state.num_processes()
        if count == 1 or not self.auto_shard_dataset:
            return dataset
        if not type(dataset).__module__.startswith("tensorflow"):
            raise ValueError(
                f"{type(self).__name__}.distribute_dataset splits only tf.data.Dataset inputs "
                f"between processes; received {type(dataset).__name__}. Give each of the "
                f"{count} processes its own part of the data, or pass auto_shard_dataset=False."
            )
        return dataset.shard(count, distribution_state.process_id())

    def __repr__(self):
        return (
            f"<{type(self).__name__} device_mesh={self._device_mesh}, "
            f"batch_dim_name={self._batch_dim_name!r}>"
        )


class DataParallel(Distribution):
    """Data parallelism: every device holds all weights, each gets a slice of the batch.

    Args:
        device_mesh: a one-axis DeviceMesh (its axis is the batch axis); optional.
        devices: device names to build a one-axis mesh from, when `device_mesh` is None;
            defaults to all devices (`list_devices()`).
        auto_shard_dataset: whether a `tf.data.Dataset` is split between processes.

    Example:
        >>> cornu.distribution.set_distribution(DataParallel())
        >>> model.fit(x, y, batch_size=64)  # each of 8 devices sees 8 samples per step
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True):
        if device_mesh is None:
            if devices is None:
                devices = distribution_state.backend_module().list_devices()
            device_mesh = DeviceMesh((len(devices),), ["batch"], devices)
        elif devices is not None:
            raise ValueError(
                "DataParallel takes `device_mesh` or `devices`, not both; received "
                f"device_mesh={device_mesh!r} and devices={devices!r}."
            )
        if not isinstance(device_mesh, DeviceMesh):
            raise ValueError(
                f"DataParallel expects a cornu.distribution.DeviceMesh; received {device_mesh!r}."
            )
        if len(device_mesh.shape) != 1:
            warnings.warn(
                f"DataParallel expects a one-axis DeviceMesh; received {device_mesh}. Batches are "
                f"split over its first axis ({device_mesh.axis_names[0]!r}) and replicated over "
                "the others. Use ModelParallel to split variables over them.",
                stacklevel=2,
            )
        super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)


class ModelParallel(Distribution):
    """Model parallelism: variables split over the mesh as a LayoutMap says, batches split
    over `batch_dim_name`.

    Args:
        layout_map: a LayoutMap (its mesh is the distribution's); variables no key matches
            are replicated.
        batch_dim_name: the mesh axis batches are split over; defaults to the mesh's first.
        auto_shard_dataset: whether a `tf.data.Dataset` is split between processes.

    Example:
        >>> mesh = DeviceMesh((2, 4), ["batch", "model"])
        >>> layout_map = LayoutMap(mesh)
        >>> layout_map["dense.*kernel"] = (None, "model")
        >>> cornu.distribution.set_distribution(ModelParallel(layout_map=layout_map))
    """

    def __init__(self, *, layout_map=None, batch_dim_name=None, auto_shard_dataset=True, **kwargs):
        device_mesh = kwargs.pop("device_mesh", None)
        if kwargs:
            raise TypeError(f"ModelParallel got unexpected arguments: {sorted(kwargs)}.")
        if layout_map is None:
            raise ValueError(
                "ModelParallel needs `layout_map` (a cornu.distribution.LayoutMap saying how "
                "variables are split); received layout_map=None."
            )
        if device_mesh is None:
            device_mesh = layout_map.device_mesh
        if batch_dim_name is None:
            batch_dim_name = device_mesh.axis_names[0]
        super().__init__(device_mesh, batch_dim_name, auto_shard_dataset)
        self._layout_map = layout_map

    def get_variable_layout(self, variable):
        placed = getattr(variable, "_layout", None)
        if placed is not None:
            return placed
        layout = self._layout_map[variable.path]
        if layout is None:
            return super().get_variable_layout(variable)
        if len(layout.axes) != len(variable.shape):
            raise ValueError(
                f"ModelParallel: the LayoutMap gives variable '{variable.path}' (shape "
                f"{tuple(variable.shape)}) the layout axes {layout.axes}, which has "
                f"{len(layout.axes)} entries; it needs one per dimension ({len(variable.shape)})."
            )
        return layout

    def get_tensor_layout(self, path):
        return self._layout_map[path]


def set_distribution(value):
    """Makes `value` (a Distribution, or None to clear) the current distribution."""
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(
            "set_distribution expects a DataParallel or ModelParallel (or None); received "
            f"{value!r}."
        )
    if value is not None:
        check = getattr(distribution_state.backend_module(), "check_distribution", None)
        if check is not None:
            check(value)
    distribution_state.set(value)
