"""`Model`: a Layer that trains. `Model(inputs, outputs)` makes a Functional model;
subclassing `Model` and writing `call` makes a subclassed one."""

import json

from cornu.export import saved_model
from cornu.layers.layer import Layer
from cornu.metrics.metric import Metric
from cornu.saving import saving_api, serialization_lib
from cornu.trainers.trainer import Trainer
from cornu.utils.summary import print_summary  # (a module name would clash with the method)


class Model(Trainer, Layer):
    """A trainable model: a Layer with `compile`, `fit`, `evaluate`, `predict`.

    `Model(inputs, outputs, name=None)` builds a Functional model from KerasTensors; a
    subclass defines its layers in `__init__` and its forward pass in `call`.

    Example:
        >>> inputs = cornu.Input((4,))
        >>> outputs = cornu.layers.Dense(1)(inputs)
        >>> model = cornu.Model(inputs, outputs)
        >>> model.compile(optimizer="adam", loss="mse")
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _functional_arguments(args, kwargs):
            return Layer.__new__(_functional_class())
        return Layer.__new__(cls)

    def __init__(self, *args, **kwargs):
        if _functional_arguments(args, kwargs):
            # A Model subclass given (inputs, outputs) becomes a Functional model of its own
            # class: its methods stay, the graph machinery comes from Functional.
            Functional = _functional_class()
            if not isinstance(self, Functional):
                object.__setattr__(self, "__class__", _functional_subclass(type(self)))
            Functional.__init__(self, *args, **kwargs)
            return
        if args:
            raise TypeError(
                f"{type(self).__name__}() takes (inputs, outputs) to build a Functional model, "
                f"or only keyword arguments (name, trainable, dtype); received {len(args)} "
                "positional argument(s)."
            )
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype, **kwargs)
        self._tracked_metrics = []
        self._trainer_init()

    def _track(self, value):
        if isinstance(value, Metric):
            if all(m is not value for m in getattr(self, "_tracked_metrics", [])):
                self.__dict__.setdefault("_tracked_metrics", []).append(value)
            return value
        return super()._track(value)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if "input_layers" in config and "output_layers" in config:
            return _functional_class().from_config(config, custom_objects=custom_objects)
        return cls(**config)

    @property
    def layers(self):
        """The direct sub-layers, in the order they were assigned."""
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """A layer by name or by index in `layers`."""
        if (name is None) == (index is None):
            raise ValueError("get_layer needs exactly one of `name` or `index`.")
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"get_layer: index {index} is out of range; model '{self.name}' has "
                    f"{len(layers)} layers."
                )
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No layer named '{name}' in model '{self.name}'. Layers: "
            f"{[layer.name for layer in layers]}."
        )

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):  # fmt: skip
        """Prints the layers with their output shapes and parameter counts (Keras's table)."""
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)  # fmt: skip

    def build(self, input_shape=None):
        self.built = True

    # -- saving (the formats live in cornu/saving) ----------------------------------------

    def quantize(self, mode=None, config=None, filters=None, **kwargs):
        """Quantizes every quantizable layer (Dense, EinsumDense, Embedding) of the model.

        Args:
            mode: "int8" (other Keras modes raise NotImplementedError in cornu for now).
            config: a quantization config (its mode is used when `mode` is None).
            filters: which layers: a regex (or list of them) searched in layer names, or a
                function of the layer returning a bool. None: all.
        """
        from cornu.layers.core import quantized_layer  # loaded when a model is quantized

        quantized_layer.quantize_model(self, mode, config, filters)
        self.train_function = self.test_function = self.predict_function = None

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the model (architecture, weights, compile state) as a `.keras` file."""
        return saving_api.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Saves the weights to a `.weights.h5` file (Keras's layout)."""
        return saving_api.save_weights(
            self, filepath, overwrite=overwrite, max_shard_size=max_shard_size
        )

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Loads weights saved by `save_weights` (or a `.keras` / legacy `.h5` file)."""
        return saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def export(self, filepath, format="tf_saved_model", verbose=None, input_signature=None,
               **kwargs):  # fmt: skip
        """Exports the inference call for serving.

        `format="tf_saved_model"`: a TensorFlow SavedModel with a `serve` endpoint (and the
        `serving_default` signature; tensorflow and jax backends), see
        `cornu.export.ExportArchive`. `format="onnx"`: one ONNX file (jax, torch and tensorflow
        backends; no TensorFlow needed on jax and torch), see `cornu.export.onnx.export_onnx`.
        """
        return saved_model.export_model(
            self,
            filepath,
            format=format,
            verbose=verbose,
            input_signature=input_signature,
            **kwargs,
        )

    def to_json(self, **kwargs):
        """The model's architecture as a JSON string (see `cornu.models.model_from_json`)."""
        return json.dumps(serialization_lib.serialize_keras_object(self), **kwargs)


def _functional_arguments(args, kwargs):
    """True when a Model constructor call gives both inputs and outputs."""
    return (
        len(args) >= 2
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


_FUNCTIONAL_SUBCLASSES = {}


def _functional_subclass(cls):
    """`cls` with Functional mixed in (one class per user class, so instances share a type)."""
    made = _FUNCTIONAL_SUBCLASSES.get(cls)
    if made is None:
        made = type(cls.__name__, (cls, _functional_class()), {"__module__": cls.__module__})
        made.__qualname__ = cls.__qualname__
        _FUNCTIONAL_SUBCLASSES[cls] = made
    return made


def _functional_class():
    # lazy: cornu.models.functional defines Functional as a subclass of this module's Model
    from cornu.models.functional import Functional

    return Functional
