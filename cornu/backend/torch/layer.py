"""On torch a Layer is a `torch.nn.Module`: its Variables' Parameters are the module's
parameters, and its sub-layers are submodules, so `layer.parameters()`, `torch.optim`,
`state_dict()` and `.to(device)` work on cornu layers and models."""

import torch

from cornu.backend.torch.core import Variable


class LayerMixin(torch.nn.Module):
    def _mixin_init(self):
        torch.nn.Module.__init__(self)

    def _on_variable_tracked(self, variable):
        storage = variable._storage
        if storage is None or any(p is storage for p in self._parameters.values()):
            return
        name, i = variable.name.replace(".", "_"), 1
        while name in self._parameters:
            name, i = f"{variable.name.replace('.', '_')}_{i}", i + 1
        self._parameters[name] = storage

    def _on_layer_tracked(self, layer, attribute=None):
        if any(m is layer for m in self._modules.values()):
            return
        name, i = layer.name.replace(".", "_"), 1
        while name in self._modules:
            name, i = f"{layer.name.replace('.', '_')}_{i}", i + 1
        self._modules[name] = layer

    def forward(self, *args, **kwargs):
        # torch.nn.Module machinery that calls forward() reaches the cornu call path.
        return self.__call__(*args, **kwargs)

    def __setattr__(self, name, value):

        if isinstance(value, Variable):
            # Stored as a plain attribute; its Parameter is registered by _on_variable_tracked
            # (possibly under the same name, which torch would otherwise refuse).
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)
