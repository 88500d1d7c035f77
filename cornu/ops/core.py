"""Core ops: conversion, cast, control flow, gradients, shapes (`keras.ops` core names)."""

import builtins
import functools

import ml_dtypes
import numpy as np

from cornu import backend, tree
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.operation import OpCall
from cornu.ops import rules
from cornu.ops.core_updates import (  # noqa: F401 (re-exported in __all__)
    rearrange,
    scatter,
    scatter_update,
    slice,
    slice_update,
)
from cornu.ops.define import canonicalize_axis, dtype_of, kernels, op, to_tensor

_k = kernels("core_ops")

__all__ = [
    "cast",
    "convert_to_tensor",
    "convert_to_numpy",
    "is_tensor",
    "shape",
    "dtype",
    "cond",
    "while_loop",
    "scan",
    "fori_loop",
    "stop_gradient",
    "vectorized_map",
    "associative_scan",
    "switch",
    "map",
    "custom_gradient",
    "saturate_cast",
    "slice",
    "slice_update",
    "scatter",
    "scatter_update",
    "unstack",
    "rearrange",
    "vectorize",
]


# -- helpers for symbolic (KerasTensor) inputs ---------------------------------------------


def _deep_symbolic(*structures):
    return any(isinstance(x, KerasTensor) for x in tree.flatten(structures))


def _nested_op(spec=None):
    """Like `@op`, but finds KerasTensors at any depth (carries and xs are pytrees)."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if _deep_symbolic(args, kwargs):
                return OpCall(fn, spec).symbolic_call(*args, **kwargs)
            return fn(*args, **kwargs)

        wrapper.eager = fn
        wrapper.spec = spec
        return wrapper

    return decorate


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


# -- conversion and dtypes -------------------------------------------------------------------


def _cast_spec(x, dtype):
    return KerasTensor(rules.shape_of(x), dtype=dtypes.standardize_dtype(dtype))


@op(spec=_cast_spec)
def cast(x, dtype):
    """Converts `x` to `dtype` (a dtype name or framework dtype)."""
    return backend.cast(x, dtypes.standardize_dtype(dtype))


def _dtype_info(name):
    if name in dtypes.INT_TYPES:
        return np.iinfo(name)
    if name == "bfloat16":
        return ml_dtypes.finfo(ml_dtypes.bfloat16)
    return np.finfo(name)


def _numpy_dtype(name):
    return np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)


def _bound_in(value, src, toward_zero_from):
    """`value` as a `src` scalar, stepped toward zero while rounding leaves it out of range."""
    np_dtype = _numpy_dtype(src)
    bound = np.asarray(value, dtype=np_dtype)
    if src in dtypes.INT_TYPES:
        return bound
    zero = np.asarray(0, dtype=np_dtype)
    while (float(bound) > value) if toward_zero_from == "above" else (float(bound) < value):
        bound = np.asarray(np.nextafter(bound, zero), dtype=np_dtype)
    return bound


def _saturation_bounds(src, dst):
    """Clip bounds (as `src` scalars) keeping values representable in `dst`, or None."""
    numeric = dtypes.INT_TYPES + dtypes.FLOAT_TYPES
    if src not in numeric or dst not in numeric:
        return None
    src_info, dst_info = _dtype_info(src), _dtype_info(dst)
    as_number = (lambda v: int(v)) if src in dtypes.INT_TYPES else (lambda v: float(v))
    lo = builtins.max(as_number(src_info.min), _exact(dst_info.min))
    hi = builtins.min(as_number(src_info.max), _exact(dst_info.max))
    if lo <= as_number(src_info.min) and hi >= as_number(src_info.max):
        return None
    return _bound_in(lo, src, "below"), _bound_in(hi, src, "above")


def _exact(v):
    return int(v) if isinstance(v, (int, np.integer)) else float(v)


@op(spec=_cast_spec)
def saturate_cast(x, dtype):
    """Casts `x` to `dtype`, first clipping values to the range `dtype` can hold."""
    dtype = dtypes.standardize_dtype(dtype)
    x = to_tensor(x)
    bounds = _saturation_bounds(dtype_of(x), dtype)
    if bounds is not None:
        lo, hi = bounds
        src = dtype_of(x)
        x = _k.clip(x, to_tensor(lo, src), to_tensor(hi, src))
    return backend.cast(x, dtype)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Turns arrays, lists, scalars and Variables into the backend's tensor type.

    Python floats become `floatx()`, Python ints int32; NumPy arrays keep their dtype.
    """
    if dtype is not None:
        dtype = dtypes.standardize_dtype(dtype)
    return backend.convert_to_tensor(x, dtype=dtype, sparse=sparse, ragged=ragged)


