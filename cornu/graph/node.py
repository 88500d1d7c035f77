"""`Node`: one call of an Operation on KerasTensors, linking its inputs to its outputs."""

from cornu import tree
from cornu.graph.keras_tensor import KerasHistory, KerasTensor


class Node:
    """Records that `operation` was called on some KerasTensors and produced `outputs`.

    Creating a Node appends it to `operation._inbound_nodes` and to each parent operation's
    `_outbound_nodes`, and stamps each output with its `KerasHistory`.

    Args:
        operation: the Operation that was called.
        call_args: the positional arguments of the call (any nesting).
        call_kwargs: the keyword arguments of the call.
        outputs: the KerasTensor(s) the call returned.
    """

    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        flat_args = tree.flatten((self.call_args, self.call_kwargs))
        self.input_tensors = [x for x in flat_args if isinstance(x, KerasTensor)]
        self.outputs = [] if outputs is None else tree.flatten(outputs)

        self.node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for parent in self.parent_nodes:
            parent.operation._outbound_nodes.append(self)
        for i, tensor in enumerate(self.outputs):
            if isinstance(tensor, KerasTensor) and tensor.record_history:
                tensor._keras_history = KerasHistory(operation, self.node_index, i)

    @property
    def parent_nodes(self):
        """The nodes that made this node's input tensors."""
        parents = []
        for tensor in self.input_tensors:
            history = tensor._keras_history
            if history is not None:
                node = history.operation._inbound_nodes[history.node_index]
                if node not in parents:
                    parents.append(node)
        return parents

    @property
    def is_input(self):
        """True for a node with no KerasTensor inputs (an Input)."""
        return not self.input_tensors

    def __repr__(self):
        return f"<Node {self.operation.name}#{self.node_index}>"
