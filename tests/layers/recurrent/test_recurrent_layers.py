"""Tests of the recurrent layers: the generic layer battery, NumPy reference loops (masks, both
directions), Bidirectional/TimeDistributed/stacked cells, and Keras's saved rnn_masked model."""

from pathlib import Path

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu.testing.layer_checks import run_layer_test

FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "keras3"
RNG = np.random.default_rng(7)


def _np(x):
    return ops.convert_to_numpy(x)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# -- NumPy reference cells ---------------------------------------------------------------


def np_simple(w, x, states):
    k, r, b = w
    h = np.tanh(x @ k + states[0] @ r + b)
    return h, [h]


def np_lstm(w, x, states):
    k, r, b = w
    h, c = states
    u = h.shape[-1]
    z = x @ k + h @ r + b
    i, f, g, o = (z[:, j * u : (j + 1) * u] for j in range(4))
    c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    h = _sigmoid(o) * np.tanh(c)
    return h, [h, c]


def np_gru(w, x, states, reset_after=True):
    k, r, b = w
    h = states[0]
    u = h.shape[-1]
    if reset_after:
        xm = x @ k + b[0]
        hm = h @ r + b[1]
        z = _sigmoid(xm[:, :u] + hm[:, :u])
        rr = _sigmoid(xm[:, u : 2 * u] + hm[:, u : 2 * u])
        hh = np.tanh(xm[:, 2 * u :] + rr * hm[:, 2 * u :])
    else:
        xm = x @ k + b
        z = _sigmoid(xm[:, :u] + h @ r[:, :u])
        rr = _sigmoid(xm[:, u : 2 * u] + h @ r[:, u : 2 * u])
        hh = np.tanh(xm[:, 2 * u :] + (rr * h) @ r[:, 2 * u :])
    h = z * h + (1 - z) * hh
    return h, [h]


def np_rnn(step, x, states, mask=None, go_backwards=False, zero_output_for_mask=False):
    """Returns (last_output, outputs (batch, time, units) in processing order, final states)."""
    x = np.asarray(x, "float64")
    states = [np.asarray(s, "float64") for s in states]
    batch, time = x.shape[:2]
    mask = np.ones((batch, time), bool) if mask is None else np.asarray(mask, bool)
    order = range(time - 1, -1, -1) if go_backwards else range(time)
    prev_out, outs = None, []
    for t in order:
        out, new = step(x[:, t], states)
        if prev_out is None:
            prev_out = np.zeros_like(out)
        m = mask[:, t].reshape((-1,) + (1,) * (out.ndim - 1))
        states = [np.where(m, n, s) for n, s in zip(new, states)]
        prev_out = np.where(m, out, prev_out)
        outs.append(np.where(m, out, 0.0) if zero_output_for_mask else prev_out)
    return prev_out, np.stack(outs, axis=1), states


def _weights(layer):
    return [np.asarray(w, "float64") for w in layer.get_weights()]


def _mask(batch=3, time=6):
    mask = np.ones((batch, time), bool)
    mask[0, 4:] = False  # trailing padding
    mask[1, :2] = False  # leading padding
    mask[-1, 3] = False  # a hole
    return mask


REFS = {
    "SimpleRNN": (layers.SimpleRNN, np_simple, 1, {}),
    "LSTM": (layers.LSTM, np_lstm, 2, {}),
    "GRU": (layers.GRU, np_gru, 1, {}),
    "GRU_reset_before": (
        layers.GRU,
        lambda w, x, s: np_gru(w, x, s, reset_after=False),
        1,
        {"reset_after": False},
    ),
}


# -- the generic battery ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name, extra, out_shape",
    [
        ("SimpleRNN", {"return_sequences": True}, (2, 5, 4)),
        ("LSTM", {"go_backwards": True, "unroll": True}, (2, 4)),
        ("GRU", {}, (2, 4)),
        ("GRU_reset_before", {"return_sequences": True, "go_backwards": True}, (2, 5, 4)),
    ],
)
def test_layer_battery(name, extra, out_shape):
    cls, _, _, kwargs = REFS[name]
    run_layer_test(
        cls,
        {"units": 4, **kwargs, **extra},
        input_shape=(2, 5, 3),
        expected_output_shape=out_shape,
        expected_num_trainable_weights=3,
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=0,
        supports_masking=True,
    )


