"""Helpers shared by the `cornu.ops.image` modules: the backend's `compiled` hook, image layout
(batch and channel axes), compute dtypes, and contractions with band matrices (resampling
weights and separable filters)."""

import functools
import inspect

import numpy as np

from cornu import backend, config
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops.define import dtype_of, kernels, to_tensor

_k = kernels()


# ---------------------------------------------------------------------------------------------
# Layout helpers
# ---------------------------------------------------------------------------------------------


def jit(n_tensors, sequences=()):
    """Runs an op body through the backend's `compiled` hook (jax.jit on JAX).

    The first `n_tensors` parameters are tensors (those named in `sequences` may also be lists
    of tensors); the others are static Python values baked into the compiled program.
    """

    def decorate(fn):
        signature = inspect.signature(fn)
        names = list(signature.parameters)

        @functools.wraps(fn)
        def run(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            values = [bound.arguments[name] for name in names]
            tensors = [
                [to_tensor(v) for v in t]
                if name in sequences and isinstance(t, (list, tuple))
                else to_tensor(t)
                for name, t in zip(names, values[:n_tensors])
            ]
            static = dict(zip(names[n_tensors:], values[n_tensors:]))
            if "data_format" in static and static["data_format"] is None:
                static["data_format"] = config.image_data_format()
            return _k.compiled(fn, *tensors, **static)

        return run

    return decorate


def checked_data_format(data_format, op_name):
    data_format = config.image_data_format() if data_format is None else data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{op_name}: `data_format` must be 'channels_last' or 'channels_first'; "
            f"received {data_format!r}."
        )
    return data_format


def check_image_rank(shape, op_name, arg="images", ranks=(3, 4)):
    if len(shape) not in ranks:
        raise ValueError(
            f"{op_name}: `{arg}` must be a {ranks[0]}D (single) or {ranks[1]}D (batched) tensor; "
            f"received shape {tuple(shape)}."
        )


def spatial_shape(shape, data_format, n=2):
    """(batch prefix: () or (batch,), spatial dims, channels) of an image shape."""
    prefix = tuple(shape[:1]) if len(shape) == n + 2 else ()
    body = tuple(shape[len(prefix) :])
    if data_format == "channels_first":
        return prefix, body[1:], body[0]
    return prefix, body[:-1], body[-1]


def image_shape(prefix, spatial, channels, data_format):
    """Inverse of `spatial_shape`."""
    if data_format == "channels_first":
        return tuple(prefix) + (channels,) + tuple(spatial)
    return tuple(prefix) + tuple(spatial) + (channels,)


def to_channels_last(x, data_format, n=2):
    """A 3D/4D (or 4D/5D for n=3) image -> (batched channels-last tensor, was_batched)."""
    batched = len(x.shape) == n + 2
    if not batched:
        x = x[None]
    if data_format == "channels_first":
        x = _k.transpose(x, (0,) + tuple(range(2, n + 2)) + (1,))
    return x, batched


def from_channels_last(y, data_format, batched, n=2):
    if data_format == "channels_first":
        y = _k.transpose(y, (0, n + 1) + tuple(range(1, n + 1)))
    if not batched:
        y = y[0]
    return y


def compute_dtype(dtype):
    """The float dtype an image of `dtype` is processed in (ints and bool -> floatx)."""
    if dtype in dtypes.FLOAT_TYPES:
        return dtype
    return config.floatx()


def cast_back(y, dtype):
    """Casts a float result to the input's `dtype` (ints: rounded half away from zero, clipped)."""
    if dtypes.standardize_dtype(y.dtype) == dtype:
        return y
    if dtype in dtypes.INT_TYPES:
        info = np.iinfo(dtype)
        y = _k.clip(_k.round_half_away(y), float(info.min), float(info.max))
    return backend.cast(y, dtype)


def same_dtype_spec(x, shape):
    return KerasTensor(tuple(shape), dtype=dtype_of(x))


# ---------------------------------------------------------------------------------------------
# Band-matrix contractions (resampling weights, separable filters)
# ---------------------------------------------------------------------------------------------


def apply_weights(x, matrices, axes):
    """Contracts each axis in `axes` of `x` with its (out, in) weight matrix."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for matrix, axis in zip(matrices, axes):
        if matrix is None:
            continue
        ndim = len(x.shape)
        src = letters[:ndim]
        dst = src[:axis] + "Z" + src[axis + 1 :]
        w = to_tensor(matrix, dtypes.standardize_dtype(x.dtype))
        x = _k.einsum(f"Z{src[axis]},{src}->{dst}", w, x)
    return x


def gaussian_kernel(size, sigma):
    offsets = np.arange(size, dtype="float64") - (size - 1) / 2.0
    weights = np.exp(-(offsets**2) / (2.0 * float(sigma) ** 2))
    return weights / np.sum(weights)


def filter_matrix(size, taps, pads=(0, 0), mode="constant"):
    """(out, size) matrix M such that M @ v correlates v with `taps` after padding it.

    `pads` = (before, after); "constant" pads with zeros, "reflect" mirrors about the edge
    pixels (NumPy's "reflect").
    """
    before, after = pads
    out = size + before + after - len(taps) + 1
    rows, offsets = np.meshgrid(np.arange(out), np.arange(len(taps)), indexing="ij")
    cols = rows + offsets - before
    weights = np.broadcast_to(np.asarray(taps, "float64"), cols.shape)
    if mode == "reflect":
        period = 2 * (size - 1)
        cols = np.abs((cols + period) % period) if period else np.zeros_like(cols)
        cols = np.where(cols >= size, period - cols, cols)
        keep = np.ones(cols.shape, bool)
    else:
        keep = (cols >= 0) & (cols < size)
    matrix = np.zeros((out, size))
    np.add.at(matrix, (rows[keep], cols[keep]), weights[keep])
    return matrix


def correlate_axis(x, taps, axis, pads=(0, 0), mode="constant"):
    """Correlates float `x` along `axis` with the 1D `taps` (one contraction with a band matrix)."""
    return apply_weights(x, [filter_matrix(int(x.shape[axis]), taps, pads, mode)], [axis])


def blur(x, kernel_size, sigma):
    """Zero-padded "same" Gaussian blur of a batched channels-last tensor."""
    for axis, k, s in ((1, kernel_size[0], sigma[0]), (2, kernel_size[1], sigma[1])):
        x = correlate_axis(x, gaussian_kernel(k, s), axis, ((k - 1) // 2, k - 1 - (k - 1) // 2))
    return x
