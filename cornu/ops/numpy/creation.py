"""NumPy-API creation ops: filled arrays, ranges, windows, triangles and diagonals."""

import math

import numpy as np

from cornu import backend
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, float_dtype_of, kernels, op, promote, to_tensor

_k = kernels()

__all__ = [
    "arange",
    "array",
    "bartlett",
    "blackman",
    "diag",
    "diagflat",
    "empty",
    "empty_like",
    "eye",
    "full",
    "full_like",
    "geomspace",
    "hamming",
    "hanning",
    "identity",
    "kaiser",
    "linspace",
    "logspace",
    "meshgrid",
    "ones",
    "ones_like",
    "tri",
    "tril",
    "triu",
    "vander",
    "zeros",
    "zeros_like",
]


def _dtype_or_floatx(dtype):
    return dtypes.standardize_dtype(dtype)  # None -> floatx


def _shape_arg(shape, op_name):
    """`shape` as a tuple of non-negative ints (an int, a sequence or a 1-D concrete tensor).

    Inside a TensorFlow graph a dimension may also be a scalar int tensor (a dynamic size).
    """
    if isinstance(shape, KerasTensor):
        raise TypeError(f"{op_name}: `shape` must be concrete ints; received a KerasTensor.")
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (list, tuple)):
        try:
            shape = np.asarray(shape).reshape(-1).tolist()
        except Exception:
            raise TypeError(
                f"{op_name}: `shape` must be an int or a sequence of ints; received {shape!r}."
            ) from None
    return tuple(_dim(d, shape, op_name) for d in shape)


def _dim(d, shape, op_name):
    if isinstance(d, (int, np.integer)) and not isinstance(d, bool):
        if d < 0:
            raise ValueError(f"{op_name}: `shape` must be non-negative; received {tuple(shape)}.")
        return int(d)
    if isinstance(d, KerasTensor) or not hasattr(d, "dtype"):
        raise TypeError(
            f"{op_name}: `shape` must be an int or a sequence of ints; received {shape!r}."
        )
    try:
        value = int(d)
    except TypeError:
        return d  # a dynamic (graph) dimension
    return _dim(value, shape, op_name) if isinstance(value, int) else d


def _count_arg(n, op_name, arg):
    if isinstance(n, KerasTensor):
        raise TypeError(f"{op_name}: `{arg}` must be a concrete int; received a KerasTensor.")
    try:
        value = int(n)
    except (TypeError, ValueError):
        raise TypeError(f"{op_name}: `{arg}` must be an int; received {n!r}.") from None
    if value != n or isinstance(n, bool):
        raise TypeError(f"{op_name}: `{arg}` must be an int; received {n!r}.")
    if value < 0:
        raise ValueError(f"{op_name}: `{arg}` must be non-negative; received {value}.")
    return value


# -- filled arrays --------------------------------------------------------------------------


def zeros(shape, dtype=None):
    """An array of zeros of `shape` (`dtype` defaults to floatx)."""
    return _k.zeros(_shape_arg(shape, "zeros"), _dtype_or_floatx(dtype))


def ones(shape, dtype=None):
    """An array of ones of `shape` (`dtype` defaults to floatx)."""
    return _k.ones(_shape_arg(shape, "ones"), _dtype_or_floatx(dtype))


def empty(shape, dtype=None):
    """An array of `shape` with unspecified contents (here: zeros; `dtype` defaults to floatx)."""
    return _k.zeros(_shape_arg(shape, "empty"), _dtype_or_floatx(dtype))


def _full_spec(shape, fill_value, dtype=None):
    shape = _shape_arg(shape, "full")
    return KerasTensor(
        rules.broadcast_shapes(shape, rules.shape_of(fill_value), "full"),
        dtype=_dtype_or_floatx(dtype),
    )


@op(spec=_full_spec)
def full(shape, fill_value, dtype=None):
    """An array of `shape` filled with `fill_value` (broadcast; `dtype` defaults to floatx)."""
    shape = _shape_arg(shape, "full")
    dtype = _dtype_or_floatx(dtype)
    fill_value = to_tensor(fill_value, dtype)
    if not all(isinstance(d, int) for d in shape):
        return _k.full(shape, fill_value)  # dynamic dimensions: the framework checks
    out_shape = rules.broadcast_shapes(shape, tuple(fill_value.shape), "full")
    if out_shape != shape:
        raise ValueError(
            f"full: `fill_value` of shape {tuple(fill_value.shape)} cannot be broadcast to "
            f"`shape` {shape} (it would give {out_shape})."
        )
    return _k.full(shape, fill_value)


