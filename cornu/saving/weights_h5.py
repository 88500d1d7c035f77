"""`.weights.h5` files in the Keras 3 layout.

Every layer gets a group; its own variables (not its sub-layers') are the datasets
`vars/0`, `vars/1`, ... in creation order, and the `vars` group carries the layer's name as
the attribute `name`. A model's layers live under `layers/<snake_case class name>` (with `_1`,
`_2`, ... for repeated classes, in `model.layers` order); the sub-layers of a plain layer or a
subclassed model live under the attribute that holds them (`cell`, `forward_layer`, `hidden`). A compiled
model's optimizer variables are `optimizer/vars/<i>`.
"""

import re
import warnings

import numpy as np

# cornu.layers and cornu.models import the saving modules: their classes are looked up on the
# package at call time, once `import cornu` has finished.
import cornu
from cornu.utils.identifiers import snake_case  # Keras names the groups as it names layers

_SKIPPED_ATTRIBUTES = {
    "_layers", "_stack", "_functional", "_graph_layers", "_tracked_metrics", "_inbound_nodes",
    "_outbound_nodes", "_modules", "_parameters", "_buffers", "_compile_metrics",
    "_compile_loss", "_loss_tracker", "optimizer",
}  # fmt: skip


def _is_layer(value):
    return isinstance(value, cornu.layers.Layer)


def _is_model(value):
    return isinstance(value, cornu.models.Model)


def _own_variables(layer):
    """A layer's own variables (not its sub-layers'), without the seed states of random
    layers."""
    return layer._own_weights()


def _container_children(prefix, layers, used=None):
    used = {} if used is None else used
    children = []
    for layer in layers:
        base = snake_case(type(layer).__name__)
        count = used.get(base, 0)
        used[base] = count + 1
        children.append((f"{prefix}/{base}" if count == 0 else f"{prefix}/{base}_{count}", layer))
    return children


def _attribute_children(layer):
    """(group name, sub-layer) pairs of a plain layer, from the attributes holding them."""
    candidates = {}
    for name, value in vars(layer).items():
        if name not in _SKIPPED_ATTRIBUTES and not name.startswith("__"):
            candidates.setdefault(name, value)
    modules = vars(layer).get("_modules") or {}
    reachable = set()
    for value in candidates.values():
        if isinstance(value, dict):
            value = list(value.values())
        items = value if isinstance(value, (list, tuple)) else [value]
        reachable.update(id(v) for v in items if _is_layer(v))
    # torch also registers each tracked sub-layer under its layer name (an alias); the
    # attribute holding it names it instead.
    aliases = []
    for name, value in modules.items():
        if not _is_layer(value):
            continue
        base = value.name.replace(".", "_")
        if name == base or re.fullmatch(re.escape(base) + r"_\d+", name):
            aliases.append((name, value))
        else:
            candidates.setdefault(name, value)
            reachable.add(id(value))
    for name, value in aliases:
        if id(value) not in reachable:
            candidates.setdefault(name, value)
    for name in dir(type(layer)):  # public properties exposing sub-layers (`key_dense`)
        if name.startswith("_") or name in candidates or name in _SKIPPED_ATTRIBUTES:
            continue
        if not isinstance(getattr(type(layer), name, None), property):
            continue
        try:
            value = getattr(layer, name)
        except Exception:  # a property that needs state the layer lacks: not a sub-layer
            continue
        if _is_layer(value):
            candidates[name] = value
    if _is_model(layer):
        # A subclassed model's `layers` property is met in alphabetical order like any
        # attribute: sub-layers held by attributes sorting after "layers" are saved there.
        candidates["layers"] = list(layer.layers)
    children, seen = [], set()

    # Public names first, so a sub-layer also exposed as a property is saved under it.
    for name in sorted(candidates, key=lambda n: (n.startswith("_"), n)):
        value = candidates[name]
        if isinstance(value, dict):
            value = list(value.values())
        if _is_layer(value) and value is not layer:
            if id(value) in seen:
                continue
            seen.add(id(value))
            children.append((name, value))
        elif isinstance(value, (list, tuple)) and value and all(_is_layer(v) for v in value):
            # Numbered over the whole container; members saved already keep their place.
            named = _container_children(name, [v for v in value if v is not layer])
            fresh = [(n, v) for n, v in named if id(v) not in seen]
            seen.update(id(v) for _, v in fresh)
            children.extend(fresh)
    # The other tracked sub-layers go under `layers/`, named by counting over all of them
    # (as Keras does), so a layer already saved under an attribute still takes its number.
    rest = _container_children("layers", list(getattr(layer, "_layers", [])))
    children.extend((name, sub) for name, sub in rest if id(sub) not in seen)
    return children


