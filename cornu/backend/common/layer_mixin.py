"""The backend half of `Layer` for backends whose layers need no framework base class."""


class LayerMixin:
    """No-op hooks; the torch backend replaces this with an `nn.Module` mixin."""

    def _mixin_init(self):
        pass

    def _on_variable_tracked(self, variable):
        pass

    def _on_layer_tracked(self, layer, attribute=None):
        pass
