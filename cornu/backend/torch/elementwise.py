"""PyTorch elementwise kernels (inputs already promoted to one dtype by the front end)."""

import functools

import torch

# torch stores uint16/32/64 but has no CPU arithmetic for them: compute in int64, cast back.
_WIDE_UNSIGNED = (torch.uint16, torch.uint32, torch.uint64)


def _widening(fn, keep_dtype=True):
    @functools.wraps(fn)
    def kernel(*args):
        dtype = args[0].dtype
        if dtype not in _WIDE_UNSIGNED:
            return fn(*args)
        out = fn(*(a.to(torch.int64) for a in args))
        return out.to(dtype) if keep_dtype else out

    return kernel


add = _widening(torch.add)
subtract = _widening(torch.subtract)
multiply = _widening(torch.multiply)
true_divide = torch.true_divide
floor_divide = _widening(torch.floor_divide)
mod = _widening(torch.remainder)
power = _widening(torch.pow)
negative = _widening(torch.negative)
absolute = _widening(torch.abs)
invert = torch.bitwise_not
logical_and = torch.logical_and
logical_or = torch.logical_or
logical_xor = torch.logical_xor
logical_not = torch.logical_not
equal = _widening(torch.eq, keep_dtype=False)
not_equal = _widening(torch.ne, keep_dtype=False)
less = _widening(torch.lt, keep_dtype=False)
less_equal = _widening(torch.le, keep_dtype=False)
greater = _widening(torch.gt, keep_dtype=False)
greater_equal = _widening(torch.ge, keep_dtype=False)
