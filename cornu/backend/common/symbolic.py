"""Which class is the symbolic tensor (`KerasTensor`), as cornu.graph registers it.

The backend floor recognises symbolic tensors (conversion refuses them, JAX must not flatten
them) and makes them (shape inference returns them), but the class lives in cornu.graph, a
floor above. cornu.graph calls `register_tensor_class(KerasTensor)` when it is imported;
`import cornu` always imports it, so the class is known before any op runs.
"""

# The registered class, as a tuple for isinstance (empty: nothing symbolic exists yet).
_classes = ()
_hooks = []


def register_tensor_class(cls):
    """Makes `cls` the symbolic tensor class and runs the hooks waiting for it."""
    global _classes
    _classes = (cls,)
    for hook in _hooks:
        hook(cls)


def when_registered(hook):
    """Runs `hook(cls)` on the symbolic tensor class: now if it is known, else at registration.

    For backends that must teach their framework about the class (JAX's pytree registry).
    """
    _hooks.append(hook)
    for cls in _classes:
        hook(cls)


def is_symbolic_tensor(x):
    """True when `x` is a symbolic tensor (a `KerasTensor`)."""
    return isinstance(x, _classes)


def make_tensor(shape, dtype):
    """A new symbolic tensor of `shape` and `dtype`."""
    if not _classes:
        raise RuntimeError(
            "No symbolic tensor class is registered: cornu.graph registers KerasTensor when it "
            "is imported. Import cornu (not only cornu.backend) before inferring shapes."
        )
    return _classes[0](shape, dtype=dtype)
