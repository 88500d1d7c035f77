"""TensorFlow elementwise kernels (inputs already promoted to one dtype by the front end)."""

import math as _math

import tensorflow as tf
import tensorflow.experimental.numpy as _tnp


def _bind(names, wrap=None):
    """Binds each of the space-separated kernel `names` in this module to `tf.math.<name>`
    (`name=other`: to `tf.math.<other>`), passed through `wrap` when given."""
    for entry in names.split():
        name, _, other = entry.partition("=")
        fn = getattr(tf.math, other or name)
        globals()[name] = fn if wrap is None else wrap(fn)


# The kernels that are TensorFlow's functions as they are; math inputs arrive already cast to
# the result dtype by the front end.
_bind(
    "sin cos tan arcsin=asin arccos=acos arctan=atan arctan2=atan2 sinh cosh tanh arcsinh=asinh "
    "arccosh=acosh arctanh=atanh exp expm1 log log1p sqrt reciprocal erf erfc rsqrt ceil floor "
    "real imag conj isnan=is_nan isinf=is_inf isfinite=is_finite fabs=abs subtract multiply "
    "true_divide=truediv divide=truediv floor_divide=floordiv mod=floormod power=pow "
    "logical_and logical_or logical_xor logical_not equal not_equal"
)
where = tf.where
copy = tf.identity


def _orderable(fn):
    """`fn` (an order comparison), with bools compared as 0/1 (TF has no bool kernels)."""

    def kernel(x1, x2):
        if x1.dtype == tf.bool:
            return fn(tf.cast(x1, tf.uint8), tf.cast(x2, tf.uint8))
        return fn(x1, x2)

    return kernel


_bind("less less_equal greater greater_equal", _orderable)


def clip(x, lo, hi):
    return tf.clip_by_value(x, tf.cast(lo, x.dtype), tf.cast(hi, x.dtype))


_UNSIGNED = (tf.uint8, tf.uint16, tf.uint32, tf.uint64)


def absolute(x):
    if x.dtype == tf.bool or x.dtype in _UNSIGNED:
        return x
    return tf.abs(x)


def negative(x):
    if x.dtype in _UNSIGNED:  # two's complement wrap-around, as NumPy
        return tf.bitwise.invert(x) + tf.ones_like(x)
    return tf.negative(x)


def invert(x):
    return tf.logical_not(x) if x.dtype == tf.bool else tf.bitwise.invert(x)


def add(x1, x2):
    return tf.logical_or(x1, x2) if x1.dtype == tf.bool else tf.add(x1, x2)


# --- elementwise math (the front end casts to the result dtype first) -------------------------

_HALF = (tf.float16, tf.bfloat16)


def _in_float32(fn):
    """`fn` computed in float32 for float16/bfloat16 (TF has no CPU kernel for them)."""

    def kernel(*args):
        if args[0].dtype in _HALF:
            dtype = args[0].dtype
            return tf.cast(fn(*(tf.cast(a, tf.float32) for a in args)), dtype)
        return fn(*args)

    return kernel


erfinv = _in_float32(tf.math.erfinv)
i0 = _in_float32(tf.math.bessel_i0)


def _const(value, like):
    return tf.constant(value, dtype=like.dtype)


def exp2(x):
    return tf.pow(_const(2, x), x)


def log2(x):
    return tf.math.log(x) / _const(_math.log(2.0), x)


def log10(x):
    return tf.math.log(x) / _const(_math.log(10.0), x)


def cbrt(x):
    return tf.sign(x) * tf.pow(tf.abs(x), _const(1.0 / 3.0, x))


def deg2rad(x):
    return x * _const(_math.pi / 180.0, x)


def rad2deg(x):
    return x * _const(180.0 / _math.pi, x)


def rint(x):
    if x.dtype in (tf.float16, tf.bfloat16):
        return tf.cast(tf.math.rint(tf.cast(x, tf.float32)), x.dtype)
    return tf.math.rint(x)


def trunc(x):
    return tf.where(x < 0, tf.math.ceil(x), tf.math.floor(x))


