"""VGG19: VGG16 with four convolutions in each of the last three blocks (see `vgg16`)."""

from cornu.applications import vgg16
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg19"):  # fmt: skip
    return vgg16.build_vgg((2, 2, 4, 4, 4), "vgg19", name, include_top, weights, input_tensor,
                           input_shape, pooling, classes, classifier_activation)  # fmt: skip


VGG19.__doc__ = vgg16.VGG16.__doc__.replace("VGG16", "VGG19").replace(
    "vgg16.preprocess_input", "vgg19.preprocess_input"
)


def preprocess_input(x, data_format=None):
    """VGG's input scaling: `imagenet_utils.preprocess_input` with mode "caffe"."""
    return vgg16.preprocess_input(x, data_format=data_format)
