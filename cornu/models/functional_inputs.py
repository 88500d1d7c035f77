"""How a Functional model matches the data it is called on to its Input tensors.

A model's inputs are a structure of KerasTensors (one, a list, or a dict). Data may come as
that structure, as a flat list, or as a dict keyed by the Inputs' names; each piece is then
brought to its Input's rank when only a trailing axis of size 1 differs.
"""

import warnings

from cornu import ops, tree


def flatten_model_inputs(model, inputs):
    """The data for each of `model.inputs`, in that order.

    Args:
        model: a Functional model.
        inputs: one tensor, a list/tuple, or a dict (by the model's input keys, or by Input
            name when the model's inputs are not a dict). Keys that name no Input are ignored,
            with a warning (once per model and set of keys), as Keras warns.

    Returns:
        A list with one entry per model input.
    """
    struct = model._inputs_struct
    if isinstance(inputs, dict):
        return _from_dict(model, struct, inputs)
    if isinstance(struct, dict) and isinstance(inputs, (list, tuple)):
        return _list_for_dict_inputs(model, struct, inputs)
    return _check_count(model, tree.flatten(inputs))


def _input_names(tensor):
    """The names a dict may use for an Input: its layer's name and its tensor's name."""
    history = tensor._keras_history
    names = [history.operation.name] if history is not None else []
    if tensor.name not in names:
        names.append(tensor.name)
    return names


def _from_dict(model, struct, inputs):
    if isinstance(struct, dict):
        missing = [k for k in struct if k not in inputs]
        if missing:
            raise _missing_error(model, missing[0], inputs, list(struct))
        _warn_unused_keys(model, inputs, set(struct))
        return _check_count(model, tree.flatten({k: inputs[k] for k in struct}))
    _warn_unused_keys(model, inputs, {n for t in model._flat_inputs for n in _input_names(t)})
    flat = []
    for tensor in model._flat_inputs:
        names = _input_names(tensor)
        found = [n for n in names if n in inputs]
        if not found:
            raise _missing_error(
                model, names[0], inputs, [_input_names(t)[0] for t in model._flat_inputs]
            )
        flat.append(inputs[found[0]])
    return flat


def _warn_unused_keys(model, inputs, known):
    unused = tuple(sorted(str(k) for k in inputs if k not in known))
    if not unused:
        return
    warned = model.__dict__.setdefault("_warned_unused_input_keys", set())
    if unused in warned:
        return
    warned.add(unused)
    warnings.warn(
        f"Model '{model.name}' was given data under key(s) {list(unused)} that name none of "
        f"its inputs {sorted(map(str, known))}; that data is ignored. Check the keys against "
        "the names of the model's Inputs.",
        stacklevel=4,
    )


def _missing_error(model, name, inputs, expected):
    return ValueError(
        f"Model '{model.name}' is missing data for input \"{name}\": the dict given has keys "
        f"{sorted(map(str, inputs))}, and the model expects {expected}. Key the dict by the "
        "names of the model's Inputs."
    )


def _list_for_dict_inputs(model, struct, inputs):
    """A list for dict-structured inputs is taken in key order, but only when that order is
    not ambiguous: the keys as written are already sorted (the order `model.inputs` uses)."""
    keys = list(struct)
    if keys != sorted(keys):
        raise ValueError(
            f"Model '{model.name}' takes a dict of inputs with keys {keys}, so a list of "
            f"{len(inputs)} tensors cannot be matched to them unambiguously. Pass a dict keyed "
            f"by {keys}."
        )
    return _check_count(model, tree.flatten(list(inputs)))


def _check_count(model, flat):
    if len(flat) != len(model._flat_inputs):
        names = [_input_names(t)[0] for t in model._flat_inputs]
        raise ValueError(
            f"Model '{model.name}' expects {len(model._flat_inputs)} input(s) {names}, but it "
            f"received {len(flat)} input tensors. Pass one tensor per input (a list, or a dict "
            "keyed by the Inputs' names)."
        )
    return flat


def adapt_rank(x, tensor, model_name):
    """`x` brought to the rank of Input `tensor`: a missing trailing axis of size 1 is added,
    an extra trailing axis of size 1 is removed; other rank differences raise ValueError."""
    shape = tuple(x.shape)
    expected = tensor.shape
    if len(shape) == len(expected):
        return x
    if len(shape) == len(expected) - 1 and expected[-1] == 1:
        return ops.expand_dims(x, -1)
    if len(shape) == len(expected) + 1 and shape[-1] == 1:
        return ops.squeeze(x, -1)
    raise ValueError(
        f"Model '{model_name}' expects input '{tensor.name}' with shape {expected}, but it "
        f"received an input of shape {shape} (rank {len(shape)} instead of {len(expected)})."
    )
