"""Pins the public constructors of layers, optimizers, losses and metrics.

The snapshot in `fixtures/public_signatures.json` holds, for every public class of those
packages, its `inspect.signature` and the `get_config()` of a default instance and of one built
with non-default arguments. Refactors of the class bodies must leave all three as they are
(signatures are compared with Keras's elsewhere; configs are what saved models hold).

Regenerate it, only for a deliberate API change, with
`python tests/layers/test_signatures_stable.py --write`.
"""

import importlib
import inspect
import json
import pathlib
import re
import sys

import pytest

import cornu

SNAPSHOT = pathlib.Path(__file__).parent / "fixtures" / "public_signatures.json"
NAMESPACES = (
    "cornu.layers",
    "cornu.optimizers",
    "cornu.optimizers.schedules",
    "cornu.optimizers.legacy",
    "cornu.losses",
    "cornu.metrics",
)

# Values for arguments without a default, by argument name.
REQUIRED = {
    "filters": 4, "kernel_size": 3, "pool_size": 2, "output_size": 2, "units": 3, "rate": 0.5,
    "depth_multiplier": 2, "input_dim": 5, "output_dim": 3, "activation": "relu",
    "target_shape": (2, 3), "dims": (2, 1), "n": 2, "num_heads": 2, "key_dim": 4,
    "head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2, "equation": "ab,bc->ac",
    "output_shape": 3, "axes": 1, "stddev": 0.1, "l1": 0.0, "height": 4, "width": 4,
    "factor": 0.1, "height_factor": 0.1, "width_factor": 0.1, "num_classes": 3,
    "num_bins": 3, "max_tokens": 4, "initial_learning_rate": 0.1, "decay_steps": 10,
    "decay_rate": 0.5, "boundaries": [1, 2], "values": [0.1, 0.2, 0.3], "first_decay_steps": 10,
    "alpha": 0.5, "thresholds": 0.5, "recall": 0.5, "precision": 0.5, "specificity": 0.5,
    "sensitivity": 0.5, "target_class_ids": [0, 1], "scale": 1.0, "offset": 0.0,
    "mean": 0.0, "variance": 1.0, "normalized_shape": 3, "groups": 1, "learning_rate": 0.01,
}  # fmt: skip

# Arguments that are objects (a wrapped layer, a function), by class name; made afresh for
# each instance.
OBJECTS = {
    "Bidirectional": lambda: {"layer": cornu.layers.LSTM(2)},
    "RNN": lambda: {"cell": cornu.layers.SimpleRNNCell(2)},
    "StackedRNNCells": lambda: {"cells": [cornu.layers.SimpleRNNCell(2)]},
    "TimeDistributed": lambda: {"layer": cornu.layers.Dense(2)},
    "Wrapper": lambda: {"layer": cornu.layers.Dense(2)},
    "SpectralNormalization": lambda: {"layer": cornu.layers.Dense(2)},
    "CategoryEncoding": lambda: {"num_tokens": 3},
    "Discretization": lambda: {"num_bins": 3},
    "LossFunctionWrapper": lambda: {"fn": cornu.losses.hinge},
    "MeanMetricWrapper": lambda: {"fn": cornu.losses.hinge},
    "LossScaleOptimizer": lambda: {"inner_optimizer": cornu.optimizers.SGD()},
}

