"""Parity cases: user loops written in the framework's own tools (JAX, torch, TensorFlow).

The keras-io guides on "training loops from scratch" drop to the framework: a JAX loop over the
stateless API whose variables go through `jax.tree_util`, a torch loop whose optimizer takes
`model.parameters()`, a TensorFlow loop under `GradientTape`. These cases run those loops and
compare the losses and the trained weights.
"""

import numpy as np

from tests.parity.case import case


def _model(keras, H):
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
    )
    return H.det_weights(model)


@case(backends=("jax",), rtol=1e-4, atol=1e-5)
def case_jax_loop_tree_map_over_variables(keras, H):
    import jax

    x, y = H.data(32)
    model = _model(keras, H)
    optimizer = keras.optimizers.SGD(0.05)
    optimizer.build(model.trainable_variables)
    leaves = jax.tree_util.tree_leaves(model.trainable_variables)
    # The guides' write-back pattern: tree_map over Variables, reading .value.
    trainable = jax.tree_util.tree_map(lambda v: v.value, model.trainable_variables)
    non_trainable = jax.tree_util.tree_map(lambda v: v.value, model.non_trainable_variables)
    opt_vars = jax.tree_util.tree_map(lambda v: v.value, optimizer.variables)

    def loss_fn(trainable, non_trainable, x, y):
        y_pred, non_trainable = model.stateless_call(trainable, non_trainable, x, training=True)
        return keras.ops.mean((y_pred - y) ** 2), non_trainable

    grad_fn = jax.value_and_grad(loss_fn, has_aux=True)

    @jax.jit
    def step(state, x, y):
        trainable, non_trainable, opt_vars = state
        (loss, non_trainable), grads = grad_fn(trainable, non_trainable, x, y)
        trainable, opt_vars = optimizer.stateless_apply(opt_vars, grads, trainable)
        return loss, (trainable, non_trainable, opt_vars)

    state = (trainable, non_trainable, opt_vars)
    losses = []
    for i in range(0, 32, 8):
        loss, state = step(state, x[i : i + 8], y[i : i + 8])
        losses.append(float(loss))
    for variable, value in zip(model.trainable_variables, state[0]):
        variable.assign(value)
    return {
        "leaf_types": [type(leaf).__name__ for leaf in leaves],
        "mapped_types": [type(t).__module__.split(".")[0] for t in trainable],
        "losses": losses,
        "weights": H.weights(model),
    }


@case(backends=("torch",), rtol=1e-4, atol=1e-5)
def case_torch_loop_over_parameters(keras, H):
    import torch

    x, y = H.data(32)
    model = _model(keras, H)
    params = list(model.parameters())
    optimizer = torch.optim.SGD(params, lr=0.05)
    losses = []
    for i in range(0, 32, 8):
        xb = torch.as_tensor(x[i : i + 8])
        yb = torch.as_tensor(y[i : i + 8])
        optimizer.zero_grad()
        loss = torch.mean((model(xb) - yb) ** 2)
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    return {
        "is_module": isinstance(model, torch.nn.Module),
        "n_params": len(params),
        # (The order differs on purpose: Keras lists the parameters sorted by variable path
        # under one `_torch_params` dict; cornu keeps each layer's own, in creation order.)
        "param_shapes": sorted(tuple(p.shape) for p in params),
        "losses": losses,
        "weights": H.weights(model),
    }


@case(backends=("tensorflow",), rtol=1e-4, atol=1e-5)
def case_tensorflow_gradient_tape_loop(keras, H):
    import tensorflow as tf

    x, y = H.data(32)
    model = _model(keras, H)
    optimizer = keras.optimizers.Adam(0.01)
    loss_fn = keras.losses.MeanSquaredError()
    metric = keras.metrics.MeanAbsoluteError()

    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        metric.update_state(yb, model(xb))
        return loss

    losses = [float(step(x[i : i + 8], y[i : i + 8])) for i in range(0, 32, 8)]
    return {
        "losses": losses,
        "mae": float(metric.result()),
        "iterations": int(optimizer.iterations.numpy()),
        "weights": H.weights(model),
    }


@case(backends=("jax", "torch", "tensorflow"))
def case_variable_value_and_numpy_interop(keras, H):
    v = keras.Variable(np.arange(6, dtype="float32").reshape(2, 3), name="w")
    return {
        "asarray": np.asarray(v),
        "plus": v + 1.0,
        "value_type": type(v.value).__module__.split(".")[0],
        "name": v.name,
        "trainable": v.trainable,
        "dtype": v.dtype,
        "shape": tuple(v.shape),  # (a TensorShape under Keras on tensorflow)
    }
