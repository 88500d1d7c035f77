"""`keras.applications.resnet50`: ResNet50 and its input scaling, the same objects as in `resnet`."""

from cornu.applications.resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
