"""The current `cornu.distribution` Distribution, kept on the ground floor.

Backend code (variable creation, the trainers' steps, callbacks) reads the distribution here
instead of importing `cornu.distribution`, which sits above the backend. The front end writes
it with `set`; the backend's `distribution` module (`cornu.backend.<name>.distribution`) is
imported only when a distribution or a layout is actually used.
"""

import importlib

from cornu import config

_current = [None]  # the Distribution set by `cornu.distribution.set_distribution`
_processes = [0, 1]  # (process_id, num_processes) recorded by `cornu.distribution.initialize`


def get():
    """The current Distribution, or None."""
    return _current[0]


def set(distribution):  # noqa: A001 (the contract's name)
    """Makes `distribution` (a Distribution or None) the current one."""
    _current[0] = distribution


def record_processes(process_id, num_processes):
    """Notes this process's place in a multi-process job (called by `initialize`)."""
    _processes[:] = [int(process_id), int(num_processes)]


def process_id():
    """This process's index in a multi-process job (0 when there is one process)."""
    return _processes[0]


def num_processes():
    """The number of processes in the job (1 unless `initialize` set up several)."""
    return _processes[1]


def is_chief():
    """True in the process that writes logs and checkpoints: process 0, or the only one (as
    `initialize` recorded it, and as the current distribution's backend reports it)."""
    if _processes[0] != 0:
        return False
    return _current[0] is None or _current[0].process_id == 0


def backend_module():
    """The backend's `distribution` module (`cornu.backend.<backend>.distribution`)."""
    name = config.backend()
    try:
        return importlib.import_module(f"cornu.backend.{name}.distribution")
    except ModuleNotFoundError as error:
        if error.name != f"cornu.backend.{name}.distribution":
            raise
        raise ValueError(
            f"cornu.distribution is not available on the {name!r} backend yet (no "
            f"cornu.backend.{name}.distribution module). Use the jax backend "
            "(CORNU_BACKEND=jax) for distributed training."
        ) from None


def distribute_variable(variable, value, layout=None):
    """A new Variable's initial `value` placed as the current distribution asks.

    `layout` (a TensorLayout) overrides the distribution's `get_variable_layout(variable)`; an
    optimizer passes its reference variable's layout so that slots follow their variable. The
    layout used is kept as `variable._layout`.
    """
    distribution = _current[0]
    if distribution is None and layout is None:
        return value
    if layout is None:
        layout = distribution.get_variable_layout(variable)
    variable._layout = layout
    if layout is None:
        return value
    try:
        return backend_module().distribute_variable(value, layout)
    except ValueError as error:
        raise ValueError(f"Variable '{variable.path}': {error}") from None
