"""`get_source_inputs`: the `Input` tensors a symbolic tensor was computed from."""

from cornu.graph.keras_tensor import KerasTensor


def get_source_inputs(tensor):
    """Returns the input tensors that `tensor` depends on, walking its graph history back.

    Args:
        tensor: a KerasTensor (the output of layers applied to `keras.Input`s).

    Returns:
        A list of the source `Input` KerasTensors, in the order they were first reached; a
        tensor with no history is returned alone in a list, and a non-symbolic value is
        returned unchanged.

    Example:

    >>> x = cornu.Input((3,), name="x")
    >>> [t.name for t in get_source_inputs(cornu.layers.Dense(2)(x))]
    ['x']
    """
    if not isinstance(tensor, KerasTensor):
        return tensor
    sources, seen = [], set()
    _collect(tensor, sources, seen)
    return sources


def _collect(tensor, sources, seen):
    # `seen` holds visited tensors, so a graph with shared branches is walked once.
    if id(tensor) in seen:
        return
    seen.add(id(tensor))
    history = tensor._keras_history
    node = None if history is None else history.operation._inbound_nodes[history.node_index]
    if node is None or not node.input_tensors:
        sources.append(tensor)
        return
    for parent in node.input_tensors:
        _collect(parent, sources, seen)
