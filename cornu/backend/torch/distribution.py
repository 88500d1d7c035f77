"""`keras.distribution` on torch: one process per device, on torch.distributed.

DataParallel on torch runs one process per device (launched with `torchrun`, or started by
the user and joined with `cornu.distribution.initialize()`): every process holds the whole
model, trains on its slice of each global batch, and the gradients are averaged with
`torch.distributed.all_reduce` before the optimizer step. Metric states are reduced across
the processes when logs are made, so every process reports the numbers of the global batch.

Besides the contract's functions (`list_devices`, `initialize`, `distribute_variable`, ...)
this module holds the collectives the trainer runs (`broadcast_variables`,
`all_reduce_gradients`, `reduce_variables`, `broadcast_int`). ModelParallel runs on torch's
DTensor engine (see `cornu/backend/torch/model_parallel.py`): `mesh_plan()` tells the trainer
when it is on.
"""

import os

import numpy as np
import torch
import torch.distributed as tdist
from torch._utils import _flatten_dense_tensors, _unflatten_dense_tensors

from cornu.backend.common import distribution_state


def _initialized():
    return tdist.is_available() and tdist.is_initialized()


def num_processes():
    """The processes of the job (torch's world size); 1 before `initialize`."""
    return tdist.get_world_size() if _initialized() else 1


def process_id():
    """This process's rank; 0 before `initialize`."""
    return tdist.get_rank() if _initialized() else 0


def list_devices(device_type=None):
    """Device names ("cpu:0", "gpu:1", ...): one per process once the job is initialized
    (each process drives one device, named by its rank), else this machine's devices."""
    kind = (device_type or ("gpu" if torch.cuda.is_available() else "cpu")).lower()
    if kind == "cuda":
        kind = "gpu"
    if kind not in ("cpu", "gpu"):
        raise ValueError(
            f"list_devices: device_type must be 'cpu' or 'gpu' on the torch backend; "
            f"received {device_type!r}."
        )
    if _initialized():
        return [f"{kind}:{rank}" for rank in range(tdist.get_world_size())]
    count = 1 if kind == "cpu" else torch.cuda.device_count()
    return [f"{kind}:{i}" for i in range(count)]


def get_device_count(device_type=None):
    return len(list_devices(device_type))


def _env_int(*names):
    for name in names:
        value = os.environ.get(name)
        if value not in (None, ""):
            try:
                return int(value)
            except ValueError:
                raise ValueError(
                    f"The environment variable {name}={value!r} is not an int."
                ) from None
    return None


def _coordinator(job_addresses):
    """`host:port` of process 0: the first of `job_addresses` (a list, or a comma-separated
    string), else KERAS_DISTRIBUTION_JOB_ADDRESSES, else torchrun's MASTER_ADDR/MASTER_PORT."""
    if job_addresses is None:
        job_addresses = os.environ.get("KERAS_DISTRIBUTION_JOB_ADDRESSES") or None
    if isinstance(job_addresses, str):
        job_addresses = [a.strip() for a in job_addresses.split(",") if a.strip()]
    if job_addresses:
        first = job_addresses[0]
        host, sep, port = first.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ValueError(
                f"initialize: job addresses must be 'host:port' strings; received {first!r}."
            )
        return host, port
    host, port = os.environ.get("MASTER_ADDR"), os.environ.get("MASTER_PORT")
    if host and port:
        return host, port
    return None


def initialize(job_addresses=None, num_processes=None, process_id=None):
    """Joins this process to the job: `torch.distributed.init_process_group` (nccl on GPU,
    gloo on CPU). Arguments left None come from KERAS_DISTRIBUTION_NUM_PROCESSES /
    KERAS_DISTRIBUTION_PROCESS_ID / KERAS_DISTRIBUTION_JOB_ADDRESSES, then from torchrun's
    WORLD_SIZE / RANK / MASTER_ADDR:MASTER_PORT. One process needs no group (a no-op)."""
    world = num_processes
    if world is None:
        world = _env_int("KERAS_DISTRIBUTION_NUM_PROCESSES", "WORLD_SIZE")
    rank = process_id
    if rank is None:
        rank = _env_int("KERAS_DISTRIBUTION_PROCESS_ID", "RANK")
    world = 1 if world is None else int(world)
    rank = 0 if rank is None else int(rank)
    if world < 1 or not 0 <= rank < world:
        raise ValueError(
            f"initialize: expected num_processes >= 1 and 0 <= process_id < num_processes; "
            f"received num_processes={world}, process_id={rank}."
        )
    if _initialized():
        if (tdist.get_world_size(), tdist.get_rank()) != (world, rank) and world > 1:
            raise ValueError(
                f"initialize: torch.distributed is already initialized as process "
                f"{tdist.get_rank()} of {tdist.get_world_size()}, not {rank} of {world}."
            )
        return
    if world == 1:
        return
    address = _coordinator(job_addresses)
    if address is None:
        raise ValueError(
            f"initialize: {world} processes need the address of process 0: pass "
            "job_addresses=['host:port', ...] (process 0 first), or set "
            "KERAS_DISTRIBUTION_JOB_ADDRESSES, or MASTER_ADDR and MASTER_PORT (torchrun sets "
            "them)."
        )
    if torch.cuda.is_available():
        local = _env_int("LOCAL_RANK")
        torch.cuda.set_device(rank % torch.cuda.device_count() if local is None else local)
        engine = "nccl"
    else:
        engine = "gloo"
    host, port = address
    tdist.init_process_group(
        engine, init_method=f"tcp://{host}:{port}", world_size=world, rank=rank
    )


