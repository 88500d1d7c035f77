"""Framing and Fourier transforms of `cornu.ops.math`: extract_sequences, fft, fft2, ifft2,
rfft, irfft, stft and istft. Complex values travel as `(real, imag)` pairs of float tensors.
"""

import numpy as np

from cornu import backend
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops.define import dtype_of, float_dtype_of, kernels, op, to_tensor
from cornu.ops.math._math_common import _cast_back, _compute_dtype, _shape
from cornu.ops.numpy.elementwise import multiply

_k = kernels()

__all__ = [
    "extract_sequences",
    "fft",
    "fft2",
    "ifft2",
    "irfft",
    "istft",
    "rfft",
    "stft",
]


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
