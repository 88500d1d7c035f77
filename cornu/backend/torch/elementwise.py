"""PyTorch elementwise kernels (inputs already promoted to one dtype by the front end)."""

import functools
import math as _math

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


def _bind(names, wrap=None):
    """Binds each of the space-separated kernel `names` in this module to `torch.<name>`
    (`name=other`: to `torch.<other>`), passed through `wrap` when given."""
    for entry in names.split():
        name, _, other = entry.partition("=")
        fn = getattr(torch, other or name)
        globals()[name] = fn if wrap is None else wrap(fn)


# The kernels that are torch's functions as they are (torch has most of NumPy's names); math
# inputs arrive already cast to the result dtype by the front end.
_bind(
    "sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh arctan2 exp exp2 "
    "expm1 log log10 log1p log2 sqrt deg2rad rad2deg reciprocal erf erfc erfinv rsqrt ceil floor "
    "trunc hypot logaddexp logaddexp2 nextafter isnan isinf isfinite isposinf isneginf signbit "
    "real imag where logical_and logical_or logical_xor logical_not true_divide "
    "divide=true_divide fabs=abs rint=round conj=conj_physical copy=clone clip=clamp"
)
# Integer arithmetic, computed in int64 for uint16/32/64 and cast back ...
_bind(
    "add subtract multiply floor_divide mod=remainder power=pow negative square maximum minimum "
    "fmax fmin fmod gcd lcm bitwise_and bitwise_or bitwise_xor left_shift=bitwise_left_shift "
    "right_shift=bitwise_right_shift",
    _widening,
)
# ... and comparisons, whose bool results need no cast.
_bind(
    "equal=eq not_equal less less_equal greater greater_equal",
    functools.partial(_widening, keep_dtype=False),
)


_abs = _widening(torch.abs)
_sign = _widening(torch.sign)


def absolute(x):
    return x if x.dtype == torch.bool else _abs(x)


def invert(x):
    if x.dtype in _WIDE_UNSIGNED:
        return torch.bitwise_not(x.to(torch.int64)).to(x.dtype)
    return torch.bitwise_not(x)


def sign(x):
    if x.is_complex():
        return torch.sgn(x)
    if x.is_floating_point():  # torch gives 0 for NaN; NumPy keeps NaN
        return torch.where(torch.isnan(x), x, torch.sign(x))
    return _sign(x)


def cbrt(x):
    return torch.copysign(torch.abs(x).pow(1.0 / 3.0), x)


def i0(x):
    return torch.special.i0(x).to(x.dtype)


def sinc(x):
    zero = x == 0
    y = _math.pi * torch.where(zero, torch.ones_like(x), x)
    return torch.where(zero, torch.ones_like(x), torch.sin(y) / y)


def heaviside(x1, x2):
    return torch.where(torch.isnan(x1), x1, torch.heaviside(x1, x2))


def ldexp(x1, x2):
    return x1 * torch.pow(2.0, x2.to(x1.dtype))


def divide_no_nan(x1, x2):
    zero = x2 == 0
    # (divide by 1 where x2 == 0, so no inf/nan reaches the gradient)
    return (x1 / x2.masked_fill(zero, 1)).masked_fill(zero, 0)


def isclose(x1, x2, rtol, atol, equal_nan):
    return torch.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def angle(x):
    if x.is_complex():
        return torch.angle(x)
    return torch.atan2(torch.zeros_like(x), x)


def nan_to_num(x, nan, posinf, neginf):
    return torch.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def view_as_complex(x):
    return torch.view_as_complex(x.contiguous())


def view_as_real(x):
    return torch.view_as_real(x.resolve_conj()).clone()