def _shards(layout):
    """Whether `layout` splits a tensor (an axis named on a mesh axis of several devices)."""
    mesh = getattr(layout, "device_mesh", None)
    for axis in getattr(layout, "axes", None) or ():
        if axis is not None and (mesh is None or mesh.axis_size(axis) > 1):
            return True
    return False


def _is_model_parallel(distribution):
    return getattr(distribution, "_layout_map", None) is not None


def check_distribution(distribution):
    """ModelParallel needs one process per device of its mesh (it runs on DTensors over
    them); DataParallel runs on any number of processes."""
    if _is_model_parallel(distribution):
        _model_parallel().check_mesh(distribution.device_mesh)
        return
    mesh = distribution.device_mesh
    split = [
        name
        for name in mesh.axis_names
        if name != distribution.batch_dim_name and mesh.axis_size(name) > 1
    ]
    if split:
        raise ValueError(
            f"{type(distribution).__name__} splits variables over the mesh axis "
            f"{split[0]!r} ({mesh.axis_size(split[0])} devices), which DataParallel on the "
            "torch backend does not do (one process per device, replicated weights). Use "
            "ModelParallel with a LayoutMap to split variables."
        )


def mesh_plan():
    """`(device_mesh, batch_dim_name)` while a ModelParallel over several processes is the
    current distribution (its variables are DTensors), else None."""
    distribution = distribution_state.get()
    if distribution is None or not _is_model_parallel(distribution):
        return None
    mesh = distribution.device_mesh
    if not _model_parallel().splits(mesh):
        return None
    return mesh, distribution.batch_dim_name


def _model_parallel():
    from cornu.backend.torch import model_parallel  # (loads torch.distributed.tensor)

    return model_parallel


def _unsupported(what, layout):
    return ValueError(
        f"{what}: the layout {tuple(layout.axes)} shards a tensor across devices, which "
        "needs a ModelParallel distribution on the torch backend (its variables are DTensors "
        "on the mesh). Set one with cornu.distribution.set_distribution(ModelParallel(...))."
    )


def _mesh_for(layout):
    """The mesh a layout places on under the current ModelParallel, or None."""
    plan = mesh_plan()
    if plan is None:
        return None
    return getattr(layout, "device_mesh", None) or plan[0]


def distribute_variable(value, layout):
    """Under ModelParallel (several processes): a DTensor split as `layout` says. Replicated
    variables of DataParallel stay as they are: each process holds a copy, kept equal by
    `broadcast_variables` when training starts."""
    return _distribute(value, layout, "distribute_variable")


def distribute_tensor(value, layout):
    return _distribute(value, layout, "distribute_tensor")


def _distribute(value, layout, op_name):
    """A DTensor under a multi-process mesh; else `value` itself, unless `layout` shards it
    (which this backend cannot do without a mesh: `op_name` names the call in the error)."""
    mesh = _mesh_for(layout) if layout is not None else None
    if mesh is not None:
        return _model_parallel().distribute(value, layout, mesh)
    if layout is not None and _shards(layout):
        raise _unsupported(op_name, layout)
    return value


def distribute_data_input(per_process_batch, layout, batch_dim_name):
    """Each process keeps its own slice of the global batch; under ModelParallel the slices
    make one DTensor split over the batch axis."""
    plan = mesh_plan()
    if plan is None:
        return per_process_batch
    mesh = getattr(layout, "device_mesh", None) or plan[0]
    return _model_parallel().global_batch(per_process_batch, mesh, batch_dim_name or plan[1])


# -- collectives the trainer runs ------------------------------------------------------------


def _by_dtype(tensors):
    """Indices of `tensors` grouped by dtype (one flat buffer, one collective per group)."""
    groups = {}
    for i, t in enumerate(tensors):
        groups.setdefault(t.dtype, []).append(i)
    return groups.values()


def broadcast_variables(variables, source=0):
    """Gives every process `source`'s values of `variables` (so all start alike)."""
    values = [v.value for v in variables]
    for indices in _by_dtype(values):
        flat = _flatten_dense_tensors([values[i].detach() for i in indices])
        tdist.broadcast(flat, source)
        parts = _unflatten_dense_tensors(flat, [values[i] for i in indices])
        with torch.no_grad():
            for i, part in zip(indices, parts):
                values[i].copy_(part)


