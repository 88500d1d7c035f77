"""`cornu.ops.math`: reductions (logsumexp, segment_*), top-k, distances and Fourier transforms.

The Fourier ops exchange complex values as `(real, imag)` pairs of float tensors.
"""

import numpy as np

from cornu import backend
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, float_dtype_of, kernels, op, to_tensor

_k = kernels("math")

__all__ = [
    "cdist",
    "extract_sequences",
    "fft",
    "fft2",
    "ifft2",
    "in_top_k",
    "irfft",
    "istft",
    "logdet",
    "logsumexp",
    "rfft",
    "segment_max",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "stft",
    "top_k",
]

_HALF = ("float16", "bfloat16")


def _compute_dtype(dtype):
    """Half precision computes in float32 (FFT and friends lack half kernels)."""
    return "float32" if dtype in _HALF else dtype


def _cast_back(out, dtype):
    if dtype not in _HALF:
        return out
    if isinstance(out, tuple):
        return tuple(backend.cast(o, dtype) for o in out)
    return backend.cast(out, dtype)


def _shape(x):
    return tuple(rules.shape_of(x))


# --- reductions and distances ----------------------------------------------------------------


def _axes(axis, ndim, op_name):
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(canonicalize_axis(a, ndim, op_name) for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op_name}: `axis` holds an axis twice; received {axis!r}.")
    return axes


def _logsumexp_spec(x, axis=None, keepdims=False):
    shape = _shape(x)
    _axes(axis, len(shape), "logsumexp")
    return KerasTensor(rules.reduced_shape(shape, axis, keepdims, "logsumexp"), float_dtype_of(x))


@op(spec=_logsumexp_spec)
def logsumexp(x, axis=None, keepdims=False):
    """`log(sum(exp(x)))` over `axis` (None: all axes), computed stably; ints give floats."""
    dtype = float_dtype_of(x)
    x = to_tensor(x, dtype)
    axes = _axes(axis, len(_shape(x)), "logsumexp")
    if axes is None:
        axes = tuple(range(len(_shape(x))))
    return _k.logsumexp(x, axes, bool(keepdims))


def _cdist_shape(s1, s2):
    if len(s1) < 2 or len(s2) < 2:
        raise ValueError(
            f"cdist: inputs must have rank >= 2 (`(..., m, d)` and `(..., n, d)`); received "
            f"shapes {s1} and {s2}."
        )
    if s1[-1] is not None and s2[-1] is not None and s1[-1] != s2[-1]:
        raise ValueError(
            f"cdist: the last (feature) dimensions must match; received shapes {s1} and {s2}."
        )
    batch = rules.broadcast_shapes(s1[:-2], s2[:-2], "cdist")
    return batch + (s1[-2], s2[-2])


def _cdist_spec(x, y):
    return KerasTensor(_cdist_shape(_shape(x), _shape(y)), float_dtype_of(x, y))


@op(spec=_cdist_spec)
def cdist(x, y):
    """Euclidean distances between the rows of `x` `(..., m, d)` and `y` `(..., n, d)`.

    Returns:
        `(..., m, n)` distances (batch dimensions broadcast; ints give floats).
    """
    dtype = float_dtype_of(x, y)
    x, y = to_tensor(x, dtype), to_tensor(y, dtype)
    _cdist_shape(_shape(x), _shape(y))
    return _k.cdist(x, y)


def _logdet_spec(x):
    shape = _shape(x)
    _check_square(shape, "logdet")
    return KerasTensor(shape[:-2], float_dtype_of(x))


def _check_square(shape, op_name):
    if len(shape) < 2 or (
        shape[-1] is not None and shape[-2] is not None and shape[-1] != shape[-2]
    ):
        raise ValueError(
            f"{op_name}: `x` must be a square matrix or a batch of them; received shape {shape}."
        )


@op(spec=_logdet_spec)
def logdet(x):
    """Log-determinant of Hermitian positive-definite matrices (`log|det x|` in general)."""
    from cornu.ops.numpy.linear import slogdet

    _check_square(_shape(x), "logdet")
    return slogdet(x)[1]


# --- top-k ---------------------------------------------------------------------------------


def _check_k(k, shape, op_name, last_dim=None):
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ValueError(f"{op_name}: `k` must be a positive int; received {k!r}.")
    n = shape[-1] if last_dim is None else last_dim
    if op_name == "top_k" and n is not None and k > n:
        raise ValueError(f"top_k: `k`={k} is larger than the last dimension of `x` ({n}).")


