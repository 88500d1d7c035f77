"""Audio preprocessing layers (MelSpectrogram, STFTSpectrogram): outputs for each mode,
scaling, window, padding and layout, output shapes, configs, errors, and the layers inside a
Functional model."""

import numpy as np

from tests.parity.case import ALL, case


def _signals(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _config(layer):
    config = layer.get_config()
    config.pop("name")
    config.pop("dtype")
    return config


def _stft(keras, x, **kwargs):
    layer = keras.layers.STFTSpectrogram(**kwargs)
    out = layer(x)
    if kwargs.get("mode") == "angle":
        # A phase of exactly +-pi (zero imaginary part) reads the same either way.
        out = (keras.ops.cos(out), keras.ops.sin(out))
    return {
        "out": out,
        "shape": tuple(layer.compute_output_shape(x.shape)),
        "config": _config(layer),
        "weights": [tuple(w.shape) for w in layer.weights],
    }


@case(backends=ALL, rtol=1e-4, atol=1e-4)
def case_stft_modes(keras, H):
    x = _signals((2, 90, 3))
    return {
        mode: _stft(keras, x, mode=mode, frame_length=16, frame_step=5)
        for mode in ("log", "magnitude", "psd", "real", "imag", "angle", "stft")
    }


@case(backends=ALL, rtol=1e-4, atol=1e-4)
def case_stft_settings(keras, H):
    x = _signals((2, 90, 2), seed=1)
    settings = {
        "same": dict(padding="same", mode="magnitude"),
        "periodic_spectrum": dict(periodic=True, scaling="spectrum"),
        "no_window_psd": dict(window=None, mode="psd"),
        "no_scaling": dict(scaling=None, mode="real"),
        "hamming_long_fft": dict(window="hamming", fft_length=32, mode="magnitude"),
        "odd_frame_psd": dict(frame_length=15, mode="psd"),
        "expand_stft": dict(expand_dims=True, mode="stft"),
        "defaults_step_fft": dict(frame_length=12),
    }
    found = {}
    for name, kwargs in settings.items():
        kwargs = {"frame_length": 16, "frame_step": 5, **kwargs}
        found[name] = _stft(keras, x, **kwargs)
    return found


@case(backends=ALL, rtol=1e-4, atol=1e-4)
def case_stft_channels_first(keras, H):
    x = _signals((2, 3, 80), seed=2)
    return {
        "merged": _stft(keras, x, frame_length=16, frame_step=8, data_format="channels_first"),
        "expanded": _stft(
            keras,
            x,
            mode="psd",
            frame_length=16,
            frame_step=4,
            data_format="channels_first",
            expand_dims=True,
        ),
    }


@case(backends=ALL)
def case_stft_errors(keras, H):
    L = keras.layers.STFTSpectrogram
    return {
        "mode": H.raises(L, mode="power"),
        "scaling": H.raises(L, scaling="energy"),
        "padding": H.raises(L, padding="causal"),
        "fft_short": H.raises(L, frame_length=16, fft_length=8),
        "step": H.raises(L, frame_length=16, frame_step=0),
        "step_long": H.raises(L, frame_length=16, frame_step=17),
        "data_format": H.raises(L, data_format="channels_middle"),
        "int_input": H.raises(L(frame_length=8), np.ones((1, 32, 1), "int32")),
        "rank": H.raises(L(frame_length=8), np.ones((32, 1), "float32")),
    }


def _mel(keras, x, with_shape=True, **kwargs):
    layer = keras.layers.MelSpectrogram(**kwargs)
    found = {"out": layer(x), "config": _config(layer)}
    if with_shape:
        found["shape"] = tuple(layer.compute_output_shape(x.shape))
    return found


# Decibels: the mel weights are float32 in Keras, float64 here; a few 1e-3 dB apart.
@case(backends=ALL, rtol=1e-4, atol=5e-3)
def case_mel_settings(keras, H):
    # Two signals 30x apart in level: the top_db floor follows the loudest of the batch.
    x = _signals((2, 600)) * np.array([[1.0], [30.0]], "float32")
    settings = {
        "defaults_db": dict(),
        "power": dict(power_to_db=False),
        "magnitude_db": dict(mag_exp=1.0),
        "top_db_20": dict(top_db=20.0),
        "ref_min_power": dict(ref_power=3.0, min_power=1e-3),
        "hamming_short_window": dict(sequence_length=100, window="hamming"),
        "no_window": dict(window=None, power_to_db=False),
        "band": dict(sampling_rate=8000, min_freq=100.0, max_freq=3000.0, num_mel_bins=10),
        "odd_rate": dict(sampling_rate=22051),
    }
    found = {}
    for name, kwargs in settings.items():
        kwargs = {"fft_length": 128, "sequence_stride": 32, "num_mel_bins": 16, **kwargs}
        found[name] = _mel(keras, x, **kwargs)
    found["unbatched"] = _mel(keras, x[1], fft_length=128, sequence_stride=32, num_mel_bins=16)
    # Keras's compute_output_shape is wrong for these two (it disagrees with its own output:
    # 1 + samples // stride frames for an odd fft_length, and no leading axes for rank 3).
    # (Keras on tensorflow frames an odd fft_length differently from Keras on the other three
    # backends, which agree with each other and with cornu: compared there only.)
    if keras.backend.backend() != "tensorflow":
        found["odd_fft"] = _mel(keras, x, False, fft_length=255, sequence_stride=50,
                                num_mel_bins=16)  # fmt: skip
    found["rank3"] = _mel(keras, x.reshape(2, 3, 200), False, fft_length=64, sequence_stride=16)
    return found


@case(backends=ALL)
def case_mel_errors(keras, H):
    L = keras.layers.MelSpectrogram
    return {
        "window": H.raises(lambda: L(window="blackman")(np.ones((4000,), "float32"))),
        "sequence_length": H.raises(L, sequence_length=4000),
    }


@case(backends=ALL, rtol=1e-4, atol=1e-3)
def case_audio_functional_model(keras, H):
    inputs = keras.Input((400, 1))
    spectrogram = keras.layers.STFTSpectrogram(frame_length=32, frame_step=16, mode="magnitude")
    features = spectrogram(inputs)
    outputs = keras.layers.Dense(2, kernel_initializer="ones")(features)
    model = keras.Model(inputs, outputs)
    mel_in = keras.Input((400,))
    mel_out = keras.layers.MelSpectrogram(fft_length=64, sequence_stride=32, num_mel_bins=8)(mel_in)
    mel_model = keras.Model(mel_in, mel_out)
    x = _signals((3, 400, 1), seed=3)
    revived = keras.Model.from_config(model.get_config())
    revived.set_weights(model.get_weights())
    return {
        "symbolic": (tuple(features.shape), tuple(mel_out.shape)),
        "out": model.predict(x, verbose=0),
        "revived": revived.predict(x, verbose=0),
        "mel": mel_model.predict(x[..., 0], verbose=0),
        "weights": [tuple(w.shape) for w in model.weights],
    }
