"""`TorchModuleWrapper`: a `torch.nn.Module` used as a cornu layer (torch backend only)."""

import base64
import io

from cornu import backend, config, tree
from cornu.layers.layer import Layer
from cornu.saving import serialization_lib


def _variable_on(parameter, name):
    """A cornu Variable whose storage *is* `parameter`, so training the Variable trains the
    torch module (and the module's own updates show in the Variable)."""
    variable = backend.Variable(
        initializer=parameter.detach(), trainable=parameter.requires_grad, name=name
    )
    variable._storage = parameter
    return variable


class TorchModuleWrapper(Layer):
    """Wraps a `torch.nn.Module` so it can be used in cornu models on the torch backend.

    Each parameter of the module becomes one of the layer's weights (sharing its storage),
    so `fit` trains the module's parameters, `trainable_weights` counts them and weight
    files hold them. Buffers (e.g. BatchNorm running statistics) stay the module's own; they
    travel with the module in the layer's config. Calling the layer calls the module.

    For symbolic use (a Functional model) the output shape comes from `output_shape` when
    given, else from running the module once on zeros (None dimensions taken as 1).

    Args:
        module: the `torch.nn.Module` to wrap.
        name: the layer's name.
        output_shape: the output shape including the batch dimension, e.g. `(None, 2)`.

    Example:
        >>> layer = TorchModuleWrapper(torch.nn.Linear(4, 2))
        >>> layer(np.ones((3, 4), "float32")).shape
        torch.Size([3, 2])
    """

    def __init__(self, module, name=None, output_shape=None, **kwargs):
        if backend.backend() != "torch":
            raise ValueError(
                "TorchModuleWrapper wraps torch modules, so it needs the torch backend; the "
                f"current backend is {backend.backend()!r}. Set CORNU_BACKEND=torch (or "
                "KERAS_BACKEND=torch) before importing cornu."
            )
        import torch

        if not isinstance(module, torch.nn.Module):
            raise TypeError(
                f"TorchModuleWrapper expects a torch.nn.Module; received {type(module).__name__}."
            )
        super().__init__(name=name, **kwargs)
        self.module = module.to(torch.get_default_device())
        self.output_shape = None if output_shape is None else tuple(output_shape)
        self._track_parameters()
        self.built = True

    def _track_parameters(self):
        self._module_variables = [
            _variable_on(parameter, key.replace(".", "_"))
            for key, parameter in self.module.named_parameters()
        ]
        for variable in self._module_variables:
            self._track(variable)

    def call(self, *args, training=None, **kwargs):
        # cornu's training flag sets the module's mode (BatchNorm, Dropout), as fit/predict
        # expect; a direct call without it leaves the module in the mode it is in.
        if training is not None and self.module.training != bool(training):
            self.module.train(bool(training))
        return self.module(*args, **kwargs)

    def compute_output_shape(self, input_shape):
        if self.output_shape is not None:
            return self.output_shape
        import torch

        batch_unknown = bool(input_shape) and input_shape[0] is None
        sample = torch.zeros([1 if d is None else d for d in input_shape])
        with torch.no_grad():
            out = self.module(sample)
        shapes = tree.map_structure(lambda t: tuple(t.shape), out)
        if batch_unknown:
            shapes = tree.map_shape_structure(lambda s: (None,) + tuple(s[1:]), shapes)
        return shapes

    def get_config(self):
        import torch

        buffer = io.BytesIO()
        torch.save(self.module, buffer)
        return {
            **super().get_config(),
            "module": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "output_shape": None if self.output_shape is None else list(self.output_shape),
        }

    @classmethod
    def from_config(cls, config_dict):
        config_dict = dict(config_dict)
        module = config_dict.pop("module")
        if isinstance(module, str):
            allowed = serialization_lib.in_safe_mode() is False
            if not (allowed or config.is_unsafe_deserialization_enabled()):
                raise ValueError(
                    "TorchModuleWrapper: restoring the wrapped torch module runs torch.load on "
                    "pickled data, which can execute arbitrary code, so it is refused. If you "
                    "trust the file, load it with `safe_mode=False` (or call "
                    "`cornu.config.enable_unsafe_deserialization()`)."
                )
            import torch

            module = torch.load(io.BytesIO(base64.b64decode(module)), weights_only=False)
        return cls(module, **config_dict)
