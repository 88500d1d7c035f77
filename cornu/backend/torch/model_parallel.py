"""`ModelParallel` on torch: variables as DTensors (`torch.distributed.tensor`) on a device mesh.

One process drives one device of the mesh (as DataParallel on torch does). The front end's
DeviceMesh becomes torch's own (`torch.distributed.device_mesh.init_device_mesh`, axis names
kept), a TensorLayout becomes DTensor placements (`Shard(d)` on each mesh axis a tensor
dimension `d` names, `Replicate()` on the others), and every variable created under the
distribution is a DTensor made by `torch.distributed.tensor.distribute_tensor` (process 0's
initial value, split as its layout says; a variable the LayoutMap does not match is a
replicated DTensor; integer counters and seeds stay plain). A step sees its batch as one
DTensor split over the batch axis (`DTensor.from_local` of this process's rows) and runs
under `implicit_replication()`, so constants the ops make (plain tensors) count as
replicated. torch's DTensor engine then propagates the placements through the ops and
reduces the partial sums; `GradientPlacer` gives each gradient its variable's placements,
and the optimizer updates the DTensors in place: nothing is averaged by hand. A step's
outputs and logs leave it as plain tensors of the global batch (`full_tensor()`).

Known limits: a batch must split evenly over the batch axis (a clear error otherwise);
optimizer slots are replicated DTensors until the optimizer passes its reference variable's
layout (`add_variable_from_reference`); reading a DTensor variable as NumPy needs
cornu/backend/torch/core.py's `convert_to_numpy` to call `host_value`.
"""

import math

import torch
import torch.distributed as tdist
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import DTensor, Replicate, Shard
from torch.distributed.tensor import distribute_tensor as _torch_distribute
from torch.distributed.tensor.experimental import implicit_replication

from cornu import tree
from cornu.backend.torch import core

_meshes = {}  # id(front-end DeviceMesh) -> (that mesh, torch's DeviceMesh)


def world_size():
    return tdist.get_world_size() if tdist.is_available() and tdist.is_initialized() else 1


def check_mesh(mesh, what="ModelParallel"):
    """Raises unless `mesh` has one device per process of the job (torch's world size)."""
    size = math.prod(mesh.shape)
    world = world_size()
    if size != world:
        raise ValueError(
            f"{what} on the torch backend runs one process per device of the mesh: the device "
            f"mesh of shape {tuple(mesh.shape)} (axis_names={list(mesh.axis_names)}) holds "
            f"{size} devices, but this job has {world} process(es) (torch.distributed world "
            f"size {world}). Launch {size} processes (e.g. torchrun --nproc-per-node={size}) "
            "and call cornu.distribution.initialize() in each before creating the mesh, or "
            f"use a mesh of {world} devices."
        )


def splits(mesh):
    """Whether `mesh` spans several processes (so variables become DTensors)."""
    return math.prod(mesh.shape) > 1


def torch_mesh(mesh):
    """torch's DeviceMesh for the front end's `mesh` (made once per mesh, on every process)."""
    entry = _meshes.get(id(mesh))
    if entry is not None and entry[0] is mesh:
        return entry[1]
    check_mesh(mesh)
    device_type = "cuda" if tdist.get_backend() == "nccl" else "cpu"
    made = init_device_mesh(device_type, tuple(mesh.shape), mesh_dim_names=tuple(mesh.axis_names))
    _meshes[id(mesh)] = (mesh, made)
    return made


def placements(layout, mesh, ndim=None):
    """DTensor placements (one per mesh axis) for a TensorLayout's axes on `mesh`."""
    axes = tuple(layout.axes)
    if ndim is not None and len(axes) != ndim:
        raise ValueError(
            f"The layout axes {axes} have {len(axes)} entries, but the tensor has {ndim} "
            "dimensions: give one entry (a mesh axis name or None) per dimension."
        )
    for axis in axes:
        if axis is not None and axis not in mesh.axis_names:
            raise ValueError(
                f"The layout axes {axes} name the axis {axis!r}, which is not an axis of the "
                f"device mesh (axis_names={list(mesh.axis_names)}). Use the mesh's axis names "
                "or None."
            )
    out = []
    for name in mesh.axis_names:
        dims = [d for d, axis in enumerate(axes) if axis == name]
        if len(dims) > 1:
            raise ValueError(
                f"The layout axes {axes} split the dimensions {dims} over the same mesh axis "
                f"{name!r}; a mesh axis can split one dimension of a tensor."
            )
        out.append(Shard(dims[0]) if dims else Replicate())
    return out


def distribute(value, layout, mesh):
    """`value` as a DTensor on `mesh`, split as `layout` says (process 0's value is the one
    every process gets)."""
    if isinstance(value, DTensor):
        return value
    value = core.convert_to_tensor(value)
    places = placements(layout, mesh, value.ndim)
    if not (value.dtype.is_floating_point or value.dtype.is_complex):
        if all(isinstance(p, Replicate) for p in places):
            # Counters and random-stream seeds stay plain tensors: every process steps them
            # alike, and random ops take plain seeds.
            return value
    return _torch_distribute(value.detach(), torch_mesh(mesh), places)


