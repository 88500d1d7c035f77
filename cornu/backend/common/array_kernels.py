"""Kernels written once for the NumPy and JAX backends, over their array namespace `xp`.

`jax.numpy` follows NumPy's API, so many kernels read the same on both backends once the array
namespace is a parameter. Each topic function below takes `xp` (`numpy` or `jax.numpy`) and
returns the topic's shared kernels as `{name: kernel}`; the backend's module of that topic binds
them once, next to its own kernels:

    globals().update(array_kernels.elementwise(np))  # in cornu/backend/numpy/elementwise.py

Only what is truly the same lives here. Where a backend needs something else (NumPy's bfloat16
or warning handling, JAX's jit-safety), the kernel is written in that backend's module and the
topic function here does not offer it. Two parameters carry differences in how a kernel is
bound, not in what it computes:

- `jit(*static_argnames)` decorates the kernels worth compiling as one program: `jax.jit` with
  those static arguments on JAX, `eager` (the kernel itself) on NumPy.
- `to_dtype` turns a cornu dtype name into the backend's dtype.

A kernel that is the namespace's own function (`add` is `xp.add`) is bound as that function, not
wrapped, so calling it costs no Python call inside cornu.

Example:

    import numpy as np
    from cornu.backend.common import array_kernels

    kernels = array_kernels.reduction(np)
    kernels["argmax"](np.array([[1, 3], [2, 0]]), 1)  # array([1, 0], dtype=int32)
"""

import numpy as np  # NumPy itself on both backends: host-side index and constant arrays

_PARAMETERS = frozenset(("xp", "jit", "to_dtype"))


def eager(*static_argnames):
    """The `jit` of an eager backend: the kernel runs as written."""
    return _unchanged


def _unchanged(fn):
    return fn


def _same_named(xp, names):
    """`{name: xp.<name>}`: the kernels that are the namespace's own functions."""
    return {name: getattr(xp, name) for name in names}


def _defined(scope):
    """The kernels a topic function defined: the public names of its `locals()`, less its
    parameters."""
    return {
        name: value
        for name, value in scope.items()
        if not name.startswith("_") and name not in _PARAMETERS
    }


def index_tuple(indices):
    """`(indices[..., 0], indices[..., 1], ...)`: the per-axis index arrays of scatter indices."""
    return tuple(indices[..., i] for i in range(indices.shape[-1]))


def slice_window(x_shape, starts, shape):
    """The index tuple of the `shape` window of an `x_shape` array that starts at `starts`, each
    start clamped so the window fits (as `jax.lax.dynamic_slice` clamps). Plain Python slices:
    the eager backends (NumPy, PyTorch) index and assign with it."""
    window = []
    for s, d, n in zip(starts, x_shape, shape):
        start = min(max(int(s), 0), d - n)
        window.append(slice(start, start + n))
    return tuple(window)


# --- elementwise (inputs already promoted to one dtype by the front end) ---------------------

_ELEMENTWISE = """
    add subtract multiply true_divide floor_divide mod power negative absolute invert
    logical_and logical_or logical_xor logical_not
    equal not_equal less less_equal greater greater_equal
    sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh
    exp exp2 expm1 log log10 log1p log2 sqrt cbrt deg2rad rad2deg reciprocal fabs
    ceil floor trunc rint sign square maximum minimum fmax fmin fmod gcd lcm
    arctan2 hypot logaddexp logaddexp2 nextafter
    bitwise_and bitwise_or bitwise_xor left_shift right_shift
    isnan isinf isfinite isposinf isneginf signbit real imag conj where
""".split()


def elementwise(xp):
    """The elementwise kernels NumPy and JAX share."""

    def divide_no_nan(x1, x2):
        zero = x2 == 0
        safe = xp.where(zero, xp.ones_like(x2), x2)
        return xp.where(zero, xp.zeros_like(x1), x1 / safe)

    def isclose(x1, x2, rtol, atol, equal_nan):
        return xp.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)

    def angle(x):
        if xp.iscomplexobj(x):
            return xp.angle(x)
        return xp.arctan2(xp.zeros_like(x), x)

    def nan_to_num(x, nan, posinf, neginf):
        return xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def copy(x):
        return xp.array(x, copy=True)

    def view_as_real(x):
        return xp.stack([xp.real(x), xp.imag(x)], axis=-1)

    def sinc(x):
        # Written out (not xp.sinc) so float16 keeps sinc(0) = 1.
        zero = x == 0
        y = xp.pi * xp.where(zero, xp.ones_like(x), x)
        return xp.where(zero, xp.ones_like(x), xp.sin(y) / y).astype(x.dtype)

    def clip(x, lo, hi):
        # (The image ops pass Python-float bounds: the result keeps `x`'s dtype.)
        return xp.clip(x, lo, hi).astype(x.dtype, copy=False)

    return {**_same_named(xp, _ELEMENTWISE), **_defined(locals())}


