"""`cornu.distribution` on TensorFlow, built on `tf.distribute`.

`DataParallel` runs as a `tf.distribute.MirroredStrategy` over the mesh's devices (one process)
or, after `initialize` (TF_CONFIG), as a `tf.distribute.MultiWorkerMirroredStrategy` over every
worker's devices. Variables created while a distribution is set are made in the strategy's
scope (mirrored); the training steps (backend/tensorflow/trainer.py) run each replica's share of
a batch with `strategy.run`. A user's own `with strategy.scope():` (the Keras 2 (TensorFlow) workflow)
works the same way. Variables are never sharded: `ModelParallel` with a model axis of more
than one device raises, naming the jax backend (tf.distribute has no variable sharding to
build on; DTensor is deprecated).

Imported lazily (by `cornu.distribution` and by the Variable's creation path), never at
`import cornu`.
"""

import json
import os

import numpy as np
import tensorflow as tf

from cornu.backend.common import distribution_state

_KINDS = ("tpu", "gpu", "cpu")  # preferred first when no device type is named
_multi_worker = []  # the MultiWorkerMirroredStrategy made by `initialize`, once
_strategies = {}  # id(distribution) -> (distribution, its MirroredStrategy)


# -- devices -----------------------------------------------------------------------------


def list_devices(device_type=None):
    """This process's devices as Keras names them (`"cpu:0"`, `"gpu:1"`): of `device_type`,
    or of the first kind present among TPU, GPU, CPU."""
    if device_type is None:
        for kind in _KINDS:
            names = _logical_devices(kind)
            if names:
                return names
        return []
    kind = str(device_type).lower()
    if kind not in _KINDS:
        raise ValueError(
            f"list_devices: unknown device_type {device_type!r}; expected 'cpu', 'gpu', 'tpu' "
            "or None."
        )
    return _logical_devices(kind)


def _logical_devices(kind):
    devices = tf.config.list_logical_devices(kind.upper())
    return [f"{kind}:{d.name.rpartition(':')[2]}" for d in devices]


def get_device_count(device_type=None):
    """The number of devices `list_devices(device_type)` lists."""
    return len(list_devices(device_type))


# -- processes ---------------------------------------------------------------------------


def initialize(job_addresses=None, num_processes=None, process_id=None):
    """Joins a multi-worker job: writes TF_CONFIG (or reads the one set) and creates the
    `MultiWorkerMirroredStrategy`, which TensorFlow needs before any other op runs.

    Args:
        job_addresses: every worker's `"host:port"`, comma separated, in process order
            (TensorFlow needs them all, not only the coordinator's).
        num_processes: the number of workers.
        process_id: this worker's index in `job_addresses`.
    """
    if job_addresses is None and num_processes is None and process_id is None:
        if not os.environ.get("TF_CONFIG"):
            return  # a single process: nothing to join
    else:
        os.environ["TF_CONFIG"] = json.dumps(_tf_config(job_addresses, num_processes, process_id))
    cluster = _read_tf_config()
    if cluster is not None and not _multi_worker:
        _multi_worker.append(tf.distribute.MultiWorkerMirroredStrategy())


def _tf_config(job_addresses, num_processes, process_id):
    if job_addresses is None or process_id is None:
        raise ValueError(
            "initialize on the tensorflow backend needs `job_addresses` (every worker's "
            "'host:port', comma separated) and `process_id`; received "
            f"job_addresses={job_addresses!r}, process_id={process_id!r}. Pass them, or set "
            "TF_CONFIG yourself and call initialize() without arguments."
        )
    addresses = (
        [a.strip() for a in job_addresses.split(",") if a.strip()]
        if isinstance(job_addresses, str)
        else [str(a) for a in job_addresses]
    )
    count = len(addresses) if num_processes is None else int(num_processes)
    if len(addresses) != count:
        raise ValueError(
            f"initialize on the tensorflow backend needs the address of every one of the "
            f"{count} workers (MultiWorkerMirroredStrategy connects them all), but "
            f"job_addresses gives {len(addresses)}: {job_addresses!r}. Pass all "
            "'host:port' addresses, comma separated, in process order."
        )
    if not 0 <= int(process_id) < count:
        raise ValueError(
            f"initialize: process_id must be in [0, {count}); received {process_id!r}."
        )
    return {
        "cluster": {"worker": addresses},
        "task": {"type": "worker", "index": int(process_id)},
    }


def _read_tf_config():
    """TF_CONFIG's `(workers, index)`, or None when it names no cluster of several workers."""
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        return None
    try:
        config = json.loads(raw)
        workers = config["cluster"]["worker"]
        index = int(config.get("task", {}).get("index", 0))
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(
            "TF_CONFIG must be JSON like {'cluster': {'worker': ['host:port', ...]}, "
            f"'task': {{'type': 'worker', 'index': 0}}}}; received {raw!r} ({error})."
        ) from None
    return workers, index


def num_processes():
    """The number of workers TF_CONFIG names (1 without it)."""
    config = _read_tf_config()
    return 1 if config is None else len(config[0])


def process_id():
    """This worker's index in TF_CONFIG (0 without it)."""
    config = _read_tf_config()
    return 0 if config is None else config[1]


