"""Application structure against real Keras: configs, layers, weights, recorded once.

A fixture `fixtures/<key>.json.gz` holds what the oracle built for `builder(**kwargs)` with
`weights=None`: the model's config (layers, their configs and connections), the weight paths
and shapes, and `count_params()`. `record_structure.py` writes it from Keras (run where Keras
is installed); `assert_same_structure(key)` builds the same model in cornu and compares.
"""

import gzip
import json
import math
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

# Config entries that differ between two correct builds of the same architecture.
IGNORED_CONFIG_KEYS = {"seed"}


def describe(keras, builder, kwargs):
    """What a user can observe of `keras.applications.<builder>(weights=None, **kwargs)`."""
    model = getattr(keras.applications, builder)(weights=None, **kwargs)
    config = json.loads(model.to_json())["config"]
    return {
        "builder": builder,
        "kwargs": kwargs,
        "name": model.name,
        "count_params": int(model.count_params()),
        "layers": [
            {
                "name": layer["name"],
                "class_name": layer["class_name"],
                "config": layer["config"],
                "inbound_nodes": layer.get("inbound_nodes"),
            }
            for layer in config["layers"]
        ],
        "input_layers": config.get("input_layers"),
        "output_layers": config.get("output_layers"),
        "weights": [[w.path, list(w.shape)] for w in model.weights],
    }


def fixture_keys(prefix=""):
    """The recorded keys whose name starts with `prefix`, sorted."""
    names = sorted(p.name[: -len(".json.gz")] for p in FIXTURES.glob(f"{prefix}*.json.gz"))
    return names


def load_fixture(key):
    with gzip.open(FIXTURES / f"{key}.json.gz", "rt") as f:
        return json.load(f)


def _normalize(value):
    # JSON turns tuples into lists and keeps floats; compare floats to 1e-6 relative.
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items() if k not in IGNORED_CONFIG_KEYS}
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    return value


def _same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return (
            isinstance(a, (int, float))
            and isinstance(b, (int, float))
            and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def assert_same_structure(key):
    """Builds the fixture's model in cornu and asserts it is Keras's, naming the first difference."""
    import cornu

    cornu.backend.clear_session()  # auto-named layers (input_layer, rescaling) count from 0
    expected = load_fixture(key)
    got = json.loads(json.dumps(describe(cornu, expected["builder"], expected["kwargs"])))
    assert got["name"] == expected["name"], (got["name"], expected["name"])
    got_layers = [(layer["name"], layer["class_name"]) for layer in got["layers"]]
    want_layers = [(layer["name"], layer["class_name"]) for layer in expected["layers"]]
    for i, (g, w) in enumerate(zip(got_layers, want_layers)):
        assert g == w, f"{key}: layer {i} is {g}, Keras has {w}"
    assert len(got_layers) == len(want_layers), (
        f"{key}: {len(got_layers)} layers, Keras has {len(want_layers)}; "
        f"extra: {got_layers[len(want_layers) :][:5] or want_layers[len(got_layers) :][:5]}"
    )
    for g, w in zip(got["layers"], expected["layers"]):
        for part in ("config", "inbound_nodes"):
            a, b = _normalize(g[part]), _normalize(w[part])
            if not _same(a, b):
                diff = (
                    {
                        k: (a.get(k), b.get(k))
                        for k in set(a) | set(b)
                        if not _same(a.get(k), b.get(k))
                    }
                    if isinstance(a, dict) and isinstance(b, dict)
                    else (a, b)
                )
                raise AssertionError(
                    f"{key}: layer {g['name']} {part} differs (cornu, Keras): {diff}"
                )
    for part in ("input_layers", "output_layers"):
        assert _same(_normalize(got[part]), _normalize(expected[part])), (part, got[part])
    assert got["weights"] == expected["weights"], next(
        (g, w) for g, w in zip(got["weights"] + [None], expected["weights"] + [None]) if g != w
    )
    assert got["count_params"] == expected["count_params"]