def test_return_state_battery():
    run_layer_test(
        layers.LSTM,
        {"units": 4, "return_state": True, "return_sequences": True},
        input_shape=(2, 5, 3),
        expected_output_shape=((2, 5, 4), (2, 4), (2, 4)),
    )


def test_dropout_battery():
    run_layer_test(
        layers.GRU,
        {"units": 4, "dropout": 0.3, "recurrent_dropout": 0.2, "seed": 1},
        input_shape=(2, 5, 3),
        expected_output_shape=(2, 4),
        expected_num_trainable_weights=3,
        expected_num_seed_generators=1,
    )


def test_rnn_and_stacked_battery():
    run_layer_test(
        layers.RNN,
        {"cell": [layers.LSTMCell(3), layers.GRUCell(2)]},
        input_shape=(2, 5, 3),
        expected_output_shape=(2, 2),
        expected_num_trainable_weights=6,
        run_training_check=False,
    )


@pytest.mark.parametrize("merge_mode, last", [("concat", 8)])
def test_bidirectional_battery(merge_mode, last):
    run_layer_test(
        layers.Bidirectional,
        {"layer": layers.LSTM(4, return_sequences=True), "merge_mode": merge_mode},
        input_shape=(2, 5, 3),
        expected_output_shape=(2, 5, last),
        expected_num_trainable_weights=6,
        supports_masking=True,
    )


def test_time_distributed_battery():
    run_layer_test(
        layers.TimeDistributed,
        {"layer": layers.Dense(4)},
        input_shape=(2, 5, 3),
        expected_output_shape=(2, 5, 4),
        expected_num_trainable_weights=2,
    )


# -- numerics against NumPy -------------------------------------------------------------


@pytest.mark.parametrize(
    "name, go_backwards, masked",
    [
        ("SimpleRNN", True, True),
        ("LSTM", False, True),
        ("LSTM", True, False),
        ("GRU", False, True),
        ("GRU", True, True),
        ("GRU_reset_before", True, True),
    ],
)
def test_matches_numpy(name, go_backwards, masked):
    cls, step, n_states, kwargs = REFS[name]
    x = RNG.normal(size=(3, 6, 4)).astype("float32")
    mask = _mask() if masked else None
    layer = cls(
        5,
        return_sequences=True,
        return_state=True,
        go_backwards=go_backwards,
        bias_initializer="random_normal",
        **kwargs,
    )
    m = None if mask is None else ops.convert_to_tensor(mask)
    outs = layer(ops.convert_to_tensor(x), mask=m)
    w = _weights(layer)
    zeros = [np.zeros((3, 5))] * n_states
    last, seq, states = np_rnn(lambda x_, s: step(w, x_, s), x, zeros, mask, go_backwards)
    np.testing.assert_allclose(_np(outs[0]), seq, atol=1e-5)
    for got, want in zip(outs[1:], states):
        np.testing.assert_allclose(_np(got), want, atol=1e-5)
    # Without return_sequences: the output at the last unmasked step.
    config = {**layer.get_config(), "return_sequences": False, "return_state": False}
    single = cls.from_config(config)
    single.build(x.shape)
    single.set_weights(layer.get_weights())
    got = single(ops.convert_to_tensor(x), mask=m)
    np.testing.assert_allclose(_np(got), last, atol=1e-5)


def test_lstm_weights_layout():
    layer = layers.LSTM(3)
    layer.build((1, 2, 4))
    shapes = [tuple(w.shape) for w in layer.weights]
    assert shapes == [(4, 12), (3, 12), (12,)]
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    np.testing.assert_array_equal(_np(layer.cell.bias), [0] * 3 + [1] * 3 + [0] * 6)
    gru = layers.GRU(3)
    gru.build((1, 2, 4))
    assert [tuple(w.shape) for w in gru.weights] == [(4, 9), (3, 9), (2, 9)]


