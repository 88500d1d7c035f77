"""Helpers shared by the test modules (not by the parity cases, which take the library as an argument)."""

import numpy as np
import pytest

from cornu import backend, ops
from cornu.testing import assert_op_matches, run_layer_test


def backend_grad(fn, x, *, jit=False):
    """Gradient of the scalar fn at x (numpy in, numpy out) with the backend's autodiff."""
    name = backend.backend()
    if name == "jax":
        import jax

        grad = jax.jit(jax.grad(fn)) if jit else jax.grad(fn)
        return np.asarray(grad(backend.convert_to_tensor(x)))
    if name == "torch":
        import torch

        v = torch.tensor(x, requires_grad=True)
        fn(v).backward()
        return v.grad.numpy()
    import tensorflow as tf

    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = fn(tf.convert_to_tensor(v))
    return tape.gradient(y, v).numpy()


def backend_grad_of_sum(fn, x, *, jit=False):
    """d sum(fn(x)) / dx with the backend's autodiff."""
    return backend_grad(lambda v: ops.sum(fn(v)), x, jit=jit)


def same_pads(lengths, window, strides, dilation):
    """The (before, after) padding per spatial axis that "same" padding adds."""
    pads = []
    for length, k, s, d in zip(lengths, window, strides, dilation):
        extent = (k - 1) * d + 1
        out = -(-length // s)
        total = max((out - 1) * s + extent - length, 0)
        pads.append((total // 2, total - total // 2))
    return pads


# -- test factories for the ops modules' tables: `test_x = factory(TABLE)` in the module --------


def matches_reference_test(cases, unknown_ok=(), **tolerances):
    """A test of each (name, op, ref, args, kwargs) row against its reference; the rows named in
    `unknown_ok` must also work symbolically with an unknown leading dimension."""

    @pytest.mark.parametrize("name,op,ref,args,kwargs", cases, ids=[c[0] for c in cases])
    def test(name, op, ref, args, kwargs):
        assert_op_matches(op, ref, *args, **tolerances, **kwargs)
        if name in unknown_ok:
            assert_op_matches(op, None, *args, unknown_batch=True, **kwargs)

    return test


def unknown_batch_test(cases, names, **tolerances):
    """A test of the rows of `cases` named in `names` with an unknown leading dimension."""

    @pytest.mark.parametrize("name", names)
    def test(name):
        _, op, ref, args, kwargs = next(c for c in cases if c[0] == name)
        assert_op_matches(op, ref, *args, **tolerances, unknown_batch=True, **kwargs)

    return test


def raises_test(cases):
    """A test that each (name, fn, error, match) row's fn() raises error matching match."""

    @pytest.mark.parametrize("name,fn,error,match", cases, ids=[c[0] for c in cases])
    def test(name, fn, error, match):
        with pytest.raises(error, match=match):
            fn()

    return test


def layer_battery_test(cases):
    """run_layer_test over each (name, layer_cls, init_kwargs, checks) row."""

    @pytest.mark.parametrize(
        "layer_cls, init_kwargs, checks", [c[1:] for c in cases], ids=[c[0] for c in cases]
    )
    def test(layer_cls, init_kwargs, checks):
        run_layer_test(layer_cls, init_kwargs, **checks)

    return test


def keras_report(script, *args, backend="numpy", timeout=600):
    """Runs `script` (Python source) under real Keras in a subprocess with `args` as
    `sys.argv[1:]` and returns the JSON it printed after "REPORT" (the last such line)."""
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    for flag in ("JAX_ENABLE_X64", "JAX_NUMPY_DTYPE_PROMOTION"):  # test-only JAX flags
        env.pop(flag, None)
    proc = subprocess.run([sys.executable, "-c", script, *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip
    lines = [line for line in proc.stdout.splitlines() if line.startswith("REPORT")]
    assert lines, f"the Keras subprocess failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return json.loads(lines[-1][len("REPORT") :])
