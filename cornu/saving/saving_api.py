"""`save_model` / `load_model` (`.keras` zips and Keras 2 `.h5` files) and the weights-only
`save_weights` / `load_weights` (`.weights.h5`).

Saving to a path writes a temporary file in the same folder and renames it over the target,
so an interrupted save never damages an existing file (`temp_files` names them and removes
those of killed saves).
"""

import io
import os
import zipfile

from cornu.saving import (
    keras_archive,
    legacy_h5,
    object_registration,
    serialization_lib,
    temp_files,
    weights_h5,
)
from cornu.saving._h5 import h5py


def _is_path(filepath):
    return isinstance(filepath, (str, os.PathLike))


def atomic_write(filepath, overwrite, write):
    """Calls `write(binary_file)` on a temporary file, then renames it to `filepath`."""
    filepath = os.fspath(filepath)
    if os.path.exists(filepath) and not overwrite:
        raise FileExistsError(f"'{filepath}' exists and overwrite=False.")
    folder = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    fd, temp = temp_files.new_temp_file(folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes it private; a saved model is not
        os.replace(temp, filepath)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def _format_of(filepath, zipped=None):
    if not _is_path(filepath):
        if zipped is False:
            raise ValueError(
                "save_model: zipped=False writes a folder and needs a path, not a file object."
            )
        return "keras"
    name = os.fspath(filepath)
    if name.endswith(".keras"):
        return "keras"
    if name.endswith((".h5", ".hdf5")) and not name.endswith(".weights.h5"):
        return "h5"
    raise ValueError(
        f"Cannot save the model to '{name}': the file name must end in '.keras' (the Keras 3 "
        "format) or '.h5' (the Keras 2 format). For weights only, use save_weights with a "
        "'.weights.h5' name."
    )


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves `model` (config, weights, compile config, optimizer state).

    Args:
        model: the model.
        filepath: a path ending in `.keras` (or `.h5` for the Keras 2 format), or a writable
            binary file object (a `.keras` zip is written into it).
        overwrite: replace an existing file (otherwise FileExistsError).
        zipped: `None`/`True` write the zip; `False` with a path writes the three members
            into a folder named `filepath`.
    """
    if kwargs:
        raise TypeError(f"save_model got unexpected argument(s) {sorted(kwargs)}.")
    if zipped is False and _is_path(filepath):
        folder = os.fspath(filepath)
        if os.path.exists(folder) and not overwrite:
            raise FileExistsError(f"'{folder}' exists and overwrite=False.")
        buffer = io.BytesIO()
        keras_archive.write_archive(model, buffer)
        os.makedirs(folder, exist_ok=True)
        with zipfile.ZipFile(buffer) as archive:
            for member in archive.namelist():
                atomic_write(
                    os.path.join(folder, member), True, lambda f, m=member: f.write(archive.read(m))
                )
        return
    kind = _format_of(filepath, zipped)
    if not _is_path(filepath):
        keras_archive.write_archive(model, filepath)
        return
    if kind == "h5":

        def write(handle):
            buffer = io.BytesIO()
            legacy_h5.save_legacy_h5(model, buffer)
            handle.write(buffer.getvalue())
    else:

        def write(handle):
            buffer = io.BytesIO()
            keras_archive.write_archive(model, buffer)
            handle.write(buffer.getvalue())

    atomic_write(filepath, overwrite, write)


save = save_model


def _read_source(filepath):
    """(bytes, display name) of a path or binary file object."""
    if _is_path(filepath):
        name = os.fspath(filepath)
        if not os.path.exists(name):
            raise ValueError(f"Cannot load '{name}': no such file or folder.")
        if os.path.isdir(name):
            return None, name
        with open(name, "rb") as handle:
            return handle.read(), name
    data = filepath.read()
    return data, getattr(filepath, "name", "<file object>")


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved by `save_model` (or by Keras: `.keras` and Keras 2 `.h5`).

    Args:
        filepath: a path or a readable binary file object.
        custom_objects: `{name: class or function}` for custom objects in the config.
        compile: restore the compile config and the optimizer state.
        safe_mode: refuse to deserialize unsafe objects (Lambda code).

    Raises:
        ValueError: the file is missing, truncated, corrupted or in an unknown format (the
            message names the file and the problem).
    """
    data, source = _read_source(filepath)
    if data is None:  # an unzipped .keras folder
        members = {}
        for member in (keras_archive.CONFIG_FILE, keras_archive.METADATA_FILE,
                       keras_archive.WEIGHTS_FILE):  # fmt: skip
            path = os.path.join(source, member)
            if os.path.exists(path):
                with open(path, "rb") as handle:
                    members[member] = handle.read()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member, content in members.items():
                archive.writestr(member, content)
        data = buffer.getvalue()
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return _load_keras(io.BytesIO(data), source, custom_objects, compile, safe_mode)
    if data[:8] == b"\x89HDF\r\n\x1a\n":
        return legacy_h5.load_legacy_h5(
            io.BytesIO(data), custom_objects, compile, safe_mode, source=source
        )
    raise ValueError(
        f"Cannot load '{source}': it is neither a .keras zip archive nor an HDF5 (.h5) file "
        f"(it starts with {data[:8]!r}{' and is empty' if not data else ''})."
    )


def _load_keras(fileobj, source, custom_objects, compile, safe_mode):
    config, _metadata, weights = keras_archive.read_archive(fileobj, source)
    compile_config = config.get("compile_config") or {}
    config = {k: v for k, v in config.items() if k != "compile_config"}
    with object_registration.CustomObjectScope(custom_objects or {}):
        model = serialization_lib.deserialize_keras_object(
            config, custom_objects=custom_objects, safe_mode=safe_mode
        )
    if not getattr(model, "built", False) and config.get("build_config"):
        model.build_from_config(config["build_config"])
    if compile and compile_config:
        keras_archive.compile_from_config(model, compile_config, custom_objects)
    with keras_archive.open_weights(weights, source) as h5file:
        weights_h5.load_weights_from_h5(model, h5file, source=source)
    keras_archive.load_assets(model, fileobj, source)
    return model


def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    """Writes `model`'s weights (and optimizer state) to a `.weights.h5` file (a path or a
    writable binary file object). Sharded files are not written: `max_shard_size` must be
    None."""
    if kwargs:
        raise TypeError(f"save_weights got unexpected argument(s) {sorted(kwargs)}.")
    if max_shard_size is not None:
        raise ValueError(
            f"save_weights: cornu writes a single .weights.h5 file; max_shard_size="
            f"{max_shard_size!r} (sharding) is not supported, pass None."
        )
    if _is_path(filepath) and not os.fspath(filepath).endswith(".weights.h5"):
        raise ValueError(
            f"save_weights: the file name must end in '.weights.h5'; received '{filepath}'."
        )

    def write(handle):
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as h5file:
            weights_h5.save_weights_to_h5(model, h5file)
        handle.write(buffer.getvalue())

    if _is_path(filepath):
        atomic_write(filepath, overwrite, write)
    else:
        write(filepath)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads weights into `model` from a `.weights.h5`, a `.keras` archive or a Keras 2 `.h5`.

    Raises:
        ValueError: the file is broken, or a layer's weights do not match (the message names
            the first mismatching layer and both shapes) unless `skip_mismatch=True`.
    """
    if kwargs:
        raise TypeError(f"load_weights got unexpected argument(s) {sorted(kwargs)}.")
    if _is_path(filepath) and not os.path.exists(os.fspath(filepath)):
        # FileNotFoundError here (as in Keras), where load_model raises ValueError.
        raise FileNotFoundError(f"Cannot load weights from '{os.fspath(filepath)}': no such file.")
    data, source = _read_source(filepath)
    if data is None:
        raise ValueError(f"Cannot load weights from '{source}': it is a folder.")
    if data[:4] == b"PK\x03\x04":
        _config, _metadata, weights = keras_archive.read_archive(io.BytesIO(data), source)
        with keras_archive.open_weights(weights, source) as h5file:
            weights_h5.load_weights_from_h5(model, h5file, skip_mismatch, source=source)
        return
    if data[:8] != b"\x89HDF\r\n\x1a\n":
        raise ValueError(
            f"Cannot load weights from '{source}': it is not an HDF5 file "
            f"(it starts with {data[:8]!r})."
        )
    try:
        h5file = h5py.File(io.BytesIO(data), "r")
    except OSError as error:
        raise ValueError(
            f"Cannot load weights from '{source}': the HDF5 file is unreadable ({error})."
        ) from None
    with h5file:
        if "model_weights" in h5file or "layer_names" in h5file.attrs:
            group = h5file["model_weights"] if "model_weights" in h5file else h5file
            legacy_h5.load_legacy_weights(model, group, skip_mismatch, source=source)
        else:
            weights_h5.load_weights_from_h5(model, h5file, skip_mismatch, source=source)
