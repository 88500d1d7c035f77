"""The `.keras` archive: a zip holding `metadata.json`, `config.json` and `model.weights.h5`.

`config.json` is the model's `serialize_keras_object` config plus its `compile_config`;
`metadata.json` records the Keras version the format follows and the save date. Layers with
`save_assets`/`load_assets` (vocabularies) keep files under `assets/<their weights path>/`.
"""

import datetime
import inspect
import io
import json
import os
import tempfile
import warnings
import zipfile

# cornu.models and cornu.optimizers import the saving modules: they are looked up on the
# package at call time, once `import cornu` has finished.
import cornu
from cornu.saving import object_registration, serialization_lib, weights_h5
from cornu.saving._h5 import h5py
from cornu.trainers import jit_compile

KERAS_VERSION = "3.15.1"  # the Keras release whose file format cornu writes
CONFIG_FILE = "config.json"
METADATA_FILE = "metadata.json"
WEIGHTS_FILE = "model.weights.h5"
ASSETS_DIR = "assets"


def _serialize_compile_config(model):
    config = getattr(model, "_compile_config", None)
    if not getattr(model, "compiled", False) or config is None:
        return {}
    result = {}
    for key, value in config.items():
        if key == "optimizer" and getattr(model, "optimizer", None) is not None:
            value = model.optimizer
        if key == "jit_compile" and value == "auto":
            value = _resolved_jit_compile(config)
        result[key] = serialization_lib.serialize_keras_object(value)
    return result


def _resolved_jit_compile(config):
    """What Keras records for jit_compile="auto": the value the model resolved it to."""
    return jit_compile.for_compile("auto", config.get("run_eagerly", False))


def _build_config(model):
    """Keras records `{"input_shape": None}` for Functional models (their Inputs fix the
    shapes) and the input batch shape for Sequential ones."""
    if isinstance(model, cornu.models.Sequential):
        shape = model._input_batch_shape()
        return {"input_shape": tuple(shape) if shape is not None else None}
    if isinstance(model, cornu.models.Functional):
        return {"input_shape": None}
    built = model.get_build_config() if hasattr(model, "get_build_config") else None
    return built if built is not None else {"input_shape": None}


def add_model_entries(model, config):
    """Adds what Keras records for a model beside its config (`build_config` when built, and
    `compile_config`) to its serialized `config`; used by `serialize_keras_object`."""
    if "build_config" not in config and getattr(model, "built", False):
        config["build_config"] = _build_config(model)
    config["compile_config"] = _serialize_compile_config(model)
    return config


def model_config(model):
    """The `config.json` content for `model`."""
    return add_model_entries(model, serialization_lib.serialize_keras_object(model))


