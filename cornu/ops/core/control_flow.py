"""Core control-flow ops: cond, switch, while_loop, fori_loop, scan, map, associative_scan and
vectorized_map, on eager tensors and on KerasTensors found at any depth of their arguments.
"""

import builtins

import numpy as np

from cornu import backend, tree
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.core._core_common import _deep_symbolic, _nested_op, _numpy_dtype
from cornu.ops.define import canonicalize_axis, dtype_of, kernels, op, to_tensor

_k = kernels()

__all__ = [
    "cond",
    "switch",
    "while_loop",
    "fori_loop",
    "scan",
    "map",
    "associative_scan",
    "vectorized_map",
]


def _as_spec(x):
    """A KerasTensor with the shape and dtype of `x` (tensors, arrays and Python scalars)."""
    if isinstance(x, KerasTensor) or x is None:
        return x
    if isinstance(x, (bool, int, float, complex)) or hasattr(x, "shape"):
        return KerasTensor(rules.shape_of(x), dtype=dtype_of(x))
    return x


def _spec_of(structure):
    return tree.map_structure(_as_spec, structure)


def _branch_spec(fn, operands):
    """The output spec of `fn(*operands)`, calling it on KerasTensors (cornu ops are symbolic)."""
    try:
        out = fn(*operands)
    except TypeError:
        if not _deep_symbolic(operands):
            raise
        return backend.compute_output_spec(fn, *operands)
    return _spec_of(out)


def _merge_specs(op_name, outputs):
    """One spec for outputs of several branches; differing dimensions become None."""
    first = outputs[0]
    for other in outputs[1:]:
        try:
            tree.assert_same_structure(first, other)
        except ValueError as e:
            raise ValueError(
                f"{op_name}: the branches must return the same structure; {e}"
            ) from None

    def merge(*specs):
        if any(s is None for s in specs):
            if all(s is None for s in specs):
                return None
            raise ValueError(f"{op_name}: some branches return None where others return tensors.")
        shapes = [s.shape for s in specs]
        dtype_set = {s.dtype for s in specs}
        if len(dtype_set) > 1:
            raise ValueError(
                f"{op_name}: the branches must return the same dtypes; received "
                f"{sorted(dtype_set)}."
            )
        if len({len(s) for s in shapes}) > 1:
            raise ValueError(
                f"{op_name}: the branches must return tensors of the same rank; received "
                f"shapes {shapes}."
            )
        shape = tuple(dims[0] if all(d == dims[0] for d in dims) else None for dims in zip(*shapes))
        return KerasTensor(shape, dtype=specs[0].dtype)

    return tree.map_structure(merge, *outputs)


def _cond_spec(pred, true_fn, false_fn):
    if isinstance(pred, KerasTensor) and pred.shape not in ((), (1,)):
        raise ValueError(f"cond: `pred` must be a scalar; received shape {pred.shape}.")
    return _merge_specs("cond", [_branch_spec(true_fn, ()), _branch_spec(false_fn, ())])


@op(spec=_cond_spec)
def cond(pred, true_fn, false_fn):
    """Runs `true_fn()` if `pred` else `false_fn()`; traced into the graph under jit.

    Args:
        pred: a Python bool or a scalar boolean tensor.
        true_fn, false_fn: functions of no arguments returning the same structure of tensors.

    Returns:
        The chosen branch's outputs (for a symbolic `pred`, their common spec).
    """
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError(
            f"cond: `true_fn` and `false_fn` must be callables; received {true_fn!r} and "
            f"{false_fn!r}."
        )
    if isinstance(pred, (bool, np.bool_, int, np.integer)) or isinstance(pred, np.ndarray):
        return true_fn() if bool(pred) else false_fn()
    return backend.cond(pred, true_fn, false_fn)


def _switch_spec(index, branches, *operands):
    _check_branches(branches)
    return _merge_specs("switch", [_branch_spec(b, operands) for b in branches])


def _check_branches(branches):
    if not isinstance(branches, (list, tuple)) or not branches:
        raise ValueError(
            f"switch: `branches` must be a non-empty list of callables; received {branches!r}."
        )
    for b in branches:
        if not callable(b):
            raise TypeError(f"switch: every branch must be callable; received {b!r}.")


