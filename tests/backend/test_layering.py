"""The backend is the ground floor: nothing under cornu/backend imports the floors above it.

Every `.py` file under cornu/backend is parsed (not imported, so every backend is checked on
any backend) and each import, top-level or inside a function, is compared with the floors
above. The upper floors reach the backend by registering with it (`common.symbolic`,
`common.session`, `common.variables.register_initializer_lookup`) and by installing the tensor
operators (cornu/ops/operators.py).
"""

import ast
import pathlib

import pytest

import cornu
from cornu import models

BACKEND_DIR = pathlib.Path(cornu.__file__).parent / "backend"
UPPER_FLOORS = (
    "cornu.ops",
    "cornu.layers",
    "cornu.models",
    "cornu.trainers",
    "cornu.graph",
    "cornu.random",
    "cornu.utils",
    "cornu.losses",
    "cornu.metrics",
    "cornu.optimizers",
    "cornu.callbacks",
    "cornu.saving",
)


def _package_of(path):
    """The dotted package a file under cornu/ belongs to (for relative imports)."""
    return ".".join(path.relative_to(BACKEND_DIR.parent.parent).parts[:-1])


def imported_modules(source, package):
    """`(line, dotted name)` of every module `source` imports, at any depth.

    `from a import b` yields both `a` and `a.b` (b may be a submodule); relative imports are
    resolved against `package`; `importlib.import_module("...")` with a literal counts too.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if name in ("import_module", "__import__") and isinstance(first, ast.Constant):
                if isinstance(first.value, str):
                    found.append((node.lineno, first.value))
    return found


def upward_imports(source, package):
    """The imports in `source` that name a floor above the backend."""
    return [
        (line, name)
        for line, name in imported_modules(source, package)
        if any(name == floor or name.startswith(floor + ".") for floor in UPPER_FLOORS)
    ]


BACKEND_FILES = sorted(BACKEND_DIR.rglob("*.py"))


@pytest.mark.parametrize(
    "path", BACKEND_FILES, ids=[str(p.relative_to(BACKEND_DIR)) for p in BACKEND_FILES]
)
def test_backend_file_imports_no_upper_floor(path):
    found = upward_imports(path.read_text(encoding="utf-8"), _package_of(path))
    assert not found, (
        f"cornu/backend/{path.relative_to(BACKEND_DIR)} imports floors above the backend: "
        + ", ".join(f"{name} (line {line})" for line, name in found)
        + ". Pass what it needs in, or let the upper floor register with backend/common."
    )


@pytest.mark.parametrize(
    "source,expected",
    [
        ("from cornu.trainers.trainer import Trainer",
         ["cornu.trainers.trainer", "cornu.trainers.trainer.Trainer"]),
        ("def f():\n    from cornu import ops\n", ["cornu.ops"]),
        ("import cornu.graph.keras_tensor", ["cornu.graph.keras_tensor"]),
        ("from ...utils import data_packing", ["cornu.utils", "cornu.utils.data_packing"]),
        ("importlib.import_module('cornu.random')", ["cornu.random"]),
        ("from cornu import config, tree", []),
        ("from . import core", []),
        ("from cornu.operations import x", []),  # (a prefix of a name is not that name)
    ],
    ids=["top-level", "function-local", "import-statement", "relative", "import-module",
         "config-and-tree", "same-backend", "name-prefix"],
)  # fmt: skip
def test_the_check_finds_upward_imports(source, expected):
    found = upward_imports(source, "cornu.backend.jax")
    assert sorted(name for _, name in found) == expected


def test_model_has_one_trainer():
    names = [cls.__name__ for cls in models.Model.__mro__]
    assert names.count("Trainer") == 1, names