def _top_k_spec(x, k, sorted=True):
    shape = _shape(x)
    if not shape:
        raise ValueError("top_k: `x` must have rank >= 1; received a scalar.")
    _check_k(k, shape, "top_k")
    out = shape[:-1] + (k,)
    return KerasTensor(out, dtype_of(x)), KerasTensor(out, "int32")


@op(spec=_top_k_spec)
def top_k(x, k, sorted=True):
    """The `k` largest entries along the last axis and their indices (int32).

    Results are always in descending order (`sorted=False` allows any order); among equal
    values the order of indices is backend-dependent.

    Returns:
        `(values, indices)`.
    """
    x = to_tensor(x)
    _top_k_spec(x, k)
    return _k.top_k(x, k)


def _in_top_k_spec(targets, predictions, k):
    ts, ps = _shape(targets), _shape(predictions)
    _check_in_top_k(ts, ps, k)
    return KerasTensor(ts, "bool")


def _check_in_top_k(ts, ps, k):
    if len(ps) != 2 or len(ts) != 1:
        raise ValueError(
            "in_top_k: `predictions` must be 2-D `(batch, classes)` and `targets` 1-D "
            f"`(batch,)`; received shapes {ps} and {ts}."
        )
    if ts[0] is not None and ps[0] is not None and ts[0] != ps[0]:
        raise ValueError(f"in_top_k: `targets` and `predictions` batch sizes differ: {ts} vs {ps}.")
    _check_k(k, ps, "in_top_k")


@op(spec=_in_top_k_spec)
def in_top_k(targets, predictions, k):
    """Whether each target class is among the `k` highest predictions of its row.

    Ties count in favour of the target (a class is in the top k when fewer than `k` classes
    score strictly higher); non-finite target scores give False.

    Args:
        targets: `(batch,)` class indices.
        predictions: `(batch, classes)` scores.
    """
    predictions = to_tensor(predictions)
    if not dtypes.is_float_dtype(dtype_of(predictions)):
        predictions = to_tensor(predictions, float_dtype_of(predictions))
    targets = to_tensor(targets, "int32")
    _check_in_top_k(_shape(targets), _shape(predictions), k)
    return _k.in_top_k(targets, predictions, k)


# --- segment reductions --------------------------------------------------------------------


def _check_segments(ds, ids, num_segments, op_name):
    if len(ids) != 1 or not ds:
        raise ValueError(
            f"{op_name}: `segment_ids` must be 1-D and `data` at least 1-D; received shapes "
            f"{ds} and {ids}."
        )
    if ids[0] is not None and ds[0] is not None and ids[0] != ds[0]:
        raise ValueError(
            f"{op_name}: `segment_ids` must have one id per row of `data`; received shapes "
            f"{ds} and {ids}."
        )
    if num_segments is not None and (
        not isinstance(num_segments, (int, np.integer)) or num_segments < 0
    ):
        raise ValueError(
            f"{op_name}: `num_segments` must be a non-negative int or None; received "
            f"{num_segments!r}."
        )


def _segment(kind):
    def spec(data, segment_ids, num_segments=None, sorted=False):
        ds, ids = _shape(data), _shape(segment_ids)
        _check_segments(ds, ids, num_segments, f"segment_{kind}")
        n = None if num_segments is None else int(num_segments)
        return KerasTensor((n,) + ds[1:], dtype_of(data))

    def fn(data, segment_ids, num_segments=None, sorted=False):
        data = to_tensor(data)
        segment_ids = to_tensor(segment_ids, "int32")
        _check_segments(_shape(data), _shape(segment_ids), num_segments, f"segment_{kind}")
        if num_segments is None:
            try:
                ids = np.asarray(backend.convert_to_numpy(segment_ids))
            except Exception as error:  # a tracer (jit, tf.function): no concrete values
                raise ValueError(
                    f"segment_{kind}: `num_segments` must be given when `segment_ids` are not "
                    "concrete (inside a compiled function)."
                ) from error
            num_segments = int(ids.max()) + 1 if ids.size else 0
        return _k.segment_reduce(data, segment_ids, int(num_segments), kind, bool(sorted))

    fn.__name__ = fn.__qualname__ = f"segment_{kind}"
    identity = {
        "sum": "0",
        "prod": "1",
        "max": "-inf (the dtype's minimum for ints)",
        "min": "+inf (the dtype's maximum for ints)",
    }[kind]
    fn.__doc__ = (
        f"{kind.capitalize()} of the rows of `data` sharing a segment id.\n\n"
        "    Args:\n"
        "        data: `(N, ...)` values.\n"
        "        segment_ids: `(N,)` int ids; ids outside `[0, num_segments)` are dropped.\n"
        "        num_segments: number of output rows; default `max(segment_ids) + 1` (needs\n"
        "            concrete ids).\n"
        "        sorted: whether the ids are sorted (a hint; the result does not depend on it).\n\n"
        "    Returns:\n"
        f"        `(num_segments, ...)`; empty segments hold {identity}.\n"
    )
    return op(spec=spec)(fn)


