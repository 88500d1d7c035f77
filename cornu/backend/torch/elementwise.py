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


add = _widening(torch.add)
subtract = _widening(torch.subtract)
multiply = _widening(torch.multiply)
true_divide = torch.true_divide
floor_divide = _widening(torch.floor_divide)
mod = _widening(torch.remainder)
power = _widening(torch.pow)
negative = _widening(torch.negative)
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

# --- elementwise math (the front end casts to the result dtype first) -------------------------

sin = torch.sin
cos = torch.cos
tan = torch.tan
arcsin = torch.asin
arccos = torch.acos
arctan = torch.atan
sinh = torch.sinh
cosh = torch.cosh
tanh = torch.tanh
arcsinh = torch.asinh
arccosh = torch.acosh
arctanh = torch.atanh
exp = torch.exp
exp2 = torch.exp2
expm1 = torch.expm1
log = torch.log
log10 = torch.log10
log1p = torch.log1p
log2 = torch.log2
sqrt = torch.sqrt
deg2rad = torch.deg2rad
rad2deg = torch.rad2deg
reciprocal = torch.reciprocal
fabs = torch.abs
erf = torch.erf
erfc = torch.erfc
erfinv = torch.erfinv
rsqrt = torch.rsqrt
ceil = torch.ceil
floor = torch.floor
trunc = torch.trunc
rint = torch.round
square = _widening(torch.square)
maximum = _widening(torch.maximum)
minimum = _widening(torch.minimum)
fmax = _widening(torch.fmax)
fmin = _widening(torch.fmin)
fmod = _widening(torch.fmod)
gcd = _widening(torch.gcd)
lcm = _widening(torch.lcm)
arctan2 = torch.atan2
hypot = torch.hypot
logaddexp = torch.logaddexp
logaddexp2 = torch.logaddexp2
nextafter = torch.nextafter
bitwise_and = _widening(torch.bitwise_and)
bitwise_or = _widening(torch.bitwise_or)
bitwise_xor = _widening(torch.bitwise_xor)
left_shift = _widening(torch.bitwise_left_shift)
right_shift = _widening(torch.bitwise_right_shift)
isnan = torch.isnan
isinf = torch.isinf
isfinite = torch.isfinite
isposinf = torch.isposinf
isneginf = torch.isneginf
signbit = torch.signbit
real = torch.real
imag = torch.imag
conj = torch.conj_physical
where = torch.where
zeros_like = torch.zeros_like
ones_like = torch.ones_like
copy = torch.clone


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
