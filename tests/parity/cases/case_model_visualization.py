"""keras.utils.model_to_dot parity: the nodes, edges, clusters and option rows of a nested
multi-input, multi-output model (layer names stand for pydot's id-based node names)."""

import re

from tests.parity.case import ALL, case


def _model(keras):
    inner_in = keras.Input((4,), name="inner_in")
    dense = keras.layers.Dense(3, activation="relu", name="inner_dense")(inner_in)
    inner = keras.Model(inner_in, dense, name="inner")
    a, b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    joined = keras.layers.Concatenate(name="cat")([inner(a), b])
    out1 = keras.layers.Dense(1, name="out1")(joined)
    out2 = keras.layers.Dense(2, activation="softmax", name="out2", trainable=False)(joined)
    return keras.Model([a, b], [out1, out2], name="outer")


def _observe(dot):
    graphs = [dot, *dot.get_subgraphs()]
    labels, names = {}, {}
    for graph in graphs:
        for node in graph.get_nodes():
            label = node.get("label")
            if label:
                name = re.search(r"<b>([^<]*)</b> \(", label).group(1)
                names[node.get_name()] = name
                labels[name] = re.findall(r">([^<>]+)<", label)
    edges = sorted(
        (names[e.get_source()], names[e.get_destination()]) for g in graphs for e in g.get_edges()
    )
    clusters = [(g.get_name(), g.get("label")) for g in dot.get_subgraphs()]
    attributes = {k: str(v) for k, v in dot.get_attributes().items()}
    return {"labels": labels, "edges": edges, "clusters": clusters, "attributes": attributes}


@case(backends=ALL)
def case_model_to_dot_default(keras, H):
    return _observe(keras.utils.model_to_dot(_model(keras)))


@case(backends=ALL)
def case_model_to_dot_all_rows(keras, H):
    dot = keras.utils.model_to_dot(
        _model(keras), show_shapes=True, show_dtype=True, show_layer_activations=True,
        show_trainable=True, rankdir="LR", dpi=96,
    )  # fmt: skip
    return _observe(dot)


@case(backends=ALL)
def case_model_to_dot_expand_nested_and_sequential(keras, H):
    sequential = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(2, name="s1"), keras.layers.Dense(2, name="s2")]
    )
    unbuilt = keras.Sequential([keras.layers.Dense(2)])
    return {
        "nested": _observe(keras.utils.model_to_dot(_model(keras), expand_nested=True)),
        "sequential": _observe(keras.utils.model_to_dot(sequential)),
        "unbuilt": H.raises(keras.utils.model_to_dot, unbuilt),
    }