def _like_dtype(x, dtype):
    return dtype_of(x) if dtype is None else dtypes.standardize_dtype(dtype)


def _like_spec(x, dtype=None):
    return KerasTensor(rules.shape_of(x), dtype=_like_dtype(x, dtype))


@op(spec=_like_spec)
def zeros_like(x, dtype=None):
    """Zeros with the shape of `x` (and its dtype unless `dtype` is given)."""
    x = to_tensor(x)
    return _k.zeros_like(x, _like_dtype(x, dtype))


@op(spec=_like_spec)
def ones_like(x, dtype=None):
    """Ones with the shape of `x` (and its dtype unless `dtype` is given)."""
    x = to_tensor(x)
    return _k.ones_like(x, _like_dtype(x, dtype))


@op(spec=_like_spec)
def empty_like(x, dtype=None):
    """An uninitialised array like `x` (here: zeros)."""
    x = to_tensor(x)
    return _k.zeros_like(x, _like_dtype(x, dtype))


def _full_like_spec(x, fill_value, dtype=None):
    return KerasTensor(rules.shape_of(x), dtype=_like_dtype(x, dtype))


@op(spec=_full_like_spec)
def full_like(x, fill_value, dtype=None):
    """An array with the shape of `x` filled with `fill_value` (broadcast to `x`'s shape)."""
    x = to_tensor(x)
    dtype = _like_dtype(x, dtype)
    return _k.full_like(x, to_tensor(fill_value, dtype))


def _array_spec(x, dtype=None):
    return KerasTensor(
        rules.shape_of(x), dtype=dtype_of(x) if dtype is None else dtypes.standardize_dtype(dtype)
    )


@op(spec=_array_spec)
def array(x, dtype=None):
    """Converts `x` (array-like) to a tensor, of `dtype` when given."""
    return to_tensor(x, None if dtype is None else dtypes.standardize_dtype(dtype))


# -- ranges ---------------------------------------------------------------------------------


def _scalar_value(v, op_name, arg):
    if isinstance(v, KerasTensor):
        raise TypeError(f"{op_name}: `{arg}` must be a concrete number; received a KerasTensor.")
    if isinstance(v, (bool, int, float)):
        return v
    try:
        array_value = np.asarray(v) if not hasattr(v, "numpy") else np.asarray(v.numpy())
    except Exception:
        array_value = np.asarray(backend.convert_to_numpy(v))
    if array_value.ndim != 0:
        raise ValueError(
            f"{op_name}: `{arg}` must be a scalar; received shape {array_value.shape}."
        )
    return array_value.item()


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in `[start, stop)` by `step`.

    Without `dtype`, integer arguments give int32 and any float argument floatx.
    """
    values = [v for v in (start, stop, step) if v is not None]
    if dtype is None:
        dtype = dtypes.result_type(*(dtype_of(v) for v in values))
        if dtype == "bool":
            dtype = "int32"
    dtype = dtypes.standardize_dtype(dtype)
    start = _scalar_value(start, "arange", "start")
    stop = None if stop is None else _scalar_value(stop, "arange", "stop")
    step = 1 if step is None else _scalar_value(step, "arange", "step")
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("arange: `step` must not be zero.")
    length = max(0, math.ceil((stop - start) / step))
    return _k.arange(start, stop, step, length, dtype)


def _check_num(num, op_name):
    return _count_arg(num, op_name, "num")


def _space_dtypes(start, stop, dtype):
    compute = float_dtype_of(start, stop)
    if dtype is None:
        return compute, compute
    dtype = dtypes.standardize_dtype(dtype)
    if dtype in dtypes.FLOAT_TYPES or dtype in dtypes.COMPLEX_TYPES:
        compute = dtypes.result_type(compute, dtype)
    return compute, dtype


def _space_spec(op_name, start, stop, num, dtype, axis, retstep=False):
    num = _check_num(num, op_name)
    base = rules.broadcast_shapes(rules.shape_of(start), rules.shape_of(stop), op_name)
    ndim = len(base) + 1
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op_name}: `axis`={axis} is out of range for an output of rank {ndim}.")
    axis %= ndim
    compute, out = _space_dtypes(start, stop, dtype)
    samples = KerasTensor(base[:axis] + (num,) + base[axis:], dtype=out)
    return (samples, KerasTensor(base, dtype=compute)) if retstep else samples


def _linspace_spec(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    return _space_spec("linspace", start, stop, num, dtype, axis, retstep)


def _spaced(op_name, start, stop, num, endpoint, dtype, axis, base=None):
    num = _check_num(num, op_name)
    compute, out = _space_dtypes(start, stop, dtype)
    start, stop = promote(start, stop, dtype=compute)
    ndim = len(rules.broadcast_shapes(tuple(start.shape), tuple(stop.shape), op_name)) + 1
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op_name}: `axis`={axis} is out of range for an output of rank {ndim}.")
    endpoint = bool(endpoint)
    if op_name == "linspace":
        samples, step = _k.linspace(start, stop, num, endpoint, axis % ndim)
        return _k.cast_values(samples, out), step
    if op_name == "logspace":
        base = _scalar_value(base, op_name, "base")
        return _k.cast_values(_k.logspace(start, stop, num, endpoint, base, axis % ndim), out)
    return _k.cast_values(_k.geomspace(start, stop, num, endpoint, axis % ndim), out)


@op(spec=_linspace_spec)
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced samples from `start` to `stop` (inclusive when `endpoint`).

    `start`/`stop` may be arrays (broadcast); the samples run along `axis`. With `retstep`,
    returns `(samples, step)`. Integer `dtype`s round the samples toward minus infinity.
    """
    samples, step = _spaced("linspace", start, stop, num, endpoint, dtype, axis)
    return (samples, step) if retstep else samples


