"""`CenterCrop`: the central (height, width) window of images."""

from cornu import ops
from cornu.layers.preprocessing._image_args import (
    check_data_format,
    check_size,
    image_axes,
    resized_shape,
)
from cornu.layers.preprocessing.data_layer import DataLayer


class CenterCrop(DataLayer):
    """Crops the central `(height, width)` window of 3D (unbatched) or 4D (batched) images.

    The window starts at `(input_size - target_size) // 2` on each spatial axis. An image
    smaller than the target on either axis is instead resized (bilinear) after cropping the
    largest centred window with the target's aspect ratio. Outputs are in the compute dtype.

    Args:
        height, width: the output size.
        data_format: "channels_last" or "channels_first" (default: the global setting).

    Example:
        >>> CenterCrop(2, 2)(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]   # [[5, 6], [9, 10]]
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height = check_size("CenterCrop", "height", height)
        self.width = check_size("CenterCrop", "width", width)
        self.data_format = check_data_format("CenterCrop", data_format)
        self.built = True

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        return center_crop(x, self.height, self.width, self.data_format,
                           f"CenterCrop layer '{self.name}'")  # fmt: skip

    def compute_output_shape(self, input_shape):
        return resized_shape(
            f"CenterCrop layer '{self.name}'", input_shape, self.data_format, self.height,
            self.width,
        )  # fmt: skip

    def get_config(self):
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "data_format": self.data_format,
        }


def center_crop(x, height, width, data_format, layer_name):
    """The centred (height, width) window of 3D/4D images; images smaller than that are
    resized, keeping the largest centred window of the target aspect ratio."""
    h_axis, w_axis = image_axes(layer_name, x.shape, data_format)
    in_h, in_w = x.shape[h_axis], x.shape[w_axis]
    if in_h < height or in_w < width:
        return ops.image.resize(x, (height, width), crop_to_aspect_ratio=True,
                                data_format=data_format)  # fmt: skip
    top, left = (in_h - height) // 2, (in_w - width) // 2
    index = [slice(None)] * len(x.shape)
    index[h_axis] = slice(top, top + height)
    index[w_axis] = slice(left, left + width)
    return x[tuple(index)]
