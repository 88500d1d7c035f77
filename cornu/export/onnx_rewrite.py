"""Rewrites of converter output that onnxruntime cannot run as written.

jax2onnx (0.17) turns a channels-last `lax.reduce_window` (what max pooling is on jax) into a
pooling node over every axis: the input `(N, H, W, C)` is unsqueezed to `(1, 1, N, H, W, C)`
and pooled with `kernel_shape=[1, kh, kw, 1]`. ONNX allows that, but onnxruntime's pooling
kernels take at most three spatial axes ("Unsupported pooling size"). The rewrite pools the
same window over `(N, C, H, W)` instead: squeeze, transpose, pool the inner axes, transpose
back and unsqueeze, leaving the node's output (and everything after it) unchanged.
"""

_POOLS = ("MaxPool", "AveragePool", "LpPool")


def _attributes(node):
    import onnx

    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _channels_last_pool(node):
    """The pooled axes' attributes if `node` pools an unsqueezed channels-last tensor (window
    1 on its first and last pooled axes), else None."""
    if node.op_type not in _POOLS:
        return None
    attrs = _attributes(node)
    kernel = list(attrs.get("kernel_shape", ()))
    n = len(kernel)
    if n <= 3 or kernel[0] != 1 or kernel[-1] != 1 or n - 2 > 3:
        return None
    strides = list(attrs.get("strides", [1] * n))
    dilations = list(attrs.get("dilations", [1] * n))
    pads = list(attrs.get("pads", [0] * 2 * n))
    if strides[0] != 1 or strides[-1] != 1 or dilations[0] != 1 or dilations[-1] != 1:
        return None
    if pads[0] or pads[n - 1] or pads[n] or pads[2 * n - 1]:
        return None
    inner = dict(attrs)
    inner["kernel_shape"] = kernel[1:-1]
    inner["strides"] = strides[1:-1]
    if "dilations" in attrs:
        inner["dilations"] = dilations[1:-1]
    if "pads" in attrs:
        inner["pads"] = pads[1 : n - 1] + pads[n + 1 : 2 * n - 1]
    return inner


def _replacement(node, inner, index):
    """Nodes computing `node`'s output by pooling (N, C, spatial...) instead."""
    import numpy as np
    import onnx

    spatial = len(inner["kernel_shape"])
    rank = spatial + 2  # (N, spatial..., C)
    prefix = f"{node.name or node.output[0]}_cl{index}"
    axes = onnx.numpy_helper.from_array(np.array([0, 1], dtype=np.int64), f"{prefix}_axes")
    make = onnx.helper.make_node
    to_first = [0, rank - 1] + list(range(1, rank - 1))
    to_last = [0] + list(range(2, rank)) + [1]
    nodes = [
        make("Constant", [], [axes.name], value=axes, name=f"{prefix}_axes_const"),
        make("Squeeze", [node.input[0], axes.name], [f"{prefix}_x"], name=f"{prefix}_sq"),
        make("Transpose", [f"{prefix}_x"], [f"{prefix}_nc"], perm=to_first, name=f"{prefix}_t1"),
        make(node.op_type, [f"{prefix}_nc"], [f"{prefix}_pool"], name=f"{prefix}_pool", **inner),
        make("Transpose", [f"{prefix}_pool"], [f"{prefix}_y"], perm=to_last, name=f"{prefix}_t2"),
        make("Unsqueeze", [f"{prefix}_y", axes.name], list(node.output), name=f"{prefix}_unsq"),
    ]
    return nodes


def rewrite_channels_last_pooling(graph):
    """Rewrites every channels-last pooling node of `graph` (and its subgraphs) in place;
    returns how many were rewritten."""
    import onnx

    count = 0
    kept = []
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                count += rewrite_channels_last_pooling(attribute.g)
            for sub in attribute.graphs:
                count += rewrite_channels_last_pooling(sub)
        inner = _channels_last_pool(node)
        if inner is None:
            kept.append(node)
            continue
        kept.extend(_replacement(node, inner, count))
        count += 1
    if count:
        del graph.node[:]
        graph.node.extend(kept)
    return count
