"""The order in which a Functional model lists its operations (and so its `layers`, its
summary rows and its config): deepest first, where an operation's depth is its longest
distance to an output; operations at equal depth keep the order a walk back from the outputs
first meets them. An Input that no output depends on sits at depth 0, first among its peers.
"""


def operations_by_depth(nodes, flat_inputs, flat_outputs):
    """The distinct operations of `nodes` (a Functional model's), ordered as described above.

    Args:
        nodes: the model's nodes, parents before children.
        flat_inputs: the model's input KerasTensors.
        flat_outputs: the model's output KerasTensors.

    Returns:
        A list of operations.
    """
    first_seen = _first_seen(flat_outputs)
    depths = operation_depths(nodes)
    for tensor in flat_inputs:
        op = tensor._keras_history.operation
        if op not in depths:
            depths[op] = 0
            first_seen[op] = -1
    return sorted(depths, key=lambda op: (-depths[op], first_seen[op]))


def _node_of(tensor):
    history = tensor._keras_history
    return history.operation._inbound_nodes[history.node_index]


def _first_seen(flat_outputs):
    """operation -> when a depth-first walk from the outputs (parents in argument order)
    first reached it."""
    order, done = {}, set()
    stack = [_node_of(t) for t in reversed(flat_outputs)]
    while stack:
        node = stack.pop()
        if id(node) in done:
            continue
        done.add(id(node))
        order.setdefault(node.operation, len(order))
        stack.extend(_node_of(t) for t in reversed(node.input_tensors) if t._keras_history)
    return order


def operation_depths(nodes):
    """operation -> depth; a shared operation takes the largest depth of its nodes."""
    node_depth, op_depth = {}, {}
    for node in reversed(nodes):  # children before parents
        depth = max(node_depth.get(id(node), 0), op_depth.get(node.operation, 0))
        op_depth[node.operation] = depth
        node_depth[id(node)] = depth
        for tensor in node.input_tensors:
            if tensor._keras_history is None:
                continue
            parent = id(_node_of(tensor))
            node_depth[parent] = max(node_depth.get(parent, 0), depth + 1)
    return op_depth
