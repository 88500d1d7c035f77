"""`vectorize`: NumPy's `np.vectorize` (with gufunc signatures) over `vectorized_map`."""

import functools

import numpy as np

from cornu import backend, tree
from cornu.graph.operation import OpCall
from cornu.ops import rules
from cornu.ops.core._core_common import _deep_symbolic
from cornu.ops.define import kernels, to_tensor

_k = kernels()

__all__ = [
    "vectorize",
]


def _parse_signature(signature):
    """`"(m,n),(n)->(m)"` -> `([("m", "n"), ("n",)], [("m",)])`."""

    def groups(text):
        text = text.replace(" ", "")
        if not (text.startswith("(") and text.endswith(")")):
            raise ValueError(f"vectorize: malformed signature {signature!r}.")
        parts = text[1:-1].split("),(")
        return [tuple(d for d in p.split(",") if d) for p in parts]

    if not isinstance(signature, str) or "->" not in signature:
        raise ValueError(f"vectorize: malformed signature {signature!r}.")
    lhs, rhs = signature.split("->")
    inputs, outputs = groups(lhs), groups(rhs)
    for dims in inputs + outputs:
        for d in dims:
            if not d.isidentifier():
                raise ValueError(f"vectorize: malformed signature {signature!r}.")
    return inputs, outputs


def _vectorize_call(pyfunc, excluded, core_in, args, kwargs):
    positions = [i for i in range(len(args)) if i not in excluded]
    names = [k for k in kwargs if k not in excluded]
    values = [to_tensor(args[i]) for i in positions] + [to_tensor(kwargs[k]) for k in names]
    if core_in is None:
        cores = [()] * len(values)
    else:
        if len(core_in) != len(values):
            raise ValueError(
                f"vectorize: the signature has {len(core_in)} inputs; received {len(values)} "
                "vectorized arguments."
            )
        cores = core_in
    sizes, loop_shape = {}, ()
    for v, core in zip(values, cores):
        shape = tuple(v.shape)
        if len(shape) < len(core):
            raise ValueError(
                f"vectorize: an input of shape {shape} has fewer dimensions than its core "
                f"dimensions {core}."
            )
        for name, d in zip(core, shape[len(shape) - len(core) :]):
            if sizes.setdefault(name, d) != d:
                raise ValueError(
                    f"vectorize: core dimension {name!r} has inconsistent sizes "
                    f"{sizes[name]} and {d}."
                )
        loop_shape = rules.broadcast_shapes(
            loop_shape, shape[: len(shape) - len(core)], "vectorize"
        )
    if None in loop_shape:  # traced with an unknown batch size (tensorflow's symbolic pass)
        count = -1
    else:
        count = int(np.prod(loop_shape)) if loop_shape else 1
    flat = []
    for v, core in zip(values, cores):
        core_shape = tuple(v.shape)[len(v.shape) - len(core) :]
        if tuple(v.shape) != loop_shape + core_shape:
            v = _k.broadcast_to(v, loop_shape + core_shape)
        flat.append(_k.reshape(v, (count,) + core_shape))

    def one(elements):
        call_args, call_kwargs = list(args), dict(kwargs)
        for i, e in zip(positions, elements):
            call_args[i] = e
        for k, e in zip(names, elements[len(positions) :]):
            call_kwargs[k] = e
        return pyfunc(*call_args, **call_kwargs)

    out = backend.vectorized_map(one, tuple(flat))
    return tree.map_structure(lambda y: _k.reshape(y, loop_shape + tuple(y.shape)[1:]), out)


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Turns `pyfunc` into a function broadcasting over its inputs' leading dimensions.

    Args:
        pyfunc: the function to vectorize (written with cornu ops).
        excluded: positions (ints) or keyword names of arguments passed through unchanged.
        signature: a generalized-ufunc signature such as `"(n),(n)->()"` naming the core
            dimensions each input gets; without it `pyfunc` sees scalars.

    Returns:
        The vectorized function.
    """
    if not callable(pyfunc):
        raise TypeError(f"vectorize: `pyfunc` must be callable; received {pyfunc!r}.")
    excluded = set(excluded or ())
    core_in = None if signature is None else _parse_signature(signature)[0]

    def run(*args, **kwargs):
        return _vectorize_call(pyfunc, excluded, core_in, args, kwargs)

    run.__name__ = getattr(pyfunc, "__name__", "vectorized")

    @functools.wraps(pyfunc)
    def wrapper(*args, **kwargs):
        if _deep_symbolic(args, kwargs):
            return OpCall(run).symbolic_call(*args, **kwargs)
        return run(*args, **kwargs)

    return wrapper
