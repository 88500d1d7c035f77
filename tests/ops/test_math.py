"""cornu.ops.math: logsumexp, cdist, logdet, top-k, segment reductions, framing and FFTs."""

import numpy as np
import pytest
import scipy.special

from cornu import backend, ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.testing import assert_op_matches
from tests.conftest import requires_training
from tests.helpers import backend_grad, matches_reference_test, unknown_batch_test

rng = np.random.default_rng(99)


def f32(*shape):
    return rng.standard_normal(shape).astype("float32")


X = f32(3, 4, 5)
SIG = f32(2, 20)
M = f32(4, 6)
SPD = (M @ M.T + 3 * np.eye(4)).astype("float32")
REAL, IMAG = f32(3, 8), f32(3, 8)
DATA = f32(7, 3)
IDS = np.array([0, 0, 1, 3, 3, 3, 1], "int32")
IDS_OUT = np.array([0, -1, 2, 5, 2, 0, 1], "int32")
SCORES = rng.permutation(24).reshape(4, 6).astype("float32")
TARGETS = np.array([0, 3, 5, 2], "int32")


def np_(t):
    return np.asarray(backend.convert_to_numpy(t))


def _np_cdist(x, y):
    return np.sqrt(((x[..., :, None, :] - y[..., None, :, :]) ** 2).sum(-1))


def _np_top_k(x, k, sorted=True):
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, idx, -1), idx.astype("int32")


def _np_in_top_k(targets, predictions, k):
    t = predictions[np.arange(len(targets)), targets]
    return (predictions > t[:, None]).sum(1) < k


def _np_segment(kind):
    def ref(data, ids, num_segments=None, sorted=False):
        n = ids.max() + 1 if num_segments is None else num_segments
        init = {"sum": 0.0, "prod": 1.0, "max": -np.inf, "min": np.inf}[kind]
        out = np.full((n,) + data.shape[1:], init, data.dtype)
        fn = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum}[kind]
        for row, i in zip(data, ids):
            if 0 <= i < n:
                out[i] = fn(out[i], row)
        return out

    return ref


def _np_frames(x, sequence_length, sequence_stride):
    n = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    return np.stack(
        [x[..., i * sequence_stride : i * sequence_stride + sequence_length] for i in range(n)],
        axis=-2,
    )


def _pair(z):
    return z.real.astype("float32"), z.imag.astype("float32")


def _window(window, sequence_length, fft_length):
    import scipy.signal

    w = (
        np.ones(sequence_length)
        if window is None
        else scipy.signal.get_window(window, sequence_length)
    )
    left = (fft_length - sequence_length) // 2
    return np.pad(w, (left, fft_length - sequence_length - left))


def _np_stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    if center:
        pad = fft_length // 2
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(pad, pad)], mode="reflect")
    frames = _np_frames(x, fft_length, sequence_stride) * _window(
        window, sequence_length, fft_length
    )
    return _pair(np.fft.rfft(frames, axis=-1))


