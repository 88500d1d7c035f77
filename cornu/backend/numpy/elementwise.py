"""NumPy elementwise kernels (inputs already promoted to one dtype by the front end).

The kernels NumPy shares with JAX (`add`, `maximum`, `where`, `clip`, ...) are bound from
`common/array_kernels.py`; the ones below are NumPy's own: half-precision types computed in
float32, erf & co. without SciPy, and division without floating-point warnings.
"""

import math as _math

import numpy as np

from cornu.backend.common import array_kernels

globals().update(array_kernels.elementwise(np))

# --- elementwise math (the front end casts to the result dtype first) -------------------------


def _keep_dtype(fn):
    """Wraps a ufunc so the result keeps the input's dtype (half types computed in float32)."""

    def kernel(x):
        dtype = x.dtype
        if dtype.itemsize < 4:
            return np.asarray(fn(x.astype(np.float32))).astype(dtype)
        return np.asarray(fn(x)).astype(dtype)

    kernel.__name__ = getattr(fn, "__name__", "kernel")
    return kernel


i0 = _keep_dtype(np.i0)


# erf & co. come from SciPy when it is installed (it is not a dependency of cornu); otherwise
# from the C library's erf/erfc, with erfinv by Newton's method on erf.
_py_erf = np.frompyfunc(_math.erf, 1, 1)
_py_erfc = np.frompyfunc(_math.erfc, 1, 1)


def _erf64(x):
    return _py_erf(np.asarray(x, np.float64)).astype(np.float64)


def _erfc64(x):
    return _py_erfc(np.asarray(x, np.float64)).astype(np.float64)


def _erfinv64(y):
    y = np.asarray(y, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Winitzki's approximation as the starting point, then Newton steps.
        a = 0.147
        log_term = np.log1p(-y * y)
        first = 2 / (np.pi * a) + log_term / 2
        x = np.sign(y) * np.sqrt(np.sqrt(first * first - log_term / a) - first)
        for _ in range(4):
            step = (_erf64(x) - y) / (2 / np.sqrt(np.pi) * np.exp(-x * x))
            x = np.where(np.isfinite(x), x - step, x)
    return np.where(np.abs(y) > 1, np.nan, np.where(np.abs(y) == 1, np.copysign(np.inf, y), x))


def _special_function(name, fallback):
    chosen = []

    def kernel(x):
        if not chosen:
            try:
                from scipy import special
            except ImportError:
                chosen.append(_keep_dtype(fallback))
            else:
                chosen.append(_keep_dtype(getattr(special, name)))
        return chosen[0](x)

    return kernel


erf = _special_function("erf", _erf64)
erfc = _special_function("erfc", _erfc64)
erfinv = _special_function("erfinv", _erfinv64)


def rsqrt(x):
    return np.asarray(1 / np.sqrt(x), dtype=x.dtype)


def heaviside(x1, x2):
    if x1.dtype.itemsize < 4:
        return np.heaviside(x1.astype(np.float32), x2.astype(np.float32)).astype(x1.dtype)
    return np.heaviside(x1, x2)


def ldexp(x1, x2):
    if x1.dtype.itemsize < 4:
        return np.ldexp(x1.astype(np.float32), x2).astype(x1.dtype)
    return np.ldexp(x1, x2)


def view_as_complex(x):
    dtype = np.complex128 if x.dtype == np.float64 else np.complex64
    return np.ascontiguousarray(x).view(dtype)[..., 0]


def divide(x1, x2):
    """`x1 / x2` without NumPy's floating-point warnings: the nan-reductions that the front end
    composes divide by zero counts on purpose (0 / 0 is their NaN)."""
    with np.errstate(all="ignore"):
        return np.true_divide(x1, x2)
