"""Core ops writing into or reading blocks of tensors: slice, slice_update, scatter,
scatter_update, and the einops-style `rearrange`."""

import re

import numpy as np

from cornu import backend
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, kernels, op, to_tensor

_k = kernels()

__all__ = ["slice", "slice_update", "scatter", "scatter_update", "rearrange"]

_REDUCTIONS = (None, "add", "max", "min", "mul")


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _starts(start_indices, ndim, op_name):
    """`start_indices` as a list of `ndim` Python ints or scalar tensors."""
    if isinstance(start_indices, KerasTensor):
        raise TypeError(f"{op_name}: symbolic `start_indices` are not supported here.")
    if isinstance(start_indices, (list, tuple)):
        starts = list(start_indices)
    else:
        tensor = to_tensor(start_indices)
        if len(tensor.shape) != 1:
            raise ValueError(
                f"{op_name}: `start_indices` must be a 1-D list or tensor; received shape "
                f"{tuple(tensor.shape)}."
            )
        starts = [tensor[i] for i in range(tensor.shape[0])]
    if len(starts) != ndim:
        raise ValueError(
            f"{op_name}: `start_indices` needs one entry per dimension of `inputs` ({ndim}); "
            f"received {len(starts)}."
        )
    for s in starts:
        if not _is_int(s) and not (hasattr(s, "dtype") and "int" in str(dtype_of(s))):
            raise TypeError(f"{op_name}: `start_indices` must hold integers; received {s!r}.")
    return starts


def _static_shape(shape):
    """A shape given as an array or concrete tensor -> a tuple of Python ints."""
    if isinstance(shape, (list, tuple)) or _is_int(shape) or isinstance(shape, KerasTensor):
        return shape
    if hasattr(shape, "shape") and hasattr(shape, "dtype"):
        try:
            return tuple(int(d) for d in np.asarray(backend.convert_to_numpy(shape)).reshape(-1))
        except Exception:  # a traced tensor: no concrete values
            return shape
    return shape


def _slice_shape(shape, input_shape):
    shape = _static_shape(shape)
    if _is_int(shape):
        shape = (shape,)
    if not isinstance(shape, (list, tuple)) or not all(_is_int(d) for d in shape):
        raise TypeError(f"slice: `shape` must be a tuple of ints; received {shape!r}.")
    shape = tuple(shape)
    if len(shape) != len(input_shape):
        raise ValueError(
            f"slice: `shape` {shape} must have one entry per dimension of `inputs` "
            f"(shape {input_shape})."
        )
    for n, d in zip(shape, input_shape):
        if n < 0 or (d is not None and n > d):
            raise ValueError(
                f"slice: `shape` {shape} does not fit in `inputs` of shape {input_shape}."
            )
    return shape


def _slice_spec(inputs, start_indices, shape):
    input_shape = rules.shape_of(inputs)
    return KerasTensor(_slice_shape(shape, input_shape), dtype=dtype_of(inputs))


@op(spec=_slice_spec)
def slice(inputs, start_indices, shape):
    """The block of `inputs` of size `shape` starting at `start_indices`.

    Start indices may be tensors (traced under jit); they are clamped so the block fits.
    """
    inputs = to_tensor(inputs)
    shape = _slice_shape(shape, rules.shape_of(inputs))
    starts = _starts(start_indices, len(shape), "slice")
    return _k.dynamic_slice(inputs, starts, shape)


def _check_update_shapes(input_shape, update_shape):
    if len(update_shape) != len(input_shape) or any(
        u is not None and d is not None and u > d for u, d in zip(update_shape, input_shape)
    ):
        raise ValueError(
            f"slice_update: `updates` of shape {update_shape} do not fit in `inputs` of shape "
            f"{input_shape}."
        )


def _slice_update_spec(inputs, start_indices, updates):
    _check_update_shapes(rules.shape_of(inputs), rules.shape_of(updates))
    return KerasTensor(rules.shape_of(inputs), dtype=dtype_of(inputs))


@op(spec=_slice_update_spec)
def slice_update(inputs, start_indices, updates):
    """`inputs` with the block at `start_indices` replaced by `updates` (cast to its dtype).

    Start indices may be tensors; they are clamped so the block fits.
    """
    inputs = to_tensor(inputs)
    updates = to_tensor(updates, dtype_of(inputs))
    _check_update_shapes(rules.shape_of(inputs), rules.shape_of(updates))
    starts = _starts(start_indices, len(inputs.shape), "slice_update")
    return _k.dynamic_update_slice(inputs, starts, updates)


def _indices_tensor(indices, op_name):
    tensor = to_tensor(indices)
    dtype = dtype_of(tensor)
    if dtype not in ("int32", "int64", "int16", "int8", "uint8"):
        raise TypeError(f"{op_name}: `indices` must be integers; received dtype {dtype}.")
    if dtype not in ("int32", "int64"):
        tensor = to_tensor(tensor, "int32")
    if len(tensor.shape) < 1:
        raise ValueError(f"{op_name}: `indices` must have at least 1 dimension; received a scalar.")
    return tensor