CASES = [
    ("logsumexp-all", ops.logsumexp, scipy.special.logsumexp, (X,), {}),
    ("logsumexp-axis", ops.logsumexp, scipy.special.logsumexp, (X,), {"axis": 1}),
    ("logsumexp-axes-keepdims", ops.logsumexp, scipy.special.logsumexp, (X,),
     {"axis": (0, 2), "keepdims": True}),
    ("logsumexp-large", ops.logsumexp, scipy.special.logsumexp,
     (np.array([1000.0, 1000.0, -np.inf], "float32"),), {}),
    ("cdist", ops.cdist, _np_cdist, (f32(4, 3), f32(5, 3)), {}),
    ("cdist-batch", ops.cdist, _np_cdist, (f32(2, 4, 3), f32(2, 5, 3)), {}),
    ("logdet", ops.logdet, lambda x: np.linalg.slogdet(x)[1], (SPD,), {}),
    ("top_k", ops.top_k, _np_top_k, (f32(3, 7), 3), {}),
    ("top_k-1d", ops.top_k, _np_top_k, (f32(9), 9), {}),
    ("top_k-int", ops.top_k, _np_top_k, (rng.permutation(12).reshape(2, 6).astype("int32"), 2), {}),
    ("in_top_k", ops.in_top_k, _np_in_top_k, (TARGETS, SCORES, 2), {}),
    ("in_top_k-k4", ops.in_top_k, _np_in_top_k, (TARGETS, SCORES, 4), {}),
    ("segment_sum", ops.segment_sum, _np_segment("sum"), (DATA, IDS), {}),
    ("segment_sum-num", ops.segment_sum, _np_segment("sum"), (DATA, IDS), {"num_segments": 6}),
    ("segment_sum-sorted", ops.segment_sum, _np_segment("sum"), (DATA[:5], np.sort(IDS)[:5]),
     {"num_segments": 3, "sorted": True}),
    ("segment_sum-dropped", ops.segment_sum, _np_segment("sum"), (DATA, IDS_OUT),
     {"num_segments": 4}),
    ("segment_prod", ops.segment_prod, _np_segment("prod"), (DATA, IDS), {"num_segments": 5}),
    ("segment_max", ops.segment_max, _np_segment("max"), (DATA, IDS), {"num_segments": 5}),
    ("segment_min", ops.segment_min, _np_segment("min"), (DATA, IDS_OUT), {"num_segments": 4}),
    ("segment_max-1d", ops.segment_max, _np_segment("max"), (DATA[:, 0], IDS), {}),
    ("extract_sequences", ops.extract_sequences, _np_frames, (SIG, 5, 3), {}),
    ("extract_sequences-exact", ops.extract_sequences, _np_frames, (f32(3, 2, 8), 4, 4), {}),
    ("fft", ops.fft, lambda x: _pair(np.fft.fft(x[0] + 1j * x[1])), ((REAL, IMAG),), {}),
    ("fft2", ops.fft2, lambda x: _pair(np.fft.fft2(x[0] + 1j * x[1])),
     ((f32(2, 4, 6), f32(2, 4, 6)),), {}),
    ("ifft2", ops.ifft2, lambda x: _pair(np.fft.ifft2(x[0] + 1j * x[1])),
     ((f32(4, 6), f32(4, 6)),), {}),
    ("rfft", ops.rfft, lambda x: _pair(np.fft.rfft(x)), (SIG,), {}),
    ("rfft-pad", ops.rfft, lambda x, fft_length: _pair(np.fft.rfft(x, fft_length)), (SIG,),
     {"fft_length": 32}),
    ("rfft-crop", ops.rfft, lambda x, fft_length: _pair(np.fft.rfft(x, fft_length)), (SIG,),
     {"fft_length": 15}),
    ("irfft", ops.irfft, lambda x: np.fft.irfft(x[0] + 1j * x[1]), ((REAL[:, :5], IMAG[:, :5]),),
     {}),
    ("irfft-odd", ops.irfft, lambda x, fft_length: np.fft.irfft(x[0] + 1j * x[1], fft_length),
     ((REAL[:, :5], IMAG[:, :5]),), {"fft_length": 9}),
    ("irfft-pad", ops.irfft, lambda x, fft_length: np.fft.irfft(x[0] + 1j * x[1], fft_length),
     ((REAL[:, :5], IMAG[:, :5]),), {"fft_length": 14}),
    ("stft", ops.stft, _np_stft, (SIG, 8, 4, 8), {}),
    ("stft-padded-window", ops.stft, _np_stft, (SIG, 6, 3, 8), {}),
    ("stft-hamming-nocenter", ops.stft, _np_stft, (SIG, 8, 2, 8),
     {"window": "hamming", "center": False}),
    ("stft-no-window", ops.stft, _np_stft, (f32(16), 4, 4, 4), {"window": None}),
]  # fmt: skip


test_matches_reference = matches_reference_test(CASES, rtol=1e-4, atol=1e-4)


UNKNOWN_BATCH = [
    "logsumexp-axis",
    "cdist-batch",
    "top_k",
    "segment_sum-num",
    "segment_max",
    "extract_sequences",
    "fft",
    "rfft-pad",
    "irfft",
    "stft",
    "stft-padded-window",
]


