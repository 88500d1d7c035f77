"""The kernel contract: `backend/interface.py` names every kernel the front end calls, and the
backend in use provides each one, declared once.

The names the front end calls are read from the source with `ast`, so a kernel call added to
`cornu/ops` without a table entry (or a table entry nothing calls) fails here, on every backend,
before any user meets an AttributeError at the first call.
"""

import ast
import importlib
import pathlib

import pytest

import cornu
from cornu import config
from cornu.backend import interface
from cornu.backend.common.kernel_namespace import gather

CORNU_ROOT = pathlib.Path(cornu.__file__).parent


def _kernel_aliases(tree):
    """Names bound to `kernels(...)` anywhere in a module (`_k = kernels()`)."""
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Name) and func.id == "kernels":
                aliases.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return aliases


def _literal_strings(tree):
    """Module-level names bound to dict/tuple/list/set literals -> the string keys or items."""
    literals = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)):
            continue
        value = node.value
        items = value.keys if isinstance(value, ast.Dict) else getattr(value, "elts", None)
        if items is not None:
            literals[node.targets[0].id] = {
                i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)
            }
    return literals


def _loop_sources(tree, literals):
    """Loop variables that run over a module-level literal (`for name, doc in TABLE.items()`)."""
    sources = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.For):
            continue
        it = node.iter
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute):
            it = it.func.value  # TABLE.items() / TABLE.keys()
        if not (isinstance(it, ast.Name) and it.id in literals):
            continue
        target = node.target.elts[0] if isinstance(node.target, ast.Tuple) else node.target
        if isinstance(target, ast.Name):
            sources[target.id] = literals[it.id]
    return sources


def _is_kernel_probe(node, aliases, probe):
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == probe
        and len(node.args) >= 2
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id in aliases
    )


def _kernel_names_in(path):
    """(called kernel names, names probed with hasattr, unresolved call sites) of one file."""
    tree = ast.parse(path.read_text())
    aliases = _kernel_aliases(tree)
    if not aliases:
        return set(), set(), []
    called, probed, unresolved = set(), set(), []
    factories = {}  # helper taking a kernel name -> (position, parameter name)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            called.add(node.attr)
        for probe, bucket in (("getattr", called), ("hasattr", probed)):
            if _is_kernel_probe(node, aliases, probe):
                if isinstance(node.args[1], ast.Constant):
                    bucket.add(node.args[1].value)
                elif not isinstance(node.args[1], ast.Name):  # a Name: resolved below
                    unresolved.append(f"{path.relative_to(CORNU_ROOT)}:{node.lineno}")
        if isinstance(node, ast.FunctionDef):
            params = [a.arg for a in node.args.args]
            for inner in ast.walk(node):
                if _is_kernel_probe(inner, aliases, "getattr"):
                    arg = inner.args[1]
                    if isinstance(arg, ast.Name) and arg.id in params:
                        factories[node.name] = (params.index(arg.id), arg.id)
    loops = _loop_sources(tree, _literal_strings(tree))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in factories):
            continue
        position, keyword = factories[node.func.id]
        value = node.args[position] if len(node.args) > position else None
        value = next((k.value for k in node.keywords if k.arg == keyword), value)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            called.add(value.value)
        elif isinstance(value, ast.Name) and value.id in loops:
            called.update(loops[value.id])
        else:
            unresolved.append(f"{path.relative_to(CORNU_ROOT)}:{node.lineno}")
    return called, probed, unresolved


def _front_end_kernel_names():
    called, probed, unresolved = set(), set(), []
    for path in sorted(CORNU_ROOT.rglob("*.py")):
        if "backend" in path.relative_to(CORNU_ROOT).parts:
            continue
        c, p, u = _kernel_names_in(path)
        called |= c
        probed |= p
        unresolved += u
    return called, probed, unresolved


REQUIRED = {name for names in interface.KERNELS.values() for name in names}
OPTIONAL = set(interface.OPTIONAL_KERNELS)


def test_the_table_names_exactly_what_the_front_end_calls():
    called, probed, unresolved = _front_end_kernel_names()
    assert not unresolved, f"kernel names the contract test cannot read: {unresolved}"
    assert probed <= OPTIONAL, f"probed with hasattr but not optional: {probed - OPTIONAL}"
    assert not REQUIRED & OPTIONAL
    missing = called - REQUIRED - OPTIONAL
    assert not missing, f"called by cornu/ops but not in interface.KERNELS: {sorted(missing)}"
    stale = REQUIRED - called
    assert not stale, f"in interface.KERNELS but called by nothing: {sorted(stale)}"


def test_no_kernel_is_listed_under_two_families():
    seen = {}
    for family, names in interface.KERNELS.items():
        assert len(set(names)) == len(names), f"{family} lists a kernel twice"
        for name in names:
            assert name not in seen, f"{name} is listed under {seen.get(name)} and {family}"
            seen[name] = family


def _backend_package():
    return importlib.import_module(f"cornu.backend.{config.backend()}")


def test_the_backend_provides_every_required_kernel():
    package = _backend_package()
    assert isinstance(package.KERNEL_MODULES, tuple) and package.KERNEL_MODULES
    provided = gather(package.__name__, package.KERNEL_MODULES)  # raises if declared twice
    missing = REQUIRED - set(provided)
    assert not missing, f"the {config.backend()} backend lacks the kernels {sorted(missing)}"
    assert "pad_native" in provided or "pad_gather" in provided
    for name in REQUIRED:
        assert callable(provided[name]) or name.isupper(), name


def test_each_kernel_is_declared_in_one_module_of_the_backend():
    package = _backend_package()
    folder = pathlib.Path(package.__file__).parent
    declared = {}
    for module_name in package.KERNEL_MODULES:
        tree = ast.parse((folder / f"{module_name}.py").read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            else:
                continue
            for name in names:
                if name.startswith("_"):
                    continue
                assert name not in declared, (
                    f"{config.backend()}: {name} is declared in {declared[name]}.py and "
                    f"{module_name}.py"
                )
                declared[name] = module_name


def test_a_missing_kernel_is_a_clear_attribute_error():
    from cornu.ops.define import kernels

    with pytest.raises(AttributeError, match=f"The {config.backend()} backend has no kernel"):
        kernels().no_such_kernel_anywhere  # noqa: B018
