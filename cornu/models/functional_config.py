"""Functional models <-> Keras-format configs (`layers` with `inbound_nodes`, `input_layers`,
`output_layers`), as Keras 3 writes them in `config.json`."""

import functools

from cornu import tree
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.operation import OpCall, op_class_name
from cornu.layers.core.input_layer import InputLayer
from cornu.models import functional_ops
from cornu.ops import keras_modules
from cornu.saving import serialization_lib
from cornu.utils.identifiers import snake_case


def _model_node_indices(model):
    """(operation id, global node index) -> the node's index among the model's own nodes."""
    own = {id(n) for n in model._nodes}
    mapping = {}
    for op in _operations(model):
        i = 0
        for node in op._inbound_nodes:
            if id(node) in own:
                mapping[(id(op), node.node_index)] = i
                i += 1
    return mapping


def _operations(model):
    return model.operations


def _history(tensor, mapping):
    h = tensor._keras_history
    return [h.operation.name, mapping[(id(h.operation), h.node_index)], h.tensor_index]


def _serialize_value(value, mapping):
    if isinstance(value, KerasTensor):
        return {
            "class_name": "__keras_tensor__",
            "config": {
                "shape": tuple(value.shape),
                "dtype": value.dtype,
                "keras_history": _history(value, mapping),
            },
        }
    if isinstance(value, (list, tuple)):  # Keras keeps each container's type in memory
        return type(value)(_serialize_value(v, mapping) for v in value)
    if isinstance(value, dict):
        return {k: _serialize_value(v, mapping) for k, v in value.items()}
    index = functional_ops.encode_index(value)
    if index is not None:
        return index
    return serialization_lib.serialize_keras_object(value)


def _op_class_name(fn_name):
    return op_class_name(fn_name)


def _serialize_operation(op):
    """A `cornu.ops` call in the graph, written as Keras writes its op classes (the fixed
    arguments of its one call go to the config; see functional_ops.py)."""
    if isinstance(op, OpCall):
        class_name = _op_class_name(op.fn.__name__)
        return {
            "module": keras_modules.module_of(op.fn),
            "class_name": class_name,
            "config": {"name": op.name, **_fixed_arguments(op)},
            "registered_name": class_name,
        }
    return serialization_lib.serialize_keras_object(op)


def _fixed_arguments(op):
    """The op's fixed arguments: those bound when it was loaded, else those of its call (an
    OpCall is made for one call, so it has one node)."""
    fixed = dict(getattr(op, "_fixed_config", {}))
    for node in op._inbound_nodes[:1]:
        fixed.update(functional_ops.split_call(op.fn, node.call_args, node.call_kwargs)[2])
    return serialization_lib.serialize_keras_object(fixed)


def _node_arguments(op, node):
    """(args, kwargs) of a node as the config records them: for an op, only its data."""
    if isinstance(op, OpCall):
        args, kwargs, _ = functional_ops.split_call(op.fn, node.call_args, node.call_kwargs)
        return tuple(args), kwargs
    return tuple(node.call_args), node.call_kwargs


def get_functional_config(model):
    mapping = _model_node_indices(model)
    own = {id(n) for n in model._nodes}
    layers = []
    for op in _operations(model):
        entry = _serialize_operation(op)
        entry["name"] = op.name
        entry["inbound_nodes"] = [
            _serialize_node(op, node, mapping)
            for node in op._inbound_nodes
            if id(node) in own and not node.is_input
        ]
        layers.append(entry)

    def endpoints(structure):
        if isinstance(structure, dict):
            return {k: _history(v, mapping) for k, v in structure.items()}
        if isinstance(structure, KerasTensor):
            return _history(structure, mapping)
        return [_history(t, mapping) for t in structure]

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": endpoints(model._inputs_struct),
        "output_layers": endpoints(model._outputs_struct),
    }


