"""Backend selection, the config file and config setters. Selection happens at import, so each
case runs `python -c` in a fresh process with its own environment and CORNU_HOME."""

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from cornu import config

INSTALLED = [b for b in ("jax", "torch", "tensorflow") if importlib.util.find_spec(b)]


def run_cornu(code, tmp_path, **env):
    """Runs `code` after `import cornu` in a clean process; returns its stdout (stripped)."""
    base = {k: v for k, v in os.environ.items() if k not in ("CORNU_BACKEND", "KERAS_BACKEND")}
    base.update({"CORNU_HOME": str(tmp_path / "home"), "TF_CPP_MIN_LOG_LEVEL": "3"})
    base.update({k: v for k, v in env.items() if v is not None})
    for key in [k for k, v in env.items() if v is None]:
        base.pop(key, None)
    result = subprocess.run(
        [sys.executable, "-c", f"import cornu, sys\n{code}"],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1])  # "ValueError: ..."
    return result.stdout.strip()


def test_cornu_backend_wins_over_keras_backend_and_file(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "cornu.json").write_text(json.dumps({"backend": "torch"}))
    out = run_cornu(
        "print(cornu.backend.backend())", tmp_path, CORNU_BACKEND="numpy", KERAS_BACKEND="jax"
    )
    assert out == "numpy"


def test_keras_backend_wins_over_file(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "cornu.json").write_text(json.dumps({"backend": "jax"}))
    assert run_cornu("print(cornu.config.backend())", tmp_path, KERAS_BACKEND="numpy") == "numpy"


def test_file_wins_over_default(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "cornu.json").write_text(json.dumps({"backend": "numpy"}))
    assert run_cornu("print(cornu.config.backend())", tmp_path) == "numpy"


def test_default_is_first_installed_framework(tmp_path):
    expected = INSTALLED[0] if INSTALLED else "numpy"
    assert run_cornu("print(cornu.config.backend())", tmp_path) == expected


def test_unknown_backend_lists_valid_ones(tmp_path):
    with pytest.raises(
        RuntimeError, match=r"Unknown backend 'mxnet'.*numpy, jax, torch, tensorflow"
    ):
        run_cornu("", tmp_path, CORNU_BACKEND="mxnet")


def test_missing_framework_names_the_pip_command(tmp_path):
    # Hide tensorflow from the import system to stand in for "not installed".
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text(
        "import importlib.util, sys\n"
        "_find = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n == 'tensorflow' else _find(n, *a)\n"
    )
    with pytest.raises(RuntimeError, match=r"ImportError: .*pip install tensorflow-cpu"):
        run_cornu("", tmp_path, CORNU_BACKEND="tensorflow", PYTHONPATH=str(hide))


def test_config_file_is_written_on_first_import_and_read_back(tmp_path):
    out = run_cornu("print(cornu.config.floatx())", tmp_path, CORNU_BACKEND="numpy")
    stored = json.loads((tmp_path / "home" / "cornu.json").read_text())
    assert out == "float32"
    assert stored == {
        "floatx": "float32",
        "epsilon": 1e-07,
        "backend": "numpy",
        "image_data_format": "channels_last",
    }
    stored.update(floatx="float16", epsilon=1e-4, image_data_format="channels_first")
    (tmp_path / "home" / "cornu.json").write_text(json.dumps(stored))
    out = run_cornu(
        "c = cornu.config; print(c.floatx(), c.epsilon(), c.image_data_format())",
        tmp_path,
        CORNU_BACKEND="numpy",
    )
    assert out == "float16 0.0001 channels_first"


