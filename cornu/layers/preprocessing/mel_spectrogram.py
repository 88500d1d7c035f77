"""`MelSpectrogram`: the mel-scale power spectrogram of signals, in decibels by default.

The pipeline: `ops.stft` (centred frames) -> magnitude ** `mag_exp` -> a triangular mel
filterbank (HTK mel scale, `1127 ln(1 + f / 700)`, as `tf.signal.linear_to_mel_weight_matrix`)
-> optionally power to decibels, floored `top_db` below the largest value of the batch.
"""

import numpy as np

from cornu import ops
from cornu.layers.preprocessing.data_layer import DataLayer

_WINDOWS = ("hann", "hamming", None)


def hertz_to_mel(frequencies):
    """HTK's mel scale: `1127 ln(1 + f / 700)`."""
    return 1127.0 * np.log1p(np.asarray(frequencies, dtype="float64") / 700.0)


def mel_weight_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate, min_freq, max_freq):
    """`(num_spectrogram_bins, num_mel_bins)` triangular filters, evenly spaced in mel between
    `min_freq` and `max_freq` (each rising from its left neighbour's centre to its own and
    falling to its right neighbour's). The DC bin gets no weight."""
    bin_mels = hertz_to_mel(np.linspace(0.0, sampling_rate / 2.0, num_spectrogram_bins)[1:])
    edges = np.linspace(hertz_to_mel(min_freq), hertz_to_mel(max_freq), num_mel_bins + 2)
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
    bin_mels = bin_mels[:, None]
    rising = (bin_mels - lower) / (center - lower)
    falling = (upper - bin_mels) / (upper - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return np.pad(weights, [(1, 0), (0, 0)])


class MelSpectrogram(DataLayer):
    """Mel spectrograms of signals along the last axis: `(..., samples)` ->
    `(..., num_mel_bins, frames)`, with `frames = 1 + samples // sequence_stride` (frames
    are centred: the signal is reflect-padded by `fft_length // 2` on both sides).

    Args:
        fft_length: FFT length (frequency resolution).
        sequence_stride: samples between frames.
        sequence_length: window length (<= `fft_length`); default `fft_length`.
        window: "hann", "hamming" (periodic) or None.
        sampling_rate: samples per second of the signal.
        num_mel_bins: number of mel bands.
        min_freq: lowest frequency (Hz) of the filterbank.
        max_freq: highest frequency (Hz); default `sampling_rate // 2`.
        power_to_db: convert to decibels: `10 log10(max(S, min_power)) - 10 log10(max(
            min_power, ref_power))`, floored at `top_db` below the batch's maximum.
        top_db: the dynamic range kept in decibels (None: no floor).
        mag_exp: exponent of the magnitude (1: energy, 2: power).
        min_power: the smallest power before the logarithm.
        ref_power: the power of 0 dB.

    Example:

    >>> MelSpectrogram(num_mel_bins=40)(np.zeros((2, 16000))).shape
    (2, 40, 32)
    """

    def __init__(
        self,
        fft_length=2048,
        sequence_stride=512,
        sequence_length=None,
        window="hann",
        sampling_rate=16000,
        num_mel_bins=128,
        min_freq=20.0,
        max_freq=None,
        power_to_db=True,
        top_db=80.0,
        mag_exp=2.0,
        min_power=1e-10,
        ref_power=1.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.fft_length = _positive_int(fft_length, "fft_length")
        self.sequence_stride = _positive_int(sequence_stride, "sequence_stride")
        self.sequence_length = _checked_sequence_length(sequence_length, self.fft_length)
        if window not in _WINDOWS:
            raise ValueError(
                "MelSpectrogram: `window` must be 'hann', 'hamming' or None. "
                f"Received: window={window!r}"
            )
        self.window = window
        self.sampling_rate = _positive_number(sampling_rate, "sampling_rate")
        self.num_mel_bins = _positive_int(num_mel_bins, "num_mel_bins")
        self.min_freq = min_freq
        self.max_freq = int(self.sampling_rate // 2) if max_freq is None else max_freq
        if not 0 <= min_freq < self.max_freq:
            raise ValueError(
                "MelSpectrogram: expected 0 <= min_freq < max_freq. Received: "
                f"min_freq={min_freq}, max_freq={self.max_freq}"
            )
        self.power_to_db = bool(power_to_db)
        self.top_db = None if top_db is None else _positive_number(top_db, "top_db")
        self.mag_exp = mag_exp
        self.min_power = _positive_number(min_power, "min_power")
        self.ref_power = ref_power
        self._weights = mel_weight_matrix(
            self.num_mel_bins,
            self.fft_length // 2 + 1,
            self.sampling_rate,
            self.min_freq,
            self.max_freq,
        )
        self.built = True

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        real, imag = ops.stft(
            x,
            self.sequence_length,
            self.sequence_stride,
            self.fft_length,
            window=self.window,
            center=True,
        )
        magnitude = ops.sqrt(ops.add(ops.square(real), ops.square(imag)))
        power = ops.power(magnitude, self.mag_exp)
        weights = ops.convert_to_tensor(self._weights, dtype=power.dtype)
        mel = ops.swapaxes(ops.matmul(power, weights), -1, -2)
        return self._to_decibels(mel) if self.power_to_db else mel

    def _to_decibels(self, power):
        log_power = ops.multiply(ops.log10(ops.maximum(power, self.min_power)), 10.0)
        offset = float(10.0 * np.log10(max(self.min_power, self.ref_power)))
        log_power = ops.subtract(log_power, offset)
        if self.top_db is None:
            return log_power
        # The floor follows the loudest value of the whole batch, as in Keras.
        return ops.maximum(log_power, ops.subtract(ops.max(log_power), self.top_db))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if not input_shape:
            raise ValueError(
                "MelSpectrogram expects signals with a samples axis last; received a scalar."
            )
        samples = input_shape[-1]
        frames = None
        if samples is not None:
            padded = samples + 2 * (self.fft_length // 2)
            frames = (padded - self.fft_length) // self.sequence_stride + 1
        return (*input_shape[:-1], self.num_mel_bins, frames)

    def get_config(self):
        return {
            **super().get_config(),
            "fft_length": self.fft_length,
            "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length,
            "window": self.window,
            "sampling_rate": self.sampling_rate,
            "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq,
            "max_freq": self.max_freq,
            "power_to_db": self.power_to_db,
            "top_db": self.top_db,
            "mag_exp": self.mag_exp,
            "min_power": self.min_power,
            "ref_power": self.ref_power,
        }


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(
            f"MelSpectrogram: `{name}` must be a positive int. Received: {name}={value!r}"
        )
    return int(value)


def _positive_number(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or value <= 0:
        raise ValueError(
            f"MelSpectrogram: `{name}` must be a positive number. Received: {name}={value!r}"
        )
    return value


def _checked_sequence_length(sequence_length, fft_length):
    if sequence_length is None:
        return fft_length
    sequence_length = _positive_int(sequence_length, "sequence_length")
    if sequence_length > fft_length:
        raise ValueError(
            "MelSpectrogram: `sequence_length` must not exceed `fft_length`. Received: "
            f"sequence_length={sequence_length}, fft_length={fft_length}"
        )
    return sequence_length