segment_sum = _segment("sum")
segment_prod = _segment("prod")
segment_max = _segment("max")
segment_min = _segment("min")


# --- framing and Fourier transforms --------------------------------------------------------


def _check_positive(value, name, op_name):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{op_name}: `{name}` must be a positive int; received {value!r}.")


def _num_frames(n, length, stride):
    if n is None:
        return None
    return max(0, 1 + (n - length) // stride) if n >= length else 0


def _extract_spec(x, sequence_length, sequence_stride):
    shape = _shape(x)
    _check_extract(shape, sequence_length, sequence_stride)
    frames = _num_frames(shape[-1], sequence_length, sequence_stride)
    return KerasTensor(shape[:-1] + (frames, sequence_length), dtype_of(x))


def _check_extract(shape, sequence_length, sequence_stride, op_name="extract_sequences"):
    _check_positive(sequence_length, "sequence_length", op_name)
    _check_positive(sequence_stride, "sequence_stride", op_name)
    if not shape:
        raise ValueError(f"{op_name}: `x` must have rank >= 1; received a scalar.")
    if shape[-1] is not None and shape[-1] < sequence_length:
        raise ValueError(
            f"{op_name}: the last dimension of `x` ({shape[-1]}) is shorter than "
            f"`sequence_length` ({sequence_length})."
        )


@op(spec=_extract_spec)
def extract_sequences(x, sequence_length, sequence_stride):
    """Overlapping windows of the last axis: `(..., T)` -> `(..., frames, sequence_length)`,
    frame `i` starting at `i * sequence_stride`; `frames = 1 + (T - sequence_length) //
    sequence_stride`."""
    x = to_tensor(x)
    _check_extract(_shape(x), sequence_length, sequence_stride)
    return _k.frame(x, int(sequence_length), int(sequence_stride))


def _complex_pair(x, op_name, min_rank=1):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"{op_name}: `x` must be a tuple (real, imag) of two tensors; received "
            f"{type(x).__name__}."
        )
    real, imag = x
    s1, s2 = _shape(real), _shape(imag)
    if s1 != s2:
        raise ValueError(
            f"{op_name}: the real and imaginary parts must have the same shape; received "
            f"{s1} and {s2}."
        )
    if len(s1) < min_rank:
        raise ValueError(f"{op_name}: `x` must have rank >= {min_rank}; received shape {s1}.")
    return real, imag


def _pair_spec(op_name, min_rank):
    def spec(x):
        real, imag = _complex_pair(x, op_name, min_rank)
        dtype = float_dtype_of(real, imag)
        shape = _shape(real)
        return KerasTensor(shape, dtype), KerasTensor(shape, dtype)

    return spec


def _pair_inputs(x, op_name, min_rank):
    real, imag = _complex_pair(x, op_name, min_rank)
    dtype = float_dtype_of(real, imag)
    compute = _compute_dtype(dtype)
    return to_tensor(real, compute), to_tensor(imag, compute), dtype


@op(spec=_pair_spec("fft", 1))
def fft(x):
    """Discrete Fourier transform along the last axis.

    Args:
        x: `(real, imag)` pair of float tensors.

    Returns:
        `(real, imag)` of the transform.
    """
    real, imag, dtype = _pair_inputs(x, "fft", 1)
    return _cast_back(_k.fft(real, imag, 1, False), dtype)


@op(spec=_pair_spec("fft2", 2))
def fft2(x):
    """2-D discrete Fourier transform over the last two axes of a `(real, imag)` pair."""
    real, imag, dtype = _pair_inputs(x, "fft2", 2)
    return _cast_back(_k.fft(real, imag, 2, False), dtype)


@op(spec=_pair_spec("ifft2", 2))
def ifft2(x):
    """Inverse 2-D discrete Fourier transform over the last two axes of a `(real, imag)`
    pair (normalized by `1 / (M * N)`)."""
    real, imag, dtype = _pair_inputs(x, "ifft2", 2)
    return _cast_back(_k.fft(real, imag, 2, True), dtype)