def batch_placements(mesh, batch_dim_name):
    return [Shard(0) if name == batch_dim_name else Replicate() for name in mesh.axis_names]


def batch_coordinate(mesh, batch_dim_name):
    """`(index, size)` of this process along the batch axis: which slice of every global
    batch it feeds (processes that differ only on the other axes feed the same rows)."""
    size = mesh.axis_size(batch_dim_name)
    if size == 1:
        return 0, 1
    return torch_mesh(mesh).get_local_rank(batch_dim_name), size


def global_batch(data, mesh, batch_dim_name, whole=False):
    """This process's rows of a batch -> DTensors of the global batch, split over the batch
    axis. The rows must split evenly (DTensor splits dimension 0 as `torch.chunk` does).
    With `whole=True` every process holds the whole batch (predict): each keeps its part."""
    made = torch_mesh(mesh)
    places = batch_placements(mesh, batch_dim_name)
    replicated = [Replicate()] * len(places)
    size = mesh.axis_size(batch_dim_name)

    def convert(leaf):
        if not isinstance(leaf, torch.Tensor) or isinstance(leaf, DTensor):
            return leaf
        if leaf.ndim == 0:
            return DTensor.from_local(leaf, made, replicated, run_check=False)
        if whole:  # (Replicate -> Shard slices locally: no communication)
            return DTensor.from_local(leaf, made, replicated, run_check=False).redistribute(
                made, places
            )
        return DTensor.from_local(leaf, made, places, run_check=False)

    if size > 1 and not whole:
        _check_even_rows(data, made, batch_dim_name, size)
    return tree.map_structure(convert, data)


def _check_even_rows(data, made, batch_dim_name, size):
    leaves = [leaf for leaf in tree.flatten(data) if isinstance(leaf, torch.Tensor)]
    if not leaves or leaves[0].ndim == 0:
        return
    rows = torch.tensor([int(leaves[0].shape[0])], dtype=torch.int64)
    counts = [torch.zeros_like(rows) for _ in range(size)]
    tdist.all_gather(counts, rows, group=made.get_group(batch_dim_name))
    counts = [int(c.item()) for c in counts]
    if len(set(counts)) > 1:
        raise ValueError(
            f"ModelParallel: a batch of {sum(counts)} rows does not split evenly over the "
            f"{size} devices of the batch axis {batch_dim_name!r} (the rows per process are "
            f"{counts}). Choose a batch_size and a number of samples that are multiples of "
            f"{size}."
        )


def full(value):
    """A DTensor's whole value as a plain tensor (a collective: every process calls it).
    Where nothing is split it may share memory with the DTensor's local tensor."""
    if isinstance(value, DTensor):
        return value.full_tensor()
    return value


def to_plain(structure):
    return tree.map_structure(full, structure)


def run_on_mesh(step, mesh, batch_dim_name, whole=False):
    """`step` taking this process's rows (or, `whole=True`, the whole batch), run on the
    global batch as DTensors; its outputs come back as plain tensors (the same on every
    process)."""

    def step_on_mesh(data):
        data = global_batch(data, mesh, batch_dim_name, whole)
        with implicit_replication():
            out = step(data)
        return to_plain(out)

    return step_on_mesh


# -- reading DTensors on one process (checkpoints written by process 0 alone) ---------------

_host_copies = {}  # id(DTensor) -> (its local version, the DTensor, its whole value)


def gather_for_host(tensors):
    """Gathers every DTensor of `tensors` into a whole plain copy, kept for reads that one
    process makes alone (process 0 writing a checkpoint): `full_tensor()` is a collective,
    so this runs where every process is (the trainer's `loop_sync`, before callbacks)."""
    _host_copies.clear()
    for t in tensors:
        if isinstance(t, DTensor):
            _host_copies[id(t)] = (t._local_tensor._version, t, t.full_tensor().detach())


def host_value(x):
    """A DTensor's whole value as a plain tensor: the copy `gather_for_host` made if `x` has
    not changed since, else `full_tensor()` (then every process must call it)."""
    entry = _host_copies.get(id(x))
    if entry is not None and entry[1] is x and entry[0] == x._local_tensor._version:
        return entry[2]
    return x.full_tensor().detach()


class GradientPlacer:
    """Gives each DTensor variable's gradient the variable's own placements as soon as it
    accumulates (a reduce-scatter from the partial sums autograd leaves; an all-reduce for a
    replicated variable), so every train step, a user's override included, hands the
    optimizer gradients laid out like their variables, as torch's tensor-parallel and FSDP
    engines do. Call `remove()` when the train loop ends.

    Args:
        variables: the trainable Variables.
    """

    def __init__(self, variables):
        self._handles = []
        for v in variables:
            value = v.value
            if isinstance(value, DTensor) and value.requires_grad:
                self._handles.append(value.register_post_accumulate_grad_hook(_place_grad))

    def remove(self):
        for handle in self._handles:
            handle.remove()
        self._handles = []


def _place_grad(parameter):
    grad = parameter.grad
    if isinstance(grad, DTensor) and tuple(grad.placements) != tuple(parameter.placements):
        parameter.grad = grad.redistribute(parameter.device_mesh, parameter.placements)
