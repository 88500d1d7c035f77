"""The Keras 2 style `.h5` model file: one HDF5 file with the config as attributes.

Layout: root attributes `model_config` (JSON `{"class_name", "config"}`), `training_config`
(JSON of the compile arguments, with `optimizer_config`), `keras_version` and `backend`; the
group `model_weights` (attribute `layer_names`) with one group per layer (attribute
`weight_names`, each weight a dataset at `<layer name>/<weight name>`); and the group
`optimizer_weights` (attribute `weight_names`) when compiled.
"""

import json
import warnings

import numpy as np

from cornu import backend
from cornu.saving import keras_archive, serialization_lib
from cornu.saving._h5 import h5py

_FORMAT_VERSION = "3.15.1"


def _text(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def _names(attr):
    return [_text(n) for n in np.asarray(attr).tolist()] if attr is not None else []


def _add_modules(config):
    """Keras 2 configs name classes without `module`; give them one so they resolve."""
    if isinstance(config, list):
        return [_add_modules(c) for c in config]
    if not isinstance(config, dict):
        return config
    result = {k: _add_modules(v) for k, v in config.items()}
    if (
        "class_name" in result
        and "config" in result
        and "module" not in result
        and result["class_name"] != "__keras_tensor__"
    ):
        result["module"] = "keras"
        result.setdefault("registered_name", None)
    return result


def _layer_weights(layer):
    return list(layer.weights)  # `Layer.weights` leaves out the seed states of random layers


def _weight_name(variable, layer):
    path = getattr(variable, "path", None)
    return path if path else f"{layer.name}/{variable.name}"


def save_legacy_h5(model, filepath):
    """Writes `model` to `filepath` (a path or a writable binary file) in the Keras 2 format."""
    config = serialization_lib.serialize_keras_object(model)
    with h5py.File(filepath, "w") as h5file:
        h5file.attrs["backend"] = backend.backend()
        h5file.attrs["keras_version"] = _FORMAT_VERSION
        h5file.attrs["model_config"] = json.dumps(
            {"class_name": config["class_name"], "config": config["config"]}
        )
        compile_config = keras_archive._serialize_compile_config(model)
        if compile_config:
            training = dict(compile_config)
            optimizer = training.pop("optimizer", None)
            if optimizer is not None:
                training["optimizer_config"] = {
                    "class_name": optimizer["class_name"], "config": optimizer["config"],
                } if isinstance(optimizer, dict) else optimizer  # fmt: skip
            h5file.attrs["training_config"] = json.dumps(training)
        weights = h5file.create_group("model_weights")
        weights.attrs["backend"] = backend.backend()
        weights.attrs["keras_version"] = _FORMAT_VERSION
        layers = list(model.layers)
        weights.attrs["layer_names"] = np.array([layer.name.encode("utf8") for layer in layers])
        for layer in layers:
            group = weights.create_group(layer.name)
            names = _write_weights(group, _layer_weights(layer), layer)
            group.attrs["weight_names"] = np.array([n.encode("utf8") for n in names])
        top = weights.create_group("top_level_model_weights")
        top.attrs["weight_names"] = np.array([], dtype="S1")
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None and getattr(model, "compiled", False):
            group = h5file.create_group("optimizer_weights")
            names = []
            used = set()
            for variable in optimizer.variables:
                name = _unique(f"{optimizer.name}/{variable.name}", used)
                group.create_dataset(name, data=np.asarray(variable.numpy()))
                names.append(name)
            group.attrs["weight_names"] = np.array([n.encode("utf8") for n in names])


def _unique(name, used):
    candidate, i = name, 1
    while candidate in used:
        candidate, i = f"{name}_{i}", i + 1
    used.add(candidate)
    return candidate


def _write_weights(group, variables, layer):
    names, used = [], set()
    for variable in variables:
        name = _unique(_weight_name(variable, layer), used)
        group.create_dataset(name, data=np.asarray(variable.numpy()))
        names.append(name)
    return names


def _fail(source, what):
    raise ValueError(f"Cannot load '{source}' as a Keras 2 .h5 model: {what}")


def load_legacy_h5(filepath, custom_objects=None, compile=True, safe_mode=True, source=None):
    """The model stored in a Keras 2 style `.h5` file."""
    source = source or filepath
    try:
        h5file = h5py.File(filepath, "r")
    except OSError as error:
        _fail(source, f"it is not a readable HDF5 file ({error}).")
    with h5file:
        if "model_config" not in h5file.attrs:
            _fail(source, "it has no 'model_config' attribute (is it a weights-only file?).")
        try:
            config = json.loads(_text(h5file.attrs["model_config"]))
        except ValueError as error:
            _fail(source, f"its model_config is not valid JSON ({error}).")
        model = serialization_lib.deserialize_keras_object(
            _add_modules(config), custom_objects=custom_objects, safe_mode=safe_mode
        )
        if "model_weights" not in h5file:
            _fail(source, "it has no 'model_weights' group.")
        load_legacy_weights(model, h5file["model_weights"], source=source)
        training = h5file.attrs.get("training_config")
        if compile and training is not None:
            training = json.loads(_text(training))
            optimizer = training.pop("optimizer_config", None)
            if optimizer is not None:
                training["optimizer"] = _add_modules(optimizer)
            compiled = keras_archive.compile_from_config(
                model, _add_modules(training), custom_objects
            )
            if compiled and "optimizer_weights" in h5file:
                _load_optimizer(model, h5file["optimizer_weights"], source)
    return model


def load_legacy_weights(model, group, skip_mismatch=False, source=None):
    """Assigns the per-layer weights of a `model_weights` group to `model`'s layers."""
    layer_names = _names(group.attrs.get("layer_names"))
    by_name = {layer.name: layer for layer in model.layers}
    with_weights = [layer for layer in model.layers if _layer_weights(layer)]
    stored_with_weights = [n for n in layer_names if _names(group[n].attrs.get("weight_names"))]
    pending = []
    for position, name in enumerate(stored_with_weights):
        layer = by_name.get(name)
        if layer is None:
            if position >= len(with_weights):
                _fail(source, f"the file has weights for layer '{name}', which the model lacks.")
            layer = with_weights[position]
        stored = [np.asarray(group[name][w]) for w in _names(group[name].attrs["weight_names"])]
        variables = _layer_weights(layer)
        shapes = [tuple(v.shape) for v in variables]
        if len(stored) != len(variables) or any(
            tuple(s.shape) != shape for s, shape in zip(stored, shapes)
        ):
            message = (
                f"layer '{layer.name}' has weight shapes {shapes} but the file holds "
                f"{[tuple(s.shape) for s in stored]}."
            )
            if skip_mismatch:
                warnings.warn(f"Skipping {message}", stacklevel=2)
                continue
            _fail(source, message)
        pending.extend(zip(variables, stored))
    for variable, value in pending:
        variable.assign(value)


def _load_optimizer(model, group, source):
    optimizer = model.optimizer
    values = [np.asarray(group[n]) for n in _names(group.attrs.get("weight_names"))]
    if len(values) != len(optimizer.variables) and not getattr(optimizer, "built", False):
        optimizer.build(model.trainable_variables)
    if len(values) != len(optimizer.variables) or any(
        tuple(v.shape) != tuple(x.shape) for v, x in zip(optimizer.variables, values)
    ):
        warnings.warn(
            f"Skipping the optimizer state of '{source}': it does not match the "
            f"{type(optimizer).__name__}'s variables.",
            stacklevel=3,
        )
        return
    optimizer.load_own_variables({str(i): v for i, v in enumerate(values)})