def _rfft_length(shape, fft_length, op_name):
    if fft_length is None:
        return shape[-1]
    _check_positive(fft_length, "fft_length", op_name)
    return int(fft_length)


def _rfft_spec(x, fft_length=None):
    shape = _shape(x)
    if not shape:
        raise ValueError("rfft: `x` must have rank >= 1; received a scalar.")
    n = _rfft_length(shape, fft_length, "rfft")
    bins = None if n is None else n // 2 + 1
    dtype = float_dtype_of(x)
    return KerasTensor(shape[:-1] + (bins,), dtype), KerasTensor(shape[:-1] + (bins,), dtype)


@op(spec=_rfft_spec)
def rfft(x, fft_length=None):
    """Fourier transform of a real signal along the last axis (non-negative frequencies only).

    Args:
        x: real tensor `(..., T)`.
        fft_length: transform length (the signal is cropped or zero-padded to it); default `T`.

    Returns:
        `(real, imag)` of shape `(..., fft_length // 2 + 1)`.
    """
    dtype = float_dtype_of(x)
    x = to_tensor(x, _compute_dtype(dtype))
    shape = _shape(x)
    if not shape:
        raise ValueError("rfft: `x` must have rank >= 1; received a scalar.")
    n = _rfft_length(shape, fft_length, "rfft")
    return _cast_back(_k.rfft(x, n), dtype)


def _irfft_spec(x, fft_length=None):
    real, imag = _complex_pair(x, "irfft")
    shape = _shape(real)
    if fft_length is None:
        n = None if shape[-1] is None else 2 * (shape[-1] - 1)
    else:
        n = _rfft_length(shape, fft_length, "irfft")
    return KerasTensor(shape[:-1] + (n,), float_dtype_of(real, imag))


@op(spec=_irfft_spec)
def irfft(x, fft_length=None):
    """Inverse of `rfft`: real signal from the non-negative frequencies of a `(real, imag)` pair.

    Args:
        fft_length: output length; default `2 * (bins - 1)`.
    """
    real, imag, dtype = _pair_inputs(x, "irfft", 1)
    bins = _shape(real)[-1]
    n = 2 * (bins - 1) if fft_length is None else _rfft_length(_shape(real), fft_length, "irfft")
    if n < 1:
        raise ValueError(f"irfft: the output length must be positive; received {n}.")
    return _cast_back(_k.irfft(real, imag, n), dtype)


def _window_array(window, sequence_length, fft_length, op_name):
    """The analysis window as NumPy float64, zero-padded (centred) to `fft_length`."""
    n = np.arange(sequence_length)
    if window is None:
        w = np.ones(sequence_length)
    elif isinstance(window, str):
        if window == "hann":
            w = 0.5 - 0.5 * np.cos(2 * np.pi * n / sequence_length)
        elif window == "hamming":
            w = 0.54 - 0.46 * np.cos(2 * np.pi * n / sequence_length)
        else:
            raise ValueError(
                f"{op_name}: `window` must be 'hann', 'hamming', None or a tensor; received "
                f"{window!r}."
            )
    else:
        if isinstance(window, KerasTensor):
            raise ValueError(f"{op_name}: `window` must be a concrete tensor, not symbolic.")
        w = np.asarray(backend.convert_to_numpy(window) if backend.is_tensor(window) else window)
        w = w.astype("float64")
        if w.shape != (sequence_length,):
            raise ValueError(
                f"{op_name}: a tensor `window` must have shape ({sequence_length},) "
                f"(`sequence_length`); received {w.shape}."
            )
    left = (fft_length - sequence_length) // 2
    return np.pad(w, (left, fft_length - sequence_length - left))


def _check_stft_args(sequence_length, sequence_stride, fft_length, op_name):
    _check_positive(sequence_length, "sequence_length", op_name)
    _check_positive(sequence_stride, "sequence_stride", op_name)
    _check_positive(fft_length, "fft_length", op_name)
    if sequence_length > fft_length:
        raise ValueError(
            f"{op_name}: `sequence_length` ({sequence_length}) must not exceed `fft_length` "
            f"({fft_length})."
        )


