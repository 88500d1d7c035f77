"""The benchmark models as pure functions of (params, state, x), for the JAX and TF native loops.

JAX and TensorFlow both run a traced pure function (jax.jit, tf.function), so each model is
written once here over a handful of primitives (`jax_ops()`, `tf_ops()`) whose only job is
naming the framework's own kernel; tracing removes the indirection. Layouts follow Keras
(NHWC images, (in, out) kernels, GRU with reset_after, gates i f c o), so the work per step
matches the Keras-API models in models_zoo.py.
"""

import types

import numpy as np
from cases import CASES, init_weights
from models_zoo import CLASSES, VOCAB, WIDTH

BN_MOMENTUM, BN_EPS, LN_EPS = 0.99, 1e-3, 1e-3


# -- primitives -----------------------------------------------------------------------------
def jax_ops():
    import jax
    import jax.numpy as jnp

    def conv(x, w, stride=1, padding="SAME"):
        dims = ("NHWC", "HWIO", "NHWC")
        return jax.lax.conv_general_dilated(x, w, (stride, stride), padding, dimension_numbers=dims)

    def max_pool2(x):
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    def rnn(step, xs, mask, carry, reverse=False):
        # xs: (batch, time, features) already projected; lax.scan runs time-major.
        seq = (jnp.swapaxes(xs, 0, 1), None if mask is None else jnp.swapaxes(mask, 0, 1))

        def body(c, inputs):
            x_t, m_t = inputs
            new = step(c, x_t)
            if m_t is not None:
                new = tuple(jnp.where(m_t[:, None], n, o) for n, o in zip(new, c))
            return new, None

        return jax.lax.scan(body, carry, seq, reverse=reverse)[0]

    return types.SimpleNamespace(
        np=jnp, relu=jax.nn.relu, sigmoid=jax.nn.sigmoid, tanh=jnp.tanh,
        softmax=jax.nn.softmax, mean=jnp.mean, sqrt=jnp.sqrt, rsqrt=jax.lax.rsqrt,
        take=lambda table, ids: jnp.take(table, ids, axis=0), conv=conv,
        max_pool2=max_pool2, rnn=rnn, zeros=lambda shape: jnp.zeros(shape, "float32"),
        stop=jax.lax.stop_gradient,
    )  # fmt: skip


def tf_ops():
    import tensorflow as tf

    def rnn(step, xs, mask, carry, reverse=False):
        # Unrolled: the time axis is static, and TF's graph runs an unrolled loop fastest here.
        steps = range(xs.shape[1])
        for t in reversed(steps) if reverse else steps:
            new = step(carry, xs[:, t])
            if mask is not None:
                new = tuple(tf.where(mask[:, t, None], n, o) for n, o in zip(new, carry))
            carry = new
        return carry

    ns = types.SimpleNamespace(
        relu=tf.nn.relu, sigmoid=tf.sigmoid, tanh=tf.tanh, softmax=tf.nn.softmax,
        mean=tf.reduce_mean, sqrt=tf.sqrt, rsqrt=tf.math.rsqrt,
        take=lambda table, ids: tf.gather(table, ids),
        conv=lambda x, w, stride=1, padding="SAME": tf.nn.conv2d(x, w, stride, padding),
        max_pool2=lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"), rnn=rnn,
        zeros=lambda shape: tf.zeros(shape, "float32"), stop=tf.stop_gradient,
    )  # fmt: skip
    ns.np = types.SimpleNamespace(
        reshape=tf.reshape,
        einsum=tf.einsum,
        split=lambda z, n, axis: tf.split(z, n, axis),
        not_equal=tf.not_equal,
        square=tf.square,
        concatenate=tf.concat,
    )
    return ns