# --- creation (dtypes arrive as cornu dtype names) --------------------------------------------


def creation(xp, to_dtype):
    """The creation kernels NumPy and JAX share; `to_dtype` maps cornu dtype names."""

    def zeros(shape, dtype):
        return xp.zeros(shape, to_dtype(dtype))

    def ones(shape, dtype):
        return xp.ones(shape, to_dtype(dtype))

    def zeros_like(x, dtype=None):
        """Zeros shaped like `x`, of `dtype` (a cornu name), else of `x`'s dtype."""
        return xp.zeros_like(x, None if dtype is None else to_dtype(dtype))

    def ones_like(x, dtype=None):
        """Ones shaped like `x`, of `dtype` (a cornu name), else of `x`'s dtype."""
        return xp.ones_like(x, None if dtype is None else to_dtype(dtype))

    # Constant-only results are made by NumPy on the host: on JAX, no XLA program per shape.
    def eye(N, M, k, dtype):
        return xp.asarray(np.eye(N, M, k, dtype=to_dtype(dtype)))

    def tri(N, M, k, dtype):
        return xp.asarray(np.tri(N, M, k, dtype=to_dtype(dtype)))

    def geomspace(start, stop, num, endpoint, axis):
        return xp.geomspace(start, stop, num, endpoint=endpoint, axis=axis).astype(start.dtype)

    def ravel(x):
        return xp.reshape(x, -1)

    def tril(x, k):
        return xp.tril(x, k)

    def triu(x, k):
        return xp.triu(x, k)

    def diag_matrix(x, k):
        return xp.diag(x, k)

    def diag_part(x, k, length):
        return xp.diag(x, k)

    return _defined(locals())


# --- shape manipulation -----------------------------------------------------------------------

_MANIPULATION = "reshape squeeze transpose expand_dims flip tile".split()


def manipulation(xp):
    """The shape-manipulation kernels NumPy and JAX share."""

    def size(x):
        return xp.size(x)

    def concatenate(xs, axis):
        return xp.concatenate(xs, axis=axis)

    def stack(xs, axis):
        return xp.stack(xs, axis=axis)

    def unstack(x, num, axis):
        return [xp.take(x, i, axis=axis) for i in range(x.shape[axis])]

    def roll(x, shifts, axes):
        return xp.roll(x, shifts, axis=axes)

    def pad(x, pad_width, constant_value):
        return xp.pad(x, pad_width, constant_values=xp.asarray(constant_value, x.dtype))

    def pad_constant(x, widths, value):
        return xp.pad(x, widths, mode="constant", constant_values=value)

    def pad_native(x, widths, mode):
        return xp.pad(x, widths, mode=mode).astype(x.dtype)

    def split(x, sizes, axis):
        """Consecutive pieces of the given sizes along `axis` (they add up to its length); one
        split primitive, whose gradient is one concatenation."""
        return xp.split(x, np.cumsum(sizes)[:-1].tolist(), axis=axis)

    return {**_same_named(xp, _MANIPULATION), **_defined(locals())}


# --- indexing, sorting ------------------------------------------------------------------------


def indexing(xp):
    """The indexing kernels NumPy and JAX share."""

    def get_item(x, key):
        return x[key]

    def trace(diag):
        return xp.sum(diag, axis=-1, dtype=diag.dtype)

    def unravel_index(indices, dims):
        return tuple(xp.asarray(i).astype(indices.dtype) for i in xp.unravel_index(indices, dims))

    return _defined(locals())


def sorting(xp):
    """The sorting and searching kernels NumPy and JAX share (index outputs are int32)."""

    def searchsorted(sorted_sequence, values, right):
        side = "right" if right else "left"
        return xp.searchsorted(sorted_sequence, values, side=side).astype("int32")

    def sort_descending(x, axis):
        return xp.flip(xp.sort(x, axis=axis), axis=axis)

    def isin(x1, x2, invert):
        return xp.asarray(xp.isin(x1, x2, invert=invert))

    return _defined(locals())


# --- reductions -------------------------------------------------------------------------------