def _stft_spec(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    _check_stft_args(sequence_length, sequence_stride, fft_length, "stft")
    shape = _shape(x)
    if not shape:
        raise ValueError("stft: `x` must have rank >= 1; received a scalar.")
    t = shape[-1]
    if t is not None and center:
        t = t + 2 * (fft_length // 2)
    frames = _num_frames(t, fft_length, sequence_stride)
    out = shape[:-1] + (frames, fft_length // 2 + 1)
    dtype = float_dtype_of(x)
    return KerasTensor(out, dtype), KerasTensor(out, dtype)


@op(spec=_stft_spec)
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis.

    Frames of `fft_length` samples start every `sequence_stride` samples; each is multiplied
    by the window (length `sequence_length`, zero-padded on both sides to `fft_length`) and
    transformed with `rfft`.

    Args:
        x: real signal `(..., T)`.
        sequence_length: window length.
        sequence_stride: hop between frames.
        fft_length: frame and FFT length (>= `sequence_length`).
        window: "hann" or "hamming" (periodic), a tensor of length `sequence_length`, or None
            (no windowing).
        center: reflect-pad `fft_length // 2` samples on both sides so frame `t` is centred
            at `t * sequence_stride`.

    Returns:
        `(real, imag)` of shape `(..., frames, fft_length // 2 + 1)`.
    """
    from cornu.ops.numpy.elementwise import multiply

    _check_stft_args(sequence_length, sequence_stride, fft_length, "stft")
    dtype = float_dtype_of(x)
    compute = _compute_dtype(dtype)
    x = to_tensor(x, compute)
    shape = _shape(x)
    if not shape:
        raise ValueError("stft: `x` must have rank >= 1; received a scalar.")
    win = _window_array(window, sequence_length, fft_length, "stft")
    if center:
        pad = fft_length // 2
        if shape[-1] is not None and shape[-1] <= pad:
            raise ValueError(
                f"stft: with `center=True` the signal length ({shape[-1]}) must exceed "
                f"`fft_length // 2` ({pad})."
            )
        x = _k.reflect_pad(x, pad)
    elif shape[-1] is not None and shape[-1] < fft_length:
        raise ValueError(
            f"stft: the signal length ({shape[-1]}) is shorter than `fft_length` ({fft_length})."
        )
    frames = _k.frame(x, int(fft_length), int(sequence_stride))
    frames = multiply(frames, to_tensor(win, compute))
    return _cast_back(_k.rfft(frames, int(fft_length)), dtype)


def _istft_spec(
    x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True
):
    _check_stft_args(sequence_length, sequence_stride, fft_length, "istft")
    real, imag = _complex_pair(x, "istft", 2)
    shape = _shape(real)
    if length is not None:
        n = int(length)
    elif shape[-2] is None:
        n = None
    else:
        n = (shape[-2] - 1) * sequence_stride + fft_length
        if center:
            n -= 2 * (fft_length // 2)
    return KerasTensor(shape[:-2] + (n,), float_dtype_of(real, imag))


@op(spec=_istft_spec)
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse of `stft`: windowed overlap-add of the inverse FFTs of the frames.

    The result is normalized by the overlap-added squared window, so `istft(stft(s))`
    recovers `s` wherever the windows overlap enough (e.g. hann with 50% or more overlap).

    Args:
        x: `(real, imag)` pair of shape `(..., frames, fft_length // 2 + 1)`.
        sequence_length, sequence_stride, fft_length, window, center: as given to `stft`.
        length: trim or zero-pad the output to this many samples.

    Returns:
        Real signal `(..., samples)`.
    """
    from cornu.ops.numpy.elementwise import multiply

    _check_stft_args(sequence_length, sequence_stride, fft_length, "istft")
    real, imag, dtype = _pair_inputs(x, "istft", 2)
    compute = _compute_dtype(dtype)
    shape = _shape(real)
    bins = fft_length // 2 + 1
    if shape[-1] != bins:
        raise ValueError(
            f"istft: the last dimension of `x` must be `fft_length // 2 + 1` ({bins}); "
            f"received shape {shape}."
        )
    num_frames = shape[-2]
    win = _window_array(window, sequence_length, fft_length, "istft")
    frames = _k.irfft(real, imag, int(fft_length))
    frames = multiply(frames, to_tensor(win, compute))
    signal = _k.overlap_add(frames, int(sequence_stride))
    total = (num_frames - 1) * sequence_stride + fft_length
    envelope = np.zeros(total)
    for f in range(num_frames):
        envelope[f * sequence_stride : f * sequence_stride + fft_length] += win**2
    scale = np.where(envelope > 1e-11, 1.0 / np.maximum(envelope, 1e-11), 0.0)
    start = fft_length // 2 if center else 0
    stop = total - start if length is None else start + int(length)
    keep = min(stop, total)
    signal = multiply(signal[..., start:keep], to_tensor(scale[start:keep], compute))
    if stop > keep:
        signal = _k.pad_end(signal, stop - keep)
    return _cast_back(signal, dtype)
