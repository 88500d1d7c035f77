"""Global configuration: which backend, `floatx`, `epsilon`, `image_data_format`, and flags.

The backend is chosen once, at import, from the first of these that is set:

1. the environment variable `CORNU_BACKEND`;
2. the environment variable `KERAS_BACKEND` (so Keras users change nothing);
3. the `backend` field of `$CORNU_HOME/cornu.json` (`CORNU_HOME` defaults to `~/.cornu`);
4. the first installed of jax, torch, tensorflow; else numpy.

The config file also holds `floatx`, `epsilon` and `image_data_format`. It is written with the
defaults on first import when its folder is writable; a read-only or missing home never breaks
import. This module is the public `cornu.config` namespace (Keras's `keras.config`).
"""

import importlib.util
import json
import os
import sys

BACKENDS = ("numpy", "jax", "torch", "tensorflow")
# Which pip extra installs each framework (named in the ImportError).
_PIP_NAMES = {"jax": "jax", "torch": "torch", "tensorflow": "tensorflow-cpu"}
_FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
_DATA_FORMATS = ("channels_last", "channels_first")

_floatx = "float32"
_epsilon = 1e-7
_image_data_format = "channels_last"
_backend = None
_flags = {
    "interactive_logging": True,
    "traceback_filtering": True,
    "flash_attention": None,
    "unsafe_deserialization": False,
    "max_epochs": None,
    "max_steps_per_epoch": None,
}


def cornu_home():
    """Folder of `cornu.json`: `$CORNU_HOME`, else `~/.cornu`."""
    home = os.environ.get("CORNU_HOME")
    if home:
        return home
    return os.path.join(os.path.expanduser("~"), ".cornu")


def canonicalize_backend_name(name, source="backend"):
    """Returns the canonical backend name for `name`, or raises `ValueError`."""
    if not isinstance(name, str):
        raise TypeError(f"{source} must be a string, one of {BACKENDS}; received {name!r}.")
    canonical = name.strip().lower()
    if canonical == "pytorch":
        canonical = "torch"
    if canonical not in BACKENDS:
        raise ValueError(
            f"Unknown backend {name!r} (from {source}). Valid backends: {', '.join(BACKENDS)}."
        )
    return canonical


def _read_config_file(path):
    """Returns the dict stored at `path`, or {} when it is missing or unreadable."""
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_config_file(path, data):
    """Writes `data` atomically; silently skips a read-only or missing home."""
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            json.dump(data, f, indent=4)
        os.replace(tmp, path)
    except OSError:
        pass


def _first_installed_backend():
    for name in ("jax", "torch", "tensorflow"):
        if importlib.util.find_spec(name) is not None:
            return name
    return "numpy"


def _load():
    """Reads the environment and config file once, at import."""
    global _floatx, _epsilon, _image_data_format, _backend
    path = os.path.join(cornu_home(), "cornu.json")
    stored = _read_config_file(path)
    if stored.get("floatx") in _FLOAT_TYPES:
        _floatx = stored["floatx"]
    if isinstance(stored.get("epsilon"), (int, float)):
        _epsilon = float(stored["epsilon"])
    if stored.get("image_data_format") in _DATA_FORMATS:
        _image_data_format = stored["image_data_format"]

    for var in ("CORNU_BACKEND", "KERAS_BACKEND"):
        if os.environ.get(var):
            _backend = canonicalize_backend_name(os.environ[var], source=f"${var}")
            break
    else:
        if stored.get("backend"):
            _backend = canonicalize_backend_name(stored["backend"], source=path)
        else:
            _backend = _first_installed_backend()

    if not os.path.exists(path):
        _write_config_file(
            path,
            {
                "floatx": _floatx,
                "epsilon": _epsilon,
                "backend": _backend,
                "image_data_format": _image_data_format,
            },
        )
    framework = _backend
    if framework != "numpy" and importlib.util.find_spec(framework) is None:
        raise ImportError(
            f"cornu was asked to use the {framework!r} backend, but {framework} is not "
            f"installed. Install it with `pip install {_PIP_NAMES[framework]}`, or choose another "
            f"backend with CORNU_BACKEND (one of {', '.join(BACKENDS)})."
        )


def backend():
    """Returns the name of the backend in use: "numpy", "jax", "torch" or "tensorflow"."""
    return _backend


def floatx():
    """Returns the default float dtype name, e.g. "float32"."""
    return _floatx


# Caches that depend on floatx (dtype promotion) register a clear() here.
_floatx_listeners = []


def set_floatx(value):
    """Sets the default float dtype ("bfloat16", "float16", "float32" or "float64")."""
    global _floatx
    if value not in _FLOAT_TYPES:
        raise ValueError(f"Unknown floatx {value!r}. Expected one of {_FLOAT_TYPES}.")
    _floatx = str(value)
    for clear in _floatx_listeners:
        clear()


def epsilon():
    """Returns the fuzz factor used in numeric expressions, 1e-7 by default."""
    return _epsilon


def set_epsilon(value):
    """Sets the fuzz factor used in numeric expressions."""
    global _epsilon
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"epsilon must be a float; received {value!r}.")
    _epsilon = float(value)


def image_data_format():
    """Returns "channels_last" or "channels_first"."""
    return _image_data_format


def set_image_data_format(data_format):
    """Sets the default image data format ("channels_last" or "channels_first")."""
    global _image_data_format
    canonical = str(data_format).lower()
    if canonical not in _DATA_FORMATS:
        raise ValueError(f"Unknown data_format {data_format!r}. Expected one of {_DATA_FORMATS}.")
    _image_data_format = canonical