# -- parameters -----------------------------------------------------------------------------
def init_params(row, seed=1):
    """(params, state) as NumPy pytrees; state holds BatchNormalization's moving statistics."""
    if row in CASES:
        return init_weights(row), {}
    rng = np.random.default_rng(seed)

    def glorot(*shape):
        fan_in = int(np.prod(shape[:-1])) if len(shape) > 2 else shape[0]
        fan_out = int(np.prod(shape[:-2])) * shape[-1] if len(shape) > 2 else shape[-1]
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape).astype("float32")

    def zeros(n):
        return np.zeros(n, "float32")

    params, state = {"head_w": None, "head_b": zeros(CLASSES[row])}, {}
    if row == "resnet":
        for name, (k, c_in, c_out) in _resnet_convs():
            params[name] = glorot(k, k, c_in, c_out)
            params[name + "_gamma"], params[name + "_beta"] = (
                np.ones(c_out, "float32"),
                zeros(c_out),
            )
            state[name + "_mean"], state[name + "_var"] = zeros(c_out), np.ones(c_out, "float32")
        params["head_w"] = glorot(64, CLASSES[row])
        return params, state
    params["emb"] = rng.uniform(-0.05, 0.05, size=(VOCAB, WIDTH)).astype("float32")
    if row == "transformer":
        for i in range(2):
            for part in "qkvo":
                params[f"{i}_{part}_w"], params[f"{i}_{part}_b"] = (
                    glorot(WIDTH, WIDTH),
                    zeros(WIDTH),
                )
            params[f"{i}_ff1_w"], params[f"{i}_ff1_b"] = glorot(WIDTH, 2 * WIDTH), zeros(2 * WIDTH)
            params[f"{i}_ff2_w"], params[f"{i}_ff2_b"] = glorot(2 * WIDTH, WIDTH), zeros(WIDTH)
            for ln in ("ln1", "ln2"):
                params[f"{i}_{ln}_g"], params[f"{i}_{ln}_b"] = (
                    np.ones(WIDTH, "float32"),
                    zeros(WIDTH),
                )
        params["head_w"] = glorot(WIDTH, CLASSES[row])
        return params, state
    gates = 3 if row == "gru_text" else 4
    for d in ("fw",) if row == "gru_text" else ("fw", "bw"):
        params[d + "_kernel"] = glorot(WIDTH, gates * WIDTH)
        params[d + "_recurrent"] = glorot(WIDTH, gates * WIDTH)
        params[d + "_bias"] = zeros((2, gates * WIDTH) if gates == 3 else (gates * WIDTH,))
    out = WIDTH if row == "gru_text" else 2 * WIDTH
    params["head_w"] = glorot(out, CLASSES[row])
    return params, state


def _resnet_convs():
    """(name, (kernel size, in channels, out channels)) of ResNet-20's convolutions in order."""
    convs, c_in = [("stem", (3, 3, 16))], 16
    for stage, filters in enumerate((16, 32, 64)):
        for block in range(3):
            if stage > 0 and block == 0:
                convs.append((f"s{stage}b{block}_proj", (1, c_in, filters)))
            convs += [(f"s{stage}b{block}_a", (3, c_in, filters))]
            convs += [(f"s{stage}b{block}_b", (3, filters, filters))]
            c_in = filters
    return convs


# -- forward passes -------------------------------------------------------------------------
def forward(F, row, p, s, x, training=True):
    """(logits, new state) of `row` on the batch `x`."""
    if row in ("tiny_mlp", "mlp"):
        h = x
        for i in range(0, len(p) - 2, 2):
            h = F.relu(h @ p[i] + p[i + 1])
        return h @ p[-2] + p[-1], s
    if row == "cnn":
        h = x
        for i in (0, 2):
            h = F.max_pool2(F.relu(F.conv(h, p[i], padding="VALID") + p[i + 1]))
        return F.np.reshape(h, (-1, 5 * 5 * 64)) @ p[4] + p[5], s
    if row == "lstm":
        kernel, recurrent, bias, w_out, b_out = p
        zeros = F.zeros((x.shape[0], recurrent.shape[0]))
        h, _ = F.rnn(_lstm_step(F, recurrent), x @ kernel + bias, None, (zeros, zeros))
        return h @ w_out + b_out, s
    if row == "resnet":
        h, s = _resnet(F, p, s, x, training)
    elif row == "transformer":
        h = _transformer(F, p, F.take(p["emb"], x))
    else:
        h = _text_rnn(F, row, p, x)
    return h @ p["head_w"] + p["head_b"], s


def _batch_norm(F, p, s, name, h, training):
    gamma, beta = p[name + "_gamma"], p[name + "_beta"]
    if not training:
        mean, var = s[name + "_mean"], s[name + "_var"]
        return (h - mean) * F.rsqrt(var + BN_EPS) * gamma + beta, {}
    mean = F.mean(h, axis=(0, 1, 2))
    var = F.mean(F.np.square(h - mean), axis=(0, 1, 2))
    new = {
        name + "_mean": s[name + "_mean"] * BN_MOMENTUM + F.stop(mean) * (1 - BN_MOMENTUM),
        name + "_var": s[name + "_var"] * BN_MOMENTUM + F.stop(var) * (1 - BN_MOMENTUM),
    }
    return (h - mean) * F.rsqrt(var + BN_EPS) * gamma + beta, new