def convert_to_numpy(x):
    """Returns `x` as a NumPy array."""
    if isinstance(x, KerasTensor):
        raise TypeError(
            "convert_to_numpy received a symbolic KerasTensor; it holds no data. Call the "
            "model or function on real inputs first."
        )
    return backend.convert_to_numpy(x)


def is_tensor(x):
    """True for a tensor of the backend in use (not a Variable, not a KerasTensor)."""
    return backend.is_tensor(x)


def shape(x):
    """The shape of `x` as a tuple (None or a scalar tensor where unknown)."""
    if isinstance(x, KerasTensor):
        return x.shape
    if isinstance(x, backend.Variable):
        return x.shape
    return backend.shape(backend.convert_to_tensor(x))


def dtype(x):
    """cornu's dtype name of `x`."""
    return dtypes.standardize_dtype(
        x.dtype if hasattr(x, "dtype") else backend.convert_to_tensor(x).dtype
    )


# -- control flow ----------------------------------------------------------------------------


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
    if _k.map is not None:
        return _k.map(f, xs)
    _, ys = scan.eager(lambda carry, x: (carry, f(x)), to_tensor(0, "int32"), xs=xs)
    return ys


def stop_gradient(variable):
    """Returns `variable` with gradients blocked."""
    if isinstance(variable, KerasTensor):
        return variable
    return backend.stop_gradient(variable)


@_nested_op()
def vectorized_map(function, elements):
    """Maps `function` over the leading axis of `elements` (vmap where the backend has one)."""
    return backend.vectorized_map(function, elements)


# -- associative_scan ------------------------------------------------------------------------


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
    if _k.HAS_NATIVE_ASSOCIATIVE_SCAN:
        return _k.associative_scan(f, elems, reverse, axis)
    return _generic_associative_scan(f, elems, reverse, axis)


# -- gradients -------------------------------------------------------------------------------


def custom_gradient(f):
    """Decorator giving `f` its own gradient.

    `f(*args)` returns `(output, grad_fn)`; `grad_fn(upstream)` (one upstream per output)
    returns the gradient for each of `args` (a tensor for one argument, a tuple for several).
    On the numpy backend (no gradients) the decorated function returns `output` only.
    """
    kernel = _k.custom_gradient(f)

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        if _deep_symbolic(args, kwargs):
            return backend.compute_output_spec(lambda *a, **k: f(*a, **k)[0], *args, **kwargs)
        return kernel(*args, **kwargs)

    return wrapper


# -- unstack ---------------------------------------------------------------------------------


def _unstack_count(shape, num, axis):
    size = shape[axis]
    if num is not None:
        if not isinstance(num, int) or num < 0:
            raise ValueError(f"unstack: `num` must be a non-negative int; received {num!r}.")
        if size is not None and not hasattr(size, "dtype") and size != num:
            raise ValueError(f"unstack: `num`={num} does not match the size {size} of axis {axis}.")
        return num
    if size is None or not isinstance(size, int):
        raise ValueError(
            f"unstack: the size of axis {axis} is unknown; pass `num`. Received shape {shape}."
        )
    return size


def _unstack_spec(x, num=None, axis=0):
    shape = rules.shape_of(x)
    axis = canonicalize_axis(axis, len(shape), "unstack")
    count = _unstack_count(shape, num, axis)
    rest = shape[:axis] + shape[axis + 1 :]
    return [KerasTensor(rest, dtype=dtype_of(x)) for _ in range(count)]


@op(spec=_unstack_spec)
def unstack(x, num=None, axis=0):
    """Splits `x` along `axis` into a list of tensors of one rank less."""
    x = to_tensor(x)
    shape = tuple(x.shape)
    if not shape:
        raise ValueError("unstack: `x` must have at least one dimension; received a scalar.")
    axis = canonicalize_axis(axis, len(shape), "unstack")
    static = tuple(d if isinstance(d, int) else None for d in shape)
    count = _unstack_count(static, num, axis)
    return _k.unstack(x, count, axis)


# -- vectorize -------------------------------------------------------------------------------


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
    count = int(np.prod(loop_shape)) if loop_shape else 1
    flat = []
    for v, core in zip(values, cores):
        core_shape = tuple(v.shape)[len(v.shape) - len(core) :]
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