def write_archive(model, fileobj):
    """Writes the `.keras` zip of `model` into the binary file object `fileobj`."""
    metadata = {
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    config_text = json.dumps(model_config(model))
    weights = io.BytesIO()
    with h5py.File(weights, "w") as h5file:
        weights_h5.save_weights_to_h5(model, h5file)
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(METADATA_FILE, json.dumps(metadata))
        archive.writestr(CONFIG_FILE, config_text)
        archive.writestr(WEIGHTS_FILE, weights.getvalue())
        for member, data in _asset_files(model).items():
            archive.writestr(member, data)


def _assets_prefix(path):
    return f"{ASSETS_DIR}/{path}/" if path else f"{ASSETS_DIR}/"


def _asset_files(model):
    """{archive member: bytes} of what each layer's `save_assets` writes, under its path."""
    files = {}
    for path, layer in weights_h5.walk(model):
        if not hasattr(layer, "save_assets"):
            continue
        with tempfile.TemporaryDirectory() as folder:
            layer.save_assets(folder)
            for root, _dirs, names in os.walk(folder):
                for name in sorted(names):
                    full = os.path.join(root, name)
                    relative = os.path.relpath(full, folder).replace(os.sep, "/")
                    with open(full, "rb") as handle:
                        files[_assets_prefix(path) + relative] = handle.read()
    return files


def load_assets(model, fileobj, source):
    """Gives each layer with `load_assets` the files saved under its path (if any)."""
    fileobj.seek(0)
    with zipfile.ZipFile(fileobj, "r") as archive:
        members = [n for n in archive.namelist() if n.startswith(f"{ASSETS_DIR}/")]
        if not members:
            return
        for path, layer in weights_h5.walk(model):
            prefix = _assets_prefix(path)
            own = [n for n in members if n.startswith(prefix) and not n.endswith("/")]
            if not own or not hasattr(layer, "load_assets"):
                continue
            with tempfile.TemporaryDirectory() as folder:
                for member in own:
                    target = os.path.join(folder, *member[len(prefix) :].split("/"))
                    if ".." in member[len(prefix) :].split("/"):
                        _fail(source, f"the asset {member!r} leaves its folder.")
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as handle:
                        handle.write(archive.read(member))
                layer.load_assets(folder)


def _fail(source, what):
    raise ValueError(f"Cannot load '{source}' as a .keras file: {what}")


def read_archive(fileobj, source):
    """(config dict, metadata dict, weights bytes) of a `.keras` zip; ValueError if broken."""
    try:
        archive = zipfile.ZipFile(fileobj, "r")
    except zipfile.BadZipFile as error:
        _fail(source, f"it is not a valid zip archive ({error}); the file may be truncated or "
              "in another format.")  # fmt: skip
    with archive:
        names = set(archive.namelist())
        missing = [n for n in (CONFIG_FILE, WEIGHTS_FILE) if n not in names]
        if missing:
            _fail(source, f"the archive lacks {missing} (it holds {sorted(names)}).")
        try:
            config_text = archive.read(CONFIG_FILE)
            weights = archive.read(WEIGHTS_FILE)
            metadata_text = archive.read(METADATA_FILE) if METADATA_FILE in names else b"{}"
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            _fail(source, f"a member of the archive is corrupted ({error}).")
    try:
        config = json.loads(config_text)
        metadata = json.loads(metadata_text)
    except (ValueError, UnicodeDecodeError) as error:
        _fail(source, f"{CONFIG_FILE} or {METADATA_FILE} is not valid JSON ({error}).")
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        _fail(source, f"{CONFIG_FILE} is not a model config (no 'class_name'/'config').")
    return config, metadata, weights


def open_weights(weights_bytes, source):
    try:
        return h5py.File(io.BytesIO(weights_bytes), "r")
    except OSError as error:
        _fail(source, f"{WEIGHTS_FILE} is not a readable HDF5 file ({error}).")


def compile_from_config(model, compile_config, custom_objects=None):
    """Compiles `model` from a serialized compile config; warns instead of failing."""
    kwargs = {}
    with object_registration.CustomObjectScope(custom_objects or {}):
        for key, value in compile_config.items():
            if key == "optimizer_config":
                key = "optimizer"
            if key == "optimizer" and isinstance(value, dict):
                value = (
                    cornu.optimizers.deserialize(value)
                    if hasattr(cornu.optimizers, "deserialize")
                    else (serialization_lib.deserialize_keras_object(value, custom_objects))
                )
            elif key in ("loss", "metrics", "weighted_metrics", "loss_weights"):
                value = serialization_lib.deserialize_keras_object(value, custom_objects)
            kwargs[key] = value
    accepted = set(inspect.signature(model.compile).parameters)
    kwargs = {k: v for k, v in kwargs.items() if k in accepted}
    if kwargs.get("optimizer") is None:
        kwargs.pop("optimizer", None)
    try:
        model.compile(**kwargs)
    except Exception as error:  # a custom loss that cannot be rebuilt must not block loading
        warnings.warn(
            f"The model was loaded but could not be compiled from its saved compile config "
            f"({type(error).__name__}: {error}); compile it yourself.",
            stacklevel=3,
        )
        return False
    return True
