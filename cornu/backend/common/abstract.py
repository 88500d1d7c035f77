"""The generic shape-inference path: evaluate a function on abstract stand-ins for KerasTensors.

Each backend supplies `make_abstract(shape, dtype)` (a jax.ShapeDtypeStruct, a torch "meta"
tensor, a NumPy array...) and `evaluate(fn, args, kwargs)`. Unknown (`None`) dimensions are
filled with two different sizes and evaluated twice; output dimensions that differ between the
two runs are unknown. TensorFlow traces `None` dimensions natively and needs one run.
"""

import numpy as np

from cornu import tree
from cornu.backend.common import dtypes, scopes, symbolic

# Two stand-in sizes for unknown dimensions, coprime and unlikely to collide with real ones.
_FILL_A, _FILL_B = 43, 47


def _fill(shape, size):
    return tuple(size if d is None else d for d in shape)


def compute_output_spec(fn, args, kwargs, make_abstract, evaluate, needs_two_runs=True):
    """Returns `fn(*args, **kwargs)`'s outputs as KerasTensors, computing nothing real.

    Args:
        fn: the function to evaluate.
        args, kwargs: its arguments; KerasTensor leaves become abstract values.
        make_abstract: `(shape, dtype) -> abstract value` for this backend.
        evaluate: `(fn, args, kwargs) -> outputs` running fn on abstract values.
        needs_two_runs: False when `make_abstract` accepts None dimensions itself.
    """
    leaves = tree.flatten((args, kwargs))
    has_unknown = any(symbolic.is_symbolic_tensor(x) and None in x.shape for x in leaves)

    def run(size):
        def abstract(x):
            if symbolic.is_symbolic_tensor(x):
                shape = x.shape if size is None else _fill(x.shape, size)
                return make_abstract(shape, x.dtype)
            return x

        a_args, a_kwargs = tree.map_structure(abstract, (args, kwargs))
        with scopes.StatelessScope(), scopes.SymbolicScope():
            return evaluate(fn, a_args, a_kwargs)

    if not has_unknown or not needs_two_runs:
        out = run(None)
        return tree.map_structure(lambda y: _to_keras_tensor(y, None), out)
    out_a = run(_FILL_A)
    out_b = run(_FILL_B)
    return tree.map_structure(_to_keras_tensor, out_a, out_b)


def _to_keras_tensor(a, b=None):
    if a is None or not hasattr(a, "shape") or not hasattr(a, "dtype"):
        return a
    shape_a = tuple(a.shape)
    if b is not None:
        shape_b = tuple(b.shape)
        if len(shape_a) != len(shape_b):
            raise ValueError(
                "The output rank depends on an unknown input dimension "
                f"({shape_a} vs {shape_b}); give the input a fixed shape."
            )
        shape = tuple(da if da == db else None for da, db in zip(shape_a, shape_b))
    else:
        shape = tuple(None if d is None else int(d) for d in shape_a)
    return symbolic.make_tensor(shape, dtypes.standardize_dtype(a.dtype))


def python_dtype(x):
    """The dtype cornu gives Python data (scalars, nested lists) when none is asked for.

    Python float -> floatx, Python int -> int32 (int64 when out of int32 range), bool -> bool.
    Returns None for NumPy arrays and anything that carries a dtype.
    """
    if hasattr(x, "dtype"):
        return None
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, int):
        return "int32" if -(2**31) <= x < 2**31 else "int64"
    if isinstance(x, float):
        return dtypes.standardize_dtype(None)
    if isinstance(x, complex):
        return "complex64"
    if isinstance(x, (list, tuple)):
        kind = np.asarray(x).dtype
        if kind.kind == "f":
            return dtypes.standardize_dtype(None)
        if kind.kind in "iu":
            big = (
                kind.itemsize > 4
                and np.asarray(x).size
                and (np.max(x) >= 2**31 or np.min(x) < -(2**31))
            )
            return "int64" if big else "int32"
        if kind.kind == "b":
            return "bool"
        if kind.kind == "c":
            return "complex64"
    return None


def refuse_keras_tensor(x):
    """Raises a TypeError if `x` is a KerasTensor (it holds no data to convert)."""
    if symbolic.is_symbolic_tensor(x):
        raise TypeError(
            "convert_to_tensor received a symbolic KerasTensor; it holds no data. Use "
            "cornu.ops functions on it, or build a Model and call it on real data."
        )