test_unknown_batch_dimension = unknown_batch_test(CASES, UNKNOWN_BATCH, rtol=1e-4, atol=1e-4)


def test_stft_keras_doc_example():
    real, imag = ops.stft(backend.convert_to_tensor(np.arange(5, dtype="float32")), 3, 2, 3)
    np.testing.assert_allclose(
        np_(real), [[0.75, -0.375], [3.75, -1.875], [5.25, -2.625]], rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        np_(imag), [[0.0, 0.64951905], [0.0, 0.64951905], [0.0, -0.64951905]], rtol=1e-5, atol=1e-6
    )


def test_stft_tensor_window():
    win = np.linspace(0.5, 1.0, 6).astype("float32")
    got = ops.stft(backend.convert_to_tensor(SIG), 6, 3, 8, window=backend.convert_to_tensor(win))
    left = 1
    padded = np.pad(win.astype("float64"), (left, 1))
    x = np.pad(SIG, [(0, 0), (4, 4)], mode="reflect")
    want = _pair(np.fft.rfft(_np_frames(x, 8, 3) * padded, axis=-1))
    for g, w in zip(got, want):
        np.testing.assert_allclose(np_(g), w, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "sequence_length,stride,fft_length,center,window",
    [
        (8, 4, 8, True, "hann"),
        (8, 2, 16, True, "hann"),
        (6, 2, 8, False, "hamming"),
        (4, 4, 4, True, None),
    ],
    ids=["hann-half-overlap", "hann-padded-fft", "hamming-nocenter", "rectangular"],
)
def test_istft_inverts_stft(sequence_length, stride, fft_length, center, window):
    sig = f32(2, 32)
    spec = ops.stft(
        backend.convert_to_tensor(sig),
        sequence_length,
        stride,
        fft_length,
        window=window,
        center=center,
    )
    out = ops.istft(
        spec, sequence_length, stride, fft_length, length=32, window=window, center=center
    )
    out = np_(out)
    assert out.shape == (2, 32)
    if center:
        np.testing.assert_allclose(out, sig, rtol=1e-4, atol=1e-4)
    else:  # the first/last samples are covered by too little window to invert
        inner = slice(fft_length, 32 - fft_length)
        np.testing.assert_allclose(out[:, inner], sig[:, inner], rtol=1e-4, atol=1e-4)


def test_istft_shapes_match_spec():
    real, imag = f32(2, 9, 5), f32(2, 9, 5)
    for kwargs in ({}, {"length": 40}, {"length": 10}, {"center": False}):
        assert_op_matches(ops.istft, None, (real, imag), 8, 4, 8, **kwargs)


def test_integer_and_dtype_rules():
    assert_op_matches(
        ops.logsumexp,
        scipy.special.logsumexp,
        np.arange(6, dtype="int32"),
        expected_dtype="float32",
    )
    assert_op_matches(
        ops.rfft,
        lambda x: _pair(np.fft.rfft(x)),
        np.arange(8, dtype="int32"),
        expected_dtype="float32",
        atol=1e-5,
    )
    out = assert_op_matches(
        ops.fft, None, (REAL.astype("float64"), IMAG.astype("float64")), expected_dtype="float64"
    )
    np.testing.assert_allclose(
        out[0] + 1j * out[1], np.fft.fft(REAL + 1j * IMAG.astype("f8")), rtol=1e-6, atol=1e-6
    )
    assert_op_matches(
        ops.segment_sum,
        _np_segment("sum"),
        np.arange(7, dtype="int32"),
        IDS,
        expected_dtype="int32",
    )
    assert_op_matches(
        ops.segment_max,
        None,
        np.arange(7, dtype="int32"),
        IDS,
        num_segments=5,
        expected_dtype="int32",
    )
    values, indices = assert_op_matches(ops.top_k, _np_top_k, f32(2, 5), 2, expected_dtype=None)
    assert indices.dtype == np.int32
    half = ops.rfft(backend.convert_to_tensor(SIG.astype("float16")))
    assert backend.standardize_dtype(half[0].dtype) == "float16"


