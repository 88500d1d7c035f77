"""PyTorch reduction kernels. `axes` is None or a non-empty tuple of canonical axes; the front
end has already chosen the compute dtype, so every kernel returns it.

Most reductions move the reduced axes last and flatten them ("rows"), so one `dim=-1` call
covers any set of axes (torch.prod, torch.quantile, ... take a single dim).
"""

import math

import torch

# torch stores uint16/32/64 but has no CPU arithmetic for them: compute in int64, cast back.
_WIDE_UNSIGNED = (torch.uint16, torch.uint32, torch.uint64)


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
    """`fn(x, dim=axes, keepdim=...)` directly (torch.sum and torch.mean take several dims):
    no permute/reshape on the hot path. Wide unsigned dtypes take the rows `fallback`."""

    def kernel(x, axes, keepdims):
        if x.dtype in _WIDE_UNSIGNED:
            return fallback(x, axes, keepdims)
        if axes is None:
            out = fn(x)
            return out.reshape([1] * x.dim()) if keepdims else out
        return fn(x, dim=axes, keepdim=keepdims)

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


def _extreme(fn, bool_fn):
    def reduce(rows):
        if rows.dtype == torch.bool:
            return bool_fn(rows, dim=-1)
        out = fn(rows, dim=-1)
        if rows.dtype.is_floating_point:  # NaN propagates, as in NumPy
            out = torch.where(torch.isnan(rows).any(-1), torch.nan, out)
        return out

    return _row_reduction(reduce)


max = _extreme(torch.amax, torch.any)
min = _extreme(torch.amin, torch.all)


def _arg(fn, nan_first):
    def kernel(x, axis, keepdims):
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


argmax = _arg(torch.argmax, True)
argmin = _arg(torch.argmin, True)


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


def maximum(x1, x2):
    if x1.dtype in _WIDE_UNSIGNED:
        return torch.maximum(x1.to(torch.int64), x2.to(torch.int64)).to(x1.dtype)
    return torch.maximum(x1, x2)


def minimum(x1, x2):
    if x1.dtype in _WIDE_UNSIGNED:
        return torch.minimum(x1.to(torch.int64), x2.to(torch.int64)).to(x1.dtype)
    return torch.minimum(x1, x2)


isnan = torch.isnan
sqrt = torch.sqrt


def where(condition, x1, x2):
    return torch.where(condition, x1, x2)


def slice_axis(x, axis, start, stop):
    index = [slice(None)] * x.dim()
    index[axis] = slice(start, stop)
    return x[tuple(index)]


def expand_dims(x, axis):
    return torch.unsqueeze(x, axis)


def corrcoef(x):
    return torch.corrcoef(x).to(x.dtype)


# Elementwise helpers used by composite reductions (inputs share one dtype).
def _widening(fn):
    def kernel(*args):
        dtype = args[0].dtype
        if dtype not in _WIDE_UNSIGNED:
            return fn(*args)
        out = fn(*(a.to(torch.int64) for a in args))
        return out.to(dtype) if out.dtype == torch.int64 else out

    return kernel


def reshape(x, shape):
    return torch.reshape(x, tuple(shape))


add = _widening(torch.add)
subtract = _widening(torch.subtract)
multiply = _widening(torch.multiply)
divide = torch.true_divide
absolute = _widening(torch.abs)
equal = _widening(torch.eq)
not_equal = _widening(torch.ne)
less_equal = _widening(torch.le)
logical_and = torch.logical_and
logical_or = torch.logical_or
logical_not = torch.logical_not