def _logspace_spec(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    return _space_spec("logspace", start, stop, num, dtype, axis)


@op(spec=_logspace_spec)
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """`base ** linspace(start, stop, ...)`: samples evenly spaced on a log scale."""
    return _spaced("logspace", start, stop, num, endpoint, dtype, axis, base=base)


def _geomspace_spec(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    return _space_spec("geomspace", start, stop, num, dtype, axis)


@op(spec=_geomspace_spec)
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Samples from `start` to `stop` in a geometric progression (both non-zero, same sign)."""
    return _spaced("geomspace", start, stop, num, endpoint, dtype, axis)


def _meshgrid_spec(*x, indexing="xy"):
    sizes = [_vector_size(v, "meshgrid") for v in x]
    if indexing == "xy" and len(sizes) >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    return [KerasTensor(tuple(sizes), dtype=dtype_of(v)) for v in x]


def _vector_size(v, op_name):
    shape = rules.shape_of(v)
    if len(shape) > 1:
        raise ValueError(f"{op_name}: inputs must be 1-D; received shape {shape}.")
    return shape[0] if shape else 1


@op(spec=_meshgrid_spec)
def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D vectors (`indexing` "xy": Cartesian, "ij": matrix)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: `indexing` must be 'xy' or 'ij'; received {indexing!r}.")
    tensors = [to_tensor(v) for v in x]
    for v in tensors:
        _vector_size(v, "meshgrid")
    sizes = [int(_k.ravel(v).shape[0]) for v in tensors]
    if indexing == "xy" and len(sizes) >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    grids = []
    for i, v in enumerate(tensors):
        axis = {0: 1, 1: 0}.get(i, i) if indexing == "xy" and len(sizes) >= 2 else i
        shape = [1] * len(sizes)
        shape[axis] = sizes[axis]
        grids.append(_k.broadcast_to(_k.reshape(v, tuple(shape)), tuple(sizes)))
    return grids


# -- windows --------------------------------------------------------------------------------


def _window(name, x, fn):
    m = _count_arg(x, name, "x")
    return to_tensor(np.asarray(fn(m), dtype="float64"), dtypes.standardize_dtype(None))


def bartlett(x):
    """The Bartlett (triangular) window of `x` points, in floatx."""
    return _window("bartlett", x, np.bartlett)


def blackman(x):
    """The Blackman window of `x` points, in floatx."""
    return _window("blackman", x, np.blackman)


def hamming(x):
    """The Hamming window of `x` points, in floatx."""
    return _window("hamming", x, np.hamming)


def hanning(x):
    """The Hann window of `x` points, in floatx."""
    return _window("hanning", x, np.hanning)


def kaiser(x, beta):
    """The Kaiser window of `x` points with shape parameter `beta`, in floatx."""
    beta = float(_scalar_value(beta, "kaiser", "beta"))
    return _window("kaiser", x, lambda m: np.kaiser(m, beta))


# -- matrices -------------------------------------------------------------------------------


def _matrix_args(op_name, N, M, k):
    N = _count_arg(N, op_name, "N")
    M = N if M is None else _count_arg(M, op_name, "M")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"{op_name}: `k` must be an int; received {k!r}.")
    return N, M, int(k)


def eye(N, M=None, k=0, dtype=None):
    """An `N x M` matrix with ones on the `k`-th diagonal (`dtype` defaults to floatx)."""
    N, M, k = _matrix_args("eye", N, M, k)
    return _k.eye(N, M, k, _dtype_or_floatx(dtype))


def identity(n, dtype=None):
    """The `n x n` identity matrix (`dtype` defaults to floatx)."""
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """An `N x M` matrix with ones at and below the `k`-th diagonal (`dtype`: floatx)."""
    N, M, k = _matrix_args("tri", N, M, k)
    return _k.tri(N, M, k, _dtype_or_floatx(dtype))


def _triangle_spec(x, k=0):
    shape = rules.shape_of(x)
    if len(shape) < 2:
        raise ValueError(f"tril/triu: `x` must have rank >= 2; received shape {shape}.")
    return KerasTensor(shape, dtype=dtype_of(x))


def _triangle(op_name, x, k, lower):
    x = to_tensor(x)
    if len(x.shape) < 2:
        raise ValueError(f"{op_name}: `x` must have rank >= 2; received shape {tuple(x.shape)}.")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"{op_name}: `k` must be an int; received {k!r}.")
    return _k.tril(x, int(k)) if lower else _k.triu(x, int(k))


@op(spec=_triangle_spec)
def tril(x, k=0):
    """`x` with the elements above the `k`-th diagonal (of the last two axes) zeroed."""
    return _triangle("tril", x, k, lower=True)


@op(spec=_triangle_spec)
def triu(x, k=0):
    """`x` with the elements below the `k`-th diagonal (of the last two axes) zeroed."""
    return _triangle("triu", x, k, lower=False)


def _diag_shape(shape, k, op_name):
    if len(shape) == 1:
        n = None if shape[0] is None else shape[0] + abs(k)
        return (n, n)
    if len(shape) == 2:
        rows, cols = shape
        if rows is None or cols is None:
            return (None,)
        return (max(0, min(rows + min(k, 0), cols - max(k, 0))),)
    raise ValueError(f"{op_name}: `x` must be 1-D or 2-D; received shape {shape}.")


def _diag_spec(x, k=0):
    return KerasTensor(_diag_shape(rules.shape_of(x), k, "diag"), dtype=dtype_of(x))


@op(spec=_diag_spec)
def diag(x, k=0):
    """A 1-D `x` -> matrix with `x` on the `k`-th diagonal; a 2-D `x` -> its `k`-th diagonal."""
    x = to_tensor(x)
    shape = tuple(x.shape)
    _diag_shape(shape, k, "diag")
    if len(shape) == 1:
        return _k.diag_matrix(x, int(k))
    return _k.diag_part(x, int(k), _diag_shape(shape, k, "diag")[0])


def _diagflat_spec(x, k=0):
    shape = rules.shape_of(x)
    size = None if None in shape else math.prod(shape)
    return KerasTensor(_diag_shape((size,), k, "diagflat"), dtype=dtype_of(x))


@op(spec=_diagflat_spec)
def diagflat(x, k=0):
    """A matrix with the flattened `x` on its `k`-th diagonal."""
    x = to_tensor(x)
    return _k.diag_matrix(_k.ravel(x), int(k))


def _vander_spec(x, N=None, increasing=False):
    shape = rules.shape_of(x)
    if len(shape) != 1:
        raise ValueError(f"vander: `x` must be 1-D; received shape {shape}.")
    return KerasTensor((shape[0], shape[0] if N is None else N), dtype=_vander_dtype(x))


def _vander_dtype(x):
    dtype = dtype_of(x)
    return "int32" if dtype == "bool" else dtype


@op(spec=_vander_spec)
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of 1-D `x`: columns are powers of `x` (decreasing by default)."""
    x = to_tensor(x)
    if len(x.shape) != 1:
        raise ValueError(f"vander: `x` must be 1-D; received shape {tuple(x.shape)}.")
    x = to_tensor(x, _vander_dtype(x))
    n = x.shape[0] if N is None else _count_arg(N, "vander", "N")
    return _k.vander(x, int(n), bool(increasing))
