"""plot_model and model_to_dot: every node and edge of nested multi-IO models, the options'
rows, image files, and the errors."""

import os
import re
import shutil

import pytest

import cornu
from cornu.utils import model_visualization

pydot = pytest.importorskip("pydot")
needs_graphviz = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's `dot` program is not installed"
)


def _nested_model():
    inner_in = cornu.Input((4,), name="inner_in")
    dense = cornu.layers.Dense(3, activation="relu", name="inner_dense")(inner_in)
    inner = cornu.Model(inner_in, dense, name="inner")
    a, b = cornu.Input((4,), name="a"), cornu.Input((2,), name="b")
    joined = cornu.layers.Concatenate(name="cat")([inner(a), b])
    out1 = cornu.layers.Dense(1, name="out1")(joined)
    out2 = cornu.layers.Dense(2, activation="softmax", name="out2", trainable=False)(joined)
    return cornu.Model([a, b], [out1, out2], name="outer")


def _structure(dot):
    """Node names by pydot id, and edges as (source name, target name)."""
    graphs = [dot, *dot.get_subgraphs()]
    names = {}
    for graph in graphs:
        for node in graph.get_nodes():
            found = re.search(r"<b>([^<]*)</b> \(([^)]*)\)", node.get("label") or "")
            if found:
                names[node.get_name()] = found.group(1)
    edges = sorted(
        (names[e.get_source()], names[e.get_destination()])
        for graph in graphs
        for e in graph.get_edges()
    )
    return sorted(names.values()), edges


def test_every_node_and_edge_of_a_nested_multi_io_model():
    nodes, edges = _structure(model_visualization.model_to_dot(_nested_model()))
    assert nodes == ["a", "b", "cat", "inner", "out1", "out2"]
    assert edges == [("a", "inner"), ("b", "cat"), ("cat", "out1"), ("cat", "out2"),
                     ("inner", "cat")]  # fmt: skip


def test_expand_nested_draws_the_inner_model_in_a_cluster():
    dot = model_visualization.model_to_dot(_nested_model(), expand_nested=True)
    (cluster,) = dot.get_subgraphs()
    assert cluster.get_name() == "cluster_inner"
    nodes, edges = _structure(dot)
    assert nodes == ["a", "b", "cat", "inner_dense", "inner_in", "out1", "out2"]
    assert ("a", "inner_in") in edges and ("inner_dense", "cat") in edges
    assert ("inner_in", "inner_dense") in edges


def test_option_rows():
    text = model_visualization.model_to_dot(
        _nested_model(), show_shapes=True, show_dtype=True, show_layer_activations=True,
        show_trainable=True,
    ).to_string()  # fmt: skip
    assert "Input shape: <b>[(None, 3), (None, 2)]</b>" in text
    assert "Output shape: <b>(None, 5)</b>" in text
    assert "Output dtype: <b>float32</b>" in text
    assert "Activation: <b>softmax</b>" in text
    assert "Non-trainable" in text and ">Trainable<" in text
    plain = model_visualization.model_to_dot(_nested_model(), show_layer_names=False)
    assert "<b>cat</b>" not in plain.to_string() and "(Concatenate)" not in plain.to_string()
    assert "Concatenate" in plain.to_string()


def test_sequential_hides_its_input_and_chains_its_layers():
    model = cornu.Sequential(
        [cornu.Input((3,)), cornu.layers.Dense(2, name="s1"), cornu.layers.Dense(2, name="s2")]
    )
    nodes, edges = _structure(model_visualization.model_to_dot(model))
    assert (nodes, edges) == (["s1", "s2"], [("s1", "s2")])
    assert isinstance(model_visualization.model_to_dot(model, subgraph=True), pydot.Cluster)


def test_a_subclassed_model_is_one_node_and_an_unbuilt_one_an_error():
    class Sub(cornu.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.dense = cornu.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    model = Sub()
    with pytest.raises(ValueError, match="has not yet been built"):
        model_visualization.model_to_dot(model)
    model(cornu.ops.ones((1, 3)))
    assert _structure(model_visualization.model_to_dot(model)) == (["sub"], [])


@needs_graphviz
def test_plot_model_writes_the_image_whole(tmp_path):
    from PIL import Image

    path = tmp_path / "model.png"
    cornu.utils.plot_model(_nested_model(), to_file=str(path), show_shapes=True, dpi=96)
    with Image.open(path) as image:
        width, height = image.size
    assert width > 300 and height > 300
    svg = tmp_path / "model.svg"
    cornu.utils.plot_model(_nested_model(), to_file=str(svg))
    assert svg.read_text().lstrip().startswith("<?xml")
    assert sorted(os.listdir(tmp_path)) == ["model.png", "model.svg"]  # no partial files


@needs_graphviz
def test_an_unknown_format_is_a_clear_error_and_leaves_no_file(tmp_path):
    with pytest.raises(ValueError, match="could not write .* in the format 'foo'"):
        cornu.utils.plot_model(_nested_model(), to_file=str(tmp_path / "model.foo"))
    assert os.listdir(tmp_path) == []


def test_without_pydot_the_error_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def refuse_pydot(name, *args, **kwargs):
        if name == "pydot":
            raise ImportError("No module named 'pydot'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse_pydot)
    with pytest.raises(ImportError, match="pip install pydot.*apt-get install graphviz"):
        model_visualization.model_to_dot(_nested_model())
