"""`STFTSpectrogram`: the short-time Fourier transform of each channel of a batch of signals,
as a strided 1-D convolution with fixed (but trainable) windowed-DFT kernels.

Kernel `k` of `real_kernel` is `w[n] * cos(2 pi k n / fft_length)` and of `imag_kernel`
`-w[n] * sin(2 pi k n / fft_length)` over the `frame_length` samples `n` of a frame, so frame
`f` of the output is the DFT (first `fft_length // 2 + 1` bins) of the windowed samples
`[f * frame_step, f * frame_step + frame_length)`, zero-padded to `fft_length`.
"""

import math
import warnings

import numpy as np

from cornu import config, ops
from cornu.backend.common import dtypes
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer

MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")
_SCALINGS = (None, "density", "spectrum")
_PADDINGS = ("valid", "same")
# "magnitude" is `sqrt(max(power, _EPSILON))` and "log" its log: finite on silent frames.
_EPSILON = 1e-7


def _positive_int(value, name, layer):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{layer}: `{name}` must be a positive int. Received: {name}={value!r}")
    return int(value)


def window_samples(window, length, periodic, layer):
    """The window as float64 NumPy samples: "hann" and "hamming" built here, other names from
    `scipy.signal.get_window`, an array used as given, None for no window (ones)."""
    if window is None:
        return np.ones(length)
    if isinstance(window, str):
        n = np.arange(length)
        denominator = length if periodic else max(length - 1, 1)
        if window == "hann":
            return 0.5 - 0.5 * np.cos(2 * np.pi * n / denominator)
        if window == "hamming":
            return 0.54 - 0.46 * np.cos(2 * np.pi * n / denominator)
        return _scipy_window(window, length, periodic, layer)
    samples = np.asarray(window, dtype="float64")
    if samples.shape != (length,):
        raise ValueError(
            f"{layer}: an array `window` must have shape ({length},) (the frame length); "
            f"received shape {samples.shape}."
        )
    return samples


def _scipy_window(window, length, periodic, layer):
    try:
        from scipy import signal
    except ImportError:
        raise ImportError(
            f"{layer}: window={window!r} needs scipy (`pip install scipy`); 'hann', 'hamming' "
            "and None work without it."
        ) from None
    try:
        return np.asarray(signal.get_window(window, length, fftbins=periodic), dtype="float64")
    except ValueError as error:
        raise ValueError(f"{layer}: unknown window {window!r} ({error}).") from None


