"""Fused recurrent kernels (torch: LSTM and GRU; tensorflow: LSTM) against the scan: same
outputs and gradients; when the fused path is and is not taken; and the whole-sequence input
projection of the scan against the cell's own per-step call on every backend."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu.layers.recurrent import fused
from tests.conftest import requires_training

RNG = np.random.default_rng(3)
X = RNG.normal(size=(3, 6, 4)).astype("float32") * 2


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _requires_fused(kind):
    return pytest.mark.skipif(
        fused.fused_kernel(kind, forced=True) is None,
        reason=f"no fused {kind} kernel on the {backend.backend()} backend",
    )


def _make(kind, **kwargs):
    cls = layers.LSTM if kind == "lstm" else layers.GRU
    kwargs.setdefault("use_cudnn", True)  # the kernel even where "auto" keeps the scan
    return cls(5, bias_initializer="normal", **kwargs)


def _pair(kind, **kwargs):
    """A layer on the fused path and a copy with the same weights forced onto the scan."""
    fast = _make(kind, **kwargs)
    fast.build((None, 6, 4))
    slow = type(fast).from_config(fast.get_config())
    slow.build((None, 6, 4))
    slow.set_weights(fast.get_weights())
    slow._fused = False
    return fast, slow


def _initial_state(kind):
    n = 2 if kind == "lstm" else 1
    return [RNG.normal(size=(3, 5)).astype("float32") for _ in range(n)]


def _loss_and_grads(layer, x, states, kwargs):
    """d(sum of weighted outputs)/d(inputs, initial states, weights), with the backend's
    autodiff through `stateless_call`."""
    weights = [v.value for v in layer.trainable_variables]
    flat = lambda out: out if isinstance(out, (list, tuple)) else [out]  # noqa: E731

    def loss_fn(x, states, weights):
        call_kwargs = dict(kwargs)
        if states:
            call_kwargs["initial_state"] = states
        out, _ = layer.stateless_call(weights, [], x, **call_kwargs)
        return sum(ops.sum(o * (1.0 + i)) for i, o in enumerate(flat(out)))

    if backend.backend() == "torch":
        import torch

        xt = torch.tensor(x, requires_grad=True)
        st = [torch.tensor(s, requires_grad=True) for s in states]
        wt = [w.detach().clone().requires_grad_(True) for w in weights]
        loss = loss_fn(xt, st, wt)
        grads = torch.autograd.grad(loss, [xt] + st + wt)
    else:
        import tensorflow as tf

        xt = tf.constant(x)
        st = [tf.constant(s) for s in states]
        wt = [tf.identity(w) for w in weights]
        with tf.GradientTape() as tape:
            tape.watch([xt] + st + wt)
            loss = loss_fn(xt, st, wt)
        grads = tape.gradient(loss, [xt] + st + wt)
    return _np(loss), [_np(g) for g in grads]


CASES = [
    ("sequences", {"return_sequences": True}, False),
    ("last_backwards", {"go_backwards": True}, False),
    ("state_initial", {"return_state": True}, True),
    ("all", {"return_sequences": True, "return_state": True, "go_backwards": True}, True),
]


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("lstm", marks=_requires_fused("lstm")),
        pytest.param("gru", marks=_requires_fused("gru")),
    ],
)
@pytest.mark.parametrize("name, kwargs, with_state", CASES, ids=[c[0] for c in CASES])
def test_fused_and_scan_agree(kind, name, kwargs, with_state, monkeypatch):
    calls = _count_fused_calls(monkeypatch)
    fast, slow = _pair(kind, **kwargs)
    call = {"initial_state": _initial_state(kind)} if with_state else {}
    a, b = fast(X, **call), slow(X, **call)
    assert calls == [kind]  # the fast copy ran the kernel, the slow one the scan
    pairs = zip(*[v if isinstance(v, (list, tuple)) else [v] for v in (a, b)])
    for p, q in pairs:
        assert tuple(p.shape) == tuple(q.shape)
        np.testing.assert_allclose(_np(p), _np(q), rtol=1e-5, atol=1e-5)
    states = call.get("initial_state", [])
    loss_a, grads_a = _loss_and_grads(fast, X, states, {})
    loss_b, grads_b = _loss_and_grads(slow, X, states, {})
    np.testing.assert_allclose(loss_a, loss_b, rtol=1e-5, atol=1e-4)
    assert len(grads_a) == 1 + len(states) + 3
    for ga, gb in zip(grads_a, grads_b):
        assert np.abs(gb).max() > 0
        np.testing.assert_allclose(ga, gb, rtol=1e-4, atol=1e-4)


RIGHT_PADDED = np.array([[1] * 6, [1] * 3 + [0] * 3, [1] + [0] * 5], bool)
MASK_CASES = [
    ("forwards", {}),
    ("forwards_zero_output", {"zero_output_for_mask": True}),
    ("backwards", {"go_backwards": True}),
    ("backwards_zero_output", {"go_backwards": True, "zero_output_for_mask": True}),
]


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("lstm", marks=_requires_fused("lstm")),
        pytest.param("gru", marks=_requires_fused("gru")),
    ],
)
@pytest.mark.parametrize("name, kwargs", MASK_CASES, ids=[c[0] for c in MASK_CASES])
def test_right_padded_masks_agree(kind, name, kwargs, monkeypatch):
    calls = _count_fused_calls(monkeypatch)
    fast, slow = _pair(kind, return_sequences=True, return_state=True, **kwargs)
    states = _initial_state(kind)
    call = {"mask": RIGHT_PADDED, "initial_state": states}
    a, b = fast(X, **call), slow(X, **call)
    assert len(calls) == (1 if fused.handles_right_padded_masks() else 0)
    for p, q in zip(a, b):
        np.testing.assert_allclose(_np(p), _np(q), rtol=1e-5, atol=1e-5)
    loss_a, grads_a = _loss_and_grads(fast, X, states, {"mask": RIGHT_PADDED})
    loss_b, grads_b = _loss_and_grads(slow, X, states, {"mask": RIGHT_PADDED})
    np.testing.assert_allclose(loss_a, loss_b, rtol=1e-5, atol=1e-4)
    for ga, gb in zip(grads_a, grads_b):
        np.testing.assert_allclose(ga, gb, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("lstm", marks=_requires_fused("lstm")),
        pytest.param("gru", marks=_requires_fused("gru")),
    ],
)
def test_fused_dropout_draws_the_scan_mask(kind):
    fast, slow = _pair(kind, dropout=0.5, seed=7, return_sequences=True)
    a, b = fast(X, training=True), slow(X, training=True)
    np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-5)
    assert not np.allclose(_np(a), _np(fast(X)), atol=1e-3)


@requires_training
@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("lstm", marks=_requires_fused("lstm")),
        pytest.param("gru", marks=_requires_fused("gru")),
    ],
)
def test_fused_fit_updates_the_layer_weights_like_the_scan(kind):
    y = RNG.normal(size=(3, 6, 5)).astype("float32")
    results = []
    for layer in _pair(kind, return_sequences=True):
        model = cornu.Sequential([cornu.Input((6, 4)), layer])
        model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse")
        before = [w.copy() for w in layer.get_weights()]
        model.fit(X, y, batch_size=3, epochs=2, shuffle=False, verbose=0)
        after = layer.get_weights()
        assert all(not np.allclose(w0, w1) for w0, w1 in zip(before, after))
        results.append(after)
    for wa, wb in zip(*results):
        np.testing.assert_allclose(wa, wb, rtol=1e-4, atol=1e-5)


def _count_fused_calls(monkeypatch):
    calls = []
    original = fused.fused_kernel

    def counting(kind, forced=False):
        kernel = original(kind, forced)
        if kernel is None:
            return None

        def wrapped(*args, **kwargs):
            result = kernel(*args, **kwargs)
            if result is not None:  # None: the kernel declined, the scan runs
                calls.append(kind)
            return result

        return wrapped

    monkeypatch.setattr(fused, "fused_kernel", counting)
    return calls


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("lstm", marks=_requires_fused("lstm")),
        pytest.param("gru", marks=_requires_fused("gru")),
    ],
)
def test_when_the_fused_path_is_taken(kind, monkeypatch):
    calls = _count_fused_calls(monkeypatch)
    _make(kind)(X)
    assert calls == [kind]
    holes = np.ones((3, 6), bool)
    holes[:, 2] = False  # not right padding
    empty_row = RIGHT_PADDED.copy()
    empty_row[2] = False
    not_fused = [
        (_make(kind, activation="relu"), {}),
        (_make(kind, recurrent_activation="hard_sigmoid"), {}),
        (_make(kind, unroll=True), {}),
        (_make(kind, use_cudnn=False), {}),
        (_make(kind, recurrent_dropout=0.3, seed=1), {"training": True}),
        (_make(kind), {"mask": holes}),
        (_make(kind), {"mask": empty_row}),
    ]
    if kind == "gru":
        not_fused.append((_make(kind, reset_after=False), {}))
    for layer, kwargs in not_fused:
        layer(X, **kwargs)
    assert calls == [kind]
    _make(kind, use_cudnn="auto")(X)
    by_default = fused.fused_kernel(kind) is not None
    assert calls == [kind] * (2 if by_default else 1)
    mixed = _make(kind, dtype="mixed_float16")
    assert cornu.backend.standardize_dtype(mixed(X).dtype) == "float16"


def test_use_cudnn_values():
    assert layers.LSTM(2, use_cudnn=False).use_cudnn is False
    assert layers.GRU(2).use_cudnn == "auto"
    with pytest.raises(ValueError, match="LSTM: use_cudnn must be 'auto', True or False"):
        layers.LSTM(2, use_cudnn="yes")


class _PerStepLSTMCell(layers.LSTMCell):
    def call(self, inputs, states, training=False):  # own call: the scan steps it per time step
        return super().call(inputs, states, training=training)


class _PerStepGRUCell(layers.GRUCell):
    def call(self, inputs, states, training=False):
        return super().call(inputs, states, training=training)


@pytest.mark.parametrize(
    "kind, cell_cls, kwargs",
    [
        ("lstm", _PerStepLSTMCell, {}),
        ("gru", _PerStepGRUCell, {}),
        ("gru", _PerStepGRUCell, {"reset_after": False}),
    ],
    ids=["lstm", "gru", "gru_reset_before"],
)
@pytest.mark.parametrize("features, projected", [(12, True), (4, False)], ids=["wide", "narrow"])
def test_projected_scan_matches_per_step_cell(kind, cell_cls, kwargs, features, projected):
    x = RNG.normal(size=(3, 6, features)).astype("float32")
    mask = np.ones((3, 6), bool)
    mask[1, 3:] = False
    layer = _make(kind, return_sequences=True, go_backwards=True, **kwargs)
    layer._fused = False
    expected_layer = layers.RNN(cell_cls(5, **kwargs), return_sequences=True, go_backwards=True)
    expected_layer.build((None, 6, features))
    layer.build((None, 6, features))
    expected_layer.set_weights(layer.get_weights())
    xs = ops.transpose(ops.convert_to_tensor(x), (1, 0, 2))
    _, step = layer._step_plan(xs, layer._zero_states(ops.convert_to_tensor(x)), False)
    assert (step != layer._cell_step) == projected  # wide inputs: projected before the scan
    np.testing.assert_allclose(
        _np(layer(x, mask=mask)), _np(expected_layer(x, mask=mask)), rtol=1e-5, atol=1e-5
    )
