"""The module-level functions of `cornu.distribution`: devices, multi-process setup, the
current distribution and placing a tensor by a layout."""

import os

from cornu.backend.common import distribution_state
from cornu.distribution.distributions import set_distribution  # noqa: F401 (re-exported)


def _backend():
    return distribution_state.backend_module()


def list_devices(device_type=None):
    """The names of the backend's devices (`"cpu:0"`, `"gpu:1"`, ...), all processes' devices
    in a multi-process job.

    Args:
        device_type: "cpu", "gpu" or "tpu"; defaults to the backend's default device kind.
    """
    return _backend().list_devices(device_type)


def get_device_count(device_type=None):
    """The number of devices `list_devices(device_type)` names."""
    return _backend().get_device_count(device_type)


def distribution():
    """The current distribution (set by `set_distribution` or a `scope()`), or None."""
    return distribution_state.get()


def distribute_tensor(tensor, layout):
    """`tensor` placed on the devices as `layout` (a TensorLayout) says; inside a compiled
    function, a constraint on how the compiler lays it out."""
    return _backend().distribute_tensor(tensor, layout)


def initialize(job_addresses=None, num_processes=None, process_id=None):
    """Joins this process to a multi-process job (call it first, in every process).

    Arguments left None are read from the environment variables
    `KERAS_DISTRIBUTION_JOB_ADDRESSES` (comma-separated "host:port"; the first is the
    coordinator), `KERAS_DISTRIBUTION_NUM_PROCESSES` and `KERAS_DISTRIBUTION_PROCESS_ID`.

    Args:
        job_addresses: the coordinator's address, or all processes' addresses
            comma-separated (the first is the coordinator).
        num_processes: how many processes take part.
        process_id: this process's index, 0 to num_processes - 1 (0 writes checkpoints).

    Example:
        >>> cornu.distribution.initialize("10.0.0.1:1234", num_processes=2, process_id=0)
    """
    environ = os.environ
    if job_addresses is None:
        job_addresses = environ.get("KERAS_DISTRIBUTION_JOB_ADDRESSES")
    if num_processes is None and "KERAS_DISTRIBUTION_NUM_PROCESSES" in environ:
        num_processes = _int_from_env("KERAS_DISTRIBUTION_NUM_PROCESSES")
    if process_id is None and "KERAS_DISTRIBUTION_PROCESS_ID" in environ:
        process_id = _int_from_env("KERAS_DISTRIBUTION_PROCESS_ID")
    if num_processes is not None and process_id is not None:
        if not 0 <= int(process_id) < int(num_processes):
            raise ValueError(
                f"initialize: process_id={process_id} must be in [0, num_processes) with "
                f"num_processes={num_processes}."
            )
    backend = _backend()
    backend.initialize(job_addresses, num_processes, process_id)
    distribution_state.record_processes(backend.process_id(), backend.num_processes())


def _int_from_env(name):
    text = os.environ[name]
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"initialize: ${name} must be an integer; it is {text!r}.") from None