def test_zero_output_for_mask_and_initial_state():
    x = RNG.normal(size=(3, 6, 4)).astype("float32")
    mask = _mask()
    h0 = RNG.normal(size=(3, 5)).astype("float32")
    c0 = RNG.normal(size=(3, 5)).astype("float32")
    layer = layers.LSTM(5, return_sequences=True, zero_output_for_mask=True)
    got = layer(ops.convert_to_tensor(x), initial_state=[h0, c0], mask=ops.convert_to_tensor(mask))
    w = _weights(layer)
    _, seq, _ = np_rnn(lambda x_, s: np_lstm(w, x_, s), x, [h0, c0], mask, False, True)
    np.testing.assert_allclose(_np(got), seq, atol=1e-5)
    assert np.all(_np(got)[0, 4:] == 0)


def test_mask_from_embedding_and_masking_layer():
    tokens = np.array([[3, 4, 0, 0], [1, 2, 5, 0]], "int32")
    emb = layers.Embedding(8, 3, mask_zero=True)
    e = emb(ops.convert_to_tensor(tokens))
    mask = emb.compute_mask(ops.convert_to_tensor(tokens))
    rnn = layers.SimpleRNN(2)
    got = rnn(e, mask=mask)
    w = _weights(rnn)
    want, _, _ = np_rnn(lambda x_, s: np_simple(w, x_, s), _np(e), [np.zeros((2, 2))], tokens != 0)
    np.testing.assert_allclose(_np(got), want, atol=1e-5)
    # The same through Masking: all-zero steps are skipped.
    x = _np(e) * (tokens != 0)[..., None]
    masking = layers.Masking(0.0)
    m2 = masking.compute_mask(ops.convert_to_tensor(x))
    np.testing.assert_allclose(_np(rnn(ops.convert_to_tensor(x), mask=m2)), want, atol=1e-5)
    # return_sequences propagates the mask; otherwise none.
    assert layers.GRU(2, return_sequences=True).compute_mask(e, mask) is mask
    assert layers.GRU(2).compute_mask(e, mask) is None


def test_stateful_continues_and_resets():
    x = RNG.normal(size=(2, 6, 3)).astype("float32")
    layer = layers.GRU(4, stateful=True, return_sequences=True)
    first = _np(layer(ops.convert_to_tensor(x[:, :3])))
    second = _np(layer(ops.convert_to_tensor(x[:, 3:])))
    assert len(layer.non_trainable_weights) == 1
    w = [np.asarray(_np(v), "float64") for v in layer.trainable_weights]
    _, seq, _ = np_rnn(lambda x_, s: np_gru(w, x_, s), x, [np.zeros((2, 4))])
    np.testing.assert_allclose(np.concatenate([first, second], 1), seq, atol=1e-5)
    layer.reset_states()
    np.testing.assert_allclose(_np(layer(ops.convert_to_tensor(x[:, :3]))), first, atol=1e-6)
    with pytest.raises(ValueError, match="stateful.*fixed batch size"):
        layers.LSTM(2, stateful=True)(cornu.Input(shape=(3, 2)))


def test_dropout_only_in_training():
    x = ops.convert_to_tensor(RNG.normal(size=(2, 5, 3)).astype("float32"))
    layer = layers.LSTM(4, dropout=0.5, recurrent_dropout=0.5, seed=3)
    plain = layers.LSTM(4)
    plain.build((2, 5, 3))
    layer.build((2, 5, 3))
    plain.set_weights(layer.get_weights())
    expected = _np(plain(x))
    np.testing.assert_allclose(_np(layer(x, training=False)), expected, atol=1e-6)
    trained = _np(layer(x, training=True))
    assert trained.shape == (2, 4)
    assert not np.allclose(trained, expected)


def test_stacked_cells_match_numpy():
    x = RNG.normal(size=(3, 6, 4)).astype("float32")
    mask = _mask()
    layer = layers.RNN([layers.LSTMCell(5), layers.SimpleRNNCell(3)], return_state=True)
    outs = layer(ops.convert_to_tensor(x), mask=ops.convert_to_tensor(mask))
    w = _weights(layer)

    def step(x_, s):
        h1, s1 = np_lstm(w[:3], x_, s[:2])
        h2, s2 = np_simple(w[3:], h1, s[2:])
        return h2, s1 + s2

    zeros = [np.zeros((3, 5)), np.zeros((3, 5)), np.zeros((3, 3))]
    last, _, states = np_rnn(step, x, zeros, mask)
    assert len(outs) == 4
    np.testing.assert_allclose(_np(outs[0]), last, atol=1e-5)
    for got, want in zip(outs[1:], states):
        np.testing.assert_allclose(_np(got), want, atol=1e-5)


