"""`Sequential`: a plain stack of layers, each taking the previous one's output."""

from cornu import tree
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.operation import auto_name
from cornu.layers.core.input_layer import Input, InputLayer
from cornu.layers.layer import Layer
from cornu.models.functional import Functional
from cornu.models.model import Model
from cornu.saving import serialization_lib


class Sequential(Model):
    """A model made of layers applied in order.

    Args:
        layers: the layers (an `InputLayer` or `cornu.Input(...)` first fixes the input shape;
            otherwise the model builds on its first call or `build(input_shape)`).
        trainable: whether the model's weights train.
        name: the model's name.

    Example:
        >>> model = Sequential([cornu.Input((4,)), cornu.layers.Dense(2)])
        >>> model.output_shape
        (None, 2)
    """

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        object.__setattr__(self, "_functional", None)
        self._stack = []
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Appends a layer (an Input KerasTensor stands for its InputLayer)."""
        if isinstance(layer, KerasTensor):
            history = layer._keras_history
            if history is None or not isinstance(history.operation, InputLayer):
                raise ValueError(
                    "Sequential.add only takes KerasTensors made by cornu.Input; received "
                    f"{layer!r}."
                )
            layer = history.operation
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential.add expects a Layer; received {layer!r} ({type(layer).__name__})."
            )
        if isinstance(layer, InputLayer) and self._stack:
            if isinstance(self._stack[0], InputLayer):
                raise ValueError(
                    f"Sequential model '{self.name}' already has an input layer; a second "
                    f"one ('{layer.name}') cannot be added."
                )
            raise ValueError("An InputLayer can only be the first layer of a Sequential model.")
        if any(existing.name == layer.name for existing in self._stack):
            raise ValueError(
                f"All layers of Sequential model '{self.name}' need unique names; '{layer.name}' "
                "is already there."
            )
        self._stack.append(layer)
        self._track(layer)
        self.built = False
        object.__setattr__(self, "_functional", None)
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        """Removes and returns the last layer."""
        body = [layer for layer in self._stack if not isinstance(layer, InputLayer)]
        if not body:
            raise IndexError(f"Sequential model '{self.name}' has no layers to pop.")
        layer = body[-1]
        self._stack.remove(layer)
        self._layers = [x for x in self._layers if x is not layer]
        if hasattr(self, "_modules"):  # torch: drop the submodule too
            for key in [k for k, m in self._modules.items() if m is layer]:
                del self._modules[key]
        object.__setattr__(self, "_functional", None)
        self.built = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _input_batch_shape(self):
        if not self._stack:
            return None
        first = self._stack[0]
        if isinstance(first, InputLayer):
            return first.batch_shape
        return getattr(first, "_batch_input_shape", None)

    def _maybe_rebuild(self):
        shape = self._input_batch_shape()
        if shape is not None and len(self._stack) > (
            1 if isinstance(self._stack[0], InputLayer) else 0
        ):
            self.build(shape)

    def build(self, input_shape=None):
        """Builds every layer by running the stack on an Input of `input_shape`."""
        if input_shape is None:
            input_shape = self._input_batch_shape()
        if input_shape is None:
            raise ValueError(
                f"Sequential model '{self.name}' cannot build without an input shape: add an "
                "Input first or call build(input_shape)."
            )
        first = self._stack[0] if self._stack else None
        if isinstance(first, InputLayer):
            inputs = first._output_tensor
        else:
            inputs = Input(batch_shape=tuple(input_shape))
            input_layer = inputs._keras_history.operation
            self._stack.insert(0, input_layer)
            self._track(input_layer)
        x = inputs
        for layer in self._stack[1:]:
            x = layer(x)
        # Keras builds an unnamed Functional here, which takes the next "functional_N" name;
        # take it too, so the user's later Functional models are numbered as in Keras.
        auto_name("functional")
        graph = Functional(inputs, x, name=f"{self.name}_graph")
        graph._layers = []  # the Sequential owns the layers, not its graph
        # object.__setattr__: on torch the graph must not become a second owner (submodule).
        object.__setattr__(self, "_functional", graph)
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask)
        x = inputs
        for layer in self._stack:
            if isinstance(layer, InputLayer):
                continue
            kwargs = {}
            takes_training, takes_mask = layer._call_flags
            if takes_training and training is not None:
                kwargs["training"] = training
            x = layer(x, **kwargs)
        return x

    def _check_data_shapes(self, inputs):
        """See `Functional._check_data_shapes` (a no-op until the model is built)."""
        if self._functional is not None:
            self._functional._check_data_shapes(inputs)

    def _maybe_build(self, args, kwargs=None):
        if not self.built and args:
            shape = tree.map_structure(lambda t: tuple(t.shape), args[0])
            self.build((None,) + tuple(shape[1:]))
            self._build_shapes = shape

    def compute_output_spec(self, inputs, training=None, mask=None):
        if self._functional is None:
            self.build(tuple(inputs.shape))
        return self._functional.compute_output_spec(inputs, training=training, mask=mask)

    @property
    def layers(self):
        """The layers, without the InputLayer (as in Keras)."""
        return [layer for layer in self._stack if not isinstance(layer, InputLayer)]

    def _built_graph(self, what):
        if self._functional is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has no {what} yet: it is built by an Input "
                "layer, a first call, or build(input_shape)."
            )
        return self._functional

    @property
    def inputs(self):
        return self._built_graph("inputs").inputs

    @property
    def outputs(self):
        return self._built_graph("outputs").outputs

    @property
    def input_shape(self):
        return self._built_graph("input shape").inputs[0].shape

    @property
    def output_shape(self):
        return self._built_graph("output shape").outputs[0].shape

    @property
    def _flat_outputs(self):
        return self._functional.outputs if self._functional is not None else None

    def get_config(self):
        config = {
            **Model.get_config(self),
            "layers": [serialization_lib.serialize_keras_object(layer) for layer in self._stack],
        }
        if self._functional is not None:
            config["build_input_shape"] = tuple(self._functional.inputs[0].shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config.get("layers", []):
            model.add(
                serialization_lib.deserialize_keras_object(layer_config, custom_objects),
                rebuild=False,
            )
        model._maybe_rebuild()
        if not model.built and config.get("build_input_shape") is not None and model._stack:
            model.build(tuple(config["build_input_shape"]))
        return model
