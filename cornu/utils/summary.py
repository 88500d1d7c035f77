"""`model.summary()`: Keras's table of layers, output shapes and parameter counts.

A model whose graph is a plain chain (Sequential, subclassed, or a Functional model where
every depth holds one node with at most one input and no layer is called twice) gets the
three columns "Layer (type)", "Output Shape", "Param #"; any other Functional model also
gets "Connected to". The text goes to `print_fn` in one call (or to stdout).
"""

import math
import re

# cornu.models.model imports this module: Model is looked up on the package at call time.
import cornu
from cornu.backend.common import dtypes
from cornu.models import functional_order
from cornu.utils import text_table

_SEQUENTIAL_LAYOUT = (88, [0.45, 0.80, 1.0])
_FUNCTIONAL_LAYOUT = (108, [0.3, 0.56, 0.74, 1.0])


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):  # fmt: skip
    """Prints (or passes to `print_fn`) the summary table of `model`.

    Args:
        model: a built or unbuilt Model.
        line_length: the table's width (default 88, or 108 with "Connected to"; at most the
            console width minus 4).
        positions: where each column ends, as fractions of `line_length`.
        print_fn: called once with the whole text; `print` to stdout when None.
        expand_nested: also list the layers of nested models, indented.
        show_trainable: add a "Trainable" column (Y / N, "-" for layers without weights).
        layer_range: `[first_name, last_name]`: only the rows from one to the other.
    """
    connected = not _is_chain(model)
    default_length, default_positions = _FUNCTIONAL_LAYOUT if connected else _SEQUENTIAL_LAYOUT
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if connected else [])
    justify = ["left", "left", "right"] + (["left"] if connected else [])
    positions = list(positions or default_positions)
    if show_trainable:
        default_length += 12
        positions = [p * 0.9 for p in positions] + [1.0]
        headers.append("Trainable")
        justify.append("center")
    width = text_table.console_width()
    if line_length is None:
        line_length = min(default_length, width - 4)
    if positions[-1] > 1:  # absolute positions, as characters
        positions = [p / line_length for p in positions]

    ops = _in_range(_listed_operations(model), layer_range)
    rows = _rows(ops, model, connected, show_trainable, expand_nested, depth=0)
    widths = text_table.column_widths(line_length, positions)
    table = text_table.render(headers, rows, widths, justify)
    lines = [f'Model: "{model.name}"'] + [line[:width] for line in table] + _totals(model)
    text = "\n".join(lines) + "\n"
    if print_fn is None:
        print(text, end="")
    else:
        print_fn(text)


def _is_chain(model):
    nodes = getattr(model, "_nodes", None)
    if nodes is None or hasattr(model, "_stack"):
        return True
    if len(model.inputs) > 1:  # two Input nodes never form a chain
        return False
    depths = {}
    for node in nodes:
        if len(node.input_tensors) > 1:
            return False
    op_depths = functional_order.operation_depths(nodes)
    for node in nodes:
        depth = op_depths[node.operation]
        if depth in depths:
            return False
        depths[depth] = node
    return len({id(n.operation) for n in nodes}) == len(nodes)


def _rows(ops, model, connected, show_trainable, expand_nested, depth):
    rows = []
    for op in ops:
        name = f"{op.name} ({_type_name(op)})"
        if depth:
            name = "   " * depth + "└ " + name
        row = [name, _output_shape(op, model), _params(op)]
        if connected:
            row.append(_connections(op, model) if depth == 0 else "-")
        if show_trainable:
            row.append(_trainable_mark(op))
        rows.append(row)
        if expand_nested and _is_model(op):
            inner = _listed_operations(op)
            rows.extend(_rows(inner, op, connected, show_trainable, expand_nested, depth + 1))
    return rows


def _is_model(op):
    return isinstance(op, cornu.models.Model)


def _listed_operations(model):
    """The rows of a model: its graph's operations (InputLayers too, except for Sequential)
    or, for a subclassed model, its direct sub-layers."""
    if hasattr(model, "_stack"):
        return list(model.layers)
    if hasattr(model, "_operations"):
        return model.operations
    return list(model.layers)


def _type_name(op):
    return type(op).__name__


def _own_nodes(op, model):
    graph = getattr(model, "_functional", None) or model
    own = {id(n) for n in getattr(graph, "_nodes", ())}
    return [n for n in op._inbound_nodes if id(n) in own] or list(op._inbound_nodes)


def _output_shape(op, model):
    nodes = [n for n in _own_nodes(op, model) if n.outputs]
    if nodes:
        shapes = [tuple(t.shape) for t in nodes[0].outputs]
        return str(shapes[0]) if len(shapes) == 1 else str(shapes)
    build_shapes = getattr(op, "_build_shapes", None)
    if getattr(op, "built", False) and build_shapes is not None:
        try:
            return str(op.compute_output_shape(build_shapes))
        except Exception:  # a layer that cannot infer its shape: the summary shows "?"
            return "?"
    return "?"


def _params(op):
    if not hasattr(op, "weights"):
        return "0"
    if not op.built:
        return "0 (unbuilt)"
    return f"{sum(math.prod(v.shape) for v in op.weights):,}"


def _connections(op, model):
    parents = []
    for node in _own_nodes(op, model):
        for tensor in node.input_tensors:
            history = tensor._keras_history
            if history is not None:
                parents.append(
                    f"{history.operation.name}[{history.node_index}][{history.tensor_index}]"
                )
    return ", ".join(parents) or "-"


def _trainable_mark(op):
    if not getattr(op, "weights", None):
        return "-"
    return "Y" if op.trainable else "N"


def _in_range(ops, layer_range):
    """The operations from the first whose name matches the regex `layer_range[0]` to the
    last whose name matches `layer_range[1]` (in either order)."""
    if layer_range is None:
        return ops
    if not isinstance(layer_range, (list, tuple)) or len(layer_range) != 2:
        raise ValueError(
            "layer_range must be a list or tuple of two layer names (regular expressions "
            f"matched at the start of names); received {layer_range!r}."
        )
    names = [op.name for op in ops]
    found = [[i for i, name in enumerate(names) if re.match(p, name)] for p in layer_range]
    if not found[0] or not found[1]:
        raise ValueError(
            f"summary(layer_range={list(layer_range)}): no layer name matches "
            f"{[p for p, f in zip(layer_range, found) if not f]}; the layers are {names}."
        )
    indices = found[0] + found[1]
    return ops[min(indices) : max(indices) + 1]


def _format_bytes(n):
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:.2f} B"


def _weights_bytes(variables):
    return sum(math.prod(v.shape) * dtypes.dtype_size(v.dtype) // 8 for v in variables)


def _totals(model):
    trainable, frozen = model.trainable_weights, model.non_trainable_weights
    counts = [sum(math.prod(v.shape) for v in group) for group in (trainable, frozen)]
    sizes = [_weights_bytes(trainable), _weights_bytes(frozen)]
    optimizer = getattr(model, "optimizer", None)
    extra = []
    if optimizer is not None and getattr(optimizer, "built", False):
        variables = optimizer.variables
        count, size = sum(math.prod(v.shape) for v in variables), _weights_bytes(variables)
        extra = [f" Optimizer params: {count:,} ({_format_bytes(size)})"]
        counts.append(count)
        sizes.append(size)
    return [
        f" Total params: {sum(counts):,} ({_format_bytes(sum(sizes))})",
        f" Trainable params: {counts[0]:,} ({_format_bytes(sizes[0])})",
        f" Non-trainable params: {counts[1]:,} ({_format_bytes(sizes[1])})",
    ] + extra