def test_in_top_k_ties_and_nonfinite():
    preds = np.array([[1.0, 1.0, 1.0, 0.0], [np.nan, 1.0, 2.0, 3.0]], "float32")
    out = np_(
        ops.in_top_k(
            backend.convert_to_tensor(np.array([2, 0], "int32")),
            backend.convert_to_tensor(preds),
            1,
        )
    )
    assert out.tolist() == [True, False]
    assert np_(out).dtype == np.bool_


def test_empty_segments_hold_identities():
    out = np_(
        ops.segment_max(
            backend.convert_to_tensor(DATA), backend.convert_to_tensor(IDS), num_segments=5
        )
    )
    assert np.all(out[2] == -np.inf) and np.all(out[4] == -np.inf)
    out = np_(
        ops.segment_prod(
            backend.convert_to_tensor(DATA), backend.convert_to_tensor(IDS), num_segments=5
        )
    )
    assert np.all(out[2] == 1)


def test_symbolic():
    x = KerasTensor((None, 20))
    real, imag = ops.stft(x, 8, 4, 8)
    assert real.shape == (None, 6, 5) and imag.dtype == "float32"
    assert ops.extract_sequences(x, 5, 3).shape == (None, 6, 5)
    assert ops.segment_sum(KerasTensor((None, 3)), KerasTensor((None,), "int32")).shape == (None, 3)
    assert ops.segment_max(
        KerasTensor((7, 3)), KerasTensor((7,), "int32"), num_segments=4
    ).shape == (4, 3)
    values, indices = ops.top_k(KerasTensor((None, 10)), 3)
    assert values.shape == (None, 3) and indices.dtype == "int32"
    assert ops.in_top_k(KerasTensor((None,), "int32"), KerasTensor((None, 5)), 2).dtype == "bool"
    assert ops.cdist(KerasTensor((None, 4, 3)), KerasTensor((5, 3))).shape == (None, 4, 5)
    assert ops.logsumexp(KerasTensor((None, 4)), axis=1).shape == (None,)
    assert ops.irfft((KerasTensor((None, 5)), KerasTensor((None, 5)))).shape == (None, 8)
    assert ops.istft((KerasTensor((2, 9, 5)), KerasTensor((2, 9, 5))), 8, 4, 8).shape == (2, 32)


def test_errors():
    t = backend.convert_to_tensor
    with pytest.raises(ValueError, match="top_k: `k`=9 is larger"):
        ops.top_k(t(f32(2, 5)), 9)
    with pytest.raises(ValueError, match="top_k: `k` must be a positive int"):
        ops.top_k(t(f32(2, 5)), 0)
    with pytest.raises(ValueError, match="in_top_k: `predictions` must be 2-D"):
        ops.in_top_k(t(TARGETS), t(X), 1)
    with pytest.raises(ValueError, match="segment_sum: `segment_ids` must have one id per row"):
        ops.segment_sum(t(DATA), t(IDS[:3]))
    with pytest.raises(ValueError, match="segment_max: `num_segments` must be"):
        ops.segment_max(t(DATA), t(IDS), num_segments=-2)
    with pytest.raises(ValueError, match="fft: `x` must be a tuple \\(real, imag\\)"):
        ops.fft(t(REAL))
    with pytest.raises(ValueError, match="fft2: `x` must have rank >= 2"):
        ops.fft2((t(REAL[0]), t(IMAG[0])))
    with pytest.raises(ValueError, match="ifft2: the real and imaginary parts must have"):
        ops.ifft2((t(REAL), t(IMAG[:2])))
    with pytest.raises(ValueError, match="stft: `window` must be 'hann', 'hamming'"):
        ops.stft(t(SIG), 8, 4, 8, window="blackman")
    with pytest.raises(ValueError, match="stft: `sequence_length` \\(9\\) must not exceed"):
        ops.stft(t(SIG), 9, 4, 8)
    with pytest.raises(ValueError, match="istft: the last dimension of `x` must be"):
        ops.istft((t(REAL), t(IMAG)), 8, 4, 8)
    with pytest.raises(ValueError, match="extract_sequences: the last dimension of `x` \\(20\\)"):
        ops.extract_sequences(t(SIG), 30, 2)
    with pytest.raises(ValueError, match="cdist: the last \\(feature\\) dimensions must match"):
        ops.cdist(t(f32(3, 2)), t(f32(3, 4)))
    with pytest.raises(ValueError, match="logdet: `x` must be a square matrix"):
        ops.logdet(t(M))
    with pytest.raises(ValueError, match="logsumexp: `axis`=3 is out of range"):
        ops.logsumexp(t(X), axis=3)


