"""A picture of a model: `model_to_dot` (a pydot graph) and `plot_model` (an image file).

One node per layer (or `cornu.ops` call) of a Functional or Sequential model, an edge per
connection; nested models become dashed clusters with `expand_nested`. Needs `pydot` and
Graphviz's `dot` program (Debian: `apt-get install graphviz`).
"""

import os
import tempfile

from cornu import tree

_EMBEDDABLE = ("png", "jpg", "jpeg", "gif")


def _pydot():
    try:
        import pydot  # optional dependency, loaded only when a model is drawn
    except ImportError as error:
        raise ImportError(
            "plot_model/model_to_dot need pydot and Graphviz: `pip install pydot` and install "
            "Graphviz's `dot` (Debian/Ubuntu: `apt-get install graphviz`; macOS: `brew "
            "install graphviz`)."
        ) from error
    return pydot


def _graph_of(model):
    """The Functional graph behind `model` (a Sequential's own), or None (subclassed)."""
    if hasattr(model, "_nodes"):
        return model
    return getattr(model, "_functional", None)


def _is_sequential(model):
    return getattr(model, "_functional", None) is not None and not hasattr(model, "_nodes")


def _shape_text(tensors):
    shapes = [tuple(t.shape) for t in tensors]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _label(operation, node, options):
    """An HTML-like table: the name and class, then the rows `options` asks for."""
    title = type(operation).__name__
    if options["show_layer_names"]:
        title = f"<b>{operation.name}</b> ({title})"
    cells = []
    if node is not None and options["show_shapes"]:
        if node.input_tensors:
            cells.append(("white", f"Input shape: <b>{_shape_text(node.input_tensors)}</b>"))
        cells.append(("white", f"Output shape: <b>{_shape_text(node.outputs)}</b>"))
    if node is not None and options["show_dtype"]:
        dtypes = sorted({str(t.dtype) for t in node.outputs})
        cells.append(("white", f"Output dtype: <b>{', '.join(dtypes)}</b>"))
    if options["show_trainable"] and getattr(operation, "weights", None):  # layers with weights
        trainable = getattr(operation, "trainable", True)
        color, text = ("forestgreen", "Trainable") if trainable else ("firebrick", "Non-trainable")
        cells.append((color, f'<font color="white"><b>{text}</b></font>'))
    # One column per kind of cell the options can add (input and output shapes count two).
    width = max(2 * options["show_shapes"] + options["show_dtype"] + options["show_trainable"], 1)
    rows = [f'<tr><td colspan="{width}" bgcolor="black"><font point-size="16" color="white">'
            f"{title}</font></td></tr>"]  # fmt: skip
    activation = getattr(operation, "activation", None)
    if options["show_layer_activations"] and activation is not None:
        name = getattr(activation, "__name__", type(activation).__name__)
        rows.append(f'<tr><td bgcolor="white" colspan="{width}"><font point-size="14">'
                    f"Activation: <b>{name}</b></font></td></tr>")  # fmt: skip
    if cells:
        row = "".join(f'<td bgcolor="{c}"><font point-size="14">{t}</font></td>' for c, t in cells)
        rows.append(f"<tr>{row}</tr>")
    table = "".join(rows)
    return f'<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">{table}</table>>'