def sinc(x):
    zero = tf.equal(x, 0)
    one = tf.ones_like(x)
    y = _const(_math.pi, x) * tf.where(zero, one, x)
    return tf.where(zero, one, tf.sin(y) / y)


def sign(x):
    if x.dtype in _UNSIGNED:
        return tf.cast(tf.greater(x, 0), x.dtype)
    if x.dtype in (tf.int8, tf.int16):
        return tf.cast(tf.sign(tf.cast(x, tf.int32)), x.dtype)
    return tf.sign(x)


def square(x):
    return x * x


def _via_int32(fn, x1, x2):
    """Runs `fn` in int32 for small int dtypes that TF lacks kernels for."""
    if x1.dtype in (tf.int8, tf.int16, tf.uint8, tf.uint16):
        return tf.cast(fn(tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)), x1.dtype)
    if x1.dtype in (tf.uint32, tf.uint64):
        return tf.cast(fn(tf.cast(x1, tf.int64), tf.cast(x2, tf.int64)), x1.dtype)
    return fn(x1, x2)


def maximum(x1, x2):
    if x1.dtype == tf.bool:
        return tf.logical_or(x1, x2)
    return _via_int32(tf.maximum, x1, x2)


def minimum(x1, x2):
    if x1.dtype == tf.bool:
        return tf.logical_and(x1, x2)
    return _via_int32(tf.minimum, x1, x2)


def fmax(x1, x2):
    if not x1.dtype.is_floating:
        return maximum(x1, x2)
    return tf.where(tf.math.is_nan(x1), x2, tf.where(tf.math.is_nan(x2), x1, tf.maximum(x1, x2)))


def fmin(x1, x2):
    if not x1.dtype.is_floating:
        return minimum(x1, x2)
    return tf.where(tf.math.is_nan(x1), x2, tf.where(tf.math.is_nan(x2), x1, tf.minimum(x1, x2)))


def fmod(x1, x2):
    return _in_float32(lambda a, b: _via_int32(tf.truncatemod, a, b))(x1, x2)


def gcd(x1, x2):
    return tf.cast(_via_int32(_tnp.gcd, x1, x2), x1.dtype)


def lcm(x1, x2):
    return tf.cast(_via_int32(_tnp.lcm, x1, x2), x1.dtype)


def hypot(x1, x2):
    a, b = tf.abs(x1), tf.abs(x2)
    big, small = tf.maximum(a, b), tf.minimum(a, b)
    safe = tf.where(tf.equal(big, 0), tf.ones_like(big), big)
    ratio = small / safe
    out = big * tf.sqrt(1 + ratio * ratio)
    # inf wins over nan, as in C's hypot.
    return tf.where(tf.math.is_inf(a) | tf.math.is_inf(b), _const(float("inf"), x1), out)


def logaddexp(x1, x2):
    big = tf.maximum(x1, x2)
    delta = x1 - x2
    out = big + tf.math.log1p(tf.exp(-tf.abs(delta)))
    return tf.where(tf.math.is_nan(delta), x1 + x2, out)


def logaddexp2(x1, x2):
    big = tf.maximum(x1, x2)
    delta = x1 - x2
    ln2 = _const(_math.log(2.0), x1)
    out = big + tf.math.log1p(tf.pow(_const(2, x1), -tf.abs(delta))) / ln2
    return tf.where(tf.math.is_nan(delta), x1 + x2, out)


_BITS = {tf.float16: tf.int16, tf.bfloat16: tf.int16}


def nextafter(x1, x2):
    if x1.dtype not in _BITS:
        return tf.math.nextafter(x1, x2)
    # Half types: step the bit pattern by one toward x2.
    int_dtype = _BITS[x1.dtype]
    bits = tf.bitcast(x1, int_dtype)
    step = tf.where(tf.equal(tf.greater(x2, x1), tf.greater(x1, 0)), 1, -1)
    moved = tf.bitcast(bits + tf.cast(step, int_dtype), x1.dtype)
    tiny = tf.bitcast(tf.ones_like(bits), x1.dtype)
    moved = tf.where(tf.equal(x1, 0), tf.where(x2 > 0, tiny, -tiny), moved)
    out = tf.where(tf.equal(x1, x2), x2, moved)
    return tf.where(tf.math.is_nan(x1) | tf.math.is_nan(x2), x1 + x2, out)


