"""MelSpectrogram and STFTSpectrogram: the standard battery, NumPy references (a direct DFT
of each frame, and the mel filterbank), layouts, dtypes, configs, Functional use and errors."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu.layers.preprocessing.mel_spectrogram import mel_weight_matrix
from cornu.testing import run_layer_test


def _signals(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _frames(x, length, step):
    """(batch, samples, channels) -> (batch, channels, frames, length), NumPy."""
    count = (x.shape[1] - length) // step + 1
    return np.stack([x[:, i * step : i * step + length] for i in range(count)], 1).transpose(
        0, 3, 1, 2
    )


def _reference_stft(x, length, step, fft_length, window):
    """The one-sided DFT of each windowed frame, (batch, channels, frames, bins) complex."""
    return np.fft.rfft(_frames(x, length, step) * window, n=fft_length)


@pytest.mark.parametrize(
    "init_kwargs, expected_shape, weights",
    [
        ({"frame_length": 16, "frame_step": 4}, (2, 13, 18), 2),
        ({"frame_length": 16, "frame_step": 4, "mode": "real"}, (2, 13, 18), 1),
        ({"frame_length": 16, "mode": "stft", "expand_dims": True}, (2, 7, 18, 2), 2),
    ],
    ids=["log", "real_one_kernel", "stft_expanded"],
)
def test_stft_battery(init_kwargs, expected_shape, weights):
    run_layer_test(
        layers.STFTSpectrogram,
        init_kwargs,
        input_shape=(2, 64, 2),
        expected_output_shape=expected_shape,
        expected_num_trainable_weights=weights,
        expected_num_non_trainable_weights=0,
    )


def test_mel_battery():
    run_layer_test(
        layers.MelSpectrogram,
        {"fft_length": 32, "sequence_stride": 8, "num_mel_bins": 6},
        input_shape=(2, 64),
        expected_output_shape=(2, 6, 9),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        run_training_check=False,
    )


@pytest.mark.filterwarnings("ignore:STFTSpectrogram. .fft_length. is best a power of two")
@pytest.mark.parametrize("fft_length", [16, 17, 24], ids=["even", "odd", "padded"])
@pytest.mark.parametrize("window", ["hann", "hamming", None])
def test_stft_matches_numpy_dft(fft_length, window):
    x = _signals((2, 70, 3))
    layer = layers.STFTSpectrogram(
        mode="stft", frame_length=16, frame_step=5, fft_length=fft_length, window=window,
        periodic=True, scaling=None, expand_dims=True,
    )  # fmt: skip
    w = (
        np.ones(16)
        if window is None
        else {"hann": np.hanning, "hamming": np.hamming}[window](17)[:16]
    )
    spectrum = _reference_stft(x, 16, 5, fft_length, w)
    bins = fft_length // 2 + 1
    out = ops.convert_to_numpy(layer(x))  # (batch, frames, 2 * bins, channels)
    expected = np.concatenate([spectrum.real, spectrum.imag], -1).transpose(0, 2, 3, 1)
    assert out.shape == (2, 11, 2 * bins, 3)
    np.testing.assert_allclose(out, expected, atol=2e-4)


def test_stft_modes_and_scaling_match_numpy():
    x = _signals((2, 50, 2), seed=1)
    symmetric_hann = np.hanning(16)
    spectrum = _reference_stft(x, 16, 8, 16, symmetric_hann / np.sqrt(np.sum(symmetric_hann**2)))
    power = np.abs(spectrum) ** 2

    def run(mode):  # channel-major merge: (batch, frames, channels * bins)
        out = layers.STFTSpectrogram(mode=mode, frame_length=16)(x)
        return ops.convert_to_numpy(out).reshape(2, -1, 2, 9).transpose(0, 2, 1, 3)

    doubled = power * np.r_[1, [2] * 7, 1]
    np.testing.assert_allclose(run("psd"), doubled, rtol=1e-4, atol=1e-6)
    magnitude = np.sqrt(np.maximum(power, 1e-7))  # floored: finite logs of silence
    np.testing.assert_allclose(run("magnitude"), magnitude, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(run("log"), np.log(magnitude), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(run("imag"), spectrum.imag, atol=1e-5)
    angle = run("angle")
    np.testing.assert_allclose(np.cos(angle), np.cos(np.angle(spectrum)), atol=1e-4)
    silent = layers.STFTSpectrogram(mode="log", frame_length=8)(np.zeros((1, 16, 1), "float32"))
    np.testing.assert_allclose(ops.convert_to_numpy(silent), 0.5 * np.log(1e-7), rtol=1e-6)


def test_stft_layouts_and_same_padding():
    x = _signals((2, 41, 3), seed=2)
    last = layers.STFTSpectrogram(frame_length=8, frame_step=4, padding="same")
    first = layers.STFTSpectrogram(
        frame_length=8, frame_step=4, padding="same", data_format="channels_first"
    )
    out_last = ops.convert_to_numpy(last(x))
    out_first = ops.convert_to_numpy(first(np.transpose(x, (0, 2, 1))))
    assert out_last.shape == (2, 11, 15) == last.compute_output_shape((2, 41, 3))
    np.testing.assert_allclose(out_first, out_last.transpose(0, 2, 1), rtol=1e-5, atol=1e-5)
    expanded = layers.STFTSpectrogram(
        frame_length=8, frame_step=4, data_format="channels_first", expand_dims=True
    )
    assert expanded.compute_output_shape((None, 3, None)) == (None, 3, None, 5)
    assert tuple(expanded(np.transpose(x, (0, 2, 1))).shape) == (2, 3, 9, 5)


def test_mel_matches_numpy():
    x = _signals((2, 300)) * np.array([[1.0], [20.0]], "float32")
    layer = layers.MelSpectrogram(
        fft_length=64, sequence_stride=16, num_mel_bins=10, power_to_db=False
    )
    padded = np.pad(x, [(0, 0), (32, 32)], mode="reflect")
    frames = np.stack([padded[:, i * 16 : i * 16 + 64] for i in range(19)], 1)
    periodic_hann = np.hanning(65)[:64]
    power = np.abs(np.fft.rfft(frames * periodic_hann)) ** 2
    weights = mel_weight_matrix(10, 33, 16000, 20.0, 8000)
    expected = np.einsum("bfk,km->bmf", power, weights)
    out = ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    db = layers.MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=10, top_db=30.0)
    decibels = 10 * np.log10(np.maximum(expected, 1e-10))
    expected_db = np.maximum(decibels, decibels.max() - 30.0)  # the batch's loudest value
    np.testing.assert_allclose(ops.convert_to_numpy(db(x)), expected_db, rtol=1e-4, atol=1e-3)
    no_floor = layers.MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=10,
                                     top_db=None, ref_power=10.0)  # fmt: skip
    np.testing.assert_allclose(ops.convert_to_numpy(no_floor(x)), decibels - 10.0, atol=1e-3)


def test_mel_weight_matrix_shape():
    weights = mel_weight_matrix(8, 33, 16000, 20.0, 8000)
    assert weights.shape == (33, 8) and np.all(weights[0] == 0) and weights.max() <= 1.0
    assert np.all(weights.sum(axis=0) > 0)  # every band sees some bin


def test_mel_unbatched_and_leading_axes():
    layer = layers.MelSpectrogram(fft_length=32, sequence_stride=8, num_mel_bins=6, top_db=None)
    x = _signals((2, 3, 64))
    out = ops.convert_to_numpy(layer(x))
    assert out.shape == (2, 3, 6, 9) == layer.compute_output_shape(x.shape)
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x[1, 2])), out[1, 2], atol=1e-4)
    assert layer.compute_output_shape((None,)) == (6, None)
    assert layers.MelSpectrogram(fft_length=31, sequence_stride=10).compute_output_shape(
        (100,)
    ) == (128, 10)


def test_config_round_trip():
    stft = layers.STFTSpectrogram(mode="psd", frame_length=12, window=np.ones(12) * 0.5)
    config = stft.get_config()
    assert config["frame_step"] is None and config["fft_length"] is None
    assert config["window"] == [0.5] * 12
    revived = layers.STFTSpectrogram.from_config(config)
    x = _signals((1, 40, 1))
    np.testing.assert_allclose(ops.convert_to_numpy(revived(x)), ops.convert_to_numpy(stft(x)))
    mel = layers.MelSpectrogram(sampling_rate=22051, num_mel_bins=8, fft_length=64)
    assert mel.get_config()["max_freq"] == 11025 and mel.get_config()["sequence_length"] == 64
    assert layers.MelSpectrogram.from_config(mel.get_config()).get_config() == mel.get_config()


def test_in_functional_model():
    inputs = cornu.Input((None, 2))
    features = layers.STFTSpectrogram(frame_length=16, frame_step=8, mode="magnitude")(inputs)
    assert features.shape == (None, None, 18)
    mel_inputs = cornu.Input((128,))
    mel = layers.MelSpectrogram(fft_length=32, sequence_stride=16, num_mel_bins=4)(mel_inputs)
    assert mel.shape == (None, 4, 9)
    model = cornu.Model(mel_inputs, layers.Flatten()(mel))
    assert model.predict(_signals((3, 128)), verbose=0).shape == (3, 36)


@pytest.mark.skipif(backend.backend() == "numpy", reason="numpy backend has no gradients")
def test_trains_inside_a_model():
    model = cornu.Sequential(
        [
            cornu.Input((64, 1)),
            layers.STFTSpectrogram(frame_length=16, frame_step=8, mode="magnitude"),
            layers.Flatten(),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    model.fit(_signals((4, 64, 1)), np.zeros((4, 1)), epochs=1, verbose=0)


def test_errors():
    stft = layers.STFTSpectrogram
    with pytest.raises(ValueError, match="`mode` must be one of 'log'.*Received: mode='power'"):
        stft(mode="power")
    with pytest.raises(ValueError, match="`scaling` must be one of"):
        stft(scaling="energy")
    with pytest.raises(ValueError, match="`padding` must be one of 'valid', 'same'"):
        stft(padding="causal")
    with pytest.raises(ValueError, match="`frame_length` must be a positive int"):
        stft(frame_length=0)
    with pytest.raises(ValueError, match="`fft_length` must not be less than `frame_length`"):
        stft(frame_length=16, fft_length=8)
    with pytest.raises(ValueError, match="`frame_step` must be a positive int not greater"):
        stft(frame_length=16, frame_step=17)
    with pytest.raises(ValueError, match=r"an array `window` must have shape \(16,\)"):
        stft(frame_length=16, window=np.ones(8))
    with pytest.warns(UserWarning, match="power of two"):
        stft(frame_length=16, fft_length=20)
    with pytest.raises(TypeError, match="expects float16, float32 or float64 inputs"):
        stft(frame_length=8)(np.ones((1, 32, 1), "int32"))
    with pytest.raises(ValueError, match="expected ndim=3|ndim"):
        stft(frame_length=8)(np.ones((32, 1), "float32"))
    mel = layers.MelSpectrogram
    with pytest.raises(ValueError, match="`window` must be 'hann', 'hamming' or None"):
        mel(window="blackman")
    with pytest.raises(ValueError, match="`sequence_length` must not exceed `fft_length`"):
        mel(sequence_length=4096)
    with pytest.raises(ValueError, match="expected 0 <= min_freq < max_freq"):
        mel(min_freq=9000.0)
    with pytest.raises(ValueError, match="`sampling_rate` must be a positive number"):
        mel(sampling_rate=0)
