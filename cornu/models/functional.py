"""`Functional`: a model defined by a graph of layer calls on KerasTensors.

Building walks back from the outputs through each KerasTensor's `_keras_history` to collect
the nodes; calling replays them in topological order on real tensors.
"""

import numpy as np

from cornu import backend, tree
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers import call_record
from cornu.layers.input_spec import InputSpec, assert_input_compatibility
from cornu.layers.layer import Layer
from cornu.models import functional_config
from cornu.models.functional_inputs import adapt_rank, flatten_model_inputs
from cornu.models.functional_order import operations_by_depth
from cornu.models.model import Model


def _collect_nodes(outputs, inputs):
    """The nodes between `inputs` and `outputs`, in an order where parents come first."""
    input_ids = {id(t) for t in inputs}
    order, state = [], {}

    def visit(tensor):
        history = tensor._keras_history
        if history is None:
            raise ValueError(
                f"Output tensor {tensor.name} was not produced by layers applied to the "
                "model's Input tensors (it has no history)."
            )
        node = history.operation._inbound_nodes[history.node_index]
        if state.get(id(node)) == "done":
            return
        if state.get(id(node)) == "active":
            raise ValueError("The layer graph has a cycle.")
        state[id(node)] = "active"
        if id(tensor) not in input_ids:
            if node.is_input:
                raise ValueError(
                    f"The graph needs input tensor {tensor.name}, which is not among the "
                    "model's inputs. Pass every Input the outputs depend on to the model."
                )
            for parent in node.input_tensors:
                visit(parent)
        state[id(node)] = "done"
        order.append(node)

    for t in outputs:
        visit(t)
    return order


def _input_masks(node, masks):
    """The mask(s) of a node's first argument: one mask, or a list for a list of inputs
    (None when no input carries a mask)."""
    if not node.call_args:
        return None
    first = node.call_args[0]
    if isinstance(first, KerasTensor):
        return masks.get(id(first))
    if isinstance(first, (list, tuple)):
        found = [masks.get(id(t)) if isinstance(t, KerasTensor) else None for t in first]
        return found if any(m is not None for m in found) else None
    return None


def _one_or_list(shapes):
    return shapes[0] if len(shapes) == 1 else shapes


def _producer_name(tensor):
    history = tensor._keras_history
    return history.operation.name if history is not None else tensor.name


