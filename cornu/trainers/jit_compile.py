"""What `jit_compile="auto"` means on each backend (Keras 3 resolves it the same way).

A model's `jit_compile` reads True or False once resolved: before `compile()`, after
`compile(jit_compile="auto")`, or after `compile(jit_compile=None)`.
"""

import warnings

from cornu import config


def resolve_auto():
    """True where compiling the whole step is the default, else False.

    JAX (and numpy, whose inference follows JAX's conventions) compile by default; torch
    does not (torch.compile is opt-in); TensorFlow compiles with XLA only when an
    accelerator is visible, since XLA on CPU is rarely faster.
    """
    name = config.backend()
    if name == "torch":
        return False
    if name == "tensorflow":
        import tensorflow as tf

        return any(d.device_type != "CPU" for d in tf.config.list_physical_devices())
    return True


def for_compile(jit_compile, run_eagerly):
    """The value `compile(jit_compile=..., run_eagerly=...)` leaves on the model."""
    if jit_compile and run_eagerly:
        if jit_compile != "auto":
            warnings.warn(
                f"compile(jit_compile={jit_compile!r}, run_eagerly=True): a step run eagerly "
                "is not compiled, so jit_compile is set to False.",
                stacklevel=3,
            )
        return False
    if jit_compile == "auto":
        return resolve_auto()
    return jit_compile
