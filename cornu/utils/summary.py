"""`model.summary()`: Keras's table of layers, output shapes and parameter counts."""

import math


def _format_bytes(n):
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:.2f} B"


def _weights_bytes(variables):
    from cornu.backend.common import dtypes

    return sum(math.prod(v.shape) * dtypes.dtype_size(v.dtype) // 8 for v in variables)


def _output_shape(layer):
    nodes = [n for n in layer._inbound_nodes if n.outputs]
    if not nodes:
        return "?"
    shapes = [tuple(t.shape) for t in nodes[0].outputs]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _params(layer):
    return sum(math.prod(v.shape) for v in layer.weights) if layer.built else 0


def print_summary(model, line_length=None, print_fn=None, show_trainable=False):
    """Prints (or passes to `print_fn`) the summary table of `model`."""
    from cornu.layers.core.input_layer import InputLayer

    print_fn = print_fn or print
    functional = hasattr(model, "_nodes") and not hasattr(model, "_stack")
    layers = model.layers
    if functional:
        columns = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        widths = [31, 24, 12, 22]
    else:
        layers = [layer for layer in layers if not isinstance(layer, InputLayer)]
        columns = ["Layer (type)", "Output Shape", "Param #"]
        widths = [33, 24, 15]
    if line_length:
        scale = line_length / (sum(widths) + len(widths) + 1)
        widths = [max(8, int(w * scale)) for w in widths]

    def row(cells, left="│", mid="│", right="│"):
        parts = []
        for i, (cell, width) in enumerate(zip(cells, widths)):
            text = str(cell)
            text = text if len(text) <= width - 2 else text[: width - 3] + "…"
            parts.append(f" {text:>{width - 2}} " if columns[i] == "Param #" else f" {text:<{width - 2}} ")
        return left + mid.join(parts) + right

    def rule(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    lines = [f'Model: "{model.name}"', rule("┏", "┳", "┓", "━"),
             row(columns, "┃", "┃", "┃"), rule("┡", "╇", "┩", "━")]  # fmt: skip
    for i, layer in enumerate(layers):
        cells = [f"{layer.name} ({type(layer).__name__})", _output_shape(layer), f"{_params(layer):,}"]
        if functional:
            parents = []
            for node in layer._inbound_nodes:
                for t in node.input_tensors:
                    h = t._keras_history
                    if h is not None:
                        parents.append(f"{h.operation.name}[{h.node_index}][{h.tensor_index}]")
            cells.append(", ".join(parents) or "-")
        lines.append(row(cells))
        if i < len(layers) - 1:
            lines.append(rule("├", "┼", "┤", "─"))
    lines.append(rule("└", "┴", "┘", "─"))
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    n_train = sum(math.prod(v.shape) for v in trainable)
    n_frozen = sum(math.prod(v.shape) for v in non_trainable)
    total_bytes = _weights_bytes(trainable) + _weights_bytes(non_trainable)
    lines.append(f" Total params: {n_train + n_frozen:,} ({_format_bytes(total_bytes)})")
    lines.append(f" Trainable params: {n_train:,} ({_format_bytes(_weights_bytes(trainable))})")
    lines.append(
        f" Non-trainable params: {n_frozen:,} ({_format_bytes(_weights_bytes(non_trainable))})"
    )
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "built", False):
        variables = optimizer.variables
        count = sum(math.prod(v.shape) for v in variables)
        lines.append(f" Optimizer params: {count:,} ({_format_bytes(_weights_bytes(variables))})")
    for line in lines:
        print_fn(line)