class Functional(Model):
    """A model built from `inputs` and `outputs` KerasTensors.

    Args:
        inputs: a KerasTensor, or a list/dict of them (from `cornu.Input`).
        outputs: KerasTensor(s) computed from `inputs` by layers and `cornu.ops`.
        name: the model's name.

    Example:
        >>> x = cornu.Input((3,))
        >>> model = cornu.Model(x, cornu.layers.Dense(2)(x))
    """

    def __init__(self, inputs, outputs, name=None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        if kwargs:
            raise TypeError(f"Functional model: unexpected argument(s) {sorted(kwargs)}.")
        flat_inputs = tree.flatten(inputs)
        flat_outputs = tree.flatten(outputs)
        for what, tensors in (("inputs", flat_inputs), ("outputs", flat_outputs)):
            for t in tensors:
                if not isinstance(t, KerasTensor):
                    raise ValueError(
                        f"A Functional model's {what} must be KerasTensors (from cornu.Input "
                        f"and layer calls); received {type(t).__name__}."
                    )
        super().__init__(name=name, trainable=trainable)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._flat_inputs = flat_inputs
        self._flat_outputs = flat_outputs
        self._nodes = _collect_nodes(flat_outputs, flat_inputs)
        self._operations = operations_by_depth(self._nodes, flat_inputs, flat_outputs)
        layers = [op for op in self._operations if isinstance(op, Layer)]
        self._graph_layers = layers
        for layer in layers:
            self._track(layer)
        self._input_specs = [
            InputSpec(shape=t.shape, allow_last_axis_squeeze=True, name=t.name, optional=False)
            for t in flat_inputs
        ]
        self.built = True
        self.supports_masking = any(getattr(layer, "supports_masking", False) for layer in layers)

    @property
    def inputs(self):
        return self._flat_inputs

    @property
    def outputs(self):
        return self._flat_outputs

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        """The input's shape, or a list of shapes for several inputs."""
        return _one_or_list([t.shape for t in self._flat_inputs])

    @property
    def output_shape(self):
        """The output's shape, or a list of shapes for several outputs."""
        return _one_or_list([t.shape for t in self._flat_outputs])

    @property
    def output_names(self):
        """The names of the layers that produce the outputs, in `outputs` order."""
        return [_producer_name(t) for t in self._flat_outputs]

    @property
    def operations(self):
        """Every operation of the graph (layers and `cornu.ops` calls), deepest first."""
        return list(self._operations)

    @property
    def layers(self):
        """The model's layers (InputLayers included), deepest first."""
        return list(self._graph_layers)

    def _check_data_shapes(self, inputs):
        """Checks a batch's concrete shapes against the Inputs' (a compiled step that was
        traced with generalized shapes, as tf.function does, sees only `None` dims). Data
        that does not match the Inputs' structure is left to the step (a custom train_step
        may take more than the model's inputs)."""
        try:
            flat = flatten_model_inputs(self, inputs)
        except (ValueError, TypeError):
            return
        for index, (x, kt) in enumerate(zip(flat, self._flat_inputs)):
            shape = tuple(getattr(x, "shape", ()) or ())
            expected = tuple(kt.shape)
            if len(shape) != len(expected):
                continue  # (a trailing axis of size 1 is adapted later)
            if any(e is not None and e != d for e, d in zip(expected, shape)):
                raise ValueError(
                    f"Input {index} of layer '{self.name}' is incompatible with the layer: "
                    f"expected shape={expected}, found shape={shape}. Every batch must match "
                    "the model's Inputs."
                )

    def _standardize_inputs(self, inputs):
        converted = []
        for x, spec, kt in zip(
            flatten_model_inputs(self, inputs), self._input_specs, self._flat_inputs
        ):
            if isinstance(x, KerasTensor):
                converted.append(x)
                continue
            if isinstance(x, (np.ndarray, list, int, float)):
                x = backend.convert_to_tensor(x, dtype=kt.dtype)
            if getattr(x, "shape", None) is not None:
                x = adapt_rank(x, kt, self.name)
            assert_input_compatibility(spec, x, self.name)
            converted.append(x)
        return converted

    def call(self, inputs, training=None, mask=None):
        outputs = self._run_graph(inputs, training, mask, symbolic=False)
        # A one-element list of outputs gives its tensor when run (as in Keras); a symbolic
        # call keeps the list.
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1 \
                and not isinstance(outputs[0], (list, tuple, dict)):  # fmt: skip
            return outputs[0]
        return outputs

    def compute_output_spec(self, inputs, training=None, mask=None):
        # A nested model called on KerasTensors: replay the graph with each operation's
        # compute_output_spec, so the inner layers gain no nodes.
        return self._run_graph(inputs, training, mask, symbolic=True)

    def _run_graph(self, inputs, training, mask, symbolic):
        flat = self._standardize_inputs(inputs)
        values = {id(kt): x for kt, x in zip(self._flat_inputs, flat)}
        masks = {}
        if mask is not None:
            for kt, m in zip(self._flat_inputs, tree.flatten(mask)):
                masks[id(kt)] = m

        def fill(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x

        for node, op, is_layer, single, node_kwargs in self._graph_plan():
            if single is not None:  # the common node: one KerasTensor argument, no kwargs
                args, kwargs = (values[single],), {}
            else:
                args = tree.map_structure(fill, node.call_args)
                kwargs = tree.map_structure(fill, node_kwargs)
            in_mask = None
            if is_layer:
                takes_training, takes_mask = op._call_flags
                if takes_training and training is not None:
                    kwargs["training"] = training
                if masks:
                    in_mask = _input_masks(node, masks)
                if takes_mask and kwargs.get("mask") is None and in_mask is not None:
                    kwargs["mask"] = in_mask
            if symbolic:
                outputs = op.compute_output_spec(*args, **kwargs)
            else:
                outputs = op(*args, **kwargs)
            if len(node.outputs) == 1 and not isinstance(outputs, (list, tuple, dict)):
                values[id(node.outputs[0])] = outputs
            else:
                for kt, value in zip(node.outputs, tree.flatten(outputs)):
                    values[id(kt)] = value
            if is_layer and (op._computes_mask or (in_mask is not None and op.supports_masking)):
                out_mask = op.compute_mask(args[0] if args else None, in_mask)
                if out_mask is not None:
                    for kt, m in zip(node.outputs, tree.flatten(out_mask)):
                        masks[id(kt)] = m
        return tree.pack_sequence_as(
            self._outputs_struct, [values[id(t)] for t in self._flat_outputs]
        )

    def _graph_plan(self):
        """`(node, operation, is_layer, id of its single KerasTensor argument or None)` for
        each non-input node, in run order (computed once)."""
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = []
            for node in self._nodes:
                if node.is_input:
                    continue
                op, args, kwargs = node.operation, node.call_args, node.call_kwargs
                is_layer = isinstance(op, Layer)
                if is_layer:
                    kwargs = call_record.replay_kwargs(op, kwargs)
                single = None
                if not kwargs and len(args) == 1 and isinstance(args[0], KerasTensor):
                    single = id(args[0])
                plan.append((node, op, is_layer, single, kwargs))
            self.__dict__["_plan"] = plan
        return plan

    def build(self, input_shape=None):
        self.built = True

    def get_config(self):
        return functional_config.get_functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return functional_config.functional_from_config(cls, config, custom_objects)
