"""Differential tests: every parity case run under real Keras and under cornu, compared.

Both libraries run in their own child process (`tests/parity/child.py`) with this session's
backend; all cases of the suite run once per library per session, then each case is one test.
Real Keras is a test-only dependency (the `test` extra pins it); without it these tests skip.
`PARITY_CASES=case_fit,case_callbacks` limits the modules run; `PARITY_TIMINGS=<folder>` writes
each child's seconds per case there.
"""

import concurrent.futures
import importlib.util
import json
import os
import tempfile

import pytest

from cornu import backend
from tests.parity.children import run_child
from tests.parity.compare import differences
from tests.parity.registry import case_modules, iter_cases

KERAS_MISSING = importlib.util.find_spec("keras") is None
BACKEND = backend.backend()

_MODULES = [
    m
    for m in case_modules()
    if not os.environ.get("PARITY_CASES") or m in os.environ["PARITY_CASES"].split(",")
]
_CASES = [(cid, opts) for cid, fn, opts in iter_cases(_MODULES) if BACKEND in opts["backends"]]


def _run_child(package, out_dir):
    out = os.path.join(out_dir, f"{package}.pkl")
    # The children see the same strictness as users do: no test-only JAX flags.
    found = run_child(
        "tests.parity.child",
        package,
        [out, *_MODULES],
        out,
        BACKEND,
        3000,
        "parity",
        drop_env=("JAX_ENABLE_X64", "JAX_NUMPY_DTYPE_PROMOTION"),
    )
    if os.environ.get("PARITY_TIMINGS"):  # a folder: each child's seconds per case, as JSON
        path = os.path.join(os.environ["PARITY_TIMINGS"], f"{package}_{BACKEND}.json")
        with open(path, "w") as f:
            json.dump(found.get("seconds", {}), f, indent=1, sort_keys=True)
    return found["results"]


@pytest.fixture(scope="session")
def parity_results():
    if KERAS_MISSING:
        pytest.skip("real Keras (the oracle) is not installed: pip install -e '.[test]'")
    with tempfile.TemporaryDirectory() as out_dir:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            keras_future = pool.submit(_run_child, "keras", out_dir)
            cornu_future = pool.submit(_run_child, "cornu", out_dir)
            return keras_future.result(), cornu_future.result()


def _describe(result):
    if "ok" in result:
        return None
    if "timeout" in result:
        return "timed out"
    return f"{result['error']!r}\n{result.get('traceback', '')}"


@pytest.mark.parametrize("case_id,options", _CASES, ids=[c for c, _ in _CASES])
def test_parity(case_id, options, parity_results):
    expected_all, actual_all = parity_results
    expected, actual = expected_all[case_id], actual_all[case_id]
    problem = _describe(expected)
    if problem is not None:
        pytest.fail(f"the case itself fails under real Keras: {problem}")
    problem = _describe(actual)
    if problem is not None:
        pytest.fail(f"fails under cornu, passes under Keras: {problem}")
    found = differences(expected["ok"], actual["ok"], options["rtol"], options["atol"])
    assert not found, "cornu differs from Keras:\n" + "\n".join(found[:20])
