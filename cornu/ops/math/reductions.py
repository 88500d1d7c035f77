"""Reductions of `cornu.ops.math`: logsumexp, segment reductions and top-k; and the pairwise
distances `cdist` and the log-determinant `logdet`.
"""

import numpy as np

from cornu import backend
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, float_dtype_of, kernels, op, to_tensor
from cornu.ops.math._math_common import _shape
from cornu.ops.numpy.linear import slogdet

_k = kernels()

__all__ = [
    "cdist",
    "in_top_k",
    "logdet",
    "logsumexp",
    "segment_max",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "top_k",
]


def _axes(axis, ndim, op_name):
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(canonicalize_axis(a, ndim, op_name) for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op_name}: `axis` holds an axis twice; received {axis!r}.")
    return axes


def _logsumexp_spec(x, axis=None, keepdims=False):
    shape = _shape(x)
    _axes(axis, len(shape), "logsumexp")
    return KerasTensor(rules.reduced_shape(shape, axis, keepdims, "logsumexp"), float_dtype_of(x))


@op(spec=_logsumexp_spec)
def logsumexp(x, axis=None, keepdims=False):
    """`log(sum(exp(x)))` over `axis` (None: all axes), computed stably; ints give floats."""
    dtype = float_dtype_of(x)
    x = to_tensor(x, dtype)
    axes = _axes(axis, len(_shape(x)), "logsumexp")
    if axes is None:
        axes = tuple(range(len(_shape(x))))
    return _k.logsumexp(x, axes, bool(keepdims))


def _cdist_shape(s1, s2):
    if len(s1) < 2 or len(s2) < 2:
        raise ValueError(
            f"cdist: inputs must have rank >= 2 (`(..., m, d)` and `(..., n, d)`); received "
            f"shapes {s1} and {s2}."
        )
    if s1[-1] is not None and s2[-1] is not None and s1[-1] != s2[-1]:
        raise ValueError(
            f"cdist: the last (feature) dimensions must match; received shapes {s1} and {s2}."
        )
    batch = rules.broadcast_shapes(s1[:-2], s2[:-2], "cdist")
    return batch + (s1[-2], s2[-2])


def _cdist_spec(x, y):
    return KerasTensor(_cdist_shape(_shape(x), _shape(y)), float_dtype_of(x, y))


@op(spec=_cdist_spec)
def cdist(x, y):
    """Euclidean distances between the rows of `x` `(..., m, d)` and `y` `(..., n, d)`.

    Returns:
        `(..., m, n)` distances (batch dimensions broadcast; ints give floats).
    """
    dtype = float_dtype_of(x, y)
    x, y = to_tensor(x, dtype), to_tensor(y, dtype)
    _cdist_shape(_shape(x), _shape(y))
    return _k.cdist(x, y)


def _logdet_spec(x):
    shape = _shape(x)
    _check_square(shape, "logdet")
    return KerasTensor(shape[:-2], float_dtype_of(x))


def _check_square(shape, op_name):
    if len(shape) < 2 or (
        shape[-1] is not None and shape[-2] is not None and shape[-1] != shape[-2]
    ):
        raise ValueError(
            f"{op_name}: `x` must be a square matrix or a batch of them; received shape {shape}."
        )


@op(spec=_logdet_spec)
def logdet(x):
    """Log-determinant of Hermitian positive-definite matrices (`log|det x|` in general)."""
    _check_square(_shape(x), "logdet")
    return slogdet(x)[1]


def _check_k(k, shape, op_name, last_dim=None):
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ValueError(f"{op_name}: `k` must be a positive int; received {k!r}.")
    n = shape[-1] if last_dim is None else last_dim
    if op_name == "top_k" and n is not None and k > n:
        raise ValueError(f"top_k: `k`={k} is larger than the last dimension of `x` ({n}).")


def _top_k_spec(x, k, sorted=True):
    shape = _shape(x)
    if not shape:
        raise ValueError("top_k: `x` must have rank >= 1; received a scalar.")
    _check_k(k, shape, "top_k")
    out = shape[:-1] + (k,)
    return KerasTensor(out, dtype_of(x)), KerasTensor(out, "int32")


@op(spec=_top_k_spec)
def top_k(x, k, sorted=True):
    """The `k` largest entries along the last axis and their indices (int32).

    Results are always in descending order (`sorted=False` allows any order); among equal
    values the order of indices is backend-dependent.

    Returns:
        `(values, indices)`.
    """
    x = to_tensor(x)
    _top_k_spec(x, k)
    return _k.top_k(x, k)


