"""Gives `Variable` and `KerasTensor` their Python operators (`+`, `@`, `<`, `x[i]`, ...).

Both classes live on floors below cornu.ops (the backend and cornu.graph) and cannot import
it. cornu/ops/__init__.py imports this module, which installs the operators (written once in
`cornu.backend.common.operators`) routed to cornu.ops, and KerasTensor's `reshape`/`squeeze`.
"""

# (cornu.ops is still being imported when this module runs: its ops are read when called.)
from cornu import ops
from cornu.backend.common import operators
from cornu.backend.common.variables import VariableBase
from cornu.graph.keras_tensor import KerasTensor


def _reshape(self, newshape):
    return ops.reshape(self, newshape)


def _squeeze(self, axis=None):
    return ops.squeeze(self, axis=axis)


def install_operators():
    """Installs the operators on Variable and KerasTensor, and KerasTensor's methods."""
    operators.install_operators(VariableBase, lambda variable: variable.value, ops)
    operators.install_operators(KerasTensor, lambda tensor: tensor, ops)
    KerasTensor.reshape = _reshape
    KerasTensor.squeeze = _squeeze


install_operators()