@_nested_op(spec=_switch_spec)
def switch(index, branches, *operands):
    """Calls `branches[index](*operands)`; `index` is clamped to `[0, len(branches) - 1]`."""
    _check_branches(branches)
    if isinstance(index, (int, np.integer, bool)):
        index = builtins.min(builtins.max(int(index), 0), len(branches) - 1)
        return branches[index](*operands)
    return _k.switch(index, list(branches), *operands)


def _loop_vars_spec(*args, **kwargs):
    return _spec_of(args[2] if len(args) > 2 else kwargs["loop_vars"])


@_nested_op(spec=_loop_vars_spec)
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)`.

    Args:
        cond: `(*loop_vars) -> scalar bool`.
        body: `(*loop_vars) -> new loop_vars` (same structure, shapes and dtypes).
        loop_vars: a tensor or a tuple/list of tensors.
        maximum_iterations: optional cap on the number of iterations.
    """
    if isinstance(maximum_iterations, (int, np.integer)) and maximum_iterations < 0:
        raise ValueError(
            f"while_loop: `maximum_iterations` must be >= 0; received {maximum_iterations}."
        )
    return backend.while_loop(cond, body, loop_vars, maximum_iterations=maximum_iterations)


@_nested_op()
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops `carry, y = f(carry, x)` over the leading axis of `xs`; returns `(carry, ys)`.

    Args:
        f: `(carry, x) -> (new_carry, y)`; `x` is None when `xs` is None.
        init: the initial carry (any structure of tensors).
        xs: tensors (any structure) to loop over along axis 0, or None with `length`.
        length: the number of steps when `xs` is None.
        reverse: loop from the last element to the first.
        unroll: a hint for compiled backends.

    Returns:
        `(final_carry, ys)` with the `y`s stacked along a new leading axis.
    """
    if xs is None and length is None:
        raise ValueError("scan needs `xs` or `length`; both were None.")
    if length is not None and not isinstance(length, (int, np.integer)):
        raise TypeError(f"scan: `length` must be an int; received {length!r}.")
    if length is None:
        leading = {_leading_dim(x, "scan", "xs") for x in tree.flatten(xs)}
        if len(leading) == 1 and isinstance(next(iter(leading)), int):
            length = next(iter(leading))  # a static length keeps static output shapes
    return backend.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def _leading_dim(x, op_name, arg):
    shape = tuple(getattr(x, "shape", None) or ())
    if not shape:
        raise ValueError(
            f"{op_name}: every tensor in `{arg}` needs a leading axis to loop over; received "
            f"a tensor of shape {shape}."
        )
    return shape[0]


def _fori_spec(lower, upper, body_fun, init_val):
    return _spec_of(init_val)


@_nested_op(spec=_fori_spec)
def fori_loop(lower, upper, body_fun, init_val):
    """`val = body_fun(i, val)` for `i` in `range(lower, upper)`.

    `lower` and `upper` are Python ints or scalar int tensors (traced under jit).
    """
    lower_is_int = isinstance(lower, (int, np.integer))
    upper_is_int = isinstance(upper, (int, np.integer))
    if lower_is_int != upper_is_int:
        # One bound is a tensor: give the other its dtype (TF/JAX loops compare them).
        if lower_is_int:
            lower = to_tensor(lower, dtype_of(upper))
        else:
            upper = to_tensor(upper, dtype_of(lower))
    if _k.fori_loop is not None:
        return _k.fori_loop(lower, upper, body_fun, init_val)
    return backend.fori_loop(lower, upper, body_fun, init_val)


@_nested_op()
def map(f, xs):
    """`f` applied to each slice of `xs` along the leading axis, outputs stacked."""
    xs = tree.map_structure(to_tensor, xs)
    if {_leading_dim(x, "map", "xs") for x in tree.flatten(xs)} == {0}:
        # Nothing to loop over: find the output structure from f's spec.
        element = tree.map_structure(
            lambda x: KerasTensor(tuple(x.shape[1:]), dtype=dtype_of(x)), xs
        )
        spec = backend.compute_output_spec(f, element)
        return tree.map_structure(
            lambda s: to_tensor(np.zeros((0,) + s.shape, _numpy_dtype(s.dtype))), spec
        )
    if hasattr(_k, "map"):  # a native map (jax.lax.map); else a scan
        return _k.map(f, xs)
    _, ys = scan.eager(lambda carry, x: (carry, f(x)), to_tensor(0, "int32"), xs=xs)
    return ys


@_nested_op()
def vectorized_map(function, elements):
    """Maps `function` over the leading axis of `elements` (vmap where the backend has one)."""
    return backend.vectorized_map(function, elements)


def _slice_axis(x, axis, start, stop, step=1):
    key = (builtins.slice(None),) * axis + (builtins.slice(start, stop, step),)
    return x[key]


def _interleave(even, odd, axis):
    """`[even[0], odd[0], even[1], odd[1], ...]` along `axis` (even may be one longer)."""
    n_even, n_odd = even.shape[axis], odd.shape[axis]
    tail = None
    if n_even > n_odd:
        tail = _slice_axis(even, axis, n_odd, None)
        even = _slice_axis(even, axis, 0, n_odd)
    dims = list(backend.shape(even))
    expanded = dims[: axis + 1] + [1] + dims[axis + 1 :]
    pairs = _k.concat([_k.reshape(even, expanded), _k.reshape(odd, expanded)], axis + 1)
    merged = _k.reshape(pairs, dims[:axis] + [2 * n_odd] + dims[axis + 1 :])
    return merged if tail is None else _k.concat([merged, tail], axis)


def _generic_associative_scan(f, elems, reverse, axis):
    flat = [to_tensor(e) for e in tree.flatten(elems)]
    if reverse:
        flat = [_k.flip(x, axis) for x in flat]

    def combine(a, b):
        out = f(tree.pack_sequence_as(elems, a), tree.pack_sequence_as(elems, b))
        return [to_tensor(o) for o in tree.flatten(out)]

    def prefix(xs):
        n = xs[0].shape[axis]
        if n < 2:
            return xs
        # Combine neighbours, scan the half-length result, then fill in the even positions.
        odd = prefix(
            combine(
                [_slice_axis(x, axis, 0, n - 1, 2) for x in xs],
                [_slice_axis(x, axis, 1, n, 2) for x in xs],
            )
        )
        firsts = [_slice_axis(x, axis, 0, 1) for x in xs]
        if (n + 1) // 2 > 1:
            lefts = odd if n % 2 else [_slice_axis(o, axis, 0, n // 2 - 1) for o in odd]
            rest = combine(lefts, [_slice_axis(x, axis, 2, n, 2) for x in xs])
            evens = [_k.concat([a, b], axis) for a, b in zip(firsts, rest)]
        else:
            evens = firsts
        return [_interleave(e, o, axis) for e, o in zip(evens, odd)]

    out = prefix(flat)
    if reverse:
        out = [_k.flip(x, axis) for x in out]
    return tree.pack_sequence_as(elems, out)


@_nested_op()
def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive prefix scan of `elems` along `axis` with an associative `f`.

    Args:
        f: associative `(a, b) -> c`, applied elementwise to batches of slices; `a`, `b`, `c`
            have the structure of `elems`.
        elems: a tensor or a structure of tensors with the same length along `axis`.
        reverse: scan from the end (`out[i]` combines `elems[i:]`).
        axis: the axis to scan along.

    Returns:
        The scanned values, with the structure and shapes of `elems`.
    """
    flat = [to_tensor(e) for e in tree.flatten(elems)]
    if not flat:
        raise ValueError("associative_scan: `elems` holds no tensors.")
    ndim = len(flat[0].shape)
    if ndim == 0:
        raise ValueError("associative_scan: `elems` must have at least one dimension.")
    axis = canonicalize_axis(axis, ndim, "associative_scan")
    lengths = {x.shape[axis] if axis < len(x.shape) else -1 for x in flat}
    if len(lengths) != 1:
        raise ValueError(
            "associative_scan: every tensor in `elems` needs the same length along "
            f"axis {axis}; received shapes {[tuple(x.shape) for x in flat]}."
        )
    if None in lengths or not isinstance(next(iter(lengths)), int):
        raise ValueError(
            f"associative_scan: the length along axis {axis} must be static on the "
            f"{backend.backend()} backend."
        )
    elems = tree.pack_sequence_as(elems, flat)
    if hasattr(_k, "associative_scan"):  # native (jax); else composed below
        return _k.associative_scan(f, elems, reverse, axis)
    return _generic_associative_scan(f, elems, reverse, axis)