_grad = backend_grad


@requires_training
def test_cdist_gradient_at_zero_distance_is_finite():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    g = _grad(lambda a: ops.vdot(ops.cdist(a, x), np.ones(4)), x)
    assert np.all(np.isfinite(g))


@requires_training
@pytest.mark.parametrize("name", ["logsumexp", "cdist", "segment_sum", "stft", "logdet"])
def test_gradients(name):
    x = rng.standard_normal((4, 4)) + 4 * np.eye(4)
    y = rng.standard_normal((3, 4))
    w12 = rng.standard_normal(12)
    fns = {
        "logsumexp": (lambda a: ops.logsumexp(a), lambda a: scipy.special.logsumexp(a)),
        "cdist": (
            lambda a: ops.vdot(ops.cdist(a, y), w12),
            lambda a: np.vdot(_np_cdist(a, y), w12),
        ),
        "segment_sum": (
            lambda a: ops.vdot(
                ops.segment_sum(a, np.array([0, 2, 0, 1], "int32"), num_segments=3), w12
            ),
            lambda a: np.vdot(_np_segment("sum")(a, np.array([0, 2, 0, 1]), 3), w12),
        ),
        "stft": (
            lambda a: ops.vdot(ops.stft(ops.reshape(a, (16,)), 4, 4, 4, center=False)[0], w12[:12]),
            lambda a: np.vdot(
                np.fft.rfft(_np_frames(a.reshape(16), 4, 4) * _window("hann", 4, 4)).real, w12
            ),
        ),
        "logdet": (lambda a: ops.logdet(a), lambda a: np.linalg.slogdet(a)[1]),
    }
    op_fn, ref_fn = fns[name]
    eps = 1e-6
    fd = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[idx] = eps
        fd[idx] = (ref_fn(x + d) - ref_fn(x - d)) / (2 * eps)
    np.testing.assert_allclose(_grad(op_fn, x), fd, rtol=1e-5, atol=1e-6)


HALF_CASES = [
    ("logsumexp", lambda a: ops.logsumexp(a, axis=1)),
    ("cdist", lambda a: ops.cdist(a, a)),
    ("top_k", lambda a: ops.top_k(a, 2)[0]),
    ("segment_max", lambda a: ops.segment_max(a, np.array([0, 1, 1, 0], "int32"))),
    ("segment_prod", lambda a: ops.segment_prod(a, np.array([0, 1, 1, 0], "int32"))),
    ("rfft", lambda a: ops.rfft(a)[1]),
    ("fft2", lambda a: ops.fft2((a, a))[0]),
    ("stft", lambda a: ops.stft(ops.reshape(a, (16,)), 4, 2, 4)[0]),
    ("istft", lambda a: ops.istft((a[:, :3], a[:, 1:]), 4, 2, 4)),
    ("logdet", lambda a: ops.logdet(a)),
]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name,fn", HALF_CASES, ids=[c[0] for c in HALF_CASES])
def test_half_precision_keeps_dtype(name, fn, dtype):
    import ml_dtypes  # noqa: F401 (registers bfloat16 with NumPy)

    a = (f32(4, 4) + 3 * np.eye(4, dtype="float32")).astype(dtype)
    out = fn(backend.convert_to_tensor(a))
    assert backend.standardize_dtype(out.dtype) == dtype