class _Drawing:
    """Adds a model's nodes and edges to a pydot graph; remembers, per drawn operation, which
    pydot nodes an edge into it or out of it must use (a nested cluster's inputs/outputs)."""

    def __init__(self, pydot, options):
        self.pydot = pydot
        self.options = options
        self.entries = {}  # id(operation) -> pydot node names that receive its inputs
        self.exits = {}  # id(operation) -> pydot node names that give its outputs

    def draw(self, model, dot):
        graph = _graph_of(model)
        if graph is None:  # subclassed: its inner structure is not a graph
            self._add_node(dot, model, None)
            return [str(id(model))], [str(id(model))]
        hide_inputs = _is_sequential(model)
        nodes = [n for n in graph._nodes if not (hide_inputs and n.is_input)]
        for node in nodes:
            operation = node.operation
            if id(operation) in self.entries:
                continue  # a layer called twice is one node
            if self.options["expand_nested"] and _graph_of(operation) is not None:
                cluster = self.pydot.Cluster(operation.name, style="dashed",
                                             label=operation.name, labeljust="l")  # fmt: skip
                entries, exits = self.draw(operation, cluster)
                dot.add_subgraph(cluster)
                self.entries[id(operation)], self.exits[id(operation)] = entries, exits
            else:
                self._add_node(dot, operation, node)
        for node in nodes:
            for parent in node.parent_nodes:
                if hide_inputs and parent.is_input:
                    continue
                for source in self.exits[id(parent.operation)]:
                    for target in self.entries[id(node.operation)]:
                        if not dot.get_edge(source, target):
                            dot.add_edge(self.pydot.Edge(source, target, penwidth="2"))
        inputs = [n for n in nodes if all(hide_inputs and p.is_input for p in n.parent_nodes)]
        outputs = [t._keras_history.operation for t in tree.flatten(graph._flat_outputs)]
        entry_names = [name for n in inputs for name in self.entries[id(n.operation)]]
        exit_names = [name for op in outputs for name in self.exits.get(id(op), [])]
        return list(dict.fromkeys(entry_names)), list(dict.fromkeys(exit_names))

    def _add_node(self, dot, operation, node):
        name = str(id(operation))
        dot.add_node(self.pydot.Node(name, label=_label(operation, node, self.options),
                                     fontname="Helvetica", border="0", margin="0"))  # fmt: skip
        self.entries[id(operation)] = self.exits[id(operation)] = [name]


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", expand_nested=False, dpi=200, subgraph=False,
                 show_layer_activations=False, show_trainable=False, splines="ortho",
                 **kwargs):  # fmt: skip
    """The model as a `pydot.Dot` graph (a `pydot.Cluster` with `subgraph=True`).

    Args:
        show_shapes, show_dtype: add each layer's input/output shapes, output dtype.
        show_layer_names: write each layer's name before its class.
        rankdir: Graphviz's direction: "TB" (top to bottom) or "LR".
        expand_nested: draw nested models' layers inside a dashed cluster.
        dpi: the image resolution.
        subgraph: return a cluster, for drawing inside another graph.
        show_layer_activations: add the activation of layers that have one.
        show_trainable: mark each layer trainable or not.
        splines: Graphviz's edge style ("ortho", "polyline", "curved", ...).

    Raises:
        ValueError: for a model that is not built yet.
        ImportError: without pydot.
    """
    if kwargs:
        raise TypeError(f"model_to_dot got unexpected arguments: {sorted(kwargs)}.")
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` or "
            "by calling the model on a batch of data."
        )
    pydot = _pydot()
    if subgraph:
        dot = pydot.Cluster(model.name, style="dashed", label=model.name,
                            labeljust="l")  # fmt: skip
    else:
        dot = pydot.Dot(graph_type="digraph")
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set("splines", splines)
        dot.set_node_defaults(shape="record")
    options = {"show_shapes": show_shapes, "show_dtype": show_dtype,
               "show_layer_names": show_layer_names, "expand_nested": expand_nested,
               "show_layer_activations": show_layer_activations,
               "show_trainable": show_trainable}  # fmt: skip
    _Drawing(pydot, options).draw(model, dot)
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, splines="ortho",
               **kwargs):  # fmt: skip
    """Draws the model (see `model_to_dot`) into `to_file`, in the format its extension names.

    The file is written whole or not at all (a temporary file renamed into place). Returns an
    `IPython.display.Image` of a PNG/JPEG/GIF when IPython is installed, else None.
    """
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable, splines=splines, **kwargs)  # fmt: skip
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    directory = os.path.dirname(os.path.abspath(to_file))
    handle, partial = tempfile.mkstemp(prefix=".plot_model-", dir=directory)
    os.close(handle)
    try:
        try:
            dot.write(partial, format=extension)
        except AssertionError as error:  # pydot's report of a failed `dot` run
            raise ValueError(
                f"plot_model: Graphviz could not write {to_file!r} in the format "
                f"{extension!r} (its extension): {error}"
            ) from error
        os.replace(partial, to_file)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    if extension not in _EMBEDDABLE:
        return None
    try:
        from IPython import display  # optional: only to show the image in a notebook
    except ImportError:
        return None
    return display.Image(filename=to_file)
