"""`KerasFileEditor`: inspect and edit the weights of a `.keras` or `.weights.h5` file.

The whole weights file is read into memory as a tree of groups (each with its attributes and
its datasets); edits change that tree, and `save` / `resave_weights` write a new file
atomically (temporary file in the same folder, then `os.replace`), so the source file is never
touched and an interrupted save leaves any existing target intact.

Objects are named by their group path in the file (`"layers/dense"`,
`"layers/multi_head_attention/query_dense"`) or, when unique, by the last part of it
(`"dense"`). An object's weights are the datasets of its `vars` group (`"0"`, `"1"`, ...).
"""

import io
import json
import os

import numpy as np

from cornu.saving import keras_archive, saving_api, weights_h5
from cornu.saving._h5 import h5py

_VARS = "vars"


class _Group:
    """One HDF5 group: its attributes and datasets (name -> array), in file order."""

    def __init__(self, attrs=None, datasets=None):
        self.attrs = dict(attrs or {})
        self.datasets = dict(datasets or {})


def _read_tree(h5file):
    groups = {"": _Group(h5file.attrs)}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            parent, _, leaf = name.rpartition("/")
            groups[parent].datasets[leaf] = np.asarray(obj)
        else:
            groups[name] = _Group(obj.attrs)

    h5file.visititems(visit)
    return groups


def _write_tree(groups, h5file):
    for path in sorted(groups, key=lambda p: (p.count("/"), p)):
        group = groups[path]
        target = h5file if path == "" else h5file.require_group(path)
        for key, value in group.attrs.items():
            target.attrs[key] = value
        for key, value in group.datasets.items():
            target.create_dataset(key, data=value)


def _index_key(name):
    return (0, int(name)) if name.isdigit() else (1, name)


def _attr_text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