def _check_scatter_shapes(op_name, index_shape, value_shape, target_shape, value_name):
    k = index_shape[-1]
    if k is None:
        return
    if k > len(target_shape):
        raise ValueError(
            f"{op_name}: `indices` address {k} dimensions but the target has shape {target_shape}."
        )
    expected = tuple(index_shape[:-1]) + tuple(target_shape[k:])
    if len(expected) != len(value_shape) or any(
        a is not None and b is not None and a != b for a, b in zip(expected, value_shape)
    ):
        raise ValueError(
            f"{op_name}: `{value_name}` must have shape {expected} (indices.shape[:-1] + "
            f"target shape[{k}:]); received {value_shape}."
        )


def _target_shape(shape):
    shape = _static_shape(shape)
    if _is_int(shape):
        shape = (shape,)
    if not isinstance(shape, (list, tuple)) or not all(_is_int(d) and d >= 0 for d in shape):
        raise TypeError(
            f"scatter: `shape` must be a tuple of non-negative ints; received {shape!r}."
        )
    return tuple(shape)


def _scatter_spec(indices, values, shape):
    shape = _target_shape(shape)
    _check_scatter_shapes(
        "scatter", rules.shape_of(indices), rules.shape_of(values), shape, "values"
    )
    return KerasTensor(shape, dtype=dtype_of(values))


@op(spec=_scatter_spec)
def scatter(indices, values, shape):
    """A zero tensor of `shape` with `values` added at `indices` (duplicates are summed).

    Args:
        indices: int tensor of shape `(..., k)`, each row indexing the first k dimensions.
        values: tensor of shape `indices.shape[:-1] + shape[k:]`.
        shape: the output shape.
    """
    shape = _target_shape(shape)
    indices = _indices_tensor(indices, "scatter")
    values = to_tensor(values)
    _check_scatter_shapes(
        "scatter", rules.shape_of(indices), rules.shape_of(values), shape, "values"
    )
    return _k.scatter(indices, values, shape)


def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"scatter_update: `reduction` must be one of {_REDUCTIONS}; received {reduction!r}."
        )


def _scatter_update_spec(inputs, indices, updates, reduction=None):
    _check_reduction(reduction)
    shape = rules.shape_of(inputs)
    _check_scatter_shapes(
        "scatter_update", rules.shape_of(indices), rules.shape_of(updates), shape, "updates"
    )
    return KerasTensor(shape, dtype=dtype_of(inputs))


@op(spec=_scatter_update_spec)
def scatter_update(inputs, indices, updates, reduction=None):
    """`inputs` with `updates` written at `indices`.

    Args:
        inputs: the tensor to update.
        indices: int tensor of shape `(N, k)`, each row indexing the first k dimensions.
        updates: tensor of shape `(N,) + inputs.shape[k:]` (cast to `inputs`' dtype).
        reduction: None (replace), "add", "max", "min" or "mul": how updates combine with
            the existing values (and with each other at duplicate indices).
    """
    _check_reduction(reduction)
    inputs = to_tensor(inputs)
    indices = _indices_tensor(indices, "scatter_update")
    updates = to_tensor(updates, dtype_of(inputs))
    _check_scatter_shapes(
        "scatter_update",
        rules.shape_of(indices),
        rules.shape_of(updates),
        rules.shape_of(inputs),
        "updates",
    )
    return _k.scatter_update(inputs, indices, updates, reduction)


# -- rearrange -------------------------------------------------------------------------------

_TOKEN = re.compile(r"\.\.\.|\(|\)|[A-Za-z_][A-Za-z0-9_]*|\d+|\S")
_ELLIPSIS = "..."


def _parse_side(text, pattern):
    """One side of a pattern -> a list of groups (each a list of axis names)."""
    groups, current = [], None
    for token in _TOKEN.findall(text):
        if token == "(":
            if current is not None:
                raise ValueError(f"rearrange: nested parentheses in pattern {pattern!r}.")
            current = []
        elif token == ")":
            if current is None:
                raise ValueError(f"rearrange: unbalanced parentheses in pattern {pattern!r}.")
            groups.append(current)
            current = None
        elif token == _ELLIPSIS or token.isidentifier() or token == "1":
            if token == _ELLIPSIS and current is not None:
                raise ValueError(f"rearrange: '...' inside parentheses in {pattern!r}.")
            entry = [] if token == "1" else [token]
            if current is None:
                groups.append(entry if token != _ELLIPSIS else [_ELLIPSIS])
            else:
                current.extend(entry)
        else:
            raise ValueError(f"rearrange: unexpected {token!r} in pattern {pattern!r}.")
    if current is not None:
        raise ValueError(f"rearrange: unbalanced parentheses in pattern {pattern!r}.")
    names = [n for g in groups for n in g]
    if len(names) != len(set(names)):
        raise ValueError(f"rearrange: an axis name repeats in {text.strip()!r} ({pattern!r}).")
    return groups