def dft_kernels(frame_length, fft_length, window, periodic, scaling):
    """`(real, imag)` kernels of shape `(frame_length, 1, fft_length // 2 + 1)` (float64).

    The window is scaled to unit energy ("density") or unit sum ("spectrum"); no window
    means no scaling."""
    w = window_samples(window, frame_length, periodic, "STFTSpectrogram")
    if window is not None and scaling == "density":
        w = w / np.sqrt(np.sum(w**2))
    elif window is not None and scaling == "spectrum":
        w = w / np.sum(w)
    angle = 2 * np.pi * np.outer(np.arange(frame_length), np.arange(fft_length // 2 + 1))
    angle = angle / fft_length
    real = w[:, None] * np.cos(angle)
    imag = -w[:, None] * np.sin(angle)
    return real[:, None, :], imag[:, None, :]


class STFTSpectrogram(Layer):
    """The spectrogram (short-time Fourier transform) of every channel of a batch of signals.

    Input: `(batch, samples, channels)` (`(batch, channels, samples)` for channels_first),
    float. Output, with `bins = fft_length // 2 + 1` (twice that for `mode="stft"`):
    `(batch, frames, channels * bins)` (channel-major), or `(batch, frames, bins, channels)`
    with `expand_dims`; for channels_first `(batch, channels * bins, frames)` or
    `(batch, channels, frames, bins)`.

    Args:
        mode: "log" (`log` of the magnitude), "magnitude", "psd" (one-sided power spectral
            density: bins other than the first and the last doubled), "real", "imag",
            "angle" (phase, radians) or "stft" (real parts then imaginary parts).
        frame_length: samples per frame (the window's length).
        frame_step: samples between frames; default `frame_length // 2`.
        fft_length: DFT length (>= `frame_length`, frames are zero-padded to it); default
            the next power of two from `frame_length`.
        window: "hann", "hamming", another `scipy.signal.get_window` name, an array of
            `frame_length` samples, or None (no window, no scaling).
        periodic: a periodic window (for spectral analysis) rather than a symmetric one.
        scaling: "density" (window of unit energy), "spectrum" (unit sum) or None.
        padding: "valid" (frames inside the signal) or "same" (`ceil(samples / frame_step)`
            frames, the signal zero-padded on both sides).
        expand_dims: keep channels on their own axis instead of merging them with the bins.
        data_format: "channels_last" or "channels_first"; default the config's.

    Example:

    >>> STFTSpectrogram(frame_length=64, frame_step=16)(np.zeros((2, 1000, 1))).shape
    (2, 59, 33)
    """

    def __init__(
        self,
        mode="log",
        frame_length=256,
        frame_step=None,
        fft_length=None,
        window="hann",
        periodic=False,
        scaling="density",
        padding="valid",
        expand_dims=False,
        data_format=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        _check_choice(mode, MODES, "mode")
        _check_choice(scaling, _SCALINGS, "scaling")
        _check_choice(padding, _PADDINGS, "padding")
        self.mode, self.scaling, self.padding = mode, scaling, padding
        self.frame_length = _positive_int(frame_length, "frame_length", "STFTSpectrogram")
        self.frame_step = frame_step
        self.fft_length = fft_length
        self._frame_step = _checked_frame_step(frame_step, self.frame_length)
        self._fft_length = _checked_fft_length(fft_length, self.frame_length)
        if window is not None and not isinstance(window, str):
            window = np.asarray(window, dtype="float64").tolist()
        window_samples(window, self.frame_length, periodic, "STFTSpectrogram")  # checks it
        self.window, self.periodic = window, bool(periodic)
        self.expand_dims = bool(expand_dims)
        self.data_format = config.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        real, imag = dft_kernels(
            self.frame_length, self._fft_length, self.window, self.periodic, self.scaling
        )
        # Only the kernels the mode reads exist ("real" needs no imaginary kernel).
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                shape=real.shape, initializer=_constant(real), name="real_kernel"
            )
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                shape=imag.shape, initializer=_constant(imag), name="imag_kernel"
            )
        self.built = True

    def call(self, inputs):
        dtype = dtypes.standardize_dtype(inputs.dtype)
        if not dtypes.is_float_dtype(dtype):
            raise TypeError(
                "STFTSpectrogram expects float16, float32 or float64 inputs. Received: input "
                f"type={dtype}. Cast the signal to float first."
            )
        channels_last = self.data_format == "channels_last"
        x = ops.transpose(inputs, (0, 2, 1)) if channels_last else inputs  # (batch, ch, time)
        channels, samples = x.shape[1], x.shape[2]
        x = ops.reshape(x, (-1, samples, 1))
        kernels = [getattr(self, n) for n in ("real_kernel", "imag_kernel") if hasattr(self, n)]
        kernel = ops.cast(ops.concatenate(kernels, axis=-1), x.dtype)
        out = ops.conv(x, kernel, self._frame_step, self.padding, "channels_last")
        bins = self._fft_length // 2 + 1
        if self.mode not in ("real", "imag"):  # those convolved with their one kernel
            out = self._apply_mode(out[..., :bins], out[..., bins:])
        out = ops.reshape(out, (-1, channels, out.shape[1], out.shape[2]))
        return self._arrange(out, channels_last)

    def _apply_mode(self, real, imag):
        if self.mode == "stft":
            return ops.concatenate([real, imag], axis=-1)
        if self.mode == "angle":
            return ops.arctan2(imag, real)
        power = ops.add(ops.square(real), ops.square(imag))
        if self.mode == "magnitude":
            return ops.sqrt(ops.maximum(power, _EPSILON))
        if self.mode == "log":
            return ops.multiply(ops.log(ops.maximum(power, _EPSILON)), 0.5)
        # One-sided PSD: every bin but the first and the last stands for two frequencies.
        doubled = np.full((power.shape[-1],), 2.0)
        doubled[[0, -1]] = 1.0
        return ops.multiply(power, ops.convert_to_tensor(doubled, dtype=power.dtype))

    def _arrange(self, out, channels_last):
        """(batch, channels, frames, bins) -> the layout of the class docstring."""
        if self.expand_dims:
            return ops.transpose(out, (0, 2, 3, 1)) if channels_last else out
        out = ops.transpose(out, (0, 2, 1, 3))
        out = ops.reshape(out, (-1, out.shape[1], out.shape[2] * out.shape[3]))
        return out if channels_last else ops.transpose(out, (0, 2, 1))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(
                "STFTSpectrogram expects inputs of rank 3 (batch, samples, channels) (or "
                f"(batch, channels, samples) for channels_first); received shape {input_shape}."
            )
        channels_last = self.data_format == "channels_last"
        batch, samples, channels = (
            input_shape if channels_last else (input_shape[0], *input_shape[:0:-1])
        )
        frames = self._num_frames(samples)
        bins = (self._fft_length // 2 + 1) * (2 if self.mode == "stft" else 1)
        if self.expand_dims:
            if channels_last:
                return (batch, frames, bins, channels)
            return (batch, channels, frames, bins)
        merged = None if channels is None else channels * bins
        return (batch, frames, merged) if channels_last else (batch, merged, frames)

    def _num_frames(self, samples):
        if samples is None:
            return None
        if self.padding == "same":
            return -(-samples // self._frame_step)
        return max(0, (samples - self.frame_length) // self._frame_step + 1)

    def get_config(self):
        return {
            **super().get_config(),
            "mode": self.mode,
            "frame_length": self.frame_length,
            "frame_step": self.frame_step,
            "fft_length": self.fft_length,
            "window": self.window,
            "periodic": self.periodic,
            "scaling": self.scaling,
            "padding": self.padding,
            "data_format": self.data_format,
            "expand_dims": self.expand_dims,
        }


def _check_choice(value, choices, name):
    if value not in choices:
        shown = ", ".join(repr(c) for c in choices)
        raise ValueError(
            f"STFTSpectrogram: `{name}` must be one of {shown}. Received: {name}={value!r}"
        )


def _checked_frame_step(frame_step, frame_length):
    if frame_step is None:
        return frame_length // 2 or 1
    if (
        isinstance(frame_step, bool)
        or not isinstance(frame_step, (int, np.integer))
        or not 0 < frame_step <= frame_length
    ):
        raise ValueError(
            "STFTSpectrogram: `frame_step` must be a positive int not greater than "
            f"`frame_length` ({frame_length}). Received: frame_step={frame_step!r}"
        )
    return int(frame_step)


def _checked_fft_length(fft_length, frame_length):
    if fft_length is None:
        return 2 ** math.ceil(math.log2(frame_length))
    fft_length = _positive_int(fft_length, "fft_length", "STFTSpectrogram")
    if fft_length < frame_length:
        raise ValueError(
            "STFTSpectrogram: `fft_length` must not be less than `frame_length`. Received: "
            f"fft_length={fft_length}, frame_length={frame_length}"
        )
    if fft_length & (fft_length - 1):
        warnings.warn(
            f"STFTSpectrogram: `fft_length` is best a power of two (faster); received "
            f"fft_length={fft_length}.",
            stacklevel=3,
        )
    return fft_length


def _constant(values):
    def initializer(shape, dtype=None):
        return ops.convert_to_tensor(values, dtype=dtype)

    return initializer