def test_stacked_cells_dropout_in_training():
    x = ops.convert_to_tensor(RNG.normal(size=(2, 5, 3)).astype("float32"))
    cells = [layers.GRUCell(3, dropout=0.5, seed=1), layers.SimpleRNNCell(2, dropout=0.5, seed=2)]
    layer = layers.RNN(cells)
    plain = layers.RNN([layers.GRUCell(3), layers.SimpleRNNCell(2)])
    layer.build((2, 5, 3))
    plain.build((2, 5, 3))
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(_np(layer(x)), _np(plain(x)), atol=1e-6)
    assert not np.allclose(_np(layer(x, training=True)), _np(plain(x)))


class MinimalCell(cornu.Layer):
    """A user cell: `h = tanh(x @ w + h_prev)`."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")

    def call(self, inputs, states):
        h = ops.tanh(ops.matmul(inputs, self.w) + states[0])
        return h, [h]


def test_user_cell():
    x = RNG.normal(size=(3, 6, 4)).astype("float32")
    layer = layers.RNN(MinimalCell(2), return_sequences=True, go_backwards=True)
    got = layer(ops.convert_to_tensor(x), mask=ops.convert_to_tensor(_mask()))
    (w,) = _weights(layer)

    def step(x_, s):
        h = np.tanh(x_ @ w + s[0])
        return h, [h]

    _, seq, _ = np_rnn(step, x, [np.zeros((3, 2))], _mask(), go_backwards=True)
    np.testing.assert_allclose(_np(got), seq, atol=1e-5)
    assert layer.compute_output_shape((None, 6, 4)) == (None, 6, 2)


@pytest.mark.parametrize("merge_mode", ["concat", "mul", None])
def test_bidirectional_matches_numpy(merge_mode):
    x = RNG.normal(size=(3, 6, 4)).astype("float32")
    mask = _mask()
    layer = layers.Bidirectional(
        layers.GRU(3, return_sequences=True, return_state=True), merge_mode=merge_mode
    )
    outs = layer(ops.convert_to_tensor(x), mask=ops.convert_to_tensor(mask))
    w = _weights(layer)
    zeros = [np.zeros((3, 3))]
    _, fw, fs = np_rnn(lambda a, s: np_gru(w[:3], a, s), x, zeros, mask, False, True)
    _, bw, bs = np_rnn(lambda a, s: np_gru(w[3:], a, s), x, zeros, mask, True, True)
    bw = bw[:, ::-1]
    want = (
        {
            "concat": [np.concatenate([fw, bw], -1)],
            "sum": [fw + bw],
            "mul": [fw * bw],
            "ave": [(fw + bw) / 2],
            None: [fw, bw],
        }[merge_mode]
        + fs
        + bs
    )
    assert len(outs) == len(want)
    for got, ref in zip(outs, want):
        np.testing.assert_allclose(_np(got), ref, atol=1e-5)
    shapes = layer.compute_output_shape((3, 6, 4))
    assert [tuple(s) for s in shapes] == [r.shape for r in want]


def test_bidirectional_backward_layer_and_config():
    fw = layers.LSTM(3)
    bw = layers.SimpleRNN(3, go_backwards=True)
    layer = layers.Bidirectional(fw, backward_layer=bw, merge_mode="sum")
    x = RNG.normal(size=(2, 5, 4)).astype("float32")
    got = layer(ops.convert_to_tensor(x))
    w = _weights(layer)
    last_f, _, _ = np_rnn(lambda a, s: np_lstm(w[:3], a, s), x, [np.zeros((2, 3))] * 2)
    last_b, _, _ = np_rnn(lambda a, s: np_simple(w[3:], a, s), x, [np.zeros((2, 3))], None, True)
    np.testing.assert_allclose(_np(got), last_f + last_b, atol=1e-5)
    revived = layers.Bidirectional.from_config(layer.get_config())
    assert type(revived.backward_layer) is layers.SimpleRNN
    assert revived.forward_layer.name == layer.forward_layer.name
    with pytest.raises(ValueError, match="Bidirectional: merge_mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ValueError, match="Bidirectional: layer"):
        layers.Bidirectional(layers.Dense(2))


def test_time_distributed_matches_numpy_and_mask():
    x = RNG.normal(size=(2, 5, 3)).astype("float32")
    layer = layers.TimeDistributed(layers.Dense(4, activation="relu"))
    got = _np(layer(ops.convert_to_tensor(x)))
    k, b = layer.get_weights()
    np.testing.assert_allclose(got, np.maximum(x @ k + b, 0), atol=1e-5)
    assert layer.compute_output_shape((None, None, 3)) == (None, None, 4)
    mask = ops.convert_to_tensor(np.ones((2, 5), bool))
    assert layer.compute_mask(x, mask) is mask
    with pytest.raises(ValueError, match="TimeDistributed.*rank >= 3"):
        layers.TimeDistributed(layers.Dense(2))(np.zeros((2, 3), "float32"))


def test_functional_model_and_symbolic_shapes():
    inputs = cornu.Input(shape=(None, 3))
    seq = layers.LSTM(4, return_sequences=True)(inputs)
    out, h = layers.GRU(2, return_state=True)(seq)
    assert tuple(seq.shape) == (None, None, 4)
    assert tuple(out.shape) == (None, 2) and tuple(h.shape) == (None, 2)
    model = cornu.Model(inputs, out)
    y = model(np.ones((2, 7, 3), "float32"))
    assert tuple(y.shape) == (2, 2)


def test_errors():
    with pytest.raises(ValueError, match="LSTMCell: units must be a positive int"):
        layers.LSTM(0)
    with pytest.raises(ValueError, match="GRUCell: dropout must be a number"):
        layers.GRU(2, dropout=2.0)
    with pytest.raises(ValueError, match="RNN: cell must have"):
        layers.RNN(object())
    with pytest.raises(ValueError, match=r"expects inputs of shape \(batch, time, features\)"):
        layers.SimpleRNN(2)(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="initial_state has 1 tensors"):
        layers.LSTM(2)(np.zeros((1, 3, 2), "float32"), initial_state=[np.zeros((1, 2), "float32")])


@pytest.mark.skipif(backend.backend() not in ("jax", "tensorflow"), reason="compiled backends")
def test_compiled_stateless_call():
    layer = layers.LSTM(3, return_sequences=True)
    x = ops.convert_to_tensor(RNG.normal(size=(2, 4, 3)).astype("float32"))
    mask = ops.convert_to_tensor(_mask(2, 4))
    eager = _np(layer(x, mask=mask))
    tv = [v.value for v in layer.trainable_variables]

    def fn(tv, x, mask):
        return layer.stateless_call(tv, [], x, mask=mask)[0]

    if backend.backend() == "jax":
        import jax

        compiled = jax.jit(fn)
    else:
        import tensorflow as tf

        compiled = tf.function(fn)
    # (graph and eager kernels may round differently)
    np.testing.assert_allclose(_np(compiled(tv, x, mask)), eager, atol=1e-4)


# -- ConvLSTM ---------------------------------------------------------------------------


def test_conv_lstm_batteries():
    run_layer_test(
        layers.ConvLSTM1D,
        {"filters": 2, "kernel_size": 3, "return_sequences": True},
        input_shape=(2, 3, 6, 2),
        expected_output_shape=(2, 3, 4, 2),
        expected_num_trainable_weights=3,
        run_training_check=False,  # training through the loop is covered by the LSTM battery
    )
    layer = layers.ConvLSTM2D(2, 2, padding="same", return_state=True)
    outs = layer(np.ones((1, 2, 3, 3, 1), "float32"))
    assert [tuple(o.shape) for o in outs] == [(1, 3, 3, 2)] * 3
    assert layer.compute_output_shape((None, 2, 3, 3, 1)) == ((None, 3, 3, 2),) * 3
    revived = layers.ConvLSTM2D.from_config(layer.get_config())
    assert revived.get_config() == layer.get_config()
    layer3d = layers.ConvLSTM3D(2, 2, return_sequences=True)
    layer3d.build((1, 2, 3, 3, 3, 1))
    assert [tuple(w.shape) for w in layer3d.weights] == [(2, 2, 2, 1, 8), (2, 2, 2, 2, 8), (8,)]
    assert layer3d.compute_output_shape((None, 2, 3, 3, 3, 1)) == (None, 2, 2, 2, 2, 2)


def _np_conv1d(x, k, stride=1, same=False):
    """x (batch, steps, cin), k (width, cin, cout)."""
    width = k.shape[0]
    if same:
        total = width - 1
        x = np.pad(x, ((0, 0), (total // 2, total - total // 2), (0, 0)))
    n = (x.shape[1] - width) // stride + 1
    return np.stack(
        [np.einsum("bwc,wcd->bd", x[:, i * stride : i * stride + width], k) for i in range(n)], 1
    )


def test_conv_lstm1d_matches_numpy():
    x = RNG.normal(size=(2, 4, 7, 2)).astype("float32")
    mask = np.array([[True, True, True, False], [True, False, True, True]])
    layer = layers.ConvLSTM1D(3, 3, strides=2, return_sequences=True, go_backwards=True)
    got = layer(ops.convert_to_tensor(x), mask=ops.convert_to_tensor(mask))
    k, r, b = _weights(layer)

    def step(x_, s):
        h, c = s
        z = _np_conv1d(x_, k, stride=2) + _np_conv1d(h, r, same=True) + b
        i, f, g, o = np.split(z, 4, axis=-1)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
        return h, [h, c]

    zeros = [np.zeros((2, 3, 3))] * 2
    _, seq, _ = np_rnn(step, x, zeros, mask, go_backwards=True)
    np.testing.assert_allclose(_np(got), seq, atol=1e-5)


def test_conv_lstm_channels_first_agrees():
    x = RNG.normal(size=(1, 2, 4, 2)).astype("float32")
    last = layers.ConvLSTM1D(3, 2, padding="same")
    first = layers.ConvLSTM1D(3, 2, padding="same", data_format="channels_first")
    want = _np(last(ops.convert_to_tensor(x)))
    first.build((1, 2, 2, 4))
    first.set_weights(last.get_weights())
    got = _np(first(ops.convert_to_tensor(np.transpose(x, (0, 1, 3, 2)))))
    np.testing.assert_allclose(np.transpose(got, (0, 2, 1)), want, atol=1e-5)
    with pytest.raises(ValueError, match="ConvLSTM2D: padding"):
        layers.ConvLSTM2D(2, 2, padding="causal")
    with pytest.raises(ValueError, match="expects inputs of rank 5"):
        layers.ConvLSTM2D(2, 2)(np.zeros((1, 2, 3, 3), "float32"))


# -- Keras's saved model ----------------------------------------------------------------


@pytest.mark.skipif(not (FIXTURES / "rnn_masked.weights.h5").exists(), reason="no fixture")
def test_keras_rnn_masked_fixture():
    h5py = pytest.importorskip("h5py")
    data = np.load(FIXTURES / "rnn_masked.npz")
    with h5py.File(FIXTURES / "rnn_masked.weights.h5", "r") as f:

        def read(path):
            group = f["layers/" + path + "/vars"]
            return [np.asarray(group[str(i)]) for i in range(len(group))]

        emb_w = read("embedding")
        bi_w = read("bidirectional/forward_layer/cell") + read("bidirectional/backward_layer/cell")
        gru_w = read("gru/cell")
        rnn_w = read("simple_rnn/cell")
        dense_w = read("dense")

    tokens = ops.convert_to_tensor(data["x"])
    emb = layers.Embedding(50, 8, mask_zero=True)
    bi = layers.Bidirectional(layers.LSTM(6, return_sequences=True))
    gru = layers.GRU(5, return_sequences=True)
    rnn = layers.SimpleRNN(4)
    dense = layers.Dense(2)
    for layer, shape in (
        (emb, (None, 12)),
        (bi, (None, 12, 8)),
        (gru, (None, 12, 12)),
        (rnn, (None, 12, 5)),
        (dense, (None, 4)),
    ):
        layer.build(shape)
    mask = emb.compute_mask(tokens)
    for layer, weights in ((emb, emb_w), (bi, bi_w), (gru, gru_w), (rnn, rnn_w), (dense, dense_w)):
        layer.set_weights(weights)
    h = bi(emb(tokens), mask=mask)
    h = gru(h, mask=bi.compute_mask(h, mask))
    out = dense(rnn(h, mask=gru.compute_mask(h, mask)))
    np.testing.assert_allclose(_np(out), data["y"], atol=1e-4)
