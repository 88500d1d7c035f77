"""Test helpers shared by cornu's own tests (and usable by users' tests)."""

from cornu.testing.layer_checks import run_layer_test
from cornu.testing.op_checks import assert_op_matches, symbolic_like
