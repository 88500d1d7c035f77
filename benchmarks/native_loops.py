"""Hand-written training loops and forward passes, one per framework, for every benchmark row.

`TRAIN[framework](row, x, y, epochs, batch=None)` trains with Adam(1e-3) on the batches of
`x, y` (of the row's batch size unless `batch` is given) in order
(no shuffling); it is a generator yielding the seconds of each epoch as it ends, so a
benchmark can interleave native and Keras-API epochs. `FORWARD[framework](row, x)` returns a
`predict(batch)` function that runs the framework's own inference forward on a NumPy batch.

- JAX: the pure functions of native_functional.py under `jax.jit` (buffers donated) + optax.
- torch: eager `torch.nn` modules (native_torch.py) + `torch.optim.Adam`.
- TensorFlow: the same pure functions under `tf.function`, compiled both with and without XLA
  (`jit_compile=True`); a short trial picks the faster, named in `CHOSEN["tensorflow"]`.
"""

import time

import native_functional
import numpy as np
from models_zoo import ROWS

LR, B1, B2, EPS = 1e-3, 0.9, 0.999, 1e-7
CHOSEN = {}


def _batches(x, y, batch):
    for i in range(0, len(x) - batch + 1, batch):
        yield x[i : i + batch], y[i : i + batch]


def _epochs(step, x, y, batch, epochs, finish):
    for _ in range(epochs):
        start = time.perf_counter()
        for xb, yb in _batches(x, y, batch):
            loss = step(xb, yb)
        finish(loss)
        yield time.perf_counter() - start


# -- JAX: jax.jit + optax ------------------------------------------------------------------
def _jax_model(row):
    import jax

    params, state = jax.tree_util.tree_map(jax.numpy.asarray, native_functional.init_params(row))
    return native_functional.jax_ops(), params, state


def train_jax(row, x, y, epochs, batch=None):
    import jax
    import optax

    F, params, state = _jax_model(row)

    def loss_fn(p, s, xb, yb):
        logits, s = native_functional.forward(F, row, p, s, xb)
        return optax.softmax_cross_entropy_with_integer_labels(logits, yb).mean(), s

    optimizer = optax.adam(LR, b1=B1, b2=B2, eps=EPS)
    carry = [params, state, optimizer.init(params)]

    def update(p, s, o, xb, yb):
        (loss, s), grads = jax.value_and_grad(loss_fn, has_aux=True)(p, s, xb, yb)
        updates, o = optimizer.update(grads, o, p)
        return optax.apply_updates(p, updates), s, o, loss

    update = jax.jit(update, donate_argnums=(0, 1, 2))

    def step(xb, yb):
        carry[0], carry[1], carry[2], loss = update(*carry, xb, yb)
        return loss

    yield from _epochs(
        step, x, y, batch or ROWS[row][0], epochs, lambda loss: loss.block_until_ready()
    )


def forward_jax(row, x):
    import jax

    F, params, state = _jax_model(row)
    run = jax.jit(lambda xb: native_functional.forward(F, row, params, state, xb, False)[0])
    return lambda xb: np.asarray(run(xb))


# -- torch: eager nn modules + torch.optim -------------------------------------------------
def train_torch(row, x, y, epochs, batch=None):
    import native_torch
    import torch

    net = native_torch.net(row)
    optimizer = torch.optim.Adam(net.parameters(), lr=LR, betas=(B1, B2), eps=EPS)
    loss_fn = torch.nn.CrossEntropyLoss()
    x, y = native_torch.to_torch(row, x), torch.from_numpy(y).long()

    def step(xb, yb):
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(net(xb), yb)
        loss.backward()
        optimizer.step()
        return loss

    yield from _epochs(step, x, y, batch or ROWS[row][0], epochs, lambda loss: loss.item())


def forward_torch(row, x):
    import native_torch
    import torch

    net = native_torch.net(row).eval()

    def predict(xb):
        with torch.inference_mode():
            return net(native_torch.to_torch(row, xb)).numpy()

    return predict


# -- TensorFlow: tf.function (+/- XLA) + GradientTape + a hand-written Adam (no tf.keras) ---
def _tf_model(row):
    import tensorflow as tf

    params, state = native_functional.init_params(row)
    to_variables = tf.nest.map_structure
    return (
        native_functional.tf_ops(),
        to_variables(tf.Variable, params),
        to_variables(tf.Variable, state),
    )


def train_tensorflow(row, x, y, epochs, batch=None):
    import tensorflow as tf

    F, params, state = _tf_model(row)
    flat = tf.nest.flatten(params)
    m = [tf.Variable(tf.zeros_like(w)) for w in flat]
    v = [tf.Variable(tf.zeros_like(w)) for w in flat]
    t = tf.Variable(0.0)

    def step(xb, yb):
        with tf.GradientTape() as tape:
            logits, new_state = native_functional.forward(F, row, params, state, xb)
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=logits)
            )
        grads = tape.gradient(loss, flat)
        for name, value in new_state.items():
            state[name].assign(value)
        t.assign_add(1.0)
        lr = LR * tf.sqrt(1 - B2**t) / (1 - B1**t)
        for p, g, mi, vi in zip(flat, grads, m, v):
            mi.assign_add((g - mi) * (1 - B1))
            vi.assign_add((tf.square(g) - vi) * (1 - B2))
            p.assign_sub(lr * mi / (tf.sqrt(vi) + EPS))
        return loss

    batch = batch or ROWS[row][0]
    compiled = _faster_tf_function(step, (x[:batch], y[:batch]))
    yield from _epochs(compiled, x, y, batch, epochs, float)


def _faster_tf_function(fn, args, trial_steps=3):
    """`fn` under tf.function with or without XLA, whichever runs `fn(*args)` faster."""
    import tensorflow as tf

    timings, args = {}, [tf.constant(a) for a in args]
    for jit_compile in (False, True):
        compiled = tf.function(fn, jit_compile=jit_compile)
        np.asarray(compiled(*args))  # trace and compile outside the timing
        start = time.perf_counter()
        for _ in range(trial_steps):
            out = compiled(*args)
        np.asarray(out)
        timings[jit_compile] = (time.perf_counter() - start, compiled)
    jit_compile = min(timings, key=lambda k: timings[k][0])
    CHOSEN["tensorflow"] = "xla" if jit_compile else "graph"
    return timings[jit_compile][1]


def forward_tensorflow(row, x):
    F, params, state = _tf_model(row)

    def fn(xb):
        return native_functional.forward(F, row, params, state, xb, False)[0]

    compiled = _faster_tf_function(fn, (x,))
    return lambda xb: compiled(xb).numpy()


TRAIN = {"jax": train_jax, "torch": train_torch, "tensorflow": train_tensorflow}
FORWARD = {"jax": forward_jax, "torch": forward_torch, "tensorflow": forward_tensorflow}
