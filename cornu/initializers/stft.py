"""`STFTInitializer`: a convolution kernel computing one side of a windowed DFT per frame."""

import numpy as np

from cornu import ops
from cornu.backend.common import dtypes
from cornu.initializers.initializer import Initializer

_SIDES = ("real", "imag")
_SCALINGS = ("density", "spectrum", None)


def window_values(window, length, periodic=False):
    """The window of `length` samples `window` names, as a float64 NumPy vector.

    Args:
        window: "hann", "hamming", another name of `scipy.signal.windows` (needs SciPy), or
            array-like window values of length `length`.
        length: number of samples.
        periodic: the periodic form (the first `length` samples of a `length + 1` symmetric
            window, as used before an FFT) instead of the symmetric one.
    """
    if isinstance(window, str):
        if window in ("hann", "hamming"):
            # Blackman & Tukey's generalized cosine windows: a - (1 - a) cos(2 pi n / M).
            a = 0.5 if window == "hann" else 0.54
            denominator = length if periodic else length - 1
            n = np.arange(length, dtype="float64")
            if denominator <= 0:
                return np.ones(length, dtype="float64")
            return a - (1.0 - a) * np.cos(2.0 * np.pi * n / denominator)
        try:
            from scipy import signal
        except ImportError as error:
            raise ValueError(
                f"STFTInitializer: window {window!r} needs SciPy (only 'hann' and 'hamming' are "
                "built in); install scipy or pass the window values as an array."
            ) from error
        return np.asarray(signal.get_window(window, length, fftbins=periodic), dtype="float64")
    values = np.asarray(ops.convert_to_numpy(window), dtype="float64")
    if values.shape != (length,):
        raise ValueError(
            f"STFTInitializer: the window must be a vector of {length} values (the kernel's "
            f"first dimension); received shape {values.shape}."
        )
    return values


class STFTInitializer(Initializer):
    """Kernel of shape `(frame_length, channels, bins)` computing one side of a windowed DFT.

    For a frame `x[n]`, the DFT of length `N = 2 * (bins - 1)` is
    `X[k] = sum_n w[n] x[n] exp(-2 pi i n k / N)`. With `side="real"` the kernel is
    `w[n] cos(2 pi n k / N)`, with `side="imag"` it is `-w[n] sin(2 pi n k / N)`, so a
    convolution with stride `frame_step` gives the real or imaginary part of the one-sided STFT.
    The same values are repeated over the `channels` axis.

    Args:
        side: "real" or "imag".
        window: "hann", "hamming", another `scipy.signal.windows` name, window values, or None
            (no window, and then no scaling).
        scaling: divide the window by its L2 norm ("density"), by its L1 norm ("spectrum"), or
            not at all (None).
        periodic: use the periodic form of a named window.
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in _SIDES:
            raise ValueError(f"STFTInitializer: side must be 'real' or 'imag'; received {side!r}.")
        if scaling not in _SCALINGS:
            raise ValueError(
                "STFTInitializer: scaling must be 'density', 'spectrum' or None; "
                f"received {scaling!r}."
            )
        if window is not None and isinstance(window, str):
            window_values(window, 4)  # fail now on an unknown window name
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def __call__(self, shape, dtype=None):
        if len(shape) != 3:
            raise ValueError(
                "STFTInitializer expects a kernel shape (frame_length, channels, bins); "
                f"received {tuple(shape)}."
            )
        frame_length, channels, bins = (int(d) for d in shape)
        fft_length = max(2 * (bins - 1), 1)
        n = np.arange(frame_length, dtype="float64")[:, None]
        k = np.arange(bins, dtype="float64")[None, :]
        angle = 2.0 * np.pi * n * k / fft_length
        kernel = np.cos(angle) if self.side == "real" else -np.sin(angle)
        if self.window is not None:
            win = window_values(self.window, frame_length, self.periodic)
            if self.scaling == "density":
                win = win / np.sqrt(np.sum(np.square(win)))
            elif self.scaling == "spectrum":
                win = win / np.sum(np.abs(win))
            kernel = kernel * win[:, None]
        kernel = np.repeat(kernel[:, None, :], channels, axis=1)  # a new, writable array
        dtype = dtypes.standardize_dtype(dtype)
        if dtype not in dtypes.FLOAT_TYPES:
            dtype = "float32"
        return ops.convert_to_tensor(kernel, dtype=dtype)

    def get_config(self):
        window = self.window
        if window is not None and not isinstance(window, str):
            window = [float(v) for v in np.asarray(ops.convert_to_numpy(window)).ravel()]
        return {
            "side": self.side,
            "window": window,
            "scaling": self.scaling,
            "periodic": self.periodic,
        }


STFT = STFTInitializer
