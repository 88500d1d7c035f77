"""The PyTorch backend: a Layer is a torch.nn.Module and a Variable a torch.nn.Parameter."""

from cornu.backend import interface
from cornu.backend.torch import core, random
from cornu.backend.torch.layer import LayerMixin
from cornu.backend.torch.optimizers import MULTI_TENSOR_UPDATE_STEPS

# The kernel topic modules, merged into one flat namespace on the first op
# (common/kernel_namespace.py); named, not imported, to keep `import cornu` fast.
KERNEL_MODULES = interface.KERNEL_TOPICS + ("rnn",)