def standardize_data_format(data_format):
    """Returns `data_format`, or the global default when it is None, validated."""
    if data_format is None:
        return _image_data_format
    canonical = str(data_format).lower()
    if canonical not in _DATA_FORMATS:
        raise ValueError(f"Unknown data_format {data_format!r}. Expected one of {_DATA_FORMATS}.")
    return canonical


def set_backend(backend):
    """Switches the backend by reloading cornu in this process.

    Objects made before the switch (tensors, variables, layers, models) keep the old backend
    and must not be mixed with objects made after it. The module object `cornu` the caller
    already holds is updated in place, so `import cornu as keras` keeps working; names imported
    from submodules before the switch (`from cornu import ops`) must be imported again.

    Args:
        backend: one of "numpy", "jax", "torch", "tensorflow".
    """
    name = canonicalize_backend_name(backend)
    if name != "numpy":
        # Import the framework before dropping anything, so a missing one leaves this process
        # on its current backend, working.
        try:
            importlib.import_module(name)
        except ImportError as e:
            raise ImportError(
                f"set_backend({backend!r}): the {name} package cannot be imported ({e}). "
                f"Install it (see the README's optional extras); the backend stays "
                f"{os.environ.get('CORNU_BACKEND') or 'as it was'}."
            ) from e
    previous_env = os.environ.get("CORNU_BACKEND")
    old_top = sys.modules.get("cornu")
    removed = {m: sys.modules.pop(m) for m in list(sys.modules)
               if m == "cornu" or m.startswith("cornu.")}  # fmt: skip
    os.environ["CORNU_BACKEND"] = name
    try:
        new_top = importlib.import_module("cornu")
    except BaseException:
        for m in [m for m in sys.modules if m == "cornu" or m.startswith("cornu.")]:
            del sys.modules[m]
        sys.modules.update(removed)
        if previous_env is None:
            os.environ.pop("CORNU_BACKEND", None)
        else:
            os.environ["CORNU_BACKEND"] = previous_env
        raise
    if old_top is not None and old_top is not new_top:
        old_top.__dict__.update(new_top.__dict__)
        sys.modules["cornu"] = old_top


def _flag_setter(key, value):
    def setter():
        _flags[key] = value

    return setter


enable_interactive_logging = _flag_setter("interactive_logging", True)
enable_interactive_logging.__doc__ = "Prints training progress to stdout (the default)."
disable_interactive_logging = _flag_setter("interactive_logging", False)
disable_interactive_logging.__doc__ = "Sends training progress to Python logging instead."
enable_traceback_filtering = _flag_setter("traceback_filtering", True)
enable_traceback_filtering.__doc__ = "Hides cornu's internal frames from tracebacks."
disable_traceback_filtering = _flag_setter("traceback_filtering", False)
disable_traceback_filtering.__doc__ = "Shows cornu's internal frames in tracebacks."
enable_flash_attention = _flag_setter("flash_attention", True)
enable_flash_attention.__doc__ = "Lets attention use a fused flash kernel where one exists."
disable_flash_attention = _flag_setter("flash_attention", False)
disable_flash_attention.__doc__ = "Stops attention from using fused flash kernels."
enable_unsafe_deserialization = _flag_setter("unsafe_deserialization", True)
enable_unsafe_deserialization.__doc__ = "Allows loading lambdas from saved configs."


def is_interactive_logging_enabled():
    """Whether training progress goes to stdout."""
    return _flags["interactive_logging"]


def is_traceback_filtering_enabled():
    """Whether cornu's internal frames are hidden from tracebacks."""
    return _flags["traceback_filtering"]


def is_flash_attention_enabled():
    """True/False when set, None when left to each backend's default."""
    return _flags["flash_attention"]


def is_unsafe_deserialization_enabled():
    """Whether `enable_unsafe_deserialization()` was called."""
    return _flags["unsafe_deserialization"]


def is_nnx_enabled():
    """cornu's JAX backend does not use Flax NNX: always False."""
    return False


def _positive_int_or_none(name, value):
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ValueError(f"{name} must be None or a positive int; received {value!r}.")
    return value


def max_epochs():
    """Cap on the epochs of every `fit` (None: no cap)."""
    return _flags["max_epochs"]


def set_max_epochs(max_epochs):
    """Caps the epochs of every `fit`, for quick debugging runs (None removes the cap)."""
    _flags["max_epochs"] = _positive_int_or_none("max_epochs", max_epochs)


def max_steps_per_epoch():
    """Cap on the steps of every epoch (None: no cap)."""
    return _flags["max_steps_per_epoch"]


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Caps the steps of every epoch (None removes the cap)."""
    _flags["max_steps_per_epoch"] = _positive_int_or_none(
        "max_steps_per_epoch", max_steps_per_epoch
    )


_load()


def dtype_policy():
    """The global DTypePolicy layers use when given no `dtype` (from floatx by default)."""
    # lazy: cornu.dtype_policies imports this module (the public keras.config namespace)
    from cornu.dtype_policies import policy

    return policy.dtype_policy()


def set_dtype_policy(policy):
    """Sets the global DTypePolicy (a DTypePolicy or a name such as "mixed_float16")."""
    # lazy: cornu.dtype_policies imports this module (the public keras.config namespace)
    from cornu.dtype_policies import policy as policies

    policies.set_dtype_policy(policy)