# Non-default values tried one by one (each kept only if the constructor accepts it).
OTHER = {
    "strides": 2, "padding": "same", "data_format": "channels_first", "dilation_rate": 1,
    "use_bias": False, "activation": "tanh", "kernel_initializer": "ones",
    "bias_initializer": "ones", "kernel_regularizer": "l2", "groups": 2, "output_padding": None,
    "depth_multiplier": 3, "keepdims": True, "axis": 1, "epsilon": 0.01, "momentum": 0.9,
    "center": False, "scale": False, "learning_rate": 0.5, "beta_1": 0.8, "beta_2": 0.9,
    "weight_decay": 0.01, "clipnorm": 1.0, "global_clipnorm": None, "use_ema": True,
    "ema_momentum": 0.9, "ema_overwrite_frequency": 3, "loss_scale_factor": 2.0,
    "gradient_accumulation_steps": 2, "nesterov": True, "amsgrad": True, "rho": 0.8,
    "centered": True, "from_logits": True, "label_smoothing": 0.1, "reduction": "sum",
    "dtype": "float64", "cropping": 2, "size": 3, "return_sequences": True, "go_backwards": True,
    "dropout": 0.2, "seed": 3, "staircase": True, "cycle": True, "power": 2.0,
    "warmup_target": 0.2, "warmup_steps": 4, "t_mul": 3.0, "m_mul": 0.5, "delta": 2.0,
    "noise_shape": (1, 2), "interpolation": "nearest", "mode": "tf_idf", "num_thresholds": 50,
    "name": "probe",
}  # fmt: skip


def public_classes():
    """(qualified name, class) for every public class of the namespaces, sorted."""
    found = {}
    for namespace in NAMESPACES:
        module = importlib.import_module(namespace)
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isclass(value):
                continue
            if not value.__module__.startswith("cornu."):
                continue
            found[f"{namespace}.{name}"] = value
    return sorted(found.items())


def _plain(value):
    """A JSON-able form of a config value that keeps tuples apart from lists (and drops the
    counter from generated names: `lstm_3` -> `lstm`)."""
    if isinstance(value, dict):
        return {
            str(k): re.sub(r"_\d+$", "", v) if k == "name" and isinstance(v, str) else _plain(v)
            for k, v in value.items()
        }
    if isinstance(value, tuple):
        return {"__tuple__": [_plain(v) for v in value]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    text = repr(value)
    return re.sub(r" at 0x[0-9a-f]+", "", f"{type(value).__name__}:{text}")


def _config(instance):
    return _plain(instance.get_config())


def _construct(cls, extra):
    params = inspect.signature(cls).parameters
    arguments = {
        p.name: REQUIRED[p.name]
        for p in params.values()
        if p.default is inspect.Parameter.empty
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        and p.name in REQUIRED
    }
    arguments.update(OBJECTS.get(cls.__name__, dict)())
    arguments.update(extra)
    return cls(**arguments)


def describe(cls):
    """Signature, default config and non-default config of `cls` (for a class the tables
    above cannot build, the error type in place of the configs)."""
    entry = {"signature": str(inspect.signature(cls))}
    try:
        entry["config"] = _config(_construct(cls, {}))
    except Exception as error:  # abstract bases and arguments the tables lack
        entry["config"] = f"unbuilt: {type(error).__name__}"
        return entry
    params = inspect.signature(cls).parameters
    takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
    chosen = {}
    for name, value in OTHER.items():
        if name not in params and not (name == "name" and takes_kwargs):
            continue
        try:
            _construct(cls, {**chosen, name: value}).get_config()
        except Exception:  # a value this class rejects: leave it out
            continue
        chosen[name] = value
    entry["other_arguments"] = sorted(chosen)
    entry["other_config"] = _config(_construct(cls, chosen))
    return entry


def snapshot():
    return {name: describe(cls) for name, cls in public_classes()}


def _text(entry):
    # Key order matters (get_config order is part of the saved format): compare as text.
    return json.dumps(entry, indent=1)


EXPECTED = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {}


def test_snapshot_covers_every_public_class():
    assert sorted(EXPECTED) == [name for name, _ in public_classes()]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_signature_and_config_unchanged(name):
    module, _, attribute = name.rpartition(".")
    cls = getattr(importlib.import_module(module), attribute)
    found = describe(cls)
    assert found == EXPECTED[name]
    assert _text(found) == _text(EXPECTED[name]), "same config, other key order"


if __name__ == "__main__":
    if "--write" in sys.argv:
        SNAPSHOT.write_text(_text(snapshot()) + "\n")
    else:
        print(_text(snapshot()))