def all_reduce_gradients(grads, variables, local_count):
    """The gradients of the global batch: each process's gradients weighted by its share of
    the samples (`local_count` over all processes' counts), summed with one all_reduce per
    dtype. For a mean-reduced loss this equals the gradient one process gets on the whole
    global batch, also when the final batch splits unevenly. A missing gradient is zero."""
    grads = [torch.zeros_like(v.value) if g is None else g for g, v in zip(grads, variables)]
    reduced = list(grads)
    for indices in _by_dtype(grads):
        dtype = grads[indices[0]].dtype
        count = torch.tensor([float(local_count)], dtype=dtype, device=grads[indices[0]].device)
        flat = _flatten_dense_tensors([grads[i] * local_count for i in indices] + [count])
        tdist.all_reduce(flat, op=tdist.ReduceOp.SUM)
        flat = flat[:-1] / flat[-1]
        for i, part in zip(indices, _unflatten_dense_tensors(flat, [grads[i] for i in indices])):
            reduced[i] = part
    return reduced


class GradientAverager:
    """Averages the gradients of `variables` across processes when each `backward()` ends.

    Like the reducer of torch's DistributedDataParallel, it listens to autograd (a hook
    after each parameter's gradient accumulates queues one callback at the end of the
    backward pass), so any train step, a user's override included, steps on the gradients
    of the global batch. The callback runs `all_reduce_gradients` (one all_reduce per dtype)
    and writes the results to `.grad`. DDP's own reducer is not attached because it needs
    the forward pass to run through its wrapper module, and Keras-style steps call the model
    itself. Averaging is linear, so gradients accumulated over several backward passes stay
    right. Call `remove()` when the loop ends.

    Args:
        variables: the trainable Variables.
    """

    def __init__(self, variables):
        self.variables = [v for v in variables if v.value.requires_grad]
        self.local_count = 1  # this process's rows in the step (set by the train loop)
        self._queued = False
        self._handles = [
            v.value.register_post_accumulate_grad_hook(self._on_accumulated) for v in self.variables
        ]

    def _on_accumulated(self, parameter):
        if not self._queued:
            self._queued = True
            torch.autograd.Variable._execution_engine.queue_callback(self._average)

    def _average(self):
        self._queued = False
        grads = [v.value.grad for v in self.variables]
        reduced = all_reduce_gradients(grads, self.variables, self.local_count)
        for v, grad in zip(self.variables, reduced):
            v.value.grad = grad

    def remove(self):
        for handle in self._handles:
            handle.remove()
        self._handles = []


def reduce_variables(variables):
    """The values `variables` would hold had one process seen every process's data: by their
    `aggregation`, summed ("sum", the metrics' states), averaged ("mean"), or process 0's
    ("none", "only_first_replica"). Returns tensors; the variables are not changed."""
    values = [v.value.detach() for v in variables]
    sums = [i for i, v in enumerate(variables) if v.aggregation in ("sum", "mean")]
    firsts = [i for i in range(len(variables)) if i not in set(sums)]
    out = list(values)
    for group, collective in ((sums, _sum), (firsts, _from_first)):
        chosen = [values[i] for i in group]
        for indices in _by_dtype(chosen):
            members = [group[i] for i in indices]
            parts = collective([values[i] for i in members])
            for i, part in zip(members, parts):
                if variables[i].aggregation == "mean":
                    part = part / tdist.get_world_size()
                out[i] = part
    return out


def _sum(tensors):
    flat = _flatten_dense_tensors([t.clone() for t in tensors])
    if flat.dtype == torch.bool:  # (gloo sums no bools)
        flat = flat.to(torch.int32)
        tdist.all_reduce(flat, op=tdist.ReduceOp.SUM)
        flat = flat > 0
    else:
        tdist.all_reduce(flat, op=tdist.ReduceOp.SUM)
    return _unflatten_dense_tensors(flat, tensors)


def _from_first(tensors):
    flat = _flatten_dense_tensors([t.clone() for t in tensors])
    tdist.broadcast(flat, 0)
    return _unflatten_dense_tensors(flat, tensors)


def _collective_device():
    """Where host-made buffers go: nccl reduces only CUDA tensors."""
    return "cuda" if tdist.get_backend() == "nccl" else "cpu"


def all_reduce_mean(values):
    """The mean over the processes of a list of float scalars (logs that are not metrics)."""
    buffer = torch.tensor(np.asarray(values, dtype="float64").reshape(-1))
    buffer = buffer.to(_collective_device())
    tdist.all_reduce(buffer, op=tdist.ReduceOp.SUM)
    return (buffer / tdist.get_world_size()).cpu().tolist()


def broadcast_int(value, source=0):
    """`source`'s int (a data-order seed), on every process."""
    buffer = torch.tensor([int(value)], dtype=torch.int64, device=_collective_device())
    tdist.broadcast(buffer, source)
    return int(buffer.item())
