"""Hand-written training loops, one per framework, for the cases in cases.py.

Each `train_<framework>(case, x, y, epochs)` trains with Adam(1e-3) on the same batches (in
order, no shuffling) from the same initial weights. It is a generator yielding the seconds of
each epoch as it ends, so a benchmark can interleave native and cornu epochs.
"""

import time

from cases import CASES, init_weights

LR, B1, B2, EPS = 1e-3, 0.9, 0.999, 1e-7


def _batches(x, y, batch):
    for i in range(0, len(x), batch):
        yield x[i : i + batch], y[i : i + batch]


# -- JAX: jax.jit + optax ------------------------------------------------------------------
def train_jax(case, x, y, epochs):
    import jax
    import jax.numpy as jnp
    import optax

    params = [jnp.asarray(w) for w in init_weights(case)]

    def forward(p, xb):
        if case in ("tiny_mlp", "mlp"):
            h = xb
            for i in range(0, len(p) - 2, 2):
                h = jax.nn.relu(h @ p[i] + p[i + 1])
            return h @ p[-2] + p[-1]
        if case == "cnn":
            h = xb
            for i in (0, 2):
                h = jax.lax.conv_general_dilated(
                    h, p[i], (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC")
                )
                h = jax.nn.relu(h + p[i + 1])
                h = jax.lax.reduce_window(
                    h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID"
                )
            return h.reshape(h.shape[0], -1) @ p[4] + p[5]
        kernel, recurrent, bias, w_out, b_out = p
        units = recurrent.shape[0]

        def cell(carry, xt):
            h, c = carry
            z = xt @ kernel + h @ recurrent + bias
            i, f, g, o = jnp.split(z, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), None

        zeros = jnp.zeros((xb.shape[0], units), xb.dtype)
        (h, _), _ = jax.lax.scan(cell, (zeros, zeros), jnp.swapaxes(xb, 0, 1))
        return h @ w_out + b_out

    def loss_fn(p, xb, yb):
        logits = forward(p, xb)
        return optax.softmax_cross_entropy_with_integer_labels(logits, yb).mean()

    optimizer = optax.adam(LR, b1=B1, b2=B2, eps=EPS)
    state = optimizer.init(params)

    @jax.jit
    def step(p, s, xb, yb):
        loss, grads = jax.value_and_grad(loss_fn)(p, xb, yb)
        updates, s = optimizer.update(grads, s, p)
        return optax.apply_updates(p, updates), s, loss

    batch = CASES[case][2]
    for _ in range(epochs):
        start = time.perf_counter()
        for xb, yb in _batches(x, y, batch):
            params, state, loss = step(params, state, xb, yb)
        loss.block_until_ready()
        yield time.perf_counter() - start


# -- torch: eager + torch.optim ------------------------------------------------------------
def train_torch(case, x, y, epochs):
    import torch

    torch.backends.cudnn.benchmark = False
    weights = init_weights(case)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            if case in ("tiny_mlp", "mlp"):
                self.layers = torch.nn.ModuleList()
                for i in range(0, len(weights), 2):
                    w, b = weights[i], weights[i + 1]
                    layer = torch.nn.Linear(w.shape[0], w.shape[1])
                    with torch.no_grad():
                        layer.weight.copy_(torch.from_numpy(w.T))
                        layer.bias.copy_(torch.from_numpy(b))
                    self.layers.append(layer)
            elif case == "cnn":
                self.c1 = torch.nn.Conv2d(1, 32, 3)
                self.c2 = torch.nn.Conv2d(32, 64, 3)
                self.out = torch.nn.Linear(1600, 10)
                with torch.no_grad():
                    self.c1.weight.copy_(torch.from_numpy(weights[0].transpose(3, 2, 0, 1)))
                    self.c2.weight.copy_(torch.from_numpy(weights[2].transpose(3, 2, 0, 1)))
                    self.out.weight.copy_(torch.from_numpy(weights[4].T))
            else:
                self.lstm = torch.nn.LSTM(32, 64, batch_first=True)
                self.out = torch.nn.Linear(64, 10)

        def forward(self, xb):
            if case in ("tiny_mlp", "mlp"):
                h = xb
                for layer in self.layers[:-1]:
                    h = torch.relu(layer(h))
                return self.layers[-1](h)
            if case == "cnn":
                h = xb.permute(0, 3, 1, 2)
                h = torch.max_pool2d(torch.relu(self.c1(h)), 2)
                h = torch.max_pool2d(torch.relu(self.c2(h)), 2)
                return self.out(h.permute(0, 2, 3, 1).reshape(h.shape[0], -1))
            out, _ = self.lstm(xb)
            return self.out(out[:, -1])

    net = Net()
    optimizer = torch.optim.Adam(net.parameters(), lr=LR, betas=(B1, B2), eps=EPS)
    loss_fn = torch.nn.CrossEntropyLoss()
    batch = CASES[case][2]
    for _ in range(epochs):
        start = time.perf_counter()
        for xb, yb in _batches(x, y, batch):
            xb, yb = torch.from_numpy(xb), torch.from_numpy(yb).long()
            optimizer.zero_grad()
            loss = loss_fn(net(xb), yb)
            loss.backward()
            optimizer.step()
        loss.item()
        yield time.perf_counter() - start


# -- TensorFlow: tf.function + GradientTape + a hand-written Adam (no tf.keras) -------------
def train_tensorflow(case, x, y, epochs):
    import tensorflow as tf

    params = [tf.Variable(w) for w in init_weights(case)]
    m = [tf.Variable(tf.zeros_like(w)) for w in params]
    v = [tf.Variable(tf.zeros_like(w)) for w in params]
    t = tf.Variable(0.0)

    def forward(xb):
        if case in ("tiny_mlp", "mlp"):
            h = xb
            for i in range(0, len(params) - 2, 2):
                h = tf.nn.relu(h @ params[i] + params[i + 1])
            return h @ params[-2] + params[-1]
        if case == "cnn":
            h = xb
            for i in (0, 2):
                h = tf.nn.relu(tf.nn.conv2d(h, params[i], 1, "VALID") + params[i + 1])
                h = tf.nn.max_pool2d(h, 2, 2, "VALID")
            return tf.reshape(h, (tf.shape(h)[0], -1)) @ params[4] + params[5]
        kernel, recurrent, bias, w_out, b_out = params
        h = c = tf.zeros((tf.shape(xb)[0], 64))
        for step in range(xb.shape[1]):
            z = xb[:, step] @ kernel + h @ recurrent + bias
            i, f, g, o = tf.split(z, 4, axis=-1)
            c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
            h = tf.sigmoid(o) * tf.tanh(c)
        return h @ w_out + b_out

    @tf.function(reduce_retracing=True)
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=forward(xb))
            )
        grads = tape.gradient(loss, params)
        t.assign_add(1.0)
        lr = LR * tf.sqrt(1 - B2**t) / (1 - B1**t)
        for p, g, mi, vi in zip(params, grads, m, v):
            mi.assign_add((g - mi) * (1 - B1))
            vi.assign_add((tf.square(g) - vi) * (1 - B2))
            p.assign_sub(lr * mi / (tf.sqrt(vi) + EPS))
        return loss

    batch = CASES[case][2]
    for _ in range(epochs):
        start = time.perf_counter()
        for xb, yb in _batches(x, y, batch):
            loss = step(tf.constant(xb), tf.constant(yb))
        float(loss)
        yield time.perf_counter() - start


TRAIN = {"jax": train_jax, "torch": train_torch, "tensorflow": train_tensorflow}