def keras_layer_order(model):
    """A Functional model's layers in Keras's order: by decreasing depth in the graph (the
    inputs deepest), ties in the order a depth-first walk from the outputs meets them. The
    group names of the saved layers (`dense`, `dense_1`, ...) follow this order."""
    nodes = list(model._nodes)
    own = {id(n) for n in nodes}
    depth = {}
    for node in reversed(nodes):  # children before parents
        d = depth.setdefault(id(node), 0)
        if node.is_input:
            continue
        for tensor in node.input_tensors:
            history = tensor._keras_history
            parent = history.operation._inbound_nodes[history.node_index]
            if id(parent) in own:
                depth[id(parent)] = max(depth.get(id(parent), 0), d + 1)
    op_depth, op_index, ops = {}, {}, {}
    for i, node in enumerate(nodes):
        op = node.operation
        ops.setdefault(id(op), op)
        op_index.setdefault(id(op), i)
        op_depth[id(op)] = max(op_depth.get(id(op), 0), depth[id(node)])
    ordered = sorted(ops.values(), key=lambda op: (-op_depth[id(op)], op_index[id(op)]))
    ordered = [op for op in ordered if _is_layer(op)]
    seen = {id(op) for op in ordered}
    return ordered + [layer for layer in model.layers if id(layer) not in seen]


def _model_layers(model):
    if isinstance(model, cornu.models.Functional) and getattr(model, "_nodes", None) is not None:
        try:
            return keras_layer_order(model)
        except (AttributeError, IndexError, KeyError):
            return list(model.layers)
    return list(model.layers)


def _is_graph_model(layer):
    return isinstance(layer, (cornu.models.Functional, cornu.models.Sequential))


def children(layer):
    """The (relative group path, sub-layer) pairs saved under `layer`: a Functional or
    Sequential model's layers under `layers/`, a subclassed model's or a layer's sub-layers
    under the attributes that hold them."""
    if _is_graph_model(layer):
        return _container_children("layers", _model_layers(layer))
    return _attribute_children(layer)


def walk(layer, path="", visited=None):
    """Yields (group path, layer) for `layer` and every sub-layer, each once."""
    visited = set() if visited is None else visited
    if id(layer) in visited:
        return
    visited.add(id(layer))
    yield path, layer
    for name, sub in children(layer):
        yield from walk(sub, f"{path}/{name}" if path else name, visited)


def join_path(path, leaf):
    """The path of `leaf` inside the group at `path` ("" is the file's root)."""
    return f"{path}/{leaf}" if path else leaf


def save_weights_to_h5(model, h5file):
    """Writes `model`'s variables (and its optimizer's) into an open, writable h5py File."""
    for path, layer in walk(model):
        group = h5file.require_group(join_path(path, "vars"))
        group.attrs["name"] = layer.name
        for key, value in _own_store(layer).items():
            group.create_dataset(key, data=np.asarray(value))
    if "layers" not in h5file:
        h5file.create_group("layers")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "variables", None) is not None:
        group = h5file.require_group("optimizer/vars")
        group.attrs["name"] = optimizer.name
        for i, variable in enumerate(optimizer.variables):
            group.create_dataset(str(i), data=np.asarray(variable.numpy()))


def _describe(source):
    return f" in '{source}'" if source else ""


def _read_vars(group):
    keys = sorted((k for k in group.keys() if k.isdigit()), key=int)
    return [np.asarray(group[k]) for k in keys]


def _layer_groups_by_name(h5file, parent_path):
    """{layer name stored in `vars.attrs["name"]`: group path} for a model's children."""
    found = {}
    container = h5file.get(join_path(parent_path, "layers"))
    if container is None:
        return found
    for key in container.keys():
        vars_group = container[key].get("vars")
        if vars_group is not None and "name" in vars_group.attrs:
            name = vars_group.attrs["name"]
            name = name.decode() if isinstance(name, bytes) else str(name)
            found.setdefault(name, join_path(parent_path, f"layers/{key}"))
    return found


def load_weights_from_h5(model, h5file, skip_mismatch=False, source=None):
    """Assigns the variables stored in an open h5py File to `model` (and its optimizer).

    Layers are found by their group path (falling back on the layer name the file records
    for a model's layers); variables are matched by position within each layer.

    Raises:
        ValueError: a layer's variables are missing or do not match in number or shape (the
            message names the layer and both shapes), unless `skip_mismatch=True`, which skips
            such layers with a warning.
    """
    if "layers" not in h5file and "vars" not in h5file:
        raise ValueError(
            f"The file{_describe(source)} is not a Keras .weights.h5 file: it has no 'layers' "
            f"or 'vars' group (found {sorted(h5file.keys())})."
        )
    assignments = []
    _collect(model, "", h5file, skip_mismatch, source, assignments, set())
    optimizer_assign = _optimizer_values(model, h5file, skip_mismatch, source)
    for variable, value in assignments:
        variable.assign(value)
    if optimizer_assign is not None:
        optimizer, store = optimizer_assign
        optimizer.load_own_variables(store)


