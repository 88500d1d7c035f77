"""`CenterCrop`: the central (height, width) window of images."""

from cornu import ops
from cornu.layers.preprocessing import _targets
from cornu.layers.preprocessing._image_args import (
    check_data_format,
    check_size,
    image_axes,
    resized_shape,
)
from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.layers.preprocessing.resizing import resize_boxes, resize_window


class CenterCrop(DataLayer):
    """Crops the central `(height, width)` window of 3D (unbatched) or 4D (batched) images.

    The window starts at `(input_size - target_size) // 2` on each spatial axis. An image
    smaller than the target on either axis is instead resized (bilinear) after cropping the
    largest centred window with the target's aspect ratio. Outputs are in the compute dtype.

    Args:
        height, width: the output size.
        data_format: "channels_last" or "channels_first" (default: the global setting).
        bounding_box_format: (keyword) the format of the boxes of dict inputs
            `{"images", "bounding_boxes", "segmentation_masks"}`, cropped with their images.

    Example:
        >>> CenterCrop(2, 2)(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]   # [[5, 6], [9, 10]]
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        self.bounding_box_format = _targets.pop_box_format("CenterCrop", kwargs)
        super().__init__(**kwargs)
        self.height = check_size("CenterCrop", "height", height)
        self.width = check_size("CenterCrop", "width", width)
        self.data_format = check_data_format("CenterCrop", data_format)
        self.built = True

    def call(self, inputs):
        name = f"CenterCrop layer '{self.name}'"
        if isinstance(inputs, dict):
            return _targets.apply(
                self,
                inputs,
                lambda x: center_crop(x, self.height, self.width, self.data_format, name),
                lambda boxes, h, w: center_crop_boxes(boxes, h, w, self.height, self.width),
                lambda x: center_crop(x, self.height, self.width, self.data_format, name,
                                      "nearest"),
            )  # fmt: skip
        x = ops.cast(inputs, self.compute_dtype)
        return center_crop(x, self.height, self.width, self.data_format, name)

    def compute_output_spec(self, inputs, *args, **kwargs):
        if isinstance(inputs, dict):
            return _targets.output_spec(self, inputs, self.compute_output_shape)
        return super().compute_output_spec(inputs, *args, **kwargs)

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
            **_targets.box_format_config(self),
        }


def center_crop(x, height, width, data_format, layer_name, interpolation="bilinear"):
    """The centred (height, width) window of 3D/4D images; images smaller than that are
    resized (with `interpolation`), keeping the largest centred window of the target aspect
    ratio."""
    h_axis, w_axis = image_axes(layer_name, x.shape, data_format)
    in_h, in_w = x.shape[h_axis], x.shape[w_axis]
    if in_h < height or in_w < width:
        return ops.image.resize(x, (height, width), interpolation=interpolation,
                                crop_to_aspect_ratio=True, data_format=data_format)  # fmt: skip
    top, left = (in_h - height) // 2, (in_w - width) // 2
    index = [slice(None)] * len(x.shape)
    index[h_axis] = slice(top, top + height)
    index[w_axis] = slice(left, left + width)
    return x[tuple(index)]


def center_crop_boxes(boxes, in_h, in_w, height, width):
    """Pixel "xyxy" boxes of `(in_h, in_w)` images in the frame of `center_crop`'s output."""
    if in_h < height or in_w < width:
        window = resize_window(in_h, in_w, height, width, crop_to_aspect_ratio=True)
    else:
        window = ((in_h - height) // 2, (in_w - width) // 2, height, width)
    return resize_boxes(boxes, window, height, width)