def heaviside(x1, x2):
    out = tf.where(x1 < 0, tf.zeros_like(x1), tf.where(x1 > 0, tf.ones_like(x1), x2))
    return tf.where(tf.math.is_nan(x1), x1, out)


def ldexp(x1, x2):
    return x1 * tf.pow(_const(2, x1), tf.cast(x2, x1.dtype))


def divide_no_nan(x1, x2):
    return tf.math.divide_no_nan(x1, x2)


def bitwise_and(x1, x2):
    return tf.logical_and(x1, x2) if x1.dtype == tf.bool else tf.bitwise.bitwise_and(x1, x2)


def bitwise_or(x1, x2):
    return tf.logical_or(x1, x2) if x1.dtype == tf.bool else tf.bitwise.bitwise_or(x1, x2)


def bitwise_xor(x1, x2):
    if x1.dtype == tf.bool:
        return tf.math.logical_xor(x1, x2)
    return tf.bitwise.bitwise_xor(x1, x2)


def _too_far(x, y):
    """Where the shift `y` is at least the bit width of `x` (TF leaves those undefined)."""
    return y >= tf.constant(x.dtype.size * 8, dtype=y.dtype)


def left_shift(x, y):
    return tf.where(_too_far(x, y), tf.zeros_like(x), tf.bitwise.left_shift(x, y))


def right_shift(x, y):
    if x.dtype.is_unsigned:
        overflow = tf.zeros_like(x)
    else:
        overflow = tf.where(x < 0, -tf.ones_like(x), tf.zeros_like(x))
    return tf.where(_too_far(x, y), overflow, tf.bitwise.right_shift(x, y))


def isposinf(x):
    return tf.equal(x, _const(float("inf"), x))


def isneginf(x):
    return tf.equal(x, _const(float("-inf"), x))


_SIGN_BITS = {
    tf.float16: tf.int16,
    tf.bfloat16: tf.int16,
    tf.float32: tf.int32,
    tf.float64: tf.int64,
}


def signbit(x):
    if x.dtype in _SIGN_BITS:
        return tf.bitcast(x, _SIGN_BITS[x.dtype]) < 0
    if x.dtype in _UNSIGNED:
        return tf.zeros_like(x, dtype=tf.bool)
    return x < 0


def _finite(x):
    if x.dtype.is_complex:
        return tf.math.is_finite(tf.math.real(x)) & tf.math.is_finite(tf.math.imag(x))
    return tf.math.is_finite(x)


def _nan(x):
    if x.dtype.is_complex:
        return tf.math.is_nan(tf.math.real(x)) | tf.math.is_nan(tf.math.imag(x))
    return tf.math.is_nan(x)


def isclose(x1, x2, rtol, atol, equal_nan):
    diff = tf.abs(x1 - x2)
    close = diff <= _const(atol, diff) + _const(rtol, diff) * tf.abs(x2)
    out = tf.equal(x1, x2) | (_finite(x1) & _finite(x2) & close)
    if equal_nan:
        out = out | (_nan(x1) & _nan(x2))
    return out


def angle(x):
    if x.dtype.is_complex:
        return tf.math.angle(x)
    return tf.math.atan2(tf.zeros_like(x), x)


def nan_to_num(x, nan, posinf, neginf):
    out = tf.where(tf.math.is_nan(x), _const(nan, x), x)
    out = tf.where(tf.equal(x, _const(float("inf"), x)), _const(posinf, x), out)
    return tf.where(tf.equal(x, _const(float("-inf"), x)), _const(neginf, x), out)


def view_as_complex(x):
    return tf.complex(x[..., 0], x[..., 1])


def view_as_real(x):
    return tf.stack([tf.math.real(x), tf.math.imag(x)], axis=-1)
