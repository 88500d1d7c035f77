"""`keras.Function`: a graph of operations between KerasTensors, callable on real tensors.

It is what a Functional model is without the model: no weights of its own, no training, no
input adaptation. Calling it replays the recorded operations (op calls and layer calls) in
order; the inputs must have the structure and compatible shapes of the KerasTensors it was
built from.
"""

from cornu import tree
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.operation import Operation


class Function(Operation):
    """A callable graph from `inputs` to `outputs` KerasTensors.

    Args:
        inputs: a KerasTensor, or a nested structure (list, tuple, dict) of them.
        outputs: KerasTensors computed from `inputs` with `cornu.ops` and layers (any nesting).
        name: the function's name; `function`, `function_1`, ... when None.

    Example:
        >>> x = cornu.KerasTensor((None, 3))
        >>> double = cornu.Function(x, cornu.ops.multiply(x, 2.0))
        >>> double(np.ones((2, 3), "float32")).shape
        (2, 3)
    """

    def __init__(self, inputs, outputs, name=None):
        super().__init__(name=name)
        flat_inputs, flat_outputs = tree.flatten(inputs), tree.flatten(outputs)
        for what, tensors in (("inputs", flat_inputs), ("outputs", flat_outputs)):
            for tensor in tensors:
                if not isinstance(tensor, KerasTensor):
                    raise ValueError(
                        f"Function {self.name!r}: all {what} must be KerasTensors (from "
                        f"cornu.Input, cornu.KerasTensor and ops on them); received "
                        f"{type(tensor).__name__}: {tensor!r}."
                    )
        self._inputs_struct = tree.map_structure(lambda t: t, inputs)
        self._outputs_struct = tree.map_structure(lambda t: t, outputs)
        self._inputs = flat_inputs
        self._outputs = flat_outputs
        self._nodes = _nodes_between(flat_inputs, flat_outputs, self.name)
        self._operations = []
        for node in self._nodes:
            if all(op is not node.operation for op in self._operations):
                self._operations.append(node.operation)

    @property
    def inputs(self):
        """The input KerasTensors, flat."""
        return list(self._inputs)

    @property
    def outputs(self):
        """The output KerasTensors, flat."""
        return list(self._outputs)

    @property
    def operations(self):
        """The operations between the inputs and the outputs, in Keras's order."""
        return list(self._operations)

    def call(self, inputs):
        """Runs the graph on `inputs` (the structure of the KerasTensors it was built from)."""
        flat = self._check_inputs(inputs)
        return self._run(flat, symbolic=False)

    def compute_output_spec(self, inputs):
        flat = self._check_inputs(inputs)
        return self._run(flat, symbolic=True)

    def compute_output_shape(self, input_shape):
        """The output shapes (same nesting as `outputs`) for inputs of `input_shape`."""
        shapes = []
        tree.map_shape_structure(shapes.append, input_shape)
        specs = tree.pack_sequence_as(
            self._inputs_struct,
            [KerasTensor(shape, kt.dtype) for shape, kt in zip(shapes, self._inputs)],
        )
        return tree.map_structure(lambda t: t.shape, self.compute_output_spec(specs))

    def _check_inputs(self, inputs):
        try:
            tree.assert_same_structure(self._inputs_struct, inputs)
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"Function {self.name!r} was called with an invalid input structure. Expected "
                f"input structure: {self._inputs_struct}; received: {inputs!r}."
            ) from error
        flat = tree.flatten(inputs)
        for value, kt in zip(flat, self._inputs):
            shape = getattr(value, "shape", None)
            if shape is None:
                continue
            shape = tuple(shape)
            if len(shape) != len(kt.shape) or any(
                e is not None and d is not None and e != d for e, d in zip(kt.shape, shape)
            ):
                raise ValueError(
                    f"Function {self.name!r} was passed incompatible inputs. For input "
                    f"'{kt.name}', expected shape {tuple(kt.shape)}, but received instead a "
                    f"tensor with shape {shape}."
                )
        return flat

    def _run(self, flat_inputs, symbolic):
        values = {id(kt): value for kt, value in zip(self._inputs, flat_inputs)}

        def fill(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x

        for node in self._nodes:
            if node.is_input:
                continue
            args = tree.map_structure(fill, node.call_args)
            kwargs = tree.map_structure(fill, node.call_kwargs)
            op = node.operation
            outputs = op.compute_output_spec(*args, **kwargs) if symbolic else op(*args, **kwargs)
            for kt, value in zip(node.outputs, tree.flatten(outputs)):
                values[id(kt)] = value
        return tree.pack_sequence_as(self._outputs_struct, [values[id(t)] for t in self._outputs])

    def get_config(self):
        raise NotImplementedError(
            f"Function {self.name!r} cannot be serialized with get_config (its graph holds "
            "arbitrary operations). Build a cornu.Model from the same tensors to save it."
        )


def _nodes_between(inputs, outputs, name):
    """The nodes that compute `outputs` from `inputs`, parents first (an Input's own node
    included when the input came from `cornu.Input`)."""
    input_ids = {id(t) for t in inputs}
    order, done = [], set()

    def visit(tensor, path):
        history = tensor._keras_history
        if id(tensor) in input_ids:
            if history is not None:
                node = history.operation._inbound_nodes[history.node_index]
                if node.is_input and id(node) not in done:
                    done.add(id(node))
                    order.append(node)
            return
        if history is None or history.operation._inbound_nodes[history.node_index].is_input:
            raise ValueError(
                f"Function {name!r}: graph disconnected: output {path} needs the tensor "
                f"{tensor.name} (shape {tuple(tensor.shape)}), which is not among the "
                "inputs. Pass every KerasTensor the outputs depend on as an input."
            )
        node = history.operation._inbound_nodes[history.node_index]
        if id(node) in done:
            return
        done.add(id(node))
        for parent in node.input_tensors:
            visit(parent, path)
        order.append(node)

    for tensor in outputs:
        visit(tensor, tensor.name)
    return order