def reduction(xp):
    """The reduction kernels NumPy and JAX share.

    `axis` is None, an int or a tuple of axes (the reduction front end passes None or a
    canonical tuple, positionally; the nn front end passes `axis=` and may leave it out). The
    front end has chosen the compute dtype, so each kernel keeps the input's.
    """

    def sum(x, axis=None, keepdims=False):
        return xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)

    def prod(x, axis=None, keepdims=False):
        return xp.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype)

    def max(x, axis=None, keepdims=False):
        return xp.max(x, axis=axis, keepdims=keepdims)

    def min(x, axis=None, keepdims=False):
        return xp.min(x, axis=axis, keepdims=keepdims)

    def all(x, axis=None, keepdims=False):
        return xp.all(x, axis=axis, keepdims=keepdims)

    def any(x, axis=None, keepdims=False):
        return xp.any(x, axis=axis, keepdims=keepdims)

    def argmax(x, axis, keepdims=False):
        return xp.argmax(x, axis=axis, keepdims=keepdims).astype("int32")

    def argmin(x, axis, keepdims=False):
        return xp.argmin(x, axis=axis, keepdims=keepdims).astype("int32")

    def cumsum(x, axis):
        return xp.cumsum(x, axis=axis, dtype=x.dtype)

    def cumprod(x, axis):
        return xp.cumprod(x, axis=axis, dtype=x.dtype)

    def slice_axis(x, axis, start, stop):
        index = [slice(None)] * x.ndim
        index[axis] = slice(start, stop)
        return x[tuple(index)]

    return _defined(locals())


# --- linear algebra (inputs already float and shape-checked by the front end) -----------------


def linalg(xp, jit=eager):
    """The linear-algebra kernels NumPy and JAX share; `jit` as in the module docstring."""

    def _adjoint(x):
        return xp.conj(xp.swapaxes(x, -1, -2))

    @jit("upper")
    def cholesky_inverse(factor, upper):
        a = _adjoint(factor) @ factor if upper else factor @ _adjoint(factor)
        return xp.linalg.inv(a)

    @jit("complex_dtype")
    def eig(x, complex_dtype):
        w, v = xp.linalg.eig(x)
        return w.astype(complex_dtype), v.astype(complex_dtype)

    @jit()
    def eigh(x):
        w, v = xp.linalg.eigh(x)
        return w, v

    @jit("rcond")
    def lstsq(a, b, rcond):
        return xp.linalg.lstsq(a, b, rcond=rcond)[0].astype(a.dtype)

    @jit()
    def matrix_rank(x, tol):
        s = xp.linalg.svd(x, compute_uv=False)
        if tol is None:
            eps = xp.finfo(x.dtype).eps
            tol = xp.max(s, axis=-1, keepdims=True, initial=0.0) * (max(x.shape[-2:]) * eps)
        else:
            tol = xp.asarray(tol, s.dtype)[..., None]
        return xp.sum(s > tol, axis=-1).astype(xp.int32)

    @jit("mode")
    def qr(x, mode):
        q, r = xp.linalg.qr(x, mode=mode)
        return q, r

    @jit()
    def slogdet(x):
        sign, logdet = xp.linalg.slogdet(x)
        return sign.astype(x.dtype), logdet.astype(x.dtype)

    @jit()
    def solve(a, b):
        # b has matrix form (..., N, K); batch dimensions broadcast.
        return xp.linalg.solve(a, b)

    @jit("full_matrices", "compute_uv")
    def svd(x, full_matrices, compute_uv):
        if not compute_uv:
            return xp.linalg.svd(x, compute_uv=False)
        u, s, vh = xp.linalg.svd(x, full_matrices=full_matrices)
        return u, s, vh

    def expand_last(x):
        return x[..., None]

    def squeeze_last(x):
        return x[..., 0]

    return _defined(locals())


# --- image and signal helpers -----------------------------------------------------------------


def image(xp):
    """The small array primitives of cornu.ops.image that NumPy and JAX share."""

    def round_half_away(x):
        return (xp.sign(x) * xp.floor(xp.abs(x) + 0.5)).astype(x.dtype)

    def reduce_mean(x, axis, keepdims=False):
        return xp.mean(x, axis=axis, keepdims=keepdims).astype(x.dtype)

    def batch_offsets(x, step):
        """(batch, 1, 1) int32: i * step for each item i of `x`'s leading axis."""
        return (xp.arange(x.shape[0], dtype="int32") * step).reshape(-1, 1, 1)

    return _defined(locals())


def math(xp, jit=eager):
    """The cornu.ops.math kernels NumPy and JAX share; `jit` as in the module docstring."""

    @jit("length", "stride")
    def frame(x, length, stride):
        n = x.shape[-1]
        count = max(0, 1 + (n - length) // stride) if n >= length else 0
        idx = np.arange(count)[:, None] * stride + np.arange(length)[None, :]
        return x[..., idx]

    @jit("pad")
    def reflect_pad(x, pad):
        widths = [(0, 0)] * (x.ndim - 1) + [(pad, pad)]
        return xp.pad(x, widths, mode="reflect")

    @jit("n")
    def pad_end(x, n):
        return xp.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, n)])

    return _defined(locals())