def _collect(layer, path, h5file, skip_mismatch, source, out, visited):
    if id(layer) in visited:
        return
    visited.add(id(layer))
    _match_layer(layer, path, h5file, skip_mismatch, source, out)
    by_name = _layer_groups_by_name(h5file, path) if _is_model(layer) else {}
    for name, sub in children(layer):
        sub_path = join_path(path, name)
        stored = by_name.get(sub.name)
        if stored is not None and stored != sub_path:
            sub_path = stored
        elif sub_path not in h5file:
            sub_path = _alternative_path(h5file, path, name) or sub_path
        _collect(sub, sub_path, h5file, skip_mismatch, source, out, visited)


def _alternative_path(h5file, parent, name):
    """A sub-layer held as `_key_dense` may be saved as `key_dense` (Keras exposes such
    sub-layers as public properties), and the other way round."""
    head, _, last = name.rpartition("/")
    other = last[1:] if last.startswith("_") else f"_{last}"
    candidate = join_path(parent, f"{head}/{other}" if head else other)
    return candidate if candidate in h5file else None


def _mismatch(message, skip_mismatch):
    if skip_mismatch:
        warnings.warn(f"{message} Skipping this layer (skip_mismatch=True).", stacklevel=4)
        return
    raise ValueError(message)


def _overrides(layer, method):
    """True when `layer`'s class replaces Layer's `save_own_variables`/`load_own_variables`."""
    base = cornu.layers.Layer
    return isinstance(layer, base) and getattr(type(layer), method) is not getattr(base, method)


def _own_store(layer):
    """What a layer writes in its `vars` group: its own `save_own_variables` store when it
    defines one (custom layers saving extra state), else its variables as "0", "1", ..."""
    if _overrides(layer, "save_own_variables"):
        store = {}
        layer.save_own_variables(store)
        return store
    return {str(i): v.numpy() for i, v in enumerate(_own_variables(layer))}


class _StoreLoader:
    """Stands in for a variable in the assignment list: assigning gives the layer its whole
    stored group through its own `load_own_variables`."""

    def __init__(self, layer):
        self.layer = layer

    def assign(self, store):
        self.layer.load_own_variables(store)


def _match_layer(layer, path, h5file, skip_mismatch, source, out):
    if _overrides(layer, "load_own_variables") and h5file.get(join_path(path, "vars")) is not None:
        group = h5file[join_path(path, "vars")]
        out.append((_StoreLoader(layer), {k: np.asarray(group[k]) for k in group.keys()}))
        return
    variables = _own_variables(layer)
    group = h5file.get(join_path(path, "vars"))
    where = path or "<top level>"
    if group is None:
        if variables:
            _mismatch(
                f"Layer '{layer.name}' has {len(variables)} variable(s) but the file"
                f"{_describe(source)} has no group '{join_path(path, 'vars')}'.",
                skip_mismatch,
            )
        return
    values = _read_vars(group)
    if len(values) != len(variables):
        _mismatch(
            f"Layer '{layer.name}' (group '{where}') expects {len(variables)} variable(s) but "
            f"the file{_describe(source)} holds {len(values)}: model shapes "
            f"{[tuple(v.shape) for v in variables]}, file shapes "
            f"{[tuple(v.shape) for v in values]}."
            + (
                ""
                if getattr(layer, "built", True)
                else " The layer is not built: build the model (or call it once) before loading."
            ),
            skip_mismatch,
        )
        return
    for i, (variable, value) in enumerate(zip(variables, values)):
        if tuple(variable.shape) != tuple(value.shape):
            _mismatch(
                f"Layer '{layer.name}' (group '{where}'): variable {i} ('{variable.name}') has "
                f"shape {tuple(variable.shape)} in the model but {tuple(value.shape)} in the "
                f"file{_describe(source)}.",
                skip_mismatch,
            )
            return
    out.extend(zip(variables, values))


def _optimizer_values(model, h5file, skip_mismatch, source):
    group = h5file.get("optimizer/vars")
    optimizer = getattr(model, "optimizer", None)
    if group is None or optimizer is None:
        return None
    values = _read_vars(group)
    if len(values) != len(optimizer.variables) and not getattr(optimizer, "built", False):
        trainable = model.trainable_variables
        if trainable:
            optimizer.build(trainable)
    if len(values) != len(optimizer.variables):
        warnings.warn(
            f"Skipping the optimizer state{_describe(source)}: the file holds {len(values)} "
            f"variable(s) but the {type(optimizer).__name__} has {len(optimizer.variables)}.",
            stacklevel=3,
        )
        return None
    for i, (variable, value) in enumerate(zip(optimizer.variables, values)):
        if tuple(variable.shape) != tuple(value.shape):
            message = (
                f"Optimizer variable {i} ('{variable.name}') has shape {tuple(variable.shape)} "
                f"but {tuple(value.shape)} in the file{_describe(source)}."
            )
            if skip_mismatch:
                warnings.warn(message + " Skipping the optimizer state.", stacklevel=3)
                return None
            raise ValueError(message)
    return optimizer, {str(i): v for i, v in enumerate(values)}