class KerasFileEditor:
    """Opens a `.keras` or `.weights.h5` file to inspect, compare and edit its weights.

    Args:
        filepath: the file to read (it is read once and never modified).

    Example:
        >>> editor = KerasFileEditor("model.keras")
        >>> editor.summary()
        >>> editor.rename_object("dense", "classifier")
        >>> editor.save("edited.keras")
    """

    def __init__(self, filepath):
        self.filepath = os.fspath(filepath)
        self.config = None
        self.metadata = None
        if self.filepath.endswith(".keras"):
            with open(self.filepath, "rb") as handle:
                config, metadata, weights = keras_archive.read_archive(handle, self.filepath)
            self.config, self.metadata = config, metadata
            with keras_archive.open_weights(weights, self.filepath) as h5file:
                self._groups = _read_tree(h5file)
        elif self.filepath.endswith(".weights.h5"):
            try:
                h5file = h5py.File(self.filepath, "r")
            except OSError as error:
                raise ValueError(
                    f"KerasFileEditor: cannot read '{self.filepath}' as an HDF5 weights file "
                    f"({error})."
                ) from None
            with h5file:
                self._groups = _read_tree(h5file)
        else:
            raise ValueError(
                "KerasFileEditor: filepath must end in '.keras' or '.weights.h5'; received "
                f"'{self.filepath}'."
            )

    # -- reading ------------------------------------------------------------------------

    @property
    def weights_dict(self):
        """{object path: {weight name: array}} for every object that has a `vars` group."""
        return {
            path[: -len(_VARS) - 1] if path != _VARS else "": dict(
                sorted(group.datasets.items(), key=lambda kv: _index_key(kv[0]))
            )
            for path, group in self._groups.items()
            if path == _VARS or path.endswith("/" + _VARS)
        }

    def _objects(self):
        return [p for p in self.weights_dict if p]

    def _resolve(self, object_name, method):
        if not isinstance(object_name, str) or not object_name:
            raise ValueError(
                f"KerasFileEditor.{method}: object_name must be a non-empty string; received "
                f"{object_name!r}."
            )
        path = object_name.strip("/")
        if path in self._groups and path != "":
            return path
        matches = [p for p in self._groups if p and p.rsplit("/", 1)[-1] == path]
        matches = [p for p in matches if not p.endswith("/" + _VARS) and p != _VARS]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValueError(
                f"KerasFileEditor.{method}: '{object_name}' is ambiguous; it names {matches}. "
                "Pass the full path."
            )
        raise ValueError(
            f"KerasFileEditor.{method}: no object '{object_name}' in '{self.filepath}'. "
            f"Objects: {self._objects()}."
        )

    def weights_summary(self):
        """Prints every object's weights (name, shape, dtype); returns the lines."""
        lines = []
        for path, weights in self.weights_dict.items():
            name = self._groups.get(weights_h5.join_path(path, _VARS)).attrs.get("name")
            label = path or "<top level>"
            lines.append(f"{label}" + (f"  (name: {_attr_text(name)})" if name is not None else ""))
            for key, value in weights.items():
                lines.append(f"    {key}: shape={tuple(value.shape)} dtype={value.dtype}")
        print("\n".join(lines))
        return lines

    def summary(self):
        """Prints what the file holds (model class and name for a `.keras` file, then the
        weights of every object); returns the lines."""
        header = [f"File: {self.filepath}"]
        if self.config is not None:
            header.append(
                f"Model: {self.config.get('class_name')} "
                f"'{self.config.get('config', {}).get('name')}' "
                f"(saved with Keras format version {self.metadata.get('keras_version')})"
            )
        count = sum(int(np.prod(v.shape)) for w in self.weights_dict.values() for v in w.values())
        header.append(f"Total stored values: {count:,}")
        print("\n".join(header))
        return header + self.weights_summary()

    def compare(self, reference_model):
        """Checks the file's weights against `reference_model`'s variables, object by object.

        Returns:
            `{"status": "success" | "error", "error_count": int, "match_count": int,
            "errors": [message, ...]}`; the messages are also printed.
        """
        errors, matches = [], 0
        stored = self.weights_dict
        seen = set()
        for path, layer in weights_h5.walk(reference_model):
            variables = weights_h5._own_variables(layer)
            seen.add(path)
            file_weights = stored.get(path)
            if file_weights is None:
                if variables:
                    errors.append(
                        f"Object '{path or '<top level>'}' (layer '{layer.name}', "
                        f"{len(variables)} variable(s)) is missing from the file."
                    )
                continue
            shapes = [tuple(v.shape) for v in variables]
            file_shapes = [tuple(v.shape) for v in file_weights.values()]
            if shapes != file_shapes:
                errors.append(
                    f"Object '{path or '<top level>'}' (layer '{layer.name}'): the model has "
                    f"variable shapes {shapes} but the file has {file_shapes}."
                )
            else:
                matches += 1
        for path in stored:
            if path not in seen and not path.startswith("optimizer"):
                errors.append(f"Object '{path}' is in the file but not in the model.")
        for message in errors:
            print(message)
        if not errors:
            print(f"The file matches the model ({matches} object(s) compared).")
        return {
            "status": "error" if errors else "success",
            "error_count": len(errors),
            "match_count": matches,
            "errors": errors,
        }

    # -- editing ------------------------------------------------------------------------

    def rename_object(self, object_name, new_name):
        """Renames an object's group (the last part of its path) and its recorded name."""
        path = self._resolve(object_name, "rename_object")
        if not isinstance(new_name, str) or not new_name or "/" in new_name:
            raise ValueError(
                "KerasFileEditor.rename_object: new_name must be a non-empty name without '/'; "
                f"received {new_name!r}."
            )
        parent = path.rpartition("/")[0]
        new_path = weights_h5.join_path(parent, new_name)
        if new_path in self._groups:
            raise ValueError(
                f"KerasFileEditor.rename_object: '{new_path}' already exists in the file."
            )
        moved = {}
        for p, group in self._groups.items():
            if p == path or p.startswith(path + "/"):
                moved[new_path + p[len(path) :]] = group
            else:
                moved[p] = group
        self._groups = moved
        vars_group = self._groups.get(weights_h5.join_path(new_path, _VARS))
        if vars_group is not None:
            vars_group.attrs["name"] = new_name

    def delete_object(self, object_name):
        """Removes an object and everything under it."""
        path = self._resolve(object_name, "delete_object")
        self._groups = {
            p: g for p, g in self._groups.items() if not (p == path or p.startswith(path + "/"))
        }

    def add_object(self, object_path, weights):
        """Adds a new object at `object_path` holding `weights` (a dict name -> array, or a
        list of arrays stored as `"0"`, `"1"`, ...)."""
        path = object_path.strip("/") if isinstance(object_path, str) else None
        if not path:
            raise ValueError(
                "KerasFileEditor.add_object: object_path must be a non-empty path such as "
                f"'layers/dense_3'; received {object_path!r}."
            )
        if path in self._groups:
            raise ValueError(f"KerasFileEditor.add_object: '{path}' already exists in the file.")
        values = _weights_mapping(weights, "add_object", start=0)
        parts = path.split("/")
        for i in range(1, len(parts) + 1):
            self._groups.setdefault("/".join(parts[:i]), _Group())
        self._groups[weights_h5.join_path(path, _VARS)] = _Group({"name": parts[-1]}, values)

    def delete_weight(self, object_name, weight_name):
        """Removes one weight (e.g. `"1"`) of an object."""
        path = self._resolve(object_name, "delete_weight")
        group = self._groups.get(weights_h5.join_path(path, _VARS))
        key = str(weight_name)
        if group is None or key not in group.datasets:
            raise ValueError(
                f"KerasFileEditor.delete_weight: object '{path}' has no weight '{key}'; it has "
                f"{sorted(group.datasets, key=_index_key) if group else []}."
            )
        del group.datasets[key]

    def add_weights(self, object_name, weights):
        """Adds weights to an existing object (a dict name -> array; a list of arrays is
        numbered after the object's current weights)."""
        path = self._resolve(object_name, "add_weights")
        group = self._groups.setdefault(
            weights_h5.join_path(path, _VARS), _Group({"name": path.rsplit("/", 1)[-1]})
        )
        numbered = [int(k) for k in group.datasets if k.isdigit()]
        values = _weights_mapping(weights, "add_weights", start=max(numbered, default=-1) + 1)
        clash = sorted(set(values) & set(group.datasets))
        if clash:
            raise ValueError(
                f"KerasFileEditor.add_weights: object '{path}' already has weight(s) {clash}."
            )
        group.datasets.update(values)

    # -- writing ------------------------------------------------------------------------

    def _weights_bytes(self):
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as h5file:
            _write_tree(self._groups, h5file)
        return buffer.getvalue()

    def save(self, filepath):
        """Writes the edited file: a `.keras` archive (only when the source was one; its
        config and metadata are kept) or a `.weights.h5` file."""
        filepath = os.fspath(filepath)
        if filepath.endswith(".weights.h5"):
            return self.resave_weights(filepath)
        if not filepath.endswith(".keras"):
            raise ValueError(
                "KerasFileEditor.save: filepath must end in '.keras' or '.weights.h5'; "
                f"received '{filepath}'."
            )
        if self.config is None:
            raise ValueError(
                f"KerasFileEditor.save: '{self.filepath}' holds weights only, so it cannot be "
                "saved as a .keras file (which needs a model config); save to a "
                "'.weights.h5' path."
            )
        import zipfile

        weights = self._weights_bytes()

        def write(handle):
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
                archive.writestr(keras_archive.METADATA_FILE, json.dumps(self.metadata))
                archive.writestr(keras_archive.CONFIG_FILE, json.dumps(self.config))
                archive.writestr(keras_archive.WEIGHTS_FILE, weights)

        saving_api.atomic_write(filepath, True, write)

    def resave_weights(self, filepath):
        """Writes the edited weights alone to a `.weights.h5` file."""
        filepath = os.fspath(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(
                "KerasFileEditor.resave_weights: filepath must end in '.weights.h5'; received "
                f"'{filepath}'."
            )
        weights = self._weights_bytes()
        saving_api.atomic_write(filepath, True, lambda handle: handle.write(weights))


def _weights_mapping(weights, method, start):
    if isinstance(weights, dict):
        items = [(str(k), v) for k, v in weights.items()]
    elif isinstance(weights, (list, tuple)):
        items = [(str(start + i), v) for i, v in enumerate(weights)]
    else:
        raise TypeError(
            f"KerasFileEditor.{method}: weights must be a dict of name -> array or a list of "
            f"arrays; received {type(weights).__name__}."
        )
    result = {}
    for key, value in items:
        if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
            value = value.numpy()
        result[key] = np.asarray(value)
    return result
