"""STFTInitializer against an explicit DFT and SciPy's windows; OrthogonalRegularizer against
NumPy; the lower-case regularizer/constraint aliases Keras exposes."""

import numpy as np
import pytest
from scipy import signal

from cornu import constraints, initializers, ops, regularizers


def np_(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def explicit_dft_kernel(frame_length, bins, window, side):
    """The kernel as an explicit DFT: row n, column k of `w[n] * exp(-2 pi i n k / N)`."""
    fft_length = 2 * (bins - 1)
    kernel = np.zeros((frame_length, bins), dtype=complex)
    for n in range(frame_length):
        for k in range(bins):
            kernel[n, k] = window[n] * np.exp(-2j * np.pi * n * k / fft_length)
    return kernel.real if side == "real" else kernel.imag


@pytest.mark.parametrize(
    "side,window,scaling,periodic",
    [
        ("real", "hann", "density", False),
        ("imag", "hann", "spectrum", True),
        ("real", "hamming", None, False),
        ("imag", "hamming", "density", True),
        ("real", None, None, False),
        ("imag", "blackman", "spectrum", False),
    ],
    ids=["real-hann-density", "imag-hann-spectrum-periodic", "real-hamming",
         "imag-hamming-periodic", "real-no-window", "imag-blackman-scipy"],
)  # fmt: skip
def test_stft_initializer_is_a_windowed_dft(side, window, scaling, periodic):
    frame_length, bins = 12, 9  # a 16-point DFT over frames of 12 samples
    init = initializers.STFTInitializer(side, window, scaling, periodic)
    got = np_(init((frame_length, 2, bins)))
    if window is None:
        win = np.ones(frame_length)
    else:
        win = signal.get_window(window, frame_length, fftbins=periodic)
    if scaling == "density":
        win = win / np.sqrt(np.sum(win**2))
    elif scaling == "spectrum":
        win = win / np.sum(np.abs(win))
    expected = explicit_dft_kernel(frame_length, bins, win, side)
    assert got.shape == (frame_length, 2, bins)
    np.testing.assert_allclose(got[:, 0, :], expected, atol=1e-6)
    np.testing.assert_allclose(got[:, 1, :], expected, atol=1e-6)


def test_stft_kernel_convolution_matches_numpy_rfft():
    frame = np.random.default_rng(0).normal(size=16)
    real = np_(initializers.get("stft")((16, 1, 9)))[:, 0, :]
    imag = np_(initializers.STFT(side="imag")((16, 1, 9)))[:, 0, :]
    win = signal.get_window("hann", 16, fftbins=False)
    spectrum = np.fft.rfft(frame * win / np.sqrt(np.sum(win**2)))
    np.testing.assert_allclose(frame @ real, spectrum.real, atol=1e-5)
    np.testing.assert_allclose(frame @ imag, spectrum.imag, atol=1e-5)


def test_stft_initializer_config_identifiers_and_errors():
    init = initializers.stft(side="imag", window=[0.5, 1.0, 0.5], scaling=None, periodic=True)
    config = init.get_config()
    assert config == {"side": "imag", "window": [0.5, 1.0, 0.5], "scaling": None, "periodic": True}
    again = initializers.deserialize(initializers.serialize(init))
    assert type(again) is initializers.STFTInitializer
    np.testing.assert_allclose(np_(again((3, 1, 3))), np_(init((3, 1, 3))))
    assert initializers.STFT is initializers.stft is initializers.STFTInitializer
    values = initializers.get("STFT")((4, 1, 3), dtype="float64")
    assert ops.convert_to_numpy(values).dtype == "float64"
    with pytest.raises(ValueError, match="side must be 'real' or 'imag'; received 'both'"):
        initializers.STFTInitializer(side="both")
    with pytest.raises(ValueError, match="scaling must be 'density', 'spectrum' or None"):
        initializers.STFTInitializer(scaling="l2")
    with pytest.raises(ValueError, match=r"window must be a vector of 4 values .* shape \(3,\)"):
        initializers.STFTInitializer(window=[1.0, 1.0, 1.0])((4, 1, 3))
    with pytest.raises(ValueError, match=r"kernel shape \(frame_length, channels, bins\)"):
        initializers.STFTInitializer()((4, 3))


def numpy_orthogonal_penalty(w, factor, mode):
    vectors = w if mode == "rows" else w.T
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    products = np.abs(unit @ unit.T)
    count = len(vectors)
    pairs = [products[i, j] for i in range(count) for j in range(count) if i != j]
    return factor * np.mean(pairs)


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_orthogonal_regularizer_against_numpy(mode):
    w = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
    reg = regularizers.OrthogonalRegularizer(factor=0.2, mode=mode)
    np.testing.assert_allclose(
        float(np_(reg(ops.convert_to_tensor(w)))), numpy_orthogonal_penalty(w, 0.2, mode), rtol=1e-5
    )
    # Orthogonal rows/columns cost nothing.
    eye = ops.convert_to_tensor(np.eye(3, dtype="float32") * 2.0)
    assert abs(float(np_(reg(eye)))) < 1e-7


def test_orthogonal_regularizer_config_identifiers_and_errors():
    reg = regularizers.get("orthogonal_regularizer")
    assert isinstance(reg, regularizers.OrthogonalRegularizer)
    assert reg.get_config() == {"factor": 0.01, "mode": "rows"}
    columns = regularizers.orthogonal_regularizer(0.5, "columns")
    again = regularizers.deserialize(regularizers.serialize(columns))
    assert again.get_config() == {"factor": 0.5, "mode": "columns"}
    with pytest.raises(ValueError, match="mode must be 'rows' or 'columns'; received 'diag'"):
        regularizers.OrthogonalRegularizer(mode="diag")
    with pytest.raises(ValueError, match=r"applies to 2-D weights .* shape \(2, 2, 2\)"):
        reg(ops.ones((2, 2, 2)))


def test_lower_case_aliases():
    assert regularizers.l1 is regularizers.L1 and regularizers.l2 is regularizers.L2
    assert regularizers.l1_l2 is regularizers.L1L2
    assert regularizers.orthogonal_regularizer is regularizers.OrthogonalRegularizer
    assert isinstance(regularizers.get("l2"), regularizers.L2)
    assert regularizers.get("l2").l2 == 0.01
    penalty = regularizers.l2(0.5)(ops.convert_to_tensor([1.0, 2.0]))
    np.testing.assert_allclose(float(np_(penalty)), 2.5)
    assert constraints.max_norm is constraints.MaxNorm
    assert constraints.min_max_norm is constraints.MinMaxNorm
    assert constraints.non_neg is constraints.NonNeg
    assert constraints.unit_norm is constraints.UnitNorm
    projected = constraints.non_neg()(ops.convert_to_tensor([-1.0, 2.0]))
    np.testing.assert_allclose(np_(projected), [0.0, 2.0])
    np.testing.assert_allclose(
        np_(constraints.unit_norm(axis=0)(ops.convert_to_tensor([[3.0], [4.0]]))),
        [[0.6], [0.8]],
        atol=1e-6,
    )