def _resnet(F, p, s, x, training):
    new_state = {}

    def conv_bn(h, name, stride=1, relu=True):
        h, updates = _batch_norm(F, p, s, name, F.conv(h, p[name], stride), training)
        new_state.update(updates)
        return F.relu(h) if relu else h

    h = conv_bn(x, "stem")
    for stage in range(3):
        for block in range(3):
            name = f"s{stage}b{block}"
            stride = 2 if stage > 0 and block == 0 else 1
            shortcut = conv_bn(h, name + "_proj", 2, relu=False) if stride == 2 else h
            r = conv_bn(conv_bn(h, name + "_a", stride), name + "_b", relu=False)
            h = F.relu(shortcut + r)
    return F.mean(h, axis=(1, 2)), ({**s, **new_state} if training else s)


def _layer_norm(F, h, g, b):
    mean = F.mean(h, axis=-1, keepdims=True)
    var = F.mean(F.np.square(h - mean), axis=-1, keepdims=True)
    return (h - mean) * F.rsqrt(var + LN_EPS) * g + b


def _transformer(F, p, h):
    batch, length, heads = -1, h.shape[1], 4
    for i in range(2):

        def project(part, t, i=i):
            return F.np.reshape(
                t @ p[f"{i}_{part}_w"] + p[f"{i}_{part}_b"], (batch, length, heads, WIDTH // heads)
            )

        q, k, v = project("q", h), project("k", h), project("v", h)
        scores = F.np.einsum("bqhd,bkhd->bhqk", q, k) * float(1.0 / np.sqrt(WIDTH // heads))
        attended = F.np.einsum("bhqk,bkhd->bqhd", F.softmax(scores, axis=-1), v)
        attended = F.np.reshape(attended, (batch, length, WIDTH)) @ p[f"{i}_o_w"] + p[f"{i}_o_b"]
        h = _layer_norm(F, h + attended, p[f"{i}_ln1_g"], p[f"{i}_ln1_b"])
        f = F.relu(h @ p[f"{i}_ff1_w"] + p[f"{i}_ff1_b"]) @ p[f"{i}_ff2_w"] + p[f"{i}_ff2_b"]
        h = _layer_norm(F, h + f, p[f"{i}_ln2_g"], p[f"{i}_ln2_b"])
    return F.mean(h, axis=1)


def _lstm_step(F, recurrent):
    def step(carry, z_x):
        h, c = carry
        i, f, g, o = F.np.split(z_x + h @ recurrent, 4, axis=-1)
        c = F.sigmoid(f) * c + F.sigmoid(i) * F.tanh(g)
        return F.sigmoid(o) * F.tanh(c), c

    return step


def _gru_step(F, recurrent, recurrent_bias):
    # GRU with reset_after=True (Keras's default): the reset gate scales h @ U + b_rec.
    def step(carry, z_x):
        (h,) = carry
        x_z, x_r, x_h = F.np.split(z_x, 3, axis=-1)
        h_z, h_r, h_h = F.np.split(h @ recurrent + recurrent_bias, 3, axis=-1)
        z, r = F.sigmoid(x_z + h_z), F.sigmoid(x_r + h_r)
        return (z * h + (1 - z) * F.tanh(x_h + r * h_h),)

    return step


def _text_rnn(F, row, p, ids):
    emb, mask = F.take(p["emb"], ids), F.np.not_equal(ids, 0)
    zeros = F.zeros((ids.shape[0], WIDTH))
    if row == "gru_text":
        bias = p["fw_bias"]
        step = _gru_step(F, p["fw_recurrent"], bias[1])
        return F.rnn(step, emb @ p["fw_kernel"] + bias[0], mask, (zeros,))[0]
    outs = []
    for d in ("fw", "bw"):
        step = _lstm_step(F, p[d + "_recurrent"])
        projected = emb @ p[d + "_kernel"] + p[d + "_bias"]
        outs.append(F.rnn(step, projected, mask, (zeros, zeros), reverse=d == "bw")[0])
    return F.np.concatenate(outs, axis=-1)
