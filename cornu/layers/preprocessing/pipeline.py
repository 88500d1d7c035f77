"""`Pipeline`: applies a list of preprocessing layers one after another."""

from cornu.layers.layer import Layer
from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.saving import serialization_lib


class Pipeline(DataLayer):
    """Applies `layers` in order, each to the previous one's output (images or a dict of
    images, labels, boxes and masks), passing `training` on. Unlike `Sequential` it is a
    layer, not a model: it has no `fit` and also runs inside `tf.data` pipelines.

    Args:
        layers: a list of layers.
        name: the layer's name.

    Example:
        >>> augment = Pipeline([RandomFlip(), RandomRotation(0.1)])
        >>> augment(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, layers, name=None):
        super().__init__(name=name)
        if not isinstance(layers, (list, tuple)) or not all(isinstance(x, Layer) for x in layers):
            raise ValueError(
                f"Pipeline: layers must be a list of layers; received layers={layers!r}."
            )
        self.layers = list(layers)
        self.built = True

    def call(self, inputs, training=True):
        for layer in self.layers:
            inputs = layer(inputs, training=training)
        return inputs

    def compute_output_shape(self, input_shape):
        for layer in self.layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def get_config(self):
        return {
            "layers": [serialization_lib.serialize_keras_object(x) for x in self.layers],
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        layers = [
            serialization_lib.deserialize_keras_object(x, custom_objects) for x in config["layers"]
        ]
        return cls(layers, name=config.get("name"))