def _in_top_k_spec(targets, predictions, k):
    ts, ps = _shape(targets), _shape(predictions)
    _check_in_top_k(ts, ps, k)
    return KerasTensor(ts, "bool")


def _check_in_top_k(ts, ps, k):
    if len(ps) != 2 or len(ts) != 1:
        raise ValueError(
            "in_top_k: `predictions` must be 2-D `(batch, classes)` and `targets` 1-D "
            f"`(batch,)`; received shapes {ps} and {ts}."
        )
    if ts[0] is not None and ps[0] is not None and ts[0] != ps[0]:
        raise ValueError(f"in_top_k: `targets` and `predictions` batch sizes differ: {ts} vs {ps}.")
    _check_k(k, ps, "in_top_k")


@op(spec=_in_top_k_spec)
def in_top_k(targets, predictions, k):
    """Whether each target class is among the `k` highest predictions of its row.

    Ties count in favour of the target (a class is in the top k when fewer than `k` classes
    score strictly higher); non-finite target scores give False.

    Args:
        targets: `(batch,)` class indices.
        predictions: `(batch, classes)` scores.
    """
    predictions = to_tensor(predictions)
    if not dtypes.is_float_dtype(dtype_of(predictions)):
        predictions = to_tensor(predictions, float_dtype_of(predictions))
    targets = to_tensor(targets, "int32")
    _check_in_top_k(_shape(targets), _shape(predictions), k)
    return _k.in_top_k(targets, predictions, k)


def _check_segments(ds, ids, num_segments, op_name):
    if len(ids) != 1 or not ds:
        raise ValueError(
            f"{op_name}: `segment_ids` must be 1-D and `data` at least 1-D; received shapes "
            f"{ds} and {ids}."
        )
    if ids[0] is not None and ds[0] is not None and ids[0] != ds[0]:
        raise ValueError(
            f"{op_name}: `segment_ids` must have one id per row of `data`; received shapes "
            f"{ds} and {ids}."
        )
    if num_segments is not None and (
        not isinstance(num_segments, (int, np.integer)) or num_segments < 0
    ):
        raise ValueError(
            f"{op_name}: `num_segments` must be a non-negative int or None; received "
            f"{num_segments!r}."
        )


def _segment(kind):
    def spec(data, segment_ids, num_segments=None, sorted=False):
        ds, ids = _shape(data), _shape(segment_ids)
        _check_segments(ds, ids, num_segments, f"segment_{kind}")
        n = None if num_segments is None else int(num_segments)
        return KerasTensor((n,) + ds[1:], dtype_of(data))

    def fn(data, segment_ids, num_segments=None, sorted=False):
        data = to_tensor(data)
        segment_ids = to_tensor(segment_ids, "int32")
        _check_segments(_shape(data), _shape(segment_ids), num_segments, f"segment_{kind}")
        if num_segments is None:
            try:
                ids = np.asarray(backend.convert_to_numpy(segment_ids))
            except Exception as error:  # a tracer (jit, tf.function): no concrete values
                raise ValueError(
                    f"segment_{kind}: `num_segments` must be given when `segment_ids` are not "
                    "concrete (inside a compiled function)."
                ) from error
            num_segments = int(ids.max()) + 1 if ids.size else 0
        return _k.segment_reduce(data, segment_ids, int(num_segments), kind, bool(sorted))

    fn.__name__ = fn.__qualname__ = f"segment_{kind}"
    identity = {
        "sum": "0",
        "prod": "1",
        "max": "-inf (the dtype's minimum for ints)",
        "min": "+inf (the dtype's maximum for ints)",
    }[kind]
    fn.__doc__ = (
        f"{kind.capitalize()} of the rows of `data` sharing a segment id.\n\n"
        "    Args:\n"
        "        data: `(N, ...)` values.\n"
        "        segment_ids: `(N,)` int ids; ids outside `[0, num_segments)` are dropped.\n"
        "        num_segments: number of output rows; default `max(segment_ids) + 1` (needs\n"
        "            concrete ids).\n"
        "        sorted: whether the ids are sorted (a hint; the result does not depend on it).\n\n"
        "    Returns:\n"
        f"        `(num_segments, ...)`; empty segments hold {identity}.\n"
    )
    return op(spec=spec)(fn)


segment_sum = _segment("sum")


segment_prod = _segment("prod")


segment_max = _segment("max")


segment_min = _segment("min")