def _product(values):
    result = 1
    for v in values:
        if v is None or result is None:
            return None
        result = result * v
    return result


def _rearrange_plan(shape, pattern, axes_lengths):
    """(elementary shape, permutation, output shape) for `pattern` on an input of `shape`."""
    if not isinstance(pattern, str) or pattern.count("->") != 1:
        raise ValueError(f"rearrange: `pattern` must look like 'a b -> b a'; received {pattern!r}.")
    left, right = pattern.split("->")
    lhs, rhs = _parse_side(left, pattern), _parse_side(right, pattern)
    has_ellipsis = [_ELLIPSIS] in lhs
    if has_ellipsis != ([_ELLIPSIS] in rhs):
        raise ValueError(f"rearrange: '...' must appear on both sides or neither in {pattern!r}.")
    ndim = len(shape)
    if has_ellipsis:
        extra = ndim - (len(lhs) - 1)
        if extra < 0:
            raise ValueError(
                f"rearrange: pattern {pattern!r} needs at least {len(lhs) - 1} dimensions; "
                f"the input has shape {shape}."
            )
        dots = [f"...{i}" for i in range(extra)]

        def expand(groups):
            out = []
            for g in groups:
                out.extend([[d] for d in dots] if g == [_ELLIPSIS] else [g])
            return out

        lhs, rhs = expand(lhs), expand(rhs)
    if len(lhs) != ndim:
        raise ValueError(
            f"rearrange: pattern {pattern!r} has {len(lhs)} input axes; the input has shape "
            f"{shape}."
        )
    left_names = [n for g in lhs for n in g]
    right_names = [n for g in rhs for n in g]
    if set(left_names) != set(right_names):
        raise ValueError(
            f"rearrange: both sides of {pattern!r} must name the same axes; "
            f"{sorted(set(left_names) ^ set(right_names))} appear on one side only."
        )
    unknown = set(axes_lengths) - set(left_names)
    if unknown:
        raise ValueError(f"rearrange: axes_lengths {sorted(unknown)} are not in {pattern!r}.")
    sizes = {}
    for group, dim in zip(lhs, shape):
        known = [axes_lengths[n] for n in group if n in axes_lengths]
        missing = [n for n in group if n not in axes_lengths]
        if not group:
            if _is_int(dim) and dim != 1:
                raise ValueError(f"rearrange: an axis of size {dim} is matched by '1' or '()'.")
            continue
        if len(missing) > 1:
            raise ValueError(
                f"rearrange: cannot split an axis into {missing}; give their sizes as keyword "
                "arguments."
            )
        for n in group:
            if n in axes_lengths:
                sizes[n] = axes_lengths[n]
        if missing:
            rest = _product(known)
            if dim is None:
                sizes[missing[0]] = None
            elif _is_int(dim) and dim % rest:
                raise ValueError(
                    f"rearrange: axis of size {dim} cannot be split into {group} "
                    f"(sizes {axes_lengths})."
                )
            else:
                sizes[missing[0]] = dim // rest
        elif _is_int(dim) and _product(known) != dim:
            raise ValueError(
                f"rearrange: axis of size {dim} does not match {group} with sizes "
                f"{[axes_lengths[n] for n in group]}."
            )
    elementary = [sizes[n] for n in left_names]
    permutation = [left_names.index(n) for n in right_names]
    out_shape = [_product([sizes[n] for n in g]) for g in rhs]
    return elementary, permutation, out_shape


def _rearrange_spec(tensor, pattern, **axes_lengths):
    _, _, out_shape = _rearrange_plan(rules.shape_of(tensor), pattern, axes_lengths)
    return KerasTensor(tuple(out_shape), dtype=dtype_of(tensor))


@op(spec=_rearrange_spec)
def rearrange(tensor, pattern, **axes_lengths):
    """Reorders, splits and merges axes following an einops-style pattern.

    Example: `rearrange(x, "b (h w) c -> b c h w", h=4)`; `...` stands for any axes, `1` or
    `()` for an axis of size 1.

    Args:
        tensor: the input.
        pattern: `"<input axes> -> <output axes>"`; parentheses group axes merged into one.
        **axes_lengths: sizes of axes split out of a dimension.
    """
    tensor = to_tensor(tensor)
    elementary, permutation, out_shape = _rearrange_plan(
        tuple(backend.shape(tensor)), pattern, axes_lengths
    )
    x = _k.reshape(tensor, elementary)
    if permutation != sorted(permutation):
        x = _k.transpose(x, permutation)
    return _k.reshape(x, out_shape)
