"""Devices on the numpy backend: one CPU, and no distributions (it runs inference only)."""


def list_devices(device_type=None):
    if device_type is not None and device_type.lower() != "cpu":
        raise ValueError(
            f"The numpy backend has only the CPU; received device_type={device_type!r}."
        )
    return ["cpu:0"]


def get_device_count(device_type=None):
    return len(list_devices(device_type))


def num_processes():
    return 1


def process_id():
    return 0


def _refuse(what):
    raise ValueError(
        f"{what} is not supported on the numpy backend (one CPU, inference only). Use the jax, "
        "torch or tensorflow backend (e.g. CORNU_BACKEND=jax) for distributed training."
    )


def check_distribution(distribution):
    _refuse(f"set_distribution({type(distribution).__name__})")


def initialize(job_addresses, num_processes, process_id):
    _refuse("cornu.distribution.initialize")


def distribute_variable(value, layout):
    _refuse("Placing a variable by a TensorLayout")


def distribute_tensor(value, layout):
    _refuse("distribute_tensor")


def distribute_data_input(per_process_batch, layout, batch_dim_name):
    _refuse("Distributing a batch")
