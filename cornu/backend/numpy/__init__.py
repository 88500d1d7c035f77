"""The NumPy backend: inference only (no gradients)."""

from cornu.backend import interface
from cornu.backend.common.layer_mixin import LayerMixin
from cornu.backend.numpy import core, random

# The kernel topic modules, merged into one flat namespace on the first op
# (common/kernel_namespace.py); named, not imported, to keep `import cornu` fast.
KERNEL_MODULES = interface.KERNEL_TOPICS