def _serialize_node(op, node, mapping):
    args, kwargs = _node_arguments(op, node)
    return {"args": _serialize_value(args, mapping), "kwargs": _serialize_value(kwargs, mapping)}


def _deserialize_operation(entry, custom_objects):
    if (entry.get("module") or "").startswith("keras.src.ops"):
        return _op_from_config(entry)
    config = {k: v for k, v in entry.items() if k not in ("name", "inbound_nodes")}
    config.pop("build_config", None)  # built by replaying the graph below
    return serialization_lib.deserialize_keras_object(config, custom_objects)


def _op_from_config(entry):
    """An OpCall for a Keras op class entry (`NotEqual` -> `cornu.ops.not_equal`); static
    arguments stored in its config are bound to the op."""
    class_name = entry["class_name"]
    name = snake_case(class_name)
    fn = keras_modules.op_for(entry["module"], name)
    if fn is None or not hasattr(fn, "eager"):
        raise ValueError(
            f"The model config uses the op {class_name} ({entry['module']}), which cornu.ops "
            f"does not have (looked for cornu.ops.{name})."
        )
    fixed = {k: v for k, v in (entry.get("config") or {}).items() if k != "name"}
    fixed = {k: functional_ops.decode_value(v) for k, v in fixed.items()}
    spec = fn.spec
    if fixed and spec is not None:
        spec = functools.partial(spec, **fixed)
    op = OpCall(functional_ops.bind_fixed(fn.eager, fixed), spec)
    op._fixed_config = fixed  # written back when this model is saved again
    op.name = (entry.get("config") or {}).get("name", entry.get("name", op.name))
    return op


def functional_from_config(cls, config, custom_objects=None):
    """Rebuilds the layers and replays their calls on new Inputs."""

    ops, pending = {}, []
    for entry in config["layers"]:
        op = _deserialize_operation(entry, custom_objects)
        ops[entry["name"]] = op
        pending.append((op, list(entry.get("inbound_nodes", []))))
    produced = {}  # (name, node index, tensor index) -> KerasTensor
    for op in ops.values():
        if isinstance(op, InputLayer):
            produced[(op.name, 0, 0)] = op._output_tensor
    calls = {name: 0 for name in ops}

    def ready(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            return tuple(value["config"]["keras_history"]) in produced
        if isinstance(value, (list, tuple)):
            return all(ready(v) for v in value)
        if isinstance(value, dict):
            return all(ready(v) for v in value.values())
        return True

    def fill(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            return produced[tuple(value["config"]["keras_history"])]
        decoded = functional_ops.decode_value(value)
        if decoded is not value:
            return decoded
        if isinstance(value, (list, tuple)):
            return type(value)(fill(v) for v in value)
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return value

    progress = True
    while progress:
        progress = False
        for op, nodes in pending:
            while nodes and ready(nodes[0]):
                node = nodes.pop(0)
                args = fill(node.get("args", []))
                if isinstance(op, OpCall):
                    args = functional_ops.restore_call_args(op.fn.__name__, args)
                kwargs = fill(node.get("kwargs", {}))
                outputs = op(*args, **kwargs)
                index = calls[op.name]
                calls[op.name] += 1
                for i, t in enumerate(tree.flatten(outputs)):
                    produced[(op.name, index, i)] = t
                progress = True
    unresolved = [op.name for op, nodes in pending if nodes]
    if unresolved:
        raise ValueError(
            f"Cannot rebuild the graph: the inputs of layers {unresolved} are missing."
        )

    def endpoints(spec):
        if isinstance(spec, dict):
            return {k: produced[tuple(v)] for k, v in spec.items()}
        if spec and not isinstance(spec[0], (list, tuple)):
            return produced[tuple(spec)]
        return [produced[tuple(v)] for v in spec]

    return cls(
        endpoints(config["input_layers"]),
        endpoints(config["output_layers"]),
        name=config.get("name"),
        trainable=config.get("trainable", True),
    )