# -- the strategy ------------------------------------------------------------------------


def strategy_for(distribution):
    """The `tf.distribute.Strategy` running `distribution`: the multi-worker one after
    `initialize`, else a MirroredStrategy over the mesh's devices (made once per
    distribution)."""
    check_distribution(distribution)
    if _multi_worker:
        return _multi_worker[0]
    cached = _strategies.get(id(distribution))
    if cached is not None and cached[0] is distribution:
        return cached[1]
    devices = [_tf_device_name(d) for d in np.asarray(distribution.device_mesh.devices).flat]
    strategy = tf.distribute.MirroredStrategy(devices=devices)
    _strategies[id(distribution)] = (distribution, strategy)
    return strategy


def current_strategy():
    """The strategy in force here: a `with strategy.scope():` of the user's (or ours), else
    the current cornu distribution's, else None."""
    if tf.distribute.has_strategy():
        return tf.distribute.get_strategy()
    distribution = distribution_state.get()
    return None if distribution is None else strategy_for(distribution)


def check_distribution(distribution):
    """Raises for a distribution that shards variables (a model axis of several devices):
    tf.distribute replicates variables, it does not shard them."""
    mesh = distribution.device_mesh
    batch = getattr(distribution, "batch_dim_name", None)
    for name, size in zip(mesh.axis_names, mesh.shape):
        if name != batch and size > 1:
            raise ValueError(
                f"{type(distribution).__name__} with a device mesh of shape {tuple(mesh.shape)} "
                f"(axes {list(mesh.axis_names)}) splits the model over the {size} devices of "
                f"axis {name!r}, which the tensorflow backend does not support: tf.distribute "
                "replicates variables and has no sharding cornu builds on (DTensor is "
                "deprecated). Use the jax backend (CORNU_BACKEND=jax) for model parallelism, "
                "or DataParallel on tensorflow."
            )


def _tf_device_name(device):
    name = str(device).lower().lstrip("/")
    name = name.removeprefix("device:")
    kind, _, index = name.partition(":")
    if kind not in _KINDS or not index.isdigit():
        raise ValueError(
            f"The device mesh holds {device!r}; the tensorflow backend expects names like "
            f"'cpu:0' or 'gpu:1' (available: {list_devices()})."
        )
    if f"{kind}:{index}" not in list_devices(kind):
        raise ValueError(
            f"The device mesh holds {device!r}, which TensorFlow does not see (available: "
            f"{list_devices()}). On CPU, split the processor into logical devices with "
            "tf.config.set_logical_device_configuration before TensorFlow starts."
        )
    return f"/{kind}:{index}"


# -- variables and tensors ---------------------------------------------------------------

# How replicas combine their updates of a mirrored variable when they assign to it inside
# `strategy.run` (BatchNormalization's moving statistics, a metric updated in `call`,
# seed states). Everything else is assigned once, outside `strategy.run`, by the steps.
# "none" becomes MEAN, as Keras 2 (TensorFlow) makes it for layer weights; integers take the first
# replica's value (a mean of integers would round).
_AGGREGATIONS = {
    "none": tf.VariableAggregation.MEAN,
    "mean": tf.VariableAggregation.MEAN,
    "sum": tf.VariableAggregation.SUM,
    "only_first_replica": tf.VariableAggregation.ONLY_FIRST_REPLICA,
}


def create_variable(value, trainable, name, aggregation):
    """A `tf.Variable` made in the scope of the strategy in force (mirrored on its devices)."""
    strategy = current_strategy()
    if not tf.as_dtype(value.dtype).is_floating and aggregation != "sum":
        aggregation = "only_first_replica"
    with strategy.scope():
        return tf.Variable(
            value, trainable=trainable, name=name, aggregation=_AGGREGATIONS[aggregation]
        )


def distribute_variable(value, layout):
    """`value` unchanged (its Variable is mirrored when created); a sharding layout raises."""
    _check_replicated(layout, "variable")
    return value


def distribute_tensor(value, layout):
    """`value` unchanged: split along the batch axis inside `strategy.run` (data), or
    replicated; a layout sharding another axis raises."""
    distribution = distribution_state.get()
    batch = getattr(distribution, "batch_dim_name", None)
    _check_replicated(layout, "tensor", allowed=batch)
    return value


def distribute_data_input(per_process_batch, layout, batch_dim_name):
    """The batch unchanged: the steps hand each replica its rows inside `strategy.run`."""
    return per_process_batch


def _check_replicated(layout, what, allowed=None):
    if layout is None:
        return
    mesh = layout.device_mesh
    for axis in layout.axes:
        if axis not in (None, allowed) and mesh is not None and mesh.axis_size(axis) > 1:
            raise ValueError(
                f"The layout {tuple(layout.axes)} shards a {what} over the {mesh.axis_size(axis)} "
                f"devices of mesh axis {axis!r}, which the tensorflow backend does not support "
                "(tf.distribute replicates variables; DTensor is deprecated). Use the jax "
                "backend (CORNU_BACKEND=jax) for ModelParallel, or DataParallel on tensorflow."
            )