def test_unwritable_home_never_breaks_import(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    out = run_cornu(
        "print(cornu.config.backend())",
        tmp_path,
        CORNU_BACKEND="numpy",
        CORNU_HOME=str(blocker / "home"),
    )
    assert out == "numpy"


def test_corrupt_config_file_is_ignored(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "cornu.json").write_text("{not json")
    assert run_cornu("print(cornu.config.floatx())", tmp_path, CORNU_BACKEND="numpy") == "float32"


@pytest.mark.parametrize("name", ["numpy", "jax", "torch"])
def test_import_loads_only_the_chosen_framework(tmp_path, name):
    if name != "numpy" and name not in INSTALLED:
        pytest.skip(f"{name} is not installed")
    out = run_cornu(
        "print(sorted(m for m in ('jax', 'torch', 'tensorflow') if m in sys.modules))",
        tmp_path,
        CORNU_BACKEND=name,
    )
    expected = [] if name == "numpy" else [name]
    assert out == str(expected)


def test_set_backend_reloads_and_keeps_the_module_object(tmp_path):
    code = (
        "import numpy as np\n"
        "before = cornu.ops.convert_to_tensor([1.0])\n"
        "keras = cornu\n"
        "cornu.config.set_backend('numpy')\n"
        "after = keras.ops.convert_to_tensor([1.0])\n"
        "print(keras.backend.backend(), type(before).__name__, type(after).__name__)\n"
    )
    assert run_cornu(code, tmp_path, CORNU_BACKEND="numpy") == "numpy ndarray ndarray"
    if "torch" in INSTALLED:
        code = code.replace("set_backend('numpy')", "set_backend('torch')")
        assert run_cornu(code, tmp_path, CORNU_BACKEND="numpy") == "torch ndarray Tensor"


def test_set_backend_to_a_missing_framework_raises_and_keeps_the_backend(tmp_path):
    code = (
        "import sys\n"
        "sys.modules['torch'] = None  # as if torch were not installed\n"
        "keras = cornu\n"
        "try:\n"
        "    cornu.config.set_backend('torch')\n"
        "except ImportError as e:\n"
        "    print('ImportError', 'cannot be imported' in str(e))\n"
        "print(keras.backend.backend(), keras.ops.convert_to_numpy(keras.ops.add(1.0, 2.0)))\n"
        "print(type(keras.layers.Dense(2)(keras.ops.ones((1, 3)))).__name__)\n"
    )
    out = run_cornu(code, tmp_path, CORNU_BACKEND="numpy").splitlines()
    assert out == ["ImportError True", "numpy 3.0", "ndarray"]


def test_setters_validate_and_round_trip():
    old = (config.floatx(), config.epsilon(), config.image_data_format())
    try:
        config.set_floatx("float16")
        config.set_epsilon(1e-5)
        config.set_image_data_format("channels_first")
        assert (config.floatx(), config.epsilon(), config.image_data_format()) == (
            "float16",
            1e-5,
            "channels_first",
        )
    finally:
        config.set_floatx(old[0])
        config.set_epsilon(old[1])
        config.set_image_data_format(old[2])
    with pytest.raises(ValueError, match="Unknown floatx 'int8'"):
        config.set_floatx("int8")
    with pytest.raises(ValueError, match="Unknown data_format 'nhwc'"):
        config.set_image_data_format("nhwc")
    with pytest.raises(TypeError, match="epsilon must be a float"):
        config.set_epsilon("small")
    with pytest.raises(ValueError, match="Unknown backend 'theano'"):
        config.set_backend("theano")
    with pytest.raises(ValueError, match="max_epochs must be None or a positive int"):
        config.set_max_epochs(0)


def test_flags():
    config.disable_interactive_logging()
    assert not config.is_interactive_logging_enabled()
    config.enable_interactive_logging()
    assert config.is_interactive_logging_enabled()
    config.set_max_steps_per_epoch(3)
    assert config.max_steps_per_epoch() == 3
    config.set_max_steps_per_epoch(None)
    assert config.is_nnx_enabled() is False


def test_global_dtype_policy():
    import cornu
    from cornu.dtype_policies import policy

    try:
        config.set_dtype_policy("mixed_float16")
        assert config.dtype_policy().name == "mixed_float16"
        layer = cornu.layers.Dense(2)
        assert layer.compute_dtype == "float16" and layer.variable_dtype == "float32"
    finally:
        policy._global_policy.pop("policy", None)  # back to "follow floatx()"
    assert config.dtype_policy().name == "float32"
    with pytest.raises(ValueError, match="received None of type NoneType"):
        config.set_dtype_policy(None)
    with pytest.raises(ValueError, match="Unknown dtype policy 'mixed_float8'"):
        config.set_dtype_policy("mixed_float8")
