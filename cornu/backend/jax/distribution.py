"""cornu.distribution on JAX: meshes as `jax.sharding.Mesh`, layouts as `NamedSharding`.

A variable is stored as a global `jax.Array` with its layout's sharding; batches are placed
split over the batch axis; the jitted steps then run SPMD over the mesh (XLA propagates the
inputs' shardings). Several processes join with `jax.distributed.initialize`; each feeds its
own part of every batch (`jax.make_array_from_process_local_data`).
"""

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec


def list_devices(device_type=None):
    """`"cpu:0"`, `"gpu:1"`, ... for the devices of all processes."""
    devices = jax.devices(device_type.lower() if device_type else None)
    return [f"{d.platform}:{d.id}" for d in devices]


def get_device_count(device_type=None):
    return len(jax.devices(device_type.lower() if device_type else None))


def initialize(job_addresses, num_processes, process_id):
    """`jax.distributed.initialize` with the first address as the coordinator."""
    coordinator = job_addresses.split(",")[0].strip() if job_addresses else None
    # CPU devices of different processes exchange gradients through gloo (XLA's CPU
    # collectives); GPUs and TPUs ignore it. (Not `jax.default_backend()`: asking would start
    # the XLA backend, after which jax.distributed.initialize refuses to run.)
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(
        coordinator_address=coordinator, num_processes=num_processes, process_id=process_id
    )


def num_processes():
    return jax.process_count()


def process_id():
    return jax.process_index()


# -- meshes and layouts -------------------------------------------------------------------


def _device_by_name():
    found = {}
    for platform in {d.platform for d in jax.devices()} | {"cpu"}:
        try:
            devices = jax.devices(platform)
        except RuntimeError:  # no such platform here
            continue
        found.update({f"{d.platform}:{d.id}": d for d in devices})
    return found


def to_jax_mesh(device_mesh):
    """The `jax.sharding.Mesh` of a cornu DeviceMesh (made once per mesh)."""
    mesh = getattr(device_mesh, "_jax_mesh", None)
    if mesh is None:
        by_name = None
        devices = []
        for device in device_mesh.devices.reshape(-1):
            if isinstance(device, str):
                by_name = by_name or _device_by_name()
                if device.lower() not in by_name:
                    raise ValueError(
                        f"DeviceMesh names device {device!r}, which JAX does not have; its "
                        f"devices are {sorted(by_name)}."
                    )
                device = by_name[device.lower()]
            devices.append(device)
        devices = np.array(devices, dtype=object).reshape(device_mesh.shape)
        mesh = Mesh(devices, tuple(device_mesh.axis_names))
        device_mesh._jax_mesh = mesh
    return mesh


def to_sharding(layout):
    """The `NamedSharding` of a TensorLayout (a jax Sharding is returned as is)."""
    if isinstance(layout, jax.sharding.Sharding):
        return layout
    sharding = getattr(layout, "_jax_sharding", None)
    if sharding is None:
        if layout.device_mesh is None:
            raise ValueError(
                f"TensorLayout {layout.axes} has no device mesh; give it one "
                "(TensorLayout(axes, device_mesh)) or put it in a LayoutMap."
            )
        sharding = NamedSharding(to_jax_mesh(layout.device_mesh), PartitionSpec(*layout.axes))
        layout._jax_sharding = sharding
    return sharding


def _check_divisible(shape, sharding, what):
    mesh = sharding.mesh
    for dim, axes in enumerate(sharding.spec):
        if axes is None or dim >= len(shape):
            continue
        names = axes if isinstance(axes, tuple) else (axes,)
        size = int(np.prod([mesh.shape[name] for name in names]))
        if shape[dim] % size:
            raise ValueError(
                f"{what} of shape {tuple(shape)} cannot be split over mesh axis {axes!r} "
                f"({size} devices): dimension {dim} has size {shape[dim]}, not a multiple of "
                f"{size}. Change the layout or the shape."
            )


def _place(value, sharding):
    if isinstance(value, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(value, sharding)
    if isinstance(value, jax.Array) and value.sharding == sharding:
        return value
    if sharding.is_fully_addressable:
        return jax.device_put(value, sharding)
    # A mesh spanning processes: every process holds the same value (same seeds) and gives
    # its own devices their slices.
    host = np.asarray(value)
    return jax.make_array_from_callback(host.shape, sharding, lambda index: host[index])


def distribute_variable(value, layout):
    """A variable's value stored with its layout's sharding."""
    return _distribute(value, layout, "A variable")


def distribute_tensor(value, layout):
    """`value` placed by `layout`; inside `jit`, a sharding constraint."""
    return _distribute(value, layout, "The tensor")


def _distribute(value, layout, what):
    """`value` placed with `layout`'s sharding (`what` names it in the divisibility error)."""
    if layout is None:
        return value
    sharding = to_sharding(layout)
    _check_divisible(value.shape, sharding, what)
    return _place(value, sharding)


def distribute_data_input(per_process_batch, layout, batch_dim_name):
    """A global batch from this process's part, split over `batch_dim_name`."""
    sharding = to_sharding(layout)
    shape = tuple(np.shape(per_process_batch))
    if shape and batch_dim_name is not None:
        size = sharding.mesh.shape[batch_dim_name]
        processes = jax.process_count() if not sharding.is_fully_addressable else 1
        local_size = max(size // processes, 1)
        if shape[0] % local_size:
            raise ValueError(
                f"A batch of {shape[0]} samples cannot be split over the {size} devices of the "
                f"data-parallel axis {batch_dim_name!r}"
                + (f" ({local_size} per process)" if processes > 1 else "")
                + f": {shape[0]} is not a multiple of {local_size}. Use a batch size that is "
                "a multiple of it (and drop or pad a smaller last batch)."
            )
    if isinstance(per_process_batch, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(per_process_batch, sharding)
    if sharding.is_fully_addressable:
        return _place(per_process_batch, sharding)
    return jax.make_array_from_process_local_data(sharding, np.asarray(per_process_batch))


def blocks_each_step(device_mesh):
    """Whether a training loop should wait for each step before dispatching the next: yes on a
    mesh of several CPU devices.

    XLA:CPU runs every host device's share of a step on one shared thread pool, and a
    collective (the gradients' all-reduce) waits until all devices reach it. With several
    steps queued, a device's thread can be busy with a later step while its peers wait, and
    XLA aborts the process ("Expected 8 threads to join the rendezvous, but only 3 of them
    arrived"): seen with 8 host devices on 2 cores and 20 queued steps. Accelerators are
    unaffected and keep asynchronous dispatch.
    """
    blocks = getattr(device_mesh, "_jax_blocks_each_step", None)
    if blocks is None:
        devices = to_jax_mesh(device_mesh).devices.reshape(-1)
        blocks = len(devices) > 1 and all(d.platform == "cpu" for d in devices)
        device_mesh._jax_blocks_each_step = blocks
    return blocks


def gather_to_host(value):
    """A global array as a NumPy array in every process (for predict outputs)."""
    if isinstance(value, jax.Array) and not value.is_fully_addressable:
        from jax.experimental import multihost_utils

        return multihost_utils.process_allgather(value, tiled=True)
    return value
