"""Checks that turn bad `fit`/`evaluate`/`predict` input into clear errors before any step runs.

A compiled step (jax.jit, tf.function) cannot raise on values: an out-of-range label would give
a silent zero loss there. So what can only be checked on values is checked here, on the host
batches (NumPy), before they are handed to the step; eager steps (torch, `run_eagerly=True`)
check in the losses themselves.
"""

import numpy as np

from cornu import backend, tree


def check_epochs(epochs, initial_epoch):
    """`epochs` is the index of the epoch to stop at; `initial_epoch` where to start."""
    for name, value in (("epochs", epochs), ("initial_epoch", initial_epoch)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(
                f"fit({name}=...) must be a non-negative int; received {name}={value!r}."
            )
    if initial_epoch > epochs:
        raise ValueError(
            f"fit(initial_epoch={initial_epoch}, epochs={epochs}): `epochs` is the epoch to "
            "stop at, not a count, so nothing would train. To train N more epochs from "
            f"epoch {initial_epoch}, pass epochs={initial_epoch} + N."
        )


def _output_classes(model):
    """Each output's number of classes (its last dimension) where the model knows it."""
    outputs = getattr(model, "outputs", None)
    if not outputs:
        return []
    return [o.shape[-1] if len(o.shape) else None for o in tree.flatten(outputs)]


def check_class_weight(model, class_weight):
    """Refuses `class_weight` keys that name no class of the (single) output."""
    if not class_weight:
        return
    classes = _output_classes(model)
    if len(classes) != 1 or not isinstance(classes[0], int):
        return
    n = max(classes[0], 2)  # a single sigmoid unit still has classes 0 and 1
    bad = sorted(k for k in class_weight if not (isinstance(k, (int, np.integer)) and 0 <= k < n))
    if bad:
        raise ValueError(
            f"fit(class_weight=...) names class(es) {bad}, but the model's output has {n} "
            f"classes (0 to {n - 1}). Give weights only for the model's classes."
        )


def _is_string_array(leaf):
    array = np.asarray(leaf) if isinstance(leaf, (list, tuple)) else leaf
    kind = getattr(getattr(array, "dtype", None), "kind", None)
    if kind in ("U", "S"):
        return True
    return kind == "O" and np.size(array) > 0 and isinstance(array.flat[0], (str, bytes))


def _takes_strings(model):
    inputs = getattr(model, "inputs", None) or []
    return any(backend.standardize_dtype(i.dtype) == "string" for i in tree.flatten(inputs))


def check_input_data(model, batch, method):
    """Refuses string `x` for a model that takes numbers (a raw framework error otherwise)."""
    if batch is None:
        return
    if not any(_is_string_array(leaf) for leaf in tree.flatten(batch[0])):
        return
    if backend.backend() == "tensorflow" and (_takes_strings(model) or not model.built):
        return  # TensorFlow models may take strings (an Input of dtype "string")
    raise TypeError(
        f"{method}() received string data in x, but model '{model.name}' computes on numbers. "
        "Turn the strings into numbers first (StringLookup, TextVectorization or your own "
        "encoding, applied to the data), or, on the TensorFlow backend only, give the model "
        "an Input(dtype='string')."
    )


def target_checker(model, iterator, to_backend):
    """A function checking each host batch's targets before a compiled step, or None.

    Builds the compiled loss on the first batch where needed (the jax and tensorflow steps
    would do so at their first call anyway), so the first batch is checked too.
    """
    loss = model._compile_loss
    if loss is None or model.run_eagerly or not backend.IS_DIFFERENTIABLE:
        return None
    if backend.backend() == "torch":  # eager steps: the losses check concrete labels
        return None
    first = iterator.peek()
    if first is None or first[1] is None:
        return None
    if not loss.built:
        y, x = first[1], first[0]
        with backend.no_grad():
            model._build_compile_metrics(y, model(to_backend(x), training=False))
    return loss.check_host_targets if loss.has_host_checks() else None
