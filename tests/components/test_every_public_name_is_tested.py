"""Guard: every public name of cornu.losses, cornu.metrics, cornu.optimizers and
cornu.optimizers.schedules is used (as `<module>.<name>`) somewhere in their tests, so a new
loss, metric or optimizer cannot land without one."""

import inspect
import pathlib
import re

import pytest

from cornu import losses, metrics, optimizers
from cornu.optimizers import legacy, schedules

TESTS = pathlib.Path(__file__).resolve().parents[1]
FOLDERS = ("losses", "metrics", "optimizers", "components")


def _test_sources():
    return "\n".join(
        path.read_text()
        for folder in FOLDERS
        for path in sorted((TESTS / folder).glob("test_*.py"))
    )


@pytest.mark.parametrize(
    "module,alias",
    [(losses, "losses"), (metrics, "metrics"), (optimizers, "optimizers"),
     (schedules, "schedules"), (legacy, "legacy")],
    ids=["losses", "metrics", "optimizers", "schedules", "legacy"],
)  # fmt: skip
def test_every_public_name_is_referenced_by_a_test(module, alias):
    names = [
        n for n in getattr(module, "__all__", dir(module))
        if not n.startswith("_") and not inspect.ismodule(getattr(module, n))
    ]  # fmt: skip
    source = _test_sources()
    untested = [n for n in names if not re.search(rf"\b{alias}\.{re.escape(n)}\b", source)]
    assert names and not untested, f"{module.__name__} names without a test: {untested}"
