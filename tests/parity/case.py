"""The `@case` marker for parity cases.

A case is a function `case_<name>(keras, H)` in a module `tests/parity/cases/case_*.py`. It
receives the library under test as `keras` (real Keras or cornu) and the helpers `H`
(`tests/parity/observe.py`), and returns what a user could observe. The harness runs it under
both libraries in separate processes, with the same backend and seeds, and compares the
returns. Options:

    @case(backends=("jax", "torch", "tensorflow", "numpy"), rtol=1e-4, atol=1e-5)
"""

TRAINING = ("jax", "torch", "tensorflow")
ALL = ("jax", "torch", "tensorflow", "numpy")


def case(backends=TRAINING, rtol=1e-5, atol=1e-6, timeout=120):
    def mark(fn):
        fn.parity = {"backends": tuple(backends), "rtol": rtol, "atol": atol, "timeout": timeout}
        return fn

    return mark
