"""Finds parity cases: every `case_*` function marked with `@case` in `tests/parity/cases/`."""

import importlib
import os

CASES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")


def case_modules():
    return sorted(
        name[:-3]
        for name in os.listdir(CASES_DIR)
        if name.startswith("case_") and name.endswith(".py")
    )


def iter_cases(modules=None):
    """Yields (case id, function, options) in file order."""
    for module_name in modules or case_modules():
        module = importlib.import_module(f"tests.parity.cases.{module_name}")
        # A copy: running a case may add to the module's globals (__warningregistry__).
        for name, fn in list(vars(module).items()):
            if name.startswith("case_") and hasattr(fn, "parity"):
                yield f"{module_name[5:]}::{name[5:]}", fn, fn.parity
