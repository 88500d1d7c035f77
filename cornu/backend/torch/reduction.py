"""PyTorch reduction kernels. The front end passes `axes` as None or a non-empty tuple of
canonical axes, and has already chosen the compute dtype, so every kernel returns it. The nn
ops also call `sum`, `max`, `min` and `mean` with `axis=` (None, an int or a tuple, negative
allowed) and `keepdims=` keywords, which those kernels take too.

Most reductions move the reduced axes last and flatten them ("rows"), so one `dim=-1` call
covers any set of axes (torch.prod, torch.quantile, ... take a single dim).
"""

import math

import torch

from cornu.backend.torch.elementwise import _WIDE_UNSIGNED


def _canonical(axes, ndim):
    """`axes` (None, an int or a tuple) as None or a tuple of non-negative axes."""
    if axes is None:
        return None
    if not isinstance(axes, (tuple, list)):
        axes = (axes,)
    return tuple(a % ndim if ndim else a for a in axes)


def _rows(x, axes):
    """(x moved to (*kept, n), kept shape)."""
    ndim = x.dim()
    axes = tuple(range(ndim)) if axes is None else axes
    kept = [i for i in range(ndim) if i not in axes]
    kept_shape = [x.shape[i] for i in kept]
    n = math.prod(x.shape[i] for i in axes)
    return x.permute(tuple(kept) + tuple(axes)).reshape(*kept_shape, n), kept_shape


def _final_shape(shape, axes, keepdims):
    ndim = len(shape)
    axes = tuple(range(ndim)) if axes is None else axes
    if keepdims:
        return [1 if i in axes else d for i, d in enumerate(shape)]
    return [d for i, d in enumerate(shape) if i not in axes]


def _row_reduction(fn):
    def kernel(x, axes, keepdims):
        dtype = x.dtype
        work = x.to(torch.int64) if dtype in _WIDE_UNSIGNED else x
        rows, _ = _rows(work, axes)
        out = fn(rows)
        return out.reshape(_final_shape(x.shape, axes, keepdims)).to(dtype)

    return kernel


def _multi_axis(fn, fallback):
    """`fn(x, dim=axis, keepdim=...)` directly (torch.sum, torch.mean, torch.amax and
    torch.amin take several dims): no permute/reshape on the hot path. Wide unsigned dtypes
    take the rows `fallback`."""

    def kernel(x, axis=None, keepdims=False):
        if x.dtype in _WIDE_UNSIGNED:
            return fallback(x, _canonical(axis, x.dim()), keepdims)
        if axis is None:
            out = fn(x)
            return out.reshape([1] * x.dim()) if keepdims else out
        return fn(x, dim=axis, keepdim=keepdims)

    return kernel


sum = _multi_axis(
    lambda x, **kw: torch.sum(x, dtype=x.dtype, **kw),
    _row_reduction(lambda r: torch.sum(r, dim=-1, dtype=r.dtype)),
)
prod = _row_reduction(lambda r: torch.prod(r, dim=-1, dtype=r.dtype))
all = _row_reduction(lambda r: torch.all(r, dim=-1))
any = _row_reduction(lambda r: torch.any(r, dim=-1))
mean = _multi_axis(torch.mean, _row_reduction(lambda r: torch.mean(r, dim=-1)))
var = _row_reduction(lambda r: torch.var(r, dim=-1, correction=0) if r.shape[-1] else r.mean(-1))
# torch.amax/amin propagate NaN (as NumPy) and take bools.
max = _multi_axis(torch.amax, _row_reduction(lambda r: torch.amax(r, dim=-1)))
min = _multi_axis(torch.amin, _row_reduction(lambda r: torch.amin(r, dim=-1)))


def _arg(fn):
    def kernel(x, axis, keepdims=False):
        shape = x.shape
        if x.dtype == torch.bool:
            x = x.to(torch.uint8)
        elif x.dtype in _WIDE_UNSIGNED:
            x = x.to(torch.int64)
        if axis is None:
            flat = x.reshape(-1)
            index = _nan_aware(fn, flat, 0)
            if keepdims:
                index = index.reshape([1] * len(shape))
            return index.to(torch.int32)
        return _nan_aware(fn, x, axis, keepdims).to(torch.int32)

    def _nan_aware(fn, x, dim, keepdim=False):
        index = fn(x, dim=dim, keepdim=keepdim)
        if x.dtype.is_floating_point:
            nan = torch.isnan(x)
            first_nan = torch.argmax(nan.to(torch.uint8), dim, keepdim)
            index = torch.where(nan.any(dim, keepdim=keepdim), first_nan, index)
        return index

    return kernel


argmax = _arg(torch.argmax)
argmin = _arg(torch.argmin)


def _cumulative(fn):
    def kernel(x, axis):
        dtype = x.dtype
        if dtype in _WIDE_UNSIGNED:
            return fn(x.to(torch.int64), dim=axis).to(dtype)
        return fn(x, dim=axis, dtype=dtype)

    return kernel


cumsum = _cumulative(torch.cumsum)
cumprod = _cumulative(torch.cumprod)


def quantile(x, q, axes, method, keepdims, ignore_nan):
    """Sort-based quantile matching NumPy's methods (NaN sorts last; rows with NaN give NaN
    unless `ignore_nan`, which counts only the non-NaN values of each row)."""
    rows, kept_shape = _rows(x, axes)
    n = rows.shape[-1]
    nan = torch.isnan(rows)
    ordered = torch.sort(torch.where(nan, torch.inf, rows), dim=-1).values
    if ignore_nan:
        count = (n - nan.sum(-1)).to(torch.float64)
    else:
        count = torch.full(kept_shape, float(n), dtype=torch.float64, device=x.device)
    qs = q.reshape(-1).to(torch.float64)
    pos = qs * (count[..., None] - 1)  # (*kept, nq)
    lo, hi = torch.floor(pos), torch.ceil(pos)

    def take(index):
        index = index.clamp(0, n - 1).to(torch.int64)
        return torch.gather(ordered, -1, index)

    if method == "lower":
        out = take(lo)
    elif method == "higher":
        out = take(hi)
    elif method == "nearest":
        out = take(torch.round(pos))
    elif method == "midpoint":
        out = (take(lo) + take(hi)) / 2
    else:
        v_lo, v_hi = take(lo), take(hi)
        t = (pos - lo).to(x.dtype)
        out = torch.where(t > 0, v_lo + (v_hi - v_lo) * t, v_lo)
    invalid = (count == 0) if ignore_nan else nan.any(-1)
    out = torch.where(invalid[..., None], torch.nan, out).to(x.dtype)
    out = out.movedim(-1, 0)
    final = _final_shape(x.shape, axes, keepdims)
    return out.reshape(list(q.shape) + final)


def slice_axis(x, axis, start, stop):
    index = [slice(None)] * x.dim()
    index[axis] = slice(start, stop)
    return x[tuple(index)]


def corrcoef(x):
    return torch.corrcoef(x).to(x.dtype)
